// TCP stream reassembly: per connection (the bidirectional 5-tuple, compared in full)
// and per direction, bytes are delivered in sequence order with 32-bit wrap-around;
// retransmissions are dropped (compared with the bytes still held: a difference sets
// `conflict`), out-of-order segments wait, overlaps keep the first bytes by default.
//
// A hole becomes a gap — reported as {seq, len}, never filled — when it is certain: the
// receiver acknowledged past it, the direction's buffer is full, or the connection ends
// (FIN, RST, idle timeout, eviction, end of capture). A reset connection closes a short
// linger later (capture time), so bytes in flight when the RST was sent still count. Records leave
// one per direction at the end of the connection, or earlier when a direction holds tcp_buffer
// bytes (then in several parts), or per acknowledgement number with --tcp-messages.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/reassembly/flat_table.h"
#include "engine/reassembly/inputs.h"
#include "pcapkit/reassembly.h"

namespace pcapkit::reassembly {

class TcpReassembler {
 public:
  using EmitStream = std::function<void(StreamData&)>;
  using EmitClosed = std::function<void(const ConnectionInfo&)>;
  using EmitPiece = std::function<void(const StreamPiece&)>;
  using EmitOpened = std::function<void(uint64_t)>;
  // With `piece` set, bytes are streamed out as pieces instead of records (see
  // ReassemblyCallbacks::piece); `opened` hears of each connection as it opens.
  TcpReassembler(const ReassemblyOptions& options, ReassemblyStats* stats, EmitStream stream,
                 EmitClosed closed, EmitPiece piece = nullptr, EmitOpened opened = nullptr);
  ~TcpReassembler();

  void Add(const TcpSegment& segment);
  // Closes every connection idle past the timeout at capture time `now_ns`.
  void Expire(int64_t now_ns);
  void Finish();
  size_t held() const { return held_; }
  size_t connections() const { return table_.size(); }
  // Starts loading what Add(segment) will look up first: call a few segments ahead.
  void Prefetch(const TcpSegment& segment, bool entry) const;

 private:
  using Key = FlowKey;
  struct Held {  // out-of-order bytes waiting for the hole before them
    std::vector<uint8_t> data;
    uint32_t ack = 0;
    std::vector<uint64_t> frames;
  };
  struct Direction;
  struct Connection;
  struct Closing;

  // The phases of Add, in order. Those on every segment's path are inline, defined in the
  // .cc and called only there.
  inline Connection* FindOrOpen(const TcpSegment& segment);
  Connection* Open(const TcpSegment& segment);
  inline void PlaceBytes(Connection& conn, int side, uint64_t offset, const uint8_t* bytes,
                         uint64_t len, const TcpSegment& segment);
  inline void SkipAcknowledgedHole(Connection& conn, int side, const TcpSegment& segment);
  void NoteReset(Connection& conn, Direction& sender, uint64_t frame, int64_t now_ns);
  inline void EmitFinishedDirections(Connection* conn);
  inline void AccountMemory(Connection* current);

  void Deliver(Connection& c, int d, uint64_t rel, const uint8_t* p, uint64_t n, uint32_t ack,
               const uint64_t* frames, size_t nframes, const Timestamp& time);
  void Hold(Direction& d, uint64_t begin, const uint8_t* p, uint64_t n, uint32_t ack,
            uint64_t frame);
  void AddHeld(Direction& d, uint64_t at, const uint8_t* p, uint64_t n, uint32_t ack,
               uint64_t frame);
  void Drain(Connection& c, int d);
  void SkipTo(Connection& c, int d, uint64_t to);
  void Flush(Connection& c, int d, StreamEnd end);
  void EmitRecord(Connection& c, int d, StreamEnd end);
  void EmitPieceOf(Connection& c, int d, uint64_t offset, std::span<const uint8_t> data,
                   uint64_t gap, std::span<const uint64_t> frames, const Timestamp& time);
  void StartNextRecord(Direction& d);
  void Close(Connection* c, StreamEnd end);
  void Erase(Connection* c);
  void Touch(Connection* c);
  void Recost(Connection& c);
  bool CompareHeld(Direction& dir, uint64_t rel, const uint8_t* p, uint64_t n);

  ReassemblyOptions options_;
  ReassemblyStats* stats_;
  EmitStream emit_stream_;
  EmitClosed emit_closed_;
  EmitPiece emit_piece_;
  EmitOpened emit_opened_;
  Connection* Find(const Key& key, uint64_t hash) const;
  Connection* StillClosing(const Closing& closing) const;

  FlatTable<Connection> table_;  // owns nothing: connections are freed by Erase
  Connection* lru_ = nullptr;    // least recently active first: the timeout/eviction order
  Connection* mru_ = nullptr;
  size_t held_ = 0;
  uint64_t next_number_ = 0;
  // Reset connections in order of their RST: each closes once the linger time has passed,
  // so bytes already in flight when the RST was sent still join their stream.
  struct Closing {
    int64_t at_ns;
    uint64_t number;
    uint64_t hash;
    Key key;
  };
  std::deque<Closing> closing_;
};

}  // namespace pcapkit::reassembly
