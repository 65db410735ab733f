#include "engine/reassembly/tcp_reassembler.h"

#include <algorithm>
#include <cstring>

#include "engine/reassembly/tcp_connection.h"

namespace pcapkit::reassembly {

TcpReassembler::TcpReassembler(const ReassemblyOptions& options, ReassemblyStats* stats,
                               EmitStream stream, EmitClosed closed, EmitPiece piece,
                               EmitOpened opened)
    : options_(options),
      stats_(stats),
      emit_stream_(std::move(stream)),
      emit_closed_(std::move(closed)),
      emit_piece_(std::move(piece)),
      emit_opened_(std::move(opened)) {}

TcpReassembler::~TcpReassembler() {
  while (lru_ != nullptr) Erase(lru_);
}

TcpReassembler::Connection* TcpReassembler::Find(const Key& key, uint64_t hash) const {
  return table_.Find(hash, [&](const Connection* c) { return c->key == key; });
}

void TcpReassembler::Prefetch(const TcpSegment& s, bool entry) const {
  if (entry)
    table_.PrefetchEntry(s.hash);
  else
    table_.Prefetch(s.hash);
}

void TcpReassembler::Touch(Connection* c) {
  if (mru_ == c) return;
  if (c->prev || c->next || lru_ == c) {  // unlink
    (c->prev ? c->prev->next : lru_) = c->next;
    (c->next ? c->next->prev : mru_) = c->prev;
  }
  c->prev = mru_;
  c->next = nullptr;
  (mru_ ? mru_->next : lru_) = c;
  mru_ = c;
}

// Bytes a connection holds, with a fixed charge for its bookkeeping so that a flood of
// empty connections is bounded too.
void TcpReassembler::Recost(Connection& c) {
  size_t cost = sizeof(Connection) + 96;
  for (const Direction& d : c.dir) {
    cost += d.buf.capacity() + d.ooo_bytes + d.ooo.size() * 96 +
            d.index.capacity() * sizeof(uint64_t) +
            (d.runs.capacity() + d.gaps.capacity()) * sizeof(Direction::Span);
  }
  held_ = held_ - c.cost + cost;
  c.cost = cost;
}

void TcpReassembler::Erase(Connection* c) {
  (c->prev ? c->prev->next : lru_) = c->next;
  (c->next ? c->next->prev : mru_) = c->prev;
  held_ -= c->cost;
  table_.Remove(c->hash, c);
  delete c;
}

bool TcpReassembler::CompareHeld(Direction& d, uint64_t rel, const uint8_t* p, uint64_t n) {
  bool differ = false;
  bool last_wins = options_.overlap == OverlapPolicy::kLast;
  uint64_t at = 0;  // offset in buf of the current run
  for (const Direction::Span& r : d.runs) {
    uint64_t b = std::max(rel, r.rel), e = std::min(rel + n, r.rel + r.len);
    if (b < e) {
      uint8_t* held = d.buf.data() + at + (b - r.rel);
      if (std::memcmp(held, p + (b - rel), e - b) != 0) {
        differ = true;
        if (last_wins) std::memcpy(held, p + (b - rel), e - b);
      }
    }
    at += r.len;
  }
  if (differ) d.conflict = true;
  return differ;
}

void TcpReassembler::Deliver(Connection& c, int di, uint64_t rel, const uint8_t* p, uint64_t n,
                             uint32_t ack, const uint64_t* frames, size_t nframes,
                             const Timestamp& time) {
  Direction& d = c.dir[di];
  if (emit_piece_) {  // streaming: out at once, nothing kept
    d.next = rel + n;
    d.delivered += n;
    d.Stamp(time);
    EmitPieceOf(c, di, rel, {p, size_t(n)}, 0, {frames, nframes}, time);
    return;
  }
  if (options_.tcp_messages) {
    if (d.has_ack && d.ack != ack && !d.buf.empty()) EmitRecord(c, di, StreamEnd::kMessage);
    d.has_ack = true;
    d.ack = ack;
  }
  if (d.runs.empty() || d.runs.back().rel + d.runs.back().len != rel) d.runs.push_back({rel, 0});
  d.buf.insert(d.buf.end(), p, p + n);
  d.runs.back().len += n;
  d.next = rel + n;
  d.delivered += n;
  for (size_t i = 0; i < nframes; ++i) d.Note(frames[i]);
  d.Stamp(time);
  if (d.buf.size() >= options_.tcp_buffer) EmitRecord(c, di, StreamEnd::kLimit);
}

void TcpReassembler::Drain(Connection& c, int di) {
  Direction& d = c.dir[di];
  while (!d.ooo.empty() && d.ooo.begin()->first <= d.next) {
    auto it = d.ooo.begin();
    uint64_t start = it->first;
    Held h = std::move(it->second);
    d.ooo.erase(it);
    d.ooo_bytes -= h.data.size();
    uint64_t end = start + h.data.size();
    if (end <= d.next) {
      CompareHeld(d, start, h.data.data(), h.data.size());
      continue;
    }
    uint64_t skip = d.next - start;
    if (skip) CompareHeld(d, start, h.data.data(), skip);
    Deliver(c, di, d.next, h.data.data() + skip, h.data.size() - skip, h.ack, h.frames.data(),
            h.frames.size(), c.last);
  }
}

void TcpReassembler::SkipTo(Connection& c, int di, uint64_t to) {
  Direction& d = c.dir[di];
  while (d.next < to) {
    if (!d.ooo.empty() && d.ooo.begin()->first <= d.next) {
      Drain(c, di);
      continue;
    }
    uint64_t stop = d.ooo.empty() ? to : std::min(to, d.ooo.begin()->first);
    uint64_t len = stop - d.next;
    if (emit_piece_)
      EmitPieceOf(c, di, d.next, {}, len, {&c.last_frame, 1}, c.last);
    else if (!d.gaps.empty() && d.gaps.back().rel + d.gaps.back().len == d.next)
      d.gaps.back().len += len;
    else
      d.gaps.push_back({d.next, len});
    d.gap_bytes += len;
    stats_->gap_bytes += len;
    d.next = stop;
    Drain(c, di);
  }
}

// Keeps bytes that arrived beyond a hole: the parts no held segment covers yet are added
// (first wins), the rest compared (and replaced under --overlap last).
void TcpReassembler::Hold(Direction& d, uint64_t b, const uint8_t* p, uint64_t n, uint32_t ack,
                          uint64_t frame) {
  uint64_t e = b + n;
  auto at = d.ooo.upper_bound(b);
  if (at != d.ooo.begin()) {
    auto prev = std::prev(at);
    if (prev->first + prev->second.data.size() > b) at = prev;
  }
  // Walk the held segments overlapping [b, e), collecting the uncovered pieces first
  // (adding them changes the map).
  std::vector<std::pair<uint64_t, uint64_t>> pieces;
  bool covered_any = false;
  uint64_t cursor = b;
  for (; at != d.ooo.end() && at->first < e; ++at) {
    uint64_t hb = at->first, he = hb + at->second.data.size();
    if (hb > cursor) pieces.push_back({cursor, hb});
    uint64_t ob = std::max(cursor, hb), oe = std::min(e, he);
    if (ob < oe) {
      covered_any = true;
      uint8_t* held = at->second.data.data() + (ob - hb);
      if (std::memcmp(held, p + (ob - b), oe - ob) != 0) {
        d.conflict = true;
        if (options_.overlap == OverlapPolicy::kLast) std::memcpy(held, p + (ob - b), oe - ob);
      }
    }
    cursor = std::max(cursor, he);
  }
  if (cursor < e) pieces.push_back({cursor, e});
  if (pieces.empty() && covered_any) ++stats_->retransmissions;
  for (const auto& [pb, pe] : pieces) AddHeld(d, pb, p + (pb - b), pe - pb, ack, frame);
}

// Adds [at, at+n) to the held bytes, joined to a neighbour it touches (with
// --tcp-messages only one of the same acknowledgement number), so that an overlap storm
// cannot splinter the map into a node per byte.
void TcpReassembler::AddHeld(Direction& d, uint64_t at, const uint8_t* p, uint64_t n, uint32_t ack,
                             uint64_t frame) {
  auto joinable = [&](const Held& h) { return !options_.tcp_messages || h.ack == ack; };
  auto next = d.ooo.lower_bound(at);
  Held* into = nullptr;
  if (next != d.ooo.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.data.size() == at && joinable(prev->second))
      into = &prev->second;
  }
  if (into == nullptr) {
    into = &d.ooo.emplace_hint(next, at, Held{})->second;
    into->ack = ack;
  }
  into->data.insert(into->data.end(), p, p + n);
  if (into->frames.empty() || into->frames.back() != frame) into->frames.push_back(frame);
  d.ooo_bytes += n;
  if (next != d.ooo.end() && next->first == at + n && joinable(next->second)) {
    into->data.insert(into->data.end(), next->second.data.begin(), next->second.data.end());
    into->frames.insert(into->frames.end(), next->second.frames.begin(), next->second.frames.end());
    d.ooo.erase(next);
  }
}

// Add and its phases, in order. The phases on every segment's path are inline: each has
// this one caller, and the split must cost the per-segment path no calls.
void TcpReassembler::Add(const TcpSegment& segment) {
  ++stats_->segments;
  Connection* conn = FindOrOpen(segment);
  if (conn == nullptr) return;
  int64_t now_ns = ToNanos(segment.time);
  Touch(conn);
  conn->last = segment.time;
  conn->last_frame = segment.frame;
  conn->last_ns = now_ns;
  ++conn->frames;

  int side = conn->SideOf(segment);
  Direction& sender = conn->dir[side];
  uint32_t data_seq = segment.seq + (segment.syn() ? 1 : 0);  // a SYN takes one number
  if (!sender.started) {
    sender.started = true;
    sender.base = data_seq;
  }
  int64_t offset = sender.Rel(data_seq);
  // (Streaming keeps no record, so no index of its frames.)
  if ((segment.syn() || segment.fin() || segment.rst()) && segment.len == 0 && !emit_piece_)
    sender.Note(segment.frame);
  if (segment.len > 0 && !sender.done) {
    // Bytes from before the stream's first one are not ours to place; the rest (and the
    // FIN after them) count from offset 0.
    uint64_t cut = offset < 0 ? std::min<uint64_t>(uint64_t(-offset), segment.len) : 0;
    offset = std::max<int64_t>(offset, 0);
    PlaceBytes(*conn, side, uint64_t(offset), segment.payload + cut, segment.len - cut, segment);
  }
  if (segment.fin() && !sender.fin) {
    sender.fin = true;
    sender.fin_at = uint64_t(std::max<int64_t>(offset + int64_t(segment.wire_len), 0));
  }
  SkipAcknowledgedHole(*conn, 1 - side, segment);
  if (segment.rst()) NoteReset(*conn, sender, segment.frame, now_ns);
  EmitFinishedDirections(conn);
  AccountMemory(conn);
}

// The connection `segment` belongs to, opened when none is known; null when the segment is
// to be ignored: it follows its connection's close, or it is a stray ACK/FIN/RST.
inline TcpReassembler::Connection* TcpReassembler::FindOrOpen(const TcpSegment& segment) {
  Connection* conn = Find(segment.key, segment.hash);
  bool opening = segment.syn() && !segment.ack_flag();
  if (conn != nullptr && conn->closed) {
    if (!opening) {
      if (segment.len > 0) ++stats_->after_close;
      return nullptr;
    }
    Erase(conn);  // a new connection on the same 5-tuple
    conn = nullptr;
  }
  if (conn != nullptr && opening) {
    // A fresh SYN with another initial sequence number: the 5-tuple was reused and the
    // old connection's end was not captured.
    const Direction& sender = conn->dir[conn->SideOf(segment)];
    if (sender.started && uint32_t(segment.seq + 1) != sender.base) {
      Close(conn, StreamEnd::kReused);
      Erase(conn);
      conn = nullptr;
    }
  }
  if (conn != nullptr) return conn;
  // A segment with no bytes and no SYN opens nothing: it is a stray ACK/FIN/RST.
  if (segment.len == 0 && !segment.syn()) return nullptr;
  return Open(segment);
}

TcpReassembler::Connection* TcpReassembler::Open(const TcpSegment& segment) {
  auto* conn = new Connection;
  conn->key = segment.key;
  conn->hash = segment.hash;
  // The client sent the SYN; a SYN-ACK comes from the server; otherwise the first
  // packet's sender is taken for the client.
  bool sender_is_client = !(segment.syn() && segment.ack_flag());
  conn->client_is_a = sender_is_client == segment.src_is_a;
  conn->number = ++next_number_;
  conn->first = segment.time;
  if (emit_opened_) emit_opened_(conn->number);
  ++stats_->connections;
  table_.Insert(segment.hash, conn);
  return conn;
}

// Places [offset, offset + len) of direction `side`: bytes already delivered are compared
// with what is held (a retransmission), the next expected ones delivered, along with the
// held ones they reach, and bytes beyond a hole held until it fills or is given up.
inline void TcpReassembler::PlaceBytes(Connection& conn, int side, uint64_t offset,
                                       const uint8_t* bytes, uint64_t len,
                                       const TcpSegment& segment) {
  Direction& sender = conn.dir[side];
  if (len == 0) return;
  if (offset + len <= sender.next) {
    ++stats_->retransmissions;
    CompareHeld(sender, offset, bytes, len);
    return;
  }
  if (offset < sender.next) {  // the front was delivered already
    uint64_t delivered = sender.next - offset;
    CompareHeld(sender, offset, bytes, delivered);
    bytes += delivered;
    len -= delivered;
    offset = sender.next;
  }
  if (offset == sender.next) {
    uint64_t frame = segment.frame;
    Deliver(conn, side, offset, bytes, len, segment.ack, &frame, 1, segment.time);
    Drain(conn, side);
    return;
  }
  Hold(sender, offset, bytes, len, segment.ack, segment.frame);
  // A direction may hold 16 records' worth (1 MiB by default: a large window after a loss)
  // beyond a hole; past that the hole is taken for lost.
  if (sender.ooo_bytes > 16 * options_.tcp_buffer) SkipTo(conn, side, sender.ooo.begin()->first);
}

// Bytes the receiver acknowledged but the capture never showed are certainly missing: the
// hole in direction `side` up to `segment`'s acknowledgement number becomes a gap.
inline void TcpReassembler::SkipAcknowledgedHole(Connection& conn, int side,
                                                 const TcpSegment& segment) {
  Direction& acked = conn.dir[side];
  if (!segment.ack_flag() || segment.rst() || conn.reset || !acked.started || acked.done) return;
  int64_t ack_offset = acked.Rel(segment.ack);
  // The FIN takes a sequence number of its own that no byte fills.
  if (acked.fin && ack_offset == int64_t(acked.fin_at) + 1) ack_offset = int64_t(acked.fin_at);
  int64_t next = int64_t(acked.next);
  if (ack_offset > next && ack_offset - next < kMaxAckJump)
    SkipTo(conn, side, uint64_t(ack_offset));
}

// A RST closes the connection only once the linger time has passed (see Expire).
void TcpReassembler::NoteReset(Connection& conn, Direction& sender, uint64_t frame,
                               int64_t now_ns) {
  if (!emit_piece_) sender.Note(frame);
  if (conn.reset) return;
  conn.reset = true;
  closing_.push_back({now_ns, conn.number, conn.hash, conn.key});
  // The waiting list is bounded too: under an RST flood the oldest close early.
  while (closing_.size() * sizeof(Closing) > options_.tcp_memory / 4) {
    Connection* early = StillClosing(closing_.front());
    if (early != nullptr && early != &conn) Close(early, StreamEnd::kRst);
    closing_.pop_front();
  }
}

// The connection a RST put on the closing list, unless it is gone or its 5-tuple now
// belongs to a newer connection.
TcpReassembler::Connection* TcpReassembler::StillClosing(const Closing& closing) const {
  Connection* conn = Find(closing.key, closing.hash);
  return conn != nullptr && conn->number == closing.number ? conn : nullptr;
}

// Hands out each direction whose FIN was reached with nothing still held, and closes the
// connection once both directions are done.
inline void TcpReassembler::EmitFinishedDirections(Connection* conn) {
  for (int side = 0; side < 2; ++side) {
    Direction& dir = conn->dir[side];
    if (dir.fin && !dir.done && dir.next >= dir.fin_at && dir.ooo.empty()) {
      EmitRecord(*conn, side, StreamEnd::kFin);
      dir.done = true;
    }
  }
  if (conn->dir[0].done && conn->dir[1].done) Close(conn, StreamEnd::kFin);
}

// Recounts what `current` holds, then evicts the least recently active connections until
// all fit the budget again — `current` too, last, if need be (then it is freed).
inline void TcpReassembler::AccountMemory(Connection* current) {
  if (!current->closed) Recost(*current);
  while (held_ > options_.tcp_memory && lru_ != nullptr) {
    Connection* victim = lru_;
    if (!victim->closed) {
      Close(victim, StreamEnd::kEvicted);
      ++stats_->connections_evicted;
    }
    Erase(victim);
    if (victim == current) break;
  }
  // What stays held between segments: the budget's measure.
  if (held_ > stats_->peak_tcp_memory) stats_->peak_tcp_memory = held_;
}

}  // namespace pcapkit::reassembly
