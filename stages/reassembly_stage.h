// The stateful stage: reassembly. It runs serially, on batches in capture order (every
// strategy guarantees that), between the parallel processing and the writer, so its
// records come out the same whichever strategy ran — and the same as the C++ API's
// Reassembler gives for the same frames.
//
// The parallel stage has already found each frame's IP fragment and TCP segment
// (WorkItem::inputs, pointers into the batch's bytes); this stage feeds them to the
// reassembly engine and writes what it hands out, in order, to the reassembly report.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/reassembly/engine.h"
#include "formats/out_buffer.h"
#include "formats/output_file.h"
#include "formats/reassembly_record.h"
#include "formats/report_stream.h"
#include "formats/report_writer.h"
#include "stages/batch_stages.h"

namespace pcapkit::stages {

class ReassemblyStage {
 public:
  // `writer`/`output` null: reassemble and count, write nothing (--nofile).
  ReassemblyStage(const ReassemblyOptions& options, const Dissector* dissector,
                  const protocols::Registry& registry, const formats::RecordOptions& record,
                  const formats::ReportWriter* writer, formats::Output* output);
  ~ReassemblyStage();

  reassembly::Wanted wanted() const { return engine_.wanted(); }
  // Serial, in batch order. Fails when the report cannot be written.
  Status Run(WorkItem& item);
  // The capture ended (or stopped): hands out what is pending, writes the summary and
  // closes the report.
  Status Finish();

  const ReassemblyStats& stats() const { return engine_.stats(); }
  uint64_t records() const { return records_; }
  uint64_t incomplete() const { return incomplete_total_; }

 private:
  void OnDatagram(const Datagram& d);
  void OnStream(const StreamData& s);
  void Emit(bool complete, const std::function<formats::IncompleteEntry()>& describe,
            const char* kind, uint64_t& written, const formats::ReportWriter::Body& body);

  ReassemblyOptions options_;
  const protocols::Registry& registry_;
  formats::RecordOptions record_;
  formats::ReportStream report_;  // records written from the engine's callbacks
  reassembly::Engine engine_;
  uint64_t records_ = 0;
  uint64_t datagrams_ = 0, streams_ = 0;  // written, for the records' names
  std::vector<formats::IncompleteEntry> incomplete_;
  uint64_t incomplete_total_ = 0;
};

}  // namespace pcapkit::stages
