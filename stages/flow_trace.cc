#include "stages/flow_trace.h"

#include "formats/flow_record.h"

namespace pcapkit::stages {

namespace {

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(v | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}

}  // namespace

FlowTrace::FlowTrace(std::unique_ptr<formats::TraceFiles> files, bool all, bool unidirectional,
                     std::unique_ptr<formats::ReportWriter> index_writer,
                     std::unique_ptr<formats::Output> index)
    : files_(std::move(files)),
      all_(all),
      unidirectional_(unidirectional),
      index_writer_(std::move(index_writer)),
      index_(std::move(index)),
      index_report_(index_writer_.get(), index_.get()) {}

FlowTrace::~FlowTrace() = default;

Status FlowTrace::Add(const flows::FlowRef& ref, const flows::FlowPacket& p, const WorkItem& item) {
  if (!all_ && p.key.proto != 6) return Status::Ok();
  Direction& d = traced_[ref.number].direction[unidirectional_ ? ref.from : 0];
  if (!d.open) {
    // Named after its first packet: the flow's originator (or, one way, the sender) first.
    bool forward = unidirectional_ || ref.from == 0;
    d.file = files_->Create(
        forward ? formats::TraceLabel(p.key.ipv6, p.src, p.srcport, p.dst, p.dstport, p.time)
                : formats::TraceLabel(p.key.ipv6, p.dst, p.dstport, p.src, p.srcport, p.time));
    d.open = true;
  }
  const capture::FrameRecord& frame = item.batch.frames[p.batch_index];
  std::string_view record(item.trace_records.data() + p.record_at, p.record_len);
  Status s = files_->Append(d.file, frame, item.batch.Data(frame), record);
  if (!s.ok()) return s;
  PutVarint(d.index, p.frame - d.last);
  d.last = p.frame;
  ++frames_;
  return s;
}

void FlowTrace::End(const FlowRecord& r) {
  auto it = traced_.find(r.flow);
  if (it == traced_.end()) return;
  for (const Direction& d : it->second.direction) {
    if (!d.open) continue;
    Status s = files_->Close(d.file);
    if (status_.ok()) status_ = s;
    Index(d, r);
  }
  traced_.erase(it);
}

// PyPCAPKit's index record (`fpout`, `index`, `label`), then the flow's record.
void FlowTrace::Index(const Direction& d, const FlowRecord& r) {
  index_report_.Record("", [&](Emitter& e) {
    e.Text("fpout", files_->Path(d.file));
    e.BeginArray("index");
    uint64_t frame = 0;
    for (size_t at = 0; at < d.index.size();) {
      uint64_t delta = 0;
      for (int shift = 0;; shift += 7) {
        auto byte = uint8_t(d.index[at++]);
        delta |= uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80)) break;
      }
      frame += delta;
      e.Uint({}, frame);
    }
    e.EndArray();
    e.Plain("label", files_->Label(d.file));
    formats::WriteFlowFields(r, e);
  });
}

Status FlowTrace::Finish() {
  Status s = files_->Finish();
  if (status_.ok()) status_ = s;
  s = index_report_.Finish();
  return status_.ok() ? s : status_;
}

}  // namespace pcapkit::stages
