// Frame selection, applied in the read stage before anything is dissected: a tcpdump
// filter (--filter, compiled by libpcap's BPF compiler for each link type met), frame
// numbers (--frames 100-200,305) and a count of selected frames (--count). Runs in the
// serial read stage, so --count stops reading exactly where a sequential run would.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/capture/batch.h"
#include "engine/util/status.h"

namespace pcapkit::stages {

class Selection {
 public:
  // A bad --frames list or a filter libpcap cannot compile (with the compiler's message)
  // is InvalidArgument.
  static Status Make(const std::string& filter, const std::string& frames, uint64_t count,
                     std::unique_ptr<Selection>* out);
  ~Selection();
  Selection(const Selection&) = delete;
  Selection& operator=(const Selection&) = delete;

  bool active() const { return !filter_.empty() || !ranges_.empty() || count_ != 0; }
  // Drops the frames of `batch` that are not selected (file records stay, in place).
  // Fails when the filter does not compile for a link type met for the first time.
  Status Apply(capture::Batch& batch);
  // A frame known by its number only (a foreign engine's record; no filter applies):
  // whether --frames and --count select it, counted as Apply counts.
  bool Select(uint64_t number);
  // No frame after this point can be selected: reading may stop.
  bool done() const { return done_; }
  // A new capture begins (several inputs): its frames count from 1 again, and --frames
  // and --count apply to it afresh.
  void Restart() {
    selected_ = 0;
    done_ = false;
  }

 private:
  Selection(const std::string& filter, uint64_t count);
  Status ParseFrames(const std::string& frames);
  bool Wanted(uint64_t number) const;
  Status Passes(const capture::FrameRecord& f, const uint8_t* data, bool* passes);

  struct Program;
  std::string filter_;
  std::map<uint32_t, std::unique_ptr<Program>> programs_;  // per link type
  std::vector<std::pair<uint64_t, uint64_t>> ranges_;      // inclusive, sorted
  uint64_t count_ = 0;
  uint64_t selected_ = 0;
  bool done_ = false;
};

}  // namespace pcapkit::stages
