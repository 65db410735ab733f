// TcpReassembler's output side: a direction's bytes become a StreamData record, a
// connection closes (by FIN, RST, timeout, eviction or the end of the capture).
#include <algorithm>

#include "engine/reassembly/tcp_connection.h"

namespace pcapkit::reassembly {

void TcpReassembler::Flush(Connection& c, int di, StreamEnd end) {
  Direction& d = c.dir[di];
  if (d.done) return;
  while (!d.ooo.empty()) SkipTo(c, di, d.ooo.begin()->first);
  if (d.fin && d.next < d.fin_at) SkipTo(c, di, d.fin_at);
  EmitRecord(c, di, end);
  d.done = true;
}

void TcpReassembler::EmitPieceOf(Connection& c, int di, uint64_t offset,
                                 std::span<const uint8_t> data, uint64_t gap,
                                 std::span<const uint64_t> frames, const Timestamp& time) {
  StreamPiece piece;
  Endpoint a{c.key.addr_a, c.key.port_a}, b{c.key.addr_b, c.key.port_b};
  piece.ipv6 = c.key.ipv6;
  piece.client = c.client_is_a ? a : b;
  piece.server = c.client_is_a ? b : a;
  piece.from_client = di == 0;
  piece.connection = c.number;
  piece.offset = offset;
  piece.data = data;
  piece.gap = gap;
  piece.frames = frames;
  piece.time = time;
  emit_piece_(piece);
}

void TcpReassembler::EmitRecord(Connection& c, int di, StreamEnd end) {
  Direction& d = c.dir[di];
  if (emit_piece_ || (d.buf.empty() && d.gaps.empty())) {  // streaming: handed out already
    d.index.clear();
    return;
  }
  StreamData s;
  bool client_a = c.client_is_a;
  Endpoint a{c.key.addr_a, c.key.port_a}, b{c.key.addr_b, c.key.port_b};
  Endpoint client = client_a ? a : b, server = client_a ? b : a;
  s.ipv6 = c.key.ipv6;
  s.src = di == 0 ? client : server;
  s.dst = di == 0 ? server : client;
  s.from_client = di == 0;
  s.connection = c.number;
  s.part = ++d.part;
  s.end = end;
  s.conflict = d.conflict;
  s.has_ack = d.has_ack;
  s.ack = d.ack;
  std::sort(d.index.begin(), d.index.end());
  d.index.erase(std::unique(d.index.begin(), d.index.end()), d.index.end());
  s.index = d.index;
  uint64_t at = 0;
  for (const Direction::Span& r : d.runs) {
    s.runs.push_back({d.Wire(r.rel), {d.buf.data() + at, size_t(r.len)}});
    at += r.len;
  }
  for (const Direction::Span& g : d.gaps) s.gaps.push_back({d.Wire(g.rel), g.len});
  uint64_t first_run = d.runs.empty() ? UINT64_MAX : d.runs.front().rel;
  uint64_t first_gap = d.gaps.empty() ? UINT64_MAX : d.gaps.front().rel;
  s.offset = std::min(first_run, first_gap);
  s.seq = d.Wire(s.offset);
  if (d.gaps.empty()) {
    s.status = ReassemblyStatus::kComplete;
    s.payload = {d.buf.data(), d.buf.size()};
    ++stats_->streams_complete;
  } else {
    s.status = end == StreamEnd::kTimeout   ? ReassemblyStatus::kTimedOut
               : end == StreamEnd::kEvicted ? ReassemblyStatus::kEvicted
                                            : ReassemblyStatus::kPartial;
  }
  s.first = d.first;
  s.last = d.has_time ? d.last : c.last;
  if (!d.has_time) s.first = c.last;
  ++stats_->streams;
  if (d.conflict) ++stats_->conflicts;
  emit_stream_(s);
  StartNextRecord(d);
}

// A busy direction keeps its buffer (no regrowth, no fresh pages per record) while memory is
// plentiful; under pressure a large one goes back.
void TcpReassembler::StartNextRecord(Direction& d) {
  if (d.buf.capacity() > (64u << 10) && held_ > options_.tcp_memory / 2)
    std::vector<uint8_t>().swap(d.buf);
  d.buf.clear();
  d.runs.clear();
  d.gaps.clear();
  d.index.clear();
  d.conflict = false;
  d.has_time = false;
}

void TcpReassembler::Close(Connection* c, StreamEnd end) {
  if (c->closed) return;
  if (c->reset &&
      (end == StreamEnd::kEof || end == StreamEnd::kReused || end == StreamEnd::kTimeout))
    end = StreamEnd::kRst;
  for (int k = 0; k < 2; ++k) Flush(*c, k, end);
  if (end == StreamEnd::kTimeout) ++stats_->connections_timed_out;
  if (emit_closed_) {
    ConnectionInfo info;
    Endpoint a{c->key.addr_a, c->key.port_a}, b{c->key.addr_b, c->key.port_b};
    info.ipv6 = c->key.ipv6;
    info.client = c->client_is_a ? a : b;
    info.server = c->client_is_a ? b : a;
    info.connection = c->number;
    info.end = end;
    info.client_bytes = c->dir[0].delivered;
    info.server_bytes = c->dir[1].delivered;
    info.gaps = c->dir[0].gap_bytes + c->dir[1].gap_bytes;
    info.frames = c->frames;
    info.first = c->first;
    info.last = c->last;
    info.last_frame = c->last_frame;
    emit_closed_(info);
  }
  c->closed = true;
  for (Direction& d : c->dir) {
    std::vector<uint8_t>().swap(d.buf);
    std::vector<Direction::Span>().swap(d.runs);
    std::vector<Direction::Span>().swap(d.gaps);
    std::vector<uint64_t>().swap(d.index);
    d.ooo.clear();
    d.ooo_bytes = 0;
  }
  Recost(*c);
}

void TcpReassembler::Expire(int64_t now_ns) {
  while (!closing_.empty() && Elapsed(now_ns, closing_.front().at_ns) > kLingerNs) {
    if (Connection* c = StillClosing(closing_.front())) Close(c, StreamEnd::kRst);
    closing_.pop_front();
  }
  double timeout_ns = options_.tcp_timeout * 1e9;
  while (lru_ != nullptr) {
    Connection* c = lru_;
    int64_t idle = Elapsed(now_ns, c->last_ns);
    if (c->closed ? idle <= kLingerNs : double(idle) <= timeout_ns) return;
    if (!c->closed) Close(c, StreamEnd::kTimeout);
    Erase(c);
  }
}

void TcpReassembler::Finish() {
  while (lru_ != nullptr) {
    Connection* c = lru_;
    Close(c, StreamEnd::kEof);
    Erase(c);
  }
}

}  // namespace pcapkit::reassembly
