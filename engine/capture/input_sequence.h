// The captures of one run, read one after the other: `pcapkit extract a.pcap b.pcapng dir/`.
// Each capture keeps its own frame numbers; with several, each frame and file record names
// its capture, and a capture that cannot be opened, or breaks off, is noted and the next
// one read (what came before the fault is still delivered).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/capture/reader.h"

namespace pcapkit::capture {

// The arguments as captures: a folder stands for the captures in it (files whose first
// bytes, decompressed, are a capture's magic; not its subfolders), in name order. A path
// that does not exist stays in the list (it fails when its turn comes, as a file would).
// A path met twice is kept where it first appears.
// A folder with no capture in it is CorruptInput (an input error).
Status ExpandInputs(const std::vector<std::string>& arguments, std::vector<std::string>* paths);

// True when `path` opens and its first bytes (decompressed) are a capture format's magic.
bool LooksLikeCapture(const std::string& path);

struct InputFault {
  std::string file;
  Status status;  // CorruptInput: the message names the file, the frame and the offset
};

class InputSequence {
 public:
  struct Settings {
    size_t batch_bytes;
    uint32_t max_record_bytes;
    const std::atomic<bool>* stop;
  };
  // One capture, already open: its fault is the run's (status()).
  explicit InputSequence(std::unique_ptr<Reader> only);
  // Several captures, opened in turn when reached: their faults are noted (faults()).
  InputSequence(std::vector<std::string> paths, Settings settings);

  // The next batch, from the current capture or the next that has one. `*first` is set
  // when it is the first batch of a capture (a selection restarts there).
  bool Next(Batch& batch, bool* first);
  // Several captures: the rest of the current one is not read (nothing more of it is
  // wanted); the next Next() opens the next capture.
  void SkipRest() { reader_.reset(); }
  // The single capture's fault, or Ok.
  const Status& status() const;
  // With several captures: those skipped or cut short, in order.
  const std::vector<InputFault>& faults() const { return faults_; }
  bool several() const { return !paths_.empty(); }  // else one reader, given open
  // The finest timestamp resolution the captures may carry, in decimal digits (see
  // Reader::resolution_digits); several captures are not known ahead: 9.
  uint8_t resolution_digits() const { return several() ? 9 : reader_->resolution_digits(); }
  // Their paths, as given and expanded.
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  bool OpenNext();
  void Label(Batch& batch) const;

  std::vector<std::string> paths_;
  Settings settings_{};
  size_t next_ = 0;     // the next path to open
  size_t current_ = 0;  // the path the reader reads
  std::unique_ptr<Reader> reader_;
  static constexpr size_t kNone = ~size_t(0);
  size_t first_delivering_ = kNone;  // the first path that gave a batch
  bool fresh_ = false;               // the reader has given no batch yet
  std::vector<InputFault> faults_;
  Status ok_;
};

}  // namespace pcapkit::capture
