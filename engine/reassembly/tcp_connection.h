// The state TcpReassembler keeps per connection and per direction, shared by its two
// source files: tcp_reassembler.cc places segments, tcp_records.cc hands out records and
// closes connections. Internal to engine/reassembly.
#pragma once

#include <map>
#include <vector>

#include "engine/reassembly/tcp_reassembler.h"

namespace pcapkit::reassembly {

// A closed connection stays known this long (capture time), so late retransmissions
// and the last ACKs are recognised instead of opening a phantom connection (Zeek's
// tcp_close_delay, PcapPlusPlus' closedConnectionDelay).
constexpr int64_t kLingerNs = 5'000'000'000;
// An acknowledgement further than this past the expected byte is not believed.
constexpr int64_t kMaxAckJump = int64_t(1) << 30;

struct TcpReassembler::Direction {
  bool started = false;
  uint32_t base = 0;  // wire sequence number of stream offset 0
  uint64_t next = 0;  // stream offset of the next byte expected
  bool fin = false;
  uint64_t fin_at = 0;  // stream offset the FIN occupies
  bool done = false;    // the FIN was reached and the last record handed out
  std::map<uint64_t, Held> ooo;
  uint64_t ooo_bytes = 0;
  // The record being built: its bytes (runs back to back), where the runs sit in the
  // stream, the gaps between them, the frames that contributed.
  struct Span {
    uint64_t rel, len;
  };
  std::vector<uint8_t> buf;
  std::vector<Span> runs;
  std::vector<Span> gaps;
  std::vector<uint64_t> index;
  bool conflict = false;
  bool has_time = false;
  Timestamp first, last;
  bool has_ack = false;
  uint32_t ack = 0;
  uint32_t part = 0;
  uint64_t delivered = 0, gap_bytes = 0;

  uint32_t Wire(uint64_t rel) const { return uint32_t(base + rel); }
  // The stream offset of wire sequence number `seq`, taken nearest to `next`: this is
  // where 32-bit wrap-around is undone.
  int64_t Rel(uint32_t seq) const {
    return int64_t(next) + int64_t(int32_t(seq - uint32_t(base + next)));
  }
  void Note(uint64_t frame) {
    if (index.empty() || index.back() != frame) index.push_back(frame);
  }
  void Stamp(const Timestamp& t) {
    if (!has_time) first = t;
    last = t;
    has_time = true;
  }
};

struct TcpReassembler::Connection {
  Key key;
  uint64_t hash = 0;
  bool client_is_a = true;
  uint64_t number = 0;
  Direction dir[2];  // 0: client to server, 1: server to client
  Timestamp first, last;
  int64_t last_ns = 0;
  bool closed = false;
  bool reset = false;  // a RST was seen: the connection closes after the linger time
  uint64_t frames = 0;
  uint64_t last_frame = 0;  // the latest segment's frame
  size_t cost = 0;
  Connection *prev = nullptr, *next = nullptr;

  // 0 when `segment` goes from the client to the server, 1 the other way.
  int SideOf(const TcpSegment& segment) const { return segment.src_is_a == client_is_a ? 0 : 1; }
};

}  // namespace pcapkit::reassembly
