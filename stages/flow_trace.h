// trace: each flow's frames into a file of its own (formats/trace_files.h), and an index
// line per file when its flow ends (FOLDER/index.ndjson: `fpout`, `index`, `label` and the
// flow record). Driven by the flow stage, serially and in capture order, so the files and
// the index are the same bytes under every strategy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "engine/flows/flow_table.h"
#include "formats/report_stream.h"
#include "formats/trace_files.h"
#include "stages/batch_stages.h"

namespace pcapkit::stages {

class FlowTrace {
 public:
  // `all`: every flow, else TCP's only; `unidirectional`: a file per direction.
  FlowTrace(std::unique_ptr<formats::TraceFiles> files, bool all, bool unidirectional,
            std::unique_ptr<formats::ReportWriter> index_writer,
            std::unique_ptr<formats::Output> index);
  ~FlowTrace();

  // The packet `p` of the batch in `item`, counted to the flow `ref`: into its file.
  Status Add(const flows::FlowRef& ref, const flows::FlowPacket& p, const WorkItem& item);
  // The flow ended: its files are closed and indexed.
  void End(const FlowRecord& r);
  // The first failure of End (kept: the flow table's callback cannot return one).
  const Status& status() const { return status_; }
  // Every file closed, the index written.
  Status Finish();

  uint64_t files() const { return files_->created(); }
  uint64_t frames() const { return frames_; }
  const std::string& index_path() const { return index_->path(); }

 private:
  struct Direction {
    bool open = false;
    formats::TraceFiles::Id file = 0;
    std::string index;  // the frame numbers, as varint deltas
    uint64_t last = 0;
  };
  struct Traced {
    Direction direction[2];  // bidirectional: [0] only
  };
  void Index(const Direction& d, const FlowRecord& r);

  std::unique_ptr<formats::TraceFiles> files_;
  bool all_, unidirectional_;
  std::unique_ptr<formats::ReportWriter> index_writer_;
  std::unique_ptr<formats::Output> index_;
  formats::ReportStream index_report_;
  std::unordered_map<uint64_t, Traced> traced_;  // by flow number
  uint64_t frames_ = 0;
  Status status_;
};

}  // namespace pcapkit::stages
