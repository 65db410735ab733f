#include "stages/flow_stage.h"

#include <string>

#include "formats/flow_record.h"

namespace pcapkit::stages {

FlowStage::FlowStage(const FlowOptions& options, const protocols::Registry& registry,
                     const formats::ReportWriter* writer, formats::Output* output)
    : writer_(writer),
      output_(output),
      table_(options, registry, [this](const FlowRecord& r) { OnFlow(r); }) {
  if (writer_ && output_) writer_->Begin(pending_);
}

Status FlowStage::Run(WorkItem& item) {
  const flows::FlowPacket* packets = item.flow_packets.data();
  size_t n = item.flow_count;
  for (size_t i = 0; i < n; ++i) {
    if (i + 8 < n) table_.Prefetch(packets[i + 8], false);
    if (i + 4 < n) table_.Prefetch(packets[i + 4], true);
    table_.Add(packets[i]);
  }
  Flush(item.batch.trickling);
  return status_;
}

// Records are written from the table's callback, which cannot fail: the first write
// error is kept and returned by Run(); nothing is written after it.
void FlowStage::OnFlow(const FlowRecord& r) {
  ++records_;
  if (!writer_) return;
  writer_->Record(
      "Flow " + std::to_string(r.flow), [&](Emitter& e) { formats::WriteFlowFields(r, e); },
      records_ == 1, pending_);
  Flush(false);
}

void FlowStage::Flush(bool force) {
  if (!output_ || !status_.ok()) {
    pending_.clear();
    return;
  }
  if (!pending_.empty() && (force || pending_.size() >= (1u << 20))) {
    status_ = output_->Write(pending_.view());
    pending_.clear();
  }
}

Status FlowStage::Finish() {
  table_.Finish();
  if (writer_) writer_->End(records_ == 0, pending_);
  Flush(true);
  if (output_ && status_.ok()) status_ = output_->Close();
  return status_;
}

}  // namespace pcapkit::stages
