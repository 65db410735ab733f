// A TCP connection as Zeek's conn.log describes it: each endpoint's state, the history
// letters (upper case from the originator, lower case from the responder) and the
// conn_state code they lead to. Followed packet by packet on header fields alone: no
// payload is kept.
//
//   S  a SYN without ACK       H  a SYN with ACK        A  a pure ACK
//   D  a packet with payload   F  a FIN                 R  a RST
//   T  a retransmission        W  a zero window         G  a content gap
//   I  SYN or FIN with RST     Q  SYN and FIN together  ^  the direction was flipped
//
// A, D, I and Q are noted once per direction; S, H, F and R again when their sequence
// number differs from the last one; T, W and G at the 1st, 10th, 100th... occurrence.
// SYN+FIN is Q and SYN+RST or FIN+RST is I, with no S, H, F or R; D is data on a packet
// without SYN, FIN or RST. A history holds at most kMaxHistory letters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pcapkit::flows {

enum class EndpointState : uint8_t {
  kInactive,     // nothing sent yet
  kSynSent,      // sent a SYN
  kSynAckSent,   // sent a SYN-ACK
  kPartial,      // sent data or ACKs without a SYN seen: joined midstream
  kEstablished,  // the handshake completed
  kClosed,       // sent a FIN
  kReset,        // sent a RST
};

// One direction's sequence space: the bytes seen and the holes among them, so that
// retransmissions (T) and bytes that were provably never captured (G, missed bytes) are
// told apart. Holes are kept for the most recent kMaxHoles gaps; an older one is counted
// missed when it is pushed out.
struct SequenceSpace {
  static constexpr int kMaxHoles = 4;
  bool started = false;
  uint32_t base = 0;  // wire sequence number of offset 0
  uint64_t end = 0;   // offset just past the highest byte seen
  struct Hole {
    uint64_t begin, end;
  };
  Hole holes[kMaxHoles];
  int hole_count = 0;
};

struct TcpEndpoint {
  EndpointState state = EndpointState::kInactive;
  SequenceSpace space;
  uint32_t last_seq[4] = {};  // of the last S, H, F, R
  bool seen[4] = {};
  uint8_t once = 0;         // A, D, I, Q noted
  uint32_t counts[3] = {};  // T, W, G occurrences
  uint64_t missed = 0;
  bool payload_seen = false;
};

// The originator is endpoint 0.
class TcpConnection {
 public:
  static constexpr size_t kMaxHistory = 64;

  // A packet from endpoint `from` (0 originator, 1 responder). `payload` is its
  // payload's length on the wire.
  void Packet(int from, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t window,
              uint32_t payload);
  // The connection starts with its direction flipped (its first packet was a SYN-ACK or
  // came from the side that proves to be the responder): history starts with '^'.
  void Flip();
  // The capture ended or the connection was given up: holes before the last byte seen
  // become missed bytes.
  void Finish();

  EndpointState state(int e) const { return ep_[e].state; }
  std::string_view history() const { return {history_, history_len_}; }
  uint64_t missed_bytes() const { return ep_[0].missed + ep_[1].missed; }
  // Zeek's conn_state code: S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR,
  // OTH.
  const char* ConnState() const;

 private:
  void NoteFlags(int from, uint8_t flags, uint32_t seq, uint32_t payload);
  void NoteSequence(int from, uint32_t seq, uint8_t flags, uint32_t payload);
  void NoteAck(int from, uint32_t ack);
  void FillHoles(int from, uint64_t begin, uint64_t end);
  void AddHole(int from, uint64_t begin, uint64_t end);
  void Advance(int from, uint8_t flags);
  void Letter(int from, char upper);
  void Scaled(int from, int which, char upper);
  void Missed(int side, uint64_t bytes);

  TcpEndpoint ep_[2];
  // In place, not a std::string: a flow is plain memory its table reuses, with no
  // allocation of its own. One more than kMaxHistory for Flip's '^'.
  char history_[kMaxHistory + 1] = {};
  uint8_t history_len_ = 0;
};

}  // namespace pcapkit::flows
