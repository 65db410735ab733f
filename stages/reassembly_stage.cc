#include "stages/reassembly_stage.h"

namespace pcapkit::stages {

ReassemblyStage::ReassemblyStage(const ReassemblyOptions& options, const Dissector* dissector,
                                 const protocols::Registry& registry,
                                 const formats::RecordOptions& record,
                                 const formats::ReportWriter* writer, formats::Output* output)
    : options_(options),
      registry_(registry),
      record_(record),
      report_(writer, output),
      // Complete payloads are dissected only when a report will show them.
      engine_(options, writer ? dissector : nullptr,
              {[this](const Datagram& d) { OnDatagram(d); },
               [this](const StreamData& s) { OnStream(s); }, nullptr}) {}

ReassemblyStage::~ReassemblyStage() = default;

Status ReassemblyStage::Run(WorkItem& item) {
  engine_.FeedAll(item.inputs.data(), item.input_count);
  report_.Flush(item.batch.trickling);
  return report_.status();
}

void ReassemblyStage::OnDatagram(const Datagram& d) {
  Emit(
      d.status == ReassemblyStatus::kComplete, [&] { return formats::DescribeIncomplete(d); },
      "Datagram ", datagrams_,
      [&](Emitter& e) { formats::WriteDatagramFields(d, registry_, record_, e); });
}

void ReassemblyStage::OnStream(const StreamData& s) {
  Emit(
      s.status == ReassemblyStatus::kComplete, [&] { return formats::DescribeIncomplete(s); },
      "Stream ", streams_,
      [&](Emitter& e) { formats::WriteStreamFields(s, registry_, record_, e); });
}

// An incomplete record is counted and named in the summary; it is written only with
// --strict. Written records are numbered per kind: "Datagram 1", "Stream 1", ...
void ReassemblyStage::Emit(bool complete, const std::function<formats::IncompleteEntry()>& describe,
                           const char* kind, uint64_t& written,
                           const formats::ReportWriter::Body& body) {
  if (!complete) {
    ++incomplete_total_;
    if (incomplete_.size() < options_.summary_limit) incomplete_.push_back(describe());
    if (!options_.strict) return;
  }
  ++records_;
  if (report_.writing()) report_.Record(kind + std::to_string(++written), body);
}

Status ReassemblyStage::Finish() {
  engine_.Finish();
  report_.Record("Summary", [&](Emitter& e) {
    formats::WriteSummaryFields(options_, engine_.stats(), records_, incomplete_, incomplete_total_,
                                e);
  });
  return report_.Finish();
}

}  // namespace pcapkit::stages
