// The stateful stage of flows: the flow table, fed the IP packets the parallel stage
// found (WorkItem::flow_packets), serially and in capture order, so its records come out
// the same under every strategy. Each flow's record is written when the flow ends.
#pragma once

#include <memory>

#include "engine/flows/flow_table.h"
#include "formats/report_stream.h"
#include "stages/batch_stages.h"

namespace pcapkit::stages {

class FlowStage {
 public:
  // `writer`/`output` null: follow and count, write nothing.
  FlowStage(const FlowOptions& options, const protocols::Registry& registry,
            const formats::ReportWriter* writer, formats::Output* output);

  // Serial, in batch order. Fails when the report cannot be written.
  Status Run(WorkItem& item);
  // The capture ended (or stopped): reports the flows still open and closes the report.
  Status Finish();

  const flows::FlowTableStats& stats() const { return table_.stats(); }
  static size_t CostPerFlow() { return flows::FlowTable::CostPerFlow(); }

 private:
  void OnFlow(const FlowRecord& r);

  formats::ReportStream report_;  // declared before the table, whose callback writes to it
  flows::FlowTable table_;
};

}  // namespace pcapkit::stages
