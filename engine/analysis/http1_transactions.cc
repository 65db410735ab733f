// The `http` analyser's messages and transactions: a message starts, its head is
// understood, its body framed, and it ends; requests and responses are paired, upgrades
// end HTTP (an h2c one hands over to HTTP/2), and the transactions are written in order.
// What the class is and does: http1.h.
#include <algorithm>

#include "engine/analysis/http1.h"

namespace pcapkit::analysis::http1 {
namespace {

// Requests waiting for their responses: at most this many, holding at most
// kPendingHeads x max_head bytes of heads (pipelining is bounded by the server anyway).
constexpr size_t kMaxPending = 1024, kPendingHeads = 4;
constexpr size_t kMaxInformational = 16;

}  // namespace

// A message starts: a request opens a transaction, a response joins the oldest one not
// answered (or opens its own when there is none). False when the direction stopped.
bool Http1Analyser::BeginMessage(int dir, const Position& at) {
  Side& s = side_[dir];
  Transaction* t = s.depth ? Find(s.depth) : nullptr;  // after a 1xx: the same one
  if (!t && dir == 1) t = Find(answered_ + 1);
  if (!t) {
    t = &pending_.emplace_back();
    t->depth = next_depth_++;
    t->request.done = dir == 1;  // a response without request
    t->response.done = side_[1].phase == Phase::kStopped;
  }
  if (dir == 1) answered_ = t->depth;
  s.depth = t->depth;
  Message& m = dir ? t->response : t->request;
  if (!m.started) m.first = at;
  m.started = true;
  m.last = at;
  if (dir == 0 &&
      (pending_.size() > kMaxPending || pending_bytes_ > kPendingHeads * c_.limits->max_head)) {
    Stop(0, "too many requests awaiting responses");
    return false;
  }
  return true;
}

void Http1Analyser::OnHead(int dir) {
  Side& s = side_[dir];
  Transaction& t = *Find(s.depth);
  Message& m = dir ? t.response : t.request;
  std::string_view head = s.head;
  size_t nl = head.find('\n');
  std::string_view start = Chomp(head.substr(0, nl));
  if (!(dir ? ParseStatusLine(start, m) : ParseRequestLine(start, m))) {
    Stop(dir, dir ? "malformed status line" : "malformed request line");
    return;
  }
  m.parsed = true;
  if (!ParseFields(head.substr(nl + 1), m.headers)) {
    Stop(dir, "malformed header field");
    return;
  }
  t.bytes += head.size();
  pending_bytes_ += head.size();
  s.head.clear();
  if (dir == 0)
    OnRequest(t);
  else
    OnResponse(t);
}

void Http1Analyser::OnRequest(Transaction& t) {
  Framing f = Frame(t.request, true, {});
  if (f.error) return Stop(0, f.error);
  t.asks_upgrade = t.request.method == "CONNECT" || Header(t.request.headers, "upgrade");
  StartBody(0, f);
}

void Http1Analyser::OnResponse(Transaction& t) {
  Message& m = t.response;
  if (m.status / 100 == 1 && m.status != 101) {
    // An interim response (100 Continue, 103 Early Hints): the final one follows.
    if (t.informational.size() < kMaxInformational) t.informational.push_back(m.status);
    m.parsed = false;
    m.headers.clear();
    return;
  }
  t.decided = true;
  bool connect = t.request.parsed && t.request.method == "CONNECT";
  if (m.status == 101 || (connect && m.status / 100 == 2)) return Upgrade(t, connect);
  if (side_[0].phase == Phase::kHold && hold_depth_ == t.depth) Resume();
  Framing f = Frame(m, false, t.request.parsed ? std::string_view(t.request.method) : "");
  if (f.error) return Stop(1, f.error);
  StartBody(1, f);
}

void Http1Analyser::OnTrailers(int dir) {
  Side& s = side_[dir];
  Message& m = *Current(dir);
  if (!ParseFields(s.head, m.trailers)) return Stop(dir, "malformed trailer field");
  s.head.clear();
  EndMessage(dir);
}

void Http1Analyser::StartBody(int dir, const Framing& f) {
  Side& s = side_[dir];
  switch (f.kind) {
    case Framing::kNone:
      return EndMessage(dir);
    case Framing::kLength:
      s.remaining = f.length;
      s.phase = Phase::kBody;
      break;
    case Framing::kChunked:
      s.phase = Phase::kChunkSize;
      break;
    case Framing::kClose:
      s.phase = Phase::kCloseBody;
      break;
  }
  s.body.Begin(f.codings);
}

void Http1Analyser::FinishBody(int dir, bool complete) {
  side_[dir].body.Finish(complete, Current(dir)->body);
}

// The message in progress is over; the direction waits for the next one (or, after an
// upgrade request, for its response's decision).
void Http1Analyser::EndMessage(int dir) {
  Side& s = side_[dir];
  Transaction& t = *Find(s.depth);
  (dir ? t.response : t.request).done = true;
  s.depth = 0;
  s.line = 0;
  s.head.clear();
  s.phase = Phase::kHead;
  if (dir == 0 && t.asks_upgrade && !t.decided) {
    s.phase = Phase::kHold;
    hold_depth_ = t.depth;
  }
}

// 101 Switching Protocols, or a CONNECT's 2xx: the connection is no longer HTTP/1.x.
void Http1Analyser::Upgrade(Transaction& t, bool connect) {
  t.upgraded = true;
  const std::string* protocol = Header(t.response.headers, "upgrade");
  t.upgrade = connect ? "CONNECT" : protocol ? *protocol : "";
  EndMessage(1);
  if (!connect && StartHandover(t)) return;
  Stop(1, {});
  Stop(0, {});  // a request still in progress is cut short
}

// An accepted h2c upgrade (RFC 7540 3.2): HTTP/2 follows both ways, so the bytes of both
// directions are kept for the handover instead of dropped — the client's held since its
// request (the preface and its first frames), the server's from the end of the 101 on.
// False when it is no h2c upgrade, or when the client's bytes cannot all be handed over.
bool Http1Analyser::StartHandover(Transaction& t) {
  if (!SameName(t.upgrade, "h2c") || !Lists(t.request.headers, "upgrade", "h2c")) return false;
  if (side_[0].phase != Phase::kHold || hold_depth_ != t.depth || hold_lost_) {
    AddError(t, "h2c: the client's bytes after the upgrade were not all kept");
    return false;
  }
  handover_ = true;
  // Where each direction's rest starts when no byte of it has come yet.
  handover_at_[0] = t.request.last;
  handover_at_[1] = t.response.last;
  side_[1].phase = Phase::kHandover;
  return true;
}

bool Http1Analyser::TakeHandover(Handover* out) {
  if (!handover_) return false;
  handover_ = false;
  // A direction that lost bytes would start HTTP/2 mid-frame: no handover then.
  bool whole = !hold_lost_ && !rest_lost_;
  if (whole) {
    out->kind = Kind::kHttp2;
    out->rest[0].assign(hold_.begin(), hold_.end());
    out->rest[1].assign(rest_.begin(), rest_.end());
    out->at[0] = hold_.empty() ? handover_at_[0] : hold_at_;
    out->at[1] = handover_at_[1];
  }
  Stop(0, {});
  Stop(1, {});
  return whole;
}

// The upgrade was refused: the requests held back are HTTP after all.
void Http1Analyser::Resume() {
  if (hold_lost_) return Stop(0, "requests after a refused upgrade were not all kept");
  std::string held = std::move(hold_);
  hold_.clear();
  side_[0].phase = Phase::kHead;
  hold_depth_ = 0;
  Feed(0, {reinterpret_cast<const uint8_t*>(held.data()), held.size()}, hold_at_);
}

// The direction is no longer parsed; `error` (when not empty) says why. The message in
// progress ends, cut short.
void Http1Analyser::Stop(int dir, std::string_view error) {
  Side& s = side_[dir];
  if (s.phase == Phase::kStopped) return;
  Transaction* t = s.depth ? Find(s.depth) : nullptr;
  if (!t && dir == 0 && s.phase == Phase::kHold) t = Find(hold_depth_);
  if (t && !error.empty()) AddError(*t, error);
  if (s.depth && t) {
    if (InBody(s.phase)) FinishBody(dir, false);
    (dir ? t->response : t->request).done = true;
  }
  s.phase = Phase::kStopped;
  s.depth = 0;
  std::string().swap(s.head);
  if (dir == 0) std::string().swap(hold_);
  if (dir == 1) {  // no response will come for any of them
    std::string().swap(rest_);
    for (Transaction& p : pending_) p.response.done = true;
  }
}

// ---- The end, and the records.

void Http1Analyser::End(const Position&) {
  if (ended_) return;
  for (int dir = 0; dir < 2; ++dir) CutByEnd(dir);
  for (Transaction& t : pending_) t.request.done = t.response.done = true;
  Flush();
  handover_ = false;
  ended_ = true;
}

void Http1Analyser::Flush() {
  while (!pending_.empty() && pending_.front().request.done && pending_.front().response.done) {
    Write(pending_.front());
    pending_bytes_ -= pending_.front().bytes;
    pending_.pop_front();
  }
}

void Http1Analyser::Write(const Transaction& t) {
  const Message &q = t.request, &r = t.response;
  Position first = q.started ? q.first : r.first;
  Position last = !r.started || (q.started && q.last.frame > r.last.frame) ? q.last : r.last;
  c_.sink->Write(Kind::kHttp, *c_.conversation, first, last,
                 [&t](Emitter& e) { WriteTransaction(e, t); });
}

Transaction* Http1Analyser::Find(uint64_t depth) {
  if (pending_.empty() || depth < pending_.front().depth) return nullptr;
  uint64_t i = depth - pending_.front().depth;
  return i < pending_.size() ? &pending_[size_t(i)] : nullptr;
}

Message* Http1Analyser::Current(int dir) {
  Transaction* t = side_[dir].depth ? Find(side_[dir].depth) : nullptr;
  return !t ? nullptr : dir ? &t->response : &t->request;
}

void Http1Analyser::Touch(int dir, const Position& at) {
  if (Message* m = Current(dir)) m->last = at;
}

}  // namespace pcapkit::analysis::http1
