#include "stages/flow_stage.h"

#include <string>

#include "formats/flow_record.h"

namespace pcapkit::stages {

FlowStage::FlowStage(const FlowOptions& options, const protocols::Registry& registry,
                     const formats::ReportWriter* writer, formats::Output* output)
    : report_(writer, output),
      table_(options, registry, [this](const FlowRecord& r) { OnFlow(r); }) {}

FlowStage::~FlowStage() = default;

Status FlowStage::Run(WorkItem& item) {
  const flows::FlowPacket* packets = item.flow_packets.data();
  size_t n = item.flow_count;
  if (flow_ids_ != nullptr) {
    spliced_.clear();
    spliced_from_ = 0;
    insertions_.clear();
  }
  for (size_t i = 0; i < n; ++i) {
    if (i + 8 < n) table_.Prefetch(packets[i + 8], false);
    if (i + 4 < n) table_.Prefetch(packets[i + 4], true);
    flows::FlowRef ref = table_.Add(packets[i]);
    if (trace_ != nullptr) {
      Status s = trace_->Add(ref, packets[i], item);
      if (!s.ok()) return s;
    }
    if (flow_ids_ != nullptr && packets[i].splice != SIZE_MAX)
      SpliceFlowId(ref, packets[i].splice, item);
  }
  if (flow_ids_ != nullptr) EndSplicing(item);
  report_.Flush(item.batch.trickling);
  if (trace_ != nullptr && !trace_->status().ok()) return trace_->status();
  return report_.status();
}

// The report up to `at`, then the flow's members.
void FlowStage::SpliceFlowId(const flows::FlowRef& ref, size_t at, WorkItem& item) {
  spliced_.Append(item.report.view().substr(spliced_from_, at - spliced_from_));
  spliced_from_ = at;
  size_t before = spliced_.size();
  flow_ids_->FrameMembers(
      [&](Emitter& e) {
        e.Plain("community_id", ref.community_id);
        e.Uint("flow", ref.number);
      },
      spliced_);
  insertions_.emplace_back(at, spliced_.size() - before);
}

// The rest of the report; -F's documents moved and grown by what went in.
void FlowStage::EndSplicing(WorkItem& item) {
  if (insertions_.empty()) return;
  spliced_.Append(item.report.view().substr(spliced_from_));
  item.report.swap(spliced_);
  size_t k = 0, shift = 0;
  for (WorkItem::Document& d : item.documents) {
    size_t end = d.offset + d.length, grown = 0;
    for (; k < insertions_.size() && insertions_[k].first < d.offset; ++k)
      shift += insertions_[k].second;
    for (; k < insertions_.size() && insertions_[k].first <= end; ++k)
      grown += insertions_[k].second;
    d.offset += shift;
    d.length += grown;
    shift += grown;
  }
}

void FlowStage::OnFlow(const FlowRecord& r) {
  if (trace_ != nullptr) trace_->End(r);
  if (report_.writing())
    report_.Record("Flow " + std::to_string(r.flow),
                   [&](Emitter& e) { formats::WriteFlowFields(r, e); });
}

Status FlowStage::Finish() {
  table_.Finish();
  Status s = trace_ != nullptr ? trace_->Finish() : Status::Ok();
  Status r = report_.Finish();
  return s.ok() ? r : s;
}

}  // namespace pcapkit::stages
