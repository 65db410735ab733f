// The stateful stage of `pcapkit analyse`: it follows the flow stage, so each frame's flow
// is known, and streams every TCP connection through its own reassembly engine (bytes
// handed out as soon as they are in order) and every UDP datagram into the conversation
// table (engine/analysis), whose analysers write a record per application transaction.
// Serial, in capture order: the records come out the same under every strategy.
#pragma once

#include <memory>
#include <unordered_map>

#include "engine/analysis/conversations.h"
#include "engine/reassembly/engine.h"
#include "formats/body_files.h"
#include "formats/report_stream.h"
#include "stages/batch_stages.h"

namespace pcapkit::stages {

class AnalysisStage final : public analysis::RecordSink {
 public:
  // `kinds`: the analysers that may claim conversations (bit 1 << Kind). `bodies` null
  // without --bodies. `writer` null: analyse and count, write nothing.
  // `dissector` finds the TCP segment of a datagram rebuilt from fragments.
  AnalysisStage(const AnalyseOptions& options, uint32_t kinds, const Dissector* dissector,
                std::unique_ptr<formats::BodyFiles> bodies, const formats::ReportWriter* writer,
                formats::Output* output);
  ~AnalysisStage() override;

  reassembly::Wanted wanted() const { return engine_.wanted(); }
  // Whether bodies are held for Render (--held-bodies above 0): then Render and Emit
  // follow Run in the graph, else Run writes the records itself.
  bool holds() const { return held_bodies_.limit > 0; }
  // Serial, in batch order, after the flow stage: the batch's transactions are found and
  // written, or, when the stage holds bodies, recorded in item.transactions for Render.
  // Fails when the report or a body cannot be written.
  Status Run(WorkItem& item);
  // Parallel, after Run: hashes the held bodies of the batch's transactions and writes
  // their records to item.transaction_report.
  Status Render(WorkItem& item) const;
  // Serial, in batch order, after Render: the records go to the report. Fails when the
  // report cannot be written.
  Status Emit(WorkItem& item);
  // The capture ended: open conversations end, the report is closed.
  Status Finish();

  void Write(analysis::Kind kind, const analysis::Conversation& conversation,
             const analysis::Position& first, const analysis::Position& last,
             const std::function<void(Emitter&)>& fields) override;

  uint64_t records() const { return records_; }
  uint64_t bodies_written() const { return bodies_ ? bodies_->written() : 0; }
  const analysis::ConversationStats& stats() const { return conversations_.stats(); }
  const ReassemblyStats& reassembly_stats() const { return engine_.stats(); }

 private:
  void OnPiece(const StreamPiece& piece);
  void OnDatagram(const flows::FlowPacket& packet, const WorkItem::FlowLabel& label);
  void OnReassembled(const Datagram& d);
  void Udp(bool ipv6, const uint8_t* src, const uint8_t* dst, uint16_t srcport, uint16_t dstport,
           std::span<const uint8_t> data, const WorkItem::FlowLabel& label,
           const analysis::Position& at);
  analysis::Position Here() const { return {frame_, time_}; }

  // The bodies held for Render (none with --bodies, whose store is serial); before
  // conversations_, whose analysers' readers give their blocks back on the way out.
  analysis::HeldBodies held_bodies_;
  std::unique_ptr<formats::BodyFiles> bodies_;
  formats::ReportStream report_;
  analysis::Conversations conversations_;
  reassembly::Engine engine_;
  uint64_t records_ = 0;
  // The frame being fed and its flow: a connection that opens now belongs to that flow,
  // which is noted by connection number (its pieces may come much later: held beyond a
  // hole, or handed out when another frame's timeout closes it).
  uint64_t frame_ = 0;
  Timestamp time_;
  const WorkItem::FlowLabel* label_ = nullptr;
  WorkItem* item_ = nullptr;  // the batch Run is on; null at Finish, which writes at once
  std::unordered_map<uint64_t, WorkItem::FlowLabel> labels_;
};

}  // namespace pcapkit::stages
