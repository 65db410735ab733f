#include "stages/reassembly_stage.h"

namespace pcapkit::stages {

ReassemblyStage::ReassemblyStage(const ReassemblyOptions& options, const Dissector* dissector,
                                 const protocols::Registry& registry,
                                 const formats::RecordOptions& record,
                                 const formats::ReportWriter* writer, formats::OutputFile* output)
    : options_(options),
      registry_(registry),
      record_(record),
      writer_(writer),
      output_(output),
      // Complete payloads are dissected only when a report will show them.
      engine_(options, writer ? dissector : nullptr,
              {[this](const Datagram& d) { OnDatagram(d); },
               [this](const StreamData& s) { OnStream(s); }, nullptr}) {
  if (writer_ && output_) writer_->Begin(pending_);
}

ReassemblyStage::~ReassemblyStage() = default;

void ReassemblyStage::Run(WorkItem& item) {
  engine_.FeedAll(item.inputs.data(), item.input_count);
  Flush(item.batch.trickling);
}

void ReassemblyStage::OnDatagram(const Datagram& d) {
  ++datagrams_;
  if (d.status != ReassemblyStatus::kComplete) {
    ++incomplete_total_;
    if (incomplete_.size() < options_.summary_limit)
      incomplete_.push_back(formats::DescribeIncomplete(d));
    if (!options_.strict) return;
  }
  if (!writer_) {
    ++records_;
    return;
  }
  std::string title = "Datagram " + std::to_string(datagrams_);
  writer_->Record(
      title, [&](Emitter& e) { formats::WriteDatagramFields(d, registry_, record_, e); },
      records_ == 0, pending_);
  ++records_;
  Flush(false);
}

void ReassemblyStage::OnStream(const StreamData& s) {
  ++streams_;
  if (s.status != ReassemblyStatus::kComplete) {
    ++incomplete_total_;
    if (incomplete_.size() < options_.summary_limit)
      incomplete_.push_back(formats::DescribeIncomplete(s));
    if (!options_.strict) return;
  }
  if (!writer_) {
    ++records_;
    return;
  }
  std::string title = "Stream " + std::to_string(streams_);
  writer_->Record(
      title, [&](Emitter& e) { formats::WriteStreamFields(s, registry_, record_, e); },
      records_ == 0, pending_);
  ++records_;
  Flush(false);
}

void ReassemblyStage::Flush(bool force) {
  if (!output_) {
    pending_.clear();
    return;
  }
  if (!pending_.empty() && (force || pending_.size() >= (1u << 20))) {
    output_->Write(pending_.view());
    pending_.clear();
  }
}

void ReassemblyStage::Finish() {
  engine_.Finish();
  if (writer_) {
    writer_->Record(
        "Summary",
        [&](Emitter& e) {
          formats::WriteSummaryFields(options_, engine_.stats(), records_, incomplete_,
                                      incomplete_total_, e);
        },
        records_ == 0, pending_);
    writer_->End(false, pending_);
  }
  Flush(true);
  if (output_) output_->Close();
}

}  // namespace pcapkit::stages
