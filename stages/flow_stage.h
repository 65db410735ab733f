// The stateful stage of flows: the flow table, fed the IP packets the parallel stage
// found (WorkItem::flow_packets), serially and in capture order, so its records come out
// the same under every strategy. Each flow's record is written when the flow ends; with
// trace on, each packet also goes to its flow's file (stages/flow_trace.h), and with
// extract --flow-id, each frame record gets its flow's `community_id` and `flow`, spliced
// into the report the parallel stage wrote.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/flows/flow_table.h"
#include "formats/report_stream.h"
#include "stages/batch_stages.h"
#include "stages/flow_trace.h"

namespace pcapkit::stages {

class FlowStage {
 public:
  // `writer`/`output` null: follow and count, write nothing.
  FlowStage(const FlowOptions& options, const protocols::Registry& registry,
            const formats::ReportWriter* writer, formats::Output* output);
  ~FlowStage();

  // trace: the per-flow files.
  void set_trace(std::unique_ptr<FlowTrace> trace) { trace_ = std::move(trace); }
  const FlowTrace* trace() const { return trace_.get(); }
  // extract --flow-id: the frame report's writer, which writes the members.
  void set_flow_ids(const formats::ReportWriter* report) { flow_ids_ = report; }
  // Each flow packet's flow goes to WorkItem::flow_labels (for the analysis stage).
  void set_labels(bool labels) { labels_ = labels; }

  // Serial, in batch order. Fails when the report cannot be written.
  Status Run(WorkItem& item);
  // The capture ended (or stopped): reports the flows still open and closes the report.
  Status Finish();

  const flows::FlowTableStats& stats() const { return table_.stats(); }
  static size_t CostPerFlow() { return flows::FlowTable::CostPerFlow(); }

 private:
  void OnFlow(const FlowRecord& r);
  void SpliceFlowId(const flows::FlowRef& ref, const formats::SplicePoint& point, WorkItem& item);
  void EndSplicing(WorkItem& item);

  formats::ReportStream report_;      // declared before the table, whose callback writes to it
  std::unique_ptr<FlowTrace> trace_;  // declared before the table: its callback reaches it
  flows::FlowTable table_;
  const formats::ReportWriter* flow_ids_ = nullptr;
  bool labels_ = false;
  formats::OutBuffer spliced_;  // -F: the report with the members in, swapped into the item
  struct CachedMembers {
    uint64_t flow = UINT64_MAX;
    uint32_t part = 0;
    std::string text;
  };
  static constexpr size_t kMembersCached = 4096;
  std::vector<CachedMembers> members_ = std::vector<CachedMembers>(kMembersCached);
  formats::OutBuffer rendered_;  // a flow's members, as FrameMembers writes them
};

}  // namespace pcapkit::stages
