#include "stages/flow_stage.h"

#include <string>

#include "formats/flow_record.h"

namespace pcapkit::stages {

FlowStage::FlowStage(const FlowOptions& options, const protocols::Registry& registry,
                     const formats::ReportWriter* writer, formats::Output* output)
    : report_(writer, output),
      table_(options, registry, [this](const FlowRecord& r) { OnFlow(r); }) {}

Status FlowStage::Run(WorkItem& item) {
  const flows::FlowPacket* packets = item.flow_packets.data();
  size_t n = item.flow_count;
  for (size_t i = 0; i < n; ++i) {
    if (i + 8 < n) table_.Prefetch(packets[i + 8], false);
    if (i + 4 < n) table_.Prefetch(packets[i + 4], true);
    table_.Add(packets[i]);
  }
  report_.Flush(item.batch.trickling);
  return report_.status();
}

void FlowStage::OnFlow(const FlowRecord& r) {
  if (report_.writing())
    report_.Record("Flow " + std::to_string(r.flow),
                   [&](Emitter& e) { formats::WriteFlowFields(r, e); });
}

Status FlowStage::Finish() {
  table_.Finish();
  return report_.Finish();
}

}  // namespace pcapkit::stages
