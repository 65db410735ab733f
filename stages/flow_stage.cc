#include "stages/flow_stage.h"

#include <cstring>
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
  if (labels_ && item.flow_labels.size() < n) item.flow_labels.resize(n);
  for (size_t i = 0; i < n; ++i) {
    table_.PrefetchAhead(packets, i, n);
    flows::FlowRef ref = table_.Add(packets[i]);
    if (labels_) {
      WorkItem::FlowLabel& label = item.flow_labels[i];
      label.number = ref.number;
      // Community IDs are 30 characters ("1:" and 28 of base64) and a NUL.
      std::strncpy(label.community_id, ref.community_id, sizeof label.community_id - 1);
      label.community_id[sizeof label.community_id - 1] = '\0';
      label.from = ref.from;
    }
    if (trace_ != nullptr) {
      // A flow that ended during Add closed its file: a failure there stops the run too.
      Status s = trace_->Add(ref, packets[i], item);
      if (s.ok()) s = trace_->status();
      if (!s.ok()) return s;
    }
    if (flow_ids_ != nullptr)
      for (uint32_t k = 0; k < packets[i].splice_count; ++k)
        SpliceFlowId(ref, item.splices[packets[i].splice_from + k], item);
  }
  if (flow_ids_ != nullptr) EndSplicing(item);
  report_.Flush(item.batch.trickling);
  if (trace_ != nullptr && !trace_->status().ok()) return trace_->status();
  return report_.status();
}

// The flow's members, to go into the report at a splice point (the sink writes them in
// between). A flow's members are the same text on each of its frames: they are rendered
// once per part (a whole record's members, or a flat row's cell) and kept in a small cache
// by flow number.
void FlowStage::SpliceFlowId(const flows::FlowRef& ref, const formats::SplicePoint& point,
                             WorkItem& item) {
  CachedMembers& c = members_[(ref.number * 7 + point.part) % kMembersCached];
  if (c.flow != ref.number || c.part != point.part) {
    rendered_.clear();
    flow_ids_->FrameMembers(
        [&](Emitter& e) {
          e.Plain("community_id", ref.community_id);
          e.Uint("flow", ref.number);
        },
        point.part, rendered_);
    c.flow = ref.number;
    c.part = point.part;
    c.text.assign(rendered_.view());
  }
  size_t from = item.members.size();
  item.members.Append(c.text);
  item.insertions.push_back({point.at, from, c.text.size()});
}

// -F: each document is written whole from `report`, so the members go into it here, and
// the documents move and grow by what went in before and into them.
void FlowStage::EndSplicing(WorkItem& item) {
  if (item.documents.empty() || item.insertions.empty()) return;
  spliced_.clear();
  size_t copied = 0;
  for (const WorkItem::Insertion& in : item.insertions) {
    spliced_.Append(item.report.view().substr(copied, in.at - copied));
    spliced_.Append(item.members.view().substr(in.from, in.length));
    copied = in.at;
  }
  spliced_.Append(item.report.view().substr(copied));
  item.report.swap(spliced_);
  size_t k = 0, shift = 0;
  const auto& ins = item.insertions;
  for (WorkItem::Document& d : item.documents) {
    size_t end = d.offset + d.length, grown = 0;
    for (; k < ins.size() && ins[k].at < d.offset; ++k) shift += ins[k].length;
    for (; k < ins.size() && ins[k].at <= end; ++k) grown += ins[k].length;
    d.offset += shift;
    d.length += grown;
    shift += grown;
  }
  item.insertions.clear();
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
