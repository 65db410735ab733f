#include "stages/analysis_stage.h"

#include <cstring>
#include <string>

#include "engine/analysis/body.h"
#include "formats/analysis_record.h"

namespace pcapkit::stages {

namespace {
analysis::Settings SettingsOf(const AnalyseOptions& o, uint32_t kinds, analysis::HeldBodies* held) {
  analysis::Settings s;
  s.kinds = kinds;
  s.limits.max_body = o.max_body;
  s.limits.max_decoded = o.max_decoded;
  // Less than a block would hold nothing.
  held->limit = o.held_bodies >= analysis::BlockPool::kBlock ? o.held_bodies : 0;
  s.limits.held_bodies = held->limit > 0 ? held : nullptr;  // holds() then
  s.memory = o.memory;
  return s;
}
}  // namespace

AnalysisStage::AnalysisStage(const AnalyseOptions& options, uint32_t kinds,
                             const Dissector* dissector, std::unique_ptr<formats::BodyFiles> bodies,
                             const formats::ReportWriter* writer, formats::Output* output)
    : bodies_(std::move(bodies)),
      report_(writer, output),
      conversations_(SettingsOf(options, kinds, &held_bodies_), this, bodies_.get()),
      engine_(options.reassembly, dissector,
              {.datagram = [this](const Datagram& d) { OnReassembled(d); },
               .stream = nullptr,
               .closed =
                   [this](const ConnectionInfo& c) {
                     conversations_.Closed(c.connection, {c.last_frame, c.last});
                     labels_.erase(c.connection);
                   },
               .piece = [this](const StreamPiece& p) { OnPiece(p); },
               .opened =
                   [this](uint64_t connection) {
                     if (label_ != nullptr) labels_[connection] = *label_;
                   }}) {}

AnalysisStage::~AnalysisStage() = default;

Status AnalysisStage::Run(WorkItem& item) {
  item.transactions.Clear();
  item_ = &item;
  const flows::FlowPacket* packets = item.flow_packets.data();
  size_t n = item.flow_count, next = 0;
  // The batch's TCP segments and IP fragments and its flow packets are both in frame
  // order: walk them together, UDP datagrams straight to the table.
  for (size_t i = 0; i < item.input_count; ++i) {
    const reassembly::FrameInputs& in = item.inputs[i];
    uint64_t frame = in.has_segment ? in.segment.frame : in.fragment.frame;
    for (; next < n && packets[next].frame < frame; ++next)
      OnDatagram(packets[next], item.flow_labels[next]);
    label_ = next < n && packets[next].frame == frame ? &item.flow_labels[next] : nullptr;
    frame_ = frame;
    time_ = in.has_segment ? in.segment.time : in.fragment.time;
    engine_.Feed(in);
  }
  for (; next < n; ++next) OnDatagram(packets[next], item.flow_labels[next]);
  label_ = nullptr;
  item_ = nullptr;
  if (bodies_ && !bodies_->status().ok()) return bodies_->status();
  if (holds()) return Status::Ok();  // Emit writes
  report_.Flush(item.batch.trickling);
  return report_.status();
}

Status AnalysisStage::Render(WorkItem& item) const {
  const formats::RecordTape& tape = item.transactions;
  item.transaction_report.clear();
  if (tape.records() == 0) return Status::Ok();
  item.transactions.ComputeDeferred();
  for (size_t r = 0; r < tape.records(); ++r) {
    const formats::RecordTape::Entry& entry = tape.entry(r);
    report_.writer()->Record(
        "Transaction " + std::to_string(entry.number), [&](Emitter& e) { tape.Replay(r, e); },
        entry.first, item.transaction_report);
  }
  return Status::Ok();
}

Status AnalysisStage::Emit(WorkItem& item) {
  report_.Append(item.transaction_report.view());
  report_.Flush(item.batch.trickling);
  return report_.status();
}

void AnalysisStage::OnPiece(const StreamPiece& p) {
  analysis::Conversation c;
  auto label = labels_.find(p.connection);
  if (label != labels_.end()) {
    c.flow = label->second.number;
    std::memcpy(c.community_id, label->second.community_id, sizeof c.community_id);
  }
  c.ipv6 = p.ipv6;
  c.tcp = true;
  std::memcpy(c.client, p.client.addr, p.ipv6 ? 16 : 4);
  std::memcpy(c.server, p.server.addr, p.ipv6 ? 16 : 4);
  c.client_port = p.client.port;
  c.server_port = p.server.port;
  analysis::Position at{p.frames.empty() ? frame_ : p.frames.front(), p.time};
  conversations_.Piece(p.connection, c, p.from_client ? 0 : 1, p.data, p.gap, at);
}

void AnalysisStage::OnDatagram(const flows::FlowPacket& p, const WorkItem::FlowLabel& label) {
  if (p.key.proto != 17 || p.payload == nullptr) return;
  Udp(p.key.ipv6, p.src, p.dst, p.srcport, p.dstport, {p.payload, p.payload_captured}, label,
      {p.frame, p.time});
}

// A UDP datagram rebuilt from IP fragments: its flow is the last fragment's (the flow
// table counts a datagram's fragments to its first fragment's flow).
void AnalysisStage::OnReassembled(const Datagram& d) {
  if (d.status != ReassemblyStatus::kComplete || d.protocol != 17 || d.payload.size() < 8 ||
      label_ == nullptr)
    return;
  const uint8_t* u = d.payload.data();
  uint16_t length = uint16_t(u[4] << 8 | u[5]);
  size_t end = length >= 8 && length <= d.payload.size() ? length : d.payload.size();
  Udp(d.ipv6, d.src, d.dst, uint16_t(u[0] << 8 | u[1]), uint16_t(u[2] << 8 | u[3]),
      d.payload.subspan(8, end - 8), *label_, {frame_, d.last});
}

void AnalysisStage::Udp(bool ipv6, const uint8_t* src, const uint8_t* dst, uint16_t srcport,
                        uint16_t dstport, std::span<const uint8_t> data,
                        const WorkItem::FlowLabel& label, const analysis::Position& at) {
  analysis::Conversation c;
  c.flow = label.number;
  std::memcpy(c.community_id, label.community_id, sizeof c.community_id);
  c.ipv6 = ipv6;
  c.tcp = false;
  size_t n = ipv6 ? 16 : 4;
  bool orig = label.from == 0;  // the originator (client) sent it
  std::memcpy(c.client, orig ? src : dst, n);
  std::memcpy(c.server, orig ? dst : src, n);
  c.client_port = orig ? srcport : dstport;
  c.server_port = orig ? dstport : srcport;
  conversations_.Datagram(c, label.from, data, at);
}

void AnalysisStage::Write(analysis::Kind kind, const analysis::Conversation& conversation,
                          const analysis::Position& first, const analysis::Position& last,
                          const std::function<void(Emitter&)>& fields) {
  ++records_;
  if (!report_.writing()) return;
  if (item_ != nullptr && holds()) {  // written by Render, bodies hashed there
    formats::RecordTape& tape = item_->transactions;
    tape.BeginRecord({records_, report_.Reserve()});
    formats::WriteAnalysisFields(kind, conversation, first, last, fields, tape);
    return;
  }
  report_.Record("Transaction " + std::to_string(records_), [&](Emitter& e) {
    formats::WriteAnalysisFields(kind, conversation, first, last, fields, e);
  });
}

Status AnalysisStage::Finish() {
  engine_.Finish();
  conversations_.Finish(Here());
  if (bodies_ && !bodies_->status().ok()) return bodies_->status();
  return report_.Finish();
}

}  // namespace pcapkit::stages
