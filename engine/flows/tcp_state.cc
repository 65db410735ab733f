#include "engine/flows/tcp_state.h"

#include <algorithm>

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
// wrap-around is undone.
uint64_t Offset(const SequenceSpace& s, uint32_t seq, uint64_t near) {
  int64_t at = int64_t(near) + int64_t(int32_t(seq - uint32_t(s.base + near)));
  return at < 0 ? 0 : uint64_t(at);
}

}  // namespace

void TcpConnection::Letter(int from, char upper) {
  history_.push_back(Cased(from, upper));
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

void TcpConnection::NoteFlags(int from, uint8_t flags, uint32_t seq, uint32_t payload) {
  TcpEndpoint& e = ep_[from];
  auto repeat = [&](int which, char upper) {
    if (e.seen[which] && e.last_seq[which] == seq) return;
    e.seen[which] = true;
    e.last_seq[which] = seq;
    Letter(from, upper);
  };
  auto once = [&](OnceLetter which, char upper) {
    if (e.once & which) return;
    e.once |= which;
    Letter(from, upper);
  };
  if ((flags & kSyn) && (flags & kRst)) once(kI, 'I');
  if ((flags & kSyn) && (flags & kFin)) once(kQ, 'Q');
  if (flags & kSyn) repeat((flags & kAck) ? kH : kS, (flags & kAck) ? 'H' : 'S');
  if (flags & kFin) repeat(kF, 'F');
  if (flags & kRst) repeat(kR, 'R');
  bool pure_ack = (flags & kAck) && !(flags & (kSyn | kFin | kRst)) && payload == 0;
  if (pure_ack) once(kA, 'A');
  if (payload > 0) {
    once(kD, 'D');
    e.payload_seen = true;
  }
}

// Bytes below the highest one seen are a retransmission unless they fill a hole; bytes
// past it leave a hole behind them when they do not start where it ends.
void TcpConnection::NoteSequence(int from, uint32_t seq, uint8_t flags, uint32_t payload) {
  SequenceSpace& s = ep_[from].space;
  if (!s.started) {
    s.started = true;
    s.base = (flags & kSyn) ? seq + 1 : seq;
    s.end = 0;
  }
  if (payload == 0) return;
  uint64_t begin = Offset(s, (flags & kSyn) ? seq + 1 : seq, s.end);
  uint64_t end = begin + payload;
  if (begin > s.end) {
    if (s.hole_count == SequenceSpace::kMaxHoles) {  // the oldest is given up
      Missed(from, s.holes[0].end - s.holes[0].begin);
      std::rotate(s.holes, s.holes + 1, s.holes + s.hole_count);
      --s.hole_count;
    }
    s.holes[s.hole_count++] = {s.end, begin};
  }
  bool filled = false;
  for (int i = 0; i < s.hole_count; ++i) {
    SequenceSpace::Hole& h = s.holes[i];
    if (end <= h.begin || begin >= h.end) continue;
    filled = true;
    if (begin <= h.begin && end >= h.end) {
      h.begin = h.end;  // closed: dropped below
    } else if (begin <= h.begin) {
      h.begin = end;
    } else {
      h.end = begin;  // a part past `end` stays a hole only when begin trims it
    }
  }
  s.hole_count = int(std::remove_if(s.holes, s.holes + s.hole_count,
                                    [](const SequenceSpace::Hole& h) { return h.begin >= h.end; }) -
                     s.holes);
  if (end <= s.end && !filled) Scaled(from, kT, 'T');
  s.end = std::max(s.end, end);
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
    bool syn_first = !history_.empty() && (history_[0] == 'S' || history_.rfind("^S", 0) == 0);
    bool answered = history_.find_first_of("HAFGIQ") < history_.find('R');
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
