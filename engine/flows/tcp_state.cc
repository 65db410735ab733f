#include "engine/flows/tcp_state.h"

#include <algorithm>
#include <cstring>

namespace pcapkit::flows {

namespace {

constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
enum RepeatLetter { kS, kH, kF, kR };
enum OnceLetter : uint8_t { kA = 1, kD = 2, kI = 4, kQ = 8 };
enum ScaledLetter { kT, kW, kG };

char Cased(int from, char upper) {
  return from == 0 ? upper : char(upper - 'A' + 'a');
}

// The stream offset of wire sequence number `seq`, taken nearest to `near`: where 32-bit
// wrap-around is undone. Offsets before the stream's start read as 0.
uint64_t Offset(const SequenceSpace& s, uint32_t seq, uint64_t near) {
  int64_t at = int64_t(near) + int64_t(int32_t(seq - uint32_t(s.base + near)));
  return at < 0 ? 0 : uint64_t(at);
}

}  // namespace

void TcpConnection::Letter(int from, char upper) {
  // Bounded: S, H, F, R repeat with each new sequence number, and a hostile peer could
  // otherwise grow a flow's history by a letter per packet.
  if (history_len_ < kMaxHistory) history_[history_len_++] = Cased(from, upper);
}

void TcpConnection::Flip() {
  std::memmove(history_ + 1, history_, std::min<size_t>(history_len_, kMaxHistory));
  history_[0] = '^';
  history_len_ = uint8_t(std::min<size_t>(history_len_ + 1u, kMaxHistory + 1));
}

// The 1st, 10th, 100th... occurrence of T, W or G adds its letter again.
void TcpConnection::Scaled(int from, int which, char upper) {
  uint32_t n = ++ep_[from].counts[which];
  uint32_t mark = 1;
  while (mark < n && mark <= UINT32_MAX / 10) mark *= 10;
  if (n == mark) Letter(from, upper);
}

void TcpConnection::Missed(int side, uint64_t bytes) {
  if (bytes == 0) return;
  ep_[side].missed += bytes;
  Scaled(side, kG, 'G');
}

void TcpConnection::Packet(int from, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t window,
                           uint32_t payload) {
  NoteFlags(from, flags, seq, payload);
  if (window == 0 && !(flags & (kSyn | kFin | kRst))) Scaled(from, kW, 'W');
  NoteSequence(from, seq, flags, payload);
  if (flags & kAck) NoteAck(from, ack);
  Advance(from, flags);
}

// Zeek's update_history: a packet with contradictory flags is noted as such (SYN+FIN: Q;
// SYN+RST or FIN+RST: I) and adds no S, H, F or R; D is data on a packet with none of
// SYN, FIN, RST. F repeats when the FIN's end (seq + len) changes, S, H, R when the seq does.
void TcpConnection::NoteFlags(int from, uint8_t flags, uint32_t seq, uint32_t payload) {
  TcpEndpoint& e = ep_[from];
  auto repeat = [&](int which, char upper, uint32_t at) {
    if (e.seen[which] && e.last_seq[which] == at) return;
    e.seen[which] = true;
    e.last_seq[which] = at;
    Letter(from, upper);
  };
  auto once = [&](OnceLetter which, char upper) {
    if (e.once & which) return;
    e.once |= which;
    Letter(from, upper);
  };
  if (payload > 0) e.payload_seen = true;
  bool syn = flags & kSyn, fin = flags & kFin, rst = flags & kRst;
  if (syn && fin) return once(kQ, 'Q');
  if ((syn || fin) && rst) return once(kI, 'I');
  if (syn) repeat((flags & kAck) ? kH : kS, (flags & kAck) ? 'H' : 'S', seq);
  if (fin) repeat(kF, 'F', seq + payload);
  if (rst) repeat(kR, 'R', seq);
  if (syn || fin || rst) return;
  if ((flags & kAck) && payload == 0) once(kA, 'A');
  if (payload > 0) once(kD, 'D');
}

// Data that does not extend the highest byte seen is a retransmission (T), as Zeek counts
// it; data past it leaves a hole behind when it does not start where it ends. A hole is
// missing bytes only once proved (see NoteAck) or when the connection ends. Offsets that
// fall before the stream's start, or jump further than any window, are not tracked.
void TcpConnection::NoteSequence(int from, uint32_t seq, uint8_t flags, uint32_t payload) {
  SequenceSpace& s = ep_[from].space;
  uint32_t first = (flags & kSyn) ? seq + 1 : seq;
  if (!s.started) {
    s.started = true;
    s.base = first;
    s.end = 0;
  }
  if (payload == 0) return;
  int64_t at = int64_t(s.end) + int64_t(int32_t(first - uint32_t(s.base + s.end)));
  if (at < 0 || at - int64_t(s.end) > (int64_t(1) << 30)) return;
  uint64_t begin = uint64_t(at), end = begin + payload;
  if (end <= s.end) Scaled(from, kT, 'T');
  FillHoles(from, begin, end);
  if (begin > s.end) AddHole(from, s.end, begin);
  s.end = std::max(s.end, end);
}

// [begin, end) arrived: the holes it covers shrink, and one it falls inside splits.
void TcpConnection::FillHoles(int from, uint64_t begin, uint64_t end) {
  SequenceSpace& s = ep_[from].space;
  for (int i = 0; i < s.hole_count; ++i) {
    SequenceSpace::Hole& h = s.holes[i];
    if (end <= h.begin || begin >= h.end) continue;
    if (begin > h.begin && end < h.end) {  // inside: a hole on each side
      uint64_t right = h.end;
      h.end = begin;
      AddHole(from, end, right);
      continue;
    }
    if (begin <= h.begin) h.begin = std::min(end, h.end);
    if (end >= h.end) h.end = std::max(begin, h.begin);
  }
  s.hole_count = int(std::remove_if(s.holes, s.holes + s.hole_count,
                                    [](const SequenceSpace::Hole& h) { return h.begin >= h.end; }) -
                     s.holes);
}

// Keeps [begin, end) as a hole; when every slot is taken the oldest hole is given up as
// missed.
void TcpConnection::AddHole(int from, uint64_t begin, uint64_t end) {
  SequenceSpace& s = ep_[from].space;
  if (s.hole_count == SequenceSpace::kMaxHoles) {
    Missed(from, s.holes[0].end - s.holes[0].begin);
    std::rotate(s.holes, s.holes + 1, s.holes + s.hole_count);
    --s.hole_count;
  }
  s.holes[s.hole_count++] = {begin, end};
}

// An acknowledgement of bytes the capture never showed proves them missing: holes below
// it, and the bytes between the highest one seen and it.
void TcpConnection::NoteAck(int from, uint32_t ack) {
  int peer = 1 - from;
  SequenceSpace& s = ep_[peer].space;
  if (!s.started) return;
  uint64_t acked = Offset(s, ack, s.end);
  // A FIN takes one sequence number: an ACK just past the data is not a gap.
  uint64_t fin = ep_[peer].state == EndpointState::kClosed ? 1 : 0;
  if (acked > s.end + fin && acked - s.end < (uint64_t(1) << 30)) {
    Missed(peer, acked - s.end - fin);
    s.end = acked - fin;
  }
  int kept = 0;
  for (int i = 0; i < s.hole_count; ++i) {
    if (s.holes[i].end <= acked)
      Missed(peer, s.holes[i].end - s.holes[i].begin);
    else
      s.holes[kept++] = s.holes[i];
  }
  s.hole_count = kept;
}

// The endpoint states Zeek's conn_state is computed from.
void TcpConnection::Advance(int from, uint8_t flags) {
  TcpEndpoint& e = ep_[from];
  TcpEndpoint& peer = ep_[1 - from];
  if (flags & kRst) {
    e.state = EndpointState::kReset;
    return;
  }
  if (e.state == EndpointState::kReset) return;
  if (flags & kFin) {
    e.state = EndpointState::kClosed;
    return;
  }
  if (e.state == EndpointState::kClosed) return;
  if (flags & kSyn) {
    if (e.state == EndpointState::kInactive)
      e.state = (flags & kAck) ? EndpointState::kSynAckSent : EndpointState::kSynSent;
    return;
  }
  if (!(flags & kAck)) return;
  if (e.state == EndpointState::kInactive) e.state = EndpointState::kPartial;
  if (e.state == EndpointState::kSynSent || e.state == EndpointState::kSynAckSent)
    e.state = EndpointState::kEstablished;
  if (peer.state == EndpointState::kSynAckSent || peer.state == EndpointState::kSynSent)
    if (e.state == EndpointState::kEstablished) peer.state = EndpointState::kEstablished;
}

void TcpConnection::Finish() {
  for (int side = 0; side < 2; ++side) {
    SequenceSpace& s = ep_[side].space;
    for (int i = 0; i < s.hole_count; ++i) Missed(side, s.holes[i].end - s.holes[i].begin);
    s.hole_count = 0;
  }
}

// Zeek's rules (base/protocols/conn/main.zeek, conn_state), on the endpoint states.
const char* TcpConnection::ConnState() const {
  using S = EndpointState;
  S os = ep_[0].state, rs = ep_[1].state;
  bool o_inactive = os == S::kInactive || os == S::kPartial;
  bool r_inactive = rs == S::kInactive || rs == S::kPartial;
  if (rs == S::kReset) {
    if (os == S::kSynSent || os == S::kSynAckSent ||
        (os == S::kReset && !ep_[0].payload_seen && !ep_[1].payload_seen))
      return "REJ";
    return o_inactive ? "RSTRH" : "RSTR";
  }
  if (os == S::kReset) {
    if (!r_inactive) return "RSTO";
    // A SYN, then the RST, nothing from the responder in between.
    std::string_view h = history();
    bool syn_first = h.starts_with('S') || h.starts_with("^S");
    bool answered = h.find_first_of("HAFGIQ") < h.find('R');
    return syn_first && !answered ? "RSTOS0" : "OTH";
  }
  if (rs == S::kClosed && os == S::kClosed) return "SF";
  if (os == S::kClosed) return r_inactive ? "SH" : "S2";
  if (rs == S::kClosed) return o_inactive ? "SHR" : "S3";
  if (os == S::kSynSent && rs == S::kInactive) return "S0";
  if (os == S::kEstablished && rs == S::kEstablished) return "S1";
  return "OTH";
}

}  // namespace pcapkit::flows
