// The `http` analyser's holes. One inside a body of known length is only counted; any other
// loses the framing: the message it falls in is cut (what arrived of its head is kept) and
// the direction looks for the next message's start (Resync). Also the messages the
// connection's end cuts. What the class is and does: http1.h.
#include <algorithm>
#include <cstring>

#include "engine/analysis/http1.h"

namespace pcapkit::analysis::http1 {

void Http1Analyser::Gap(int dir, uint64_t len, const Position& at) {
  if (ended_ || dir < 0 || dir > 1 || len == 0) return;
  Side& s = side_[dir];
  if (s.phase == Phase::kBody) len = GapInBody(dir, len, at);
  if (len > 0) {
    switch (s.phase) {
      case Phase::kStopped:
        break;
      case Phase::kHold:
        hold_lost_ = true;  // held requests with a hole in them cannot be parsed
        break;
      case Phase::kHandover:
        rest_lost_ = true;  // nor handed over
        break;
      case Phase::kCloseBody:  // still all body up to the end: it is only counted
        Touch(dir, at);
        s.body.Gap(len);
        break;
      case Phase::kResync:  // still looking: the search starts again after this hole
        Touch(dir, at);
        PassOver(dir, s.head.size());
        LoseFraming(dir, len);
        break;
      case Phase::kHead:
        GapInHead(dir, len, at);
        break;
      default:
        GapInChunks(dir, len, at);
        break;
    }
  }
  Flush();
}

// Returns what is left of the hole past the body's end.
uint64_t Http1Analyser::GapInBody(int dir, uint64_t len, const Position& at) {
  Side& s = side_[dir];
  uint64_t take = std::min(len, s.remaining);
  Touch(dir, at);
  s.body.Gap(take);
  s.remaining -= take;
  if (s.remaining == 0) {
    FinishBody(dir, true);
    EndMessage(dir);
  }
  return len - take;
}

// A hole where a head is (or starts): the message it belongs to is known only by what
// arrived of its head, if anything. (The response to an HTTP/0.9 request has no head: the
// hole is in its body.)
void Http1Analyser::GapInHead(int dir, uint64_t len, const Position& at) {
  Side& s = side_[dir];
  Transaction* simple = dir == 1 && s.head.empty() ? SimpleRequest() : nullptr;
  if (simple) {
    BeginSimpleResponse(*simple, at);
    s.body.Gap(len);
    return;
  }
  if (s.head.empty() && !BeginMessage(dir, at)) return;
  CutHead(dir);
  Touch(dir, at);
  LoseFraming(dir, len);
}

// A hole in a chunked body or its trailers: what is inside the chunk being read is the
// body's, the rest (chunk framing, more chunks, what follows) only the message's.
void Http1Analyser::GapInChunks(int dir, uint64_t len, const Position& at) {
  Side& s = side_[dir];
  uint64_t body = s.phase == Phase::kChunkData ? std::min(len, s.remaining) : 0;
  Touch(dir, at);
  if (body) s.body.Gap(body);
  if (InBody(s.phase)) FinishBody(dir, false);
  LoseFraming(dir, len - body);
}

// The framing is lost: the message in progress is cut, `len` more of its bytes missing, and
// the direction looks for the next message's start from the next piece on.
void Http1Analyser::LoseFraming(int dir, uint64_t len) {
  Side& s = side_[dir];
  if (Message* m = Current(dir)) m->body.gaps += len;
  s.phase = Phase::kResync;
  s.head.clear();
  s.line = 0;
  s.remaining = 0;
  s.cr = false;
  s.scanned = 0;
  s.after_hole = true;
  s.line_start = false;
}

// Looks for the next message after a hole: at the start of the first piece after it, else
// at a line start, within max_head bytes (further on, a body's content is likelier to look
// like a start line than a message is to be found). What is passed over is the cut
// message's: its `gaps`.
size_t Http1Analyser::Resync(int dir, std::span<const uint8_t> bytes, const Position& at) {
  Side& s = side_[dir];
  Touch(dir, at);
  bool start = s.after_hole || s.line_start;
  s.after_hole = s.line_start = false;
  if (!s.head.empty()) {  // a possible start line's first bytes, from the pieces before
    Probe p = ProbeHeld(dir, bytes);
    if (p == Probe::kYes) Resynced(dir, s.probe_at);
    if (p != Probe::kNo) return p == Probe::kYes ? 0 : bytes.size();
    start = false;
  }
  size_t pos = 0;
  while (pos < bytes.size() && s.scanned + pos <= c_.limits->max_head) {
    const void* nl = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
    size_t next = nl ? size_t(static_cast<const uint8_t*>(nl) - bytes.data()) + 1 : bytes.size();
    if (start) {
      size_t n = std::min(kProbeLength, bytes.size() - pos);
      Probe p = StartLine(dir == 1, View(bytes.subspan(pos, n)));
      // A line that is all there must be a whole start line (its first bytes alone can be
      // a body's: "GET it while you can").
      if (p == Probe::kYes && nl &&
          !ResyncLine(dir == 1, Chomp(View(bytes.subspan(pos, next - pos)))))
        p = Probe::kNo;
      if (p != Probe::kNo) {
        PassOver(dir, pos);
        if (p == Probe::kYes) {
          Resynced(dir, at);
          return pos;
        }
        s.head.assign(View(bytes.subspan(pos)));  // too few bytes to tell: held
        s.probe_at = at;
        return bytes.size();
      }
    }
    pos = next;
    start = nl != nullptr;
  }
  PassOver(dir, pos);
  if (s.scanned > c_.limits->max_head) {
    Stop(dir, dir ? "no status line within max_head bytes after a hole"
                  : "no request line within max_head bytes after a hole");
    return bytes.size();
  }
  s.line_start = start;
  return bytes.size();
}

// Whether the held bytes and the first of `bytes` start a message; while it cannot be told
// yet they are all held, and when they do not they are passed over.
Probe Http1Analyser::ProbeHeld(int dir, std::span<const uint8_t> bytes) {
  Side& s = side_[dir];
  char probe[kProbeLength];
  size_t held = std::min(s.head.size(), kProbeLength);
  size_t n = std::min(bytes.size(), kProbeLength - held);
  std::memcpy(probe, s.head.data(), held);
  std::memcpy(probe + held, bytes.data(), n);
  Probe p = StartLine(dir == 1, {probe, held + n});
  if (p == Probe::kMaybe) s.head.append(probe + held, n);
  if (p == Probe::kNo) {
    PassOver(dir, s.head.size());
    s.head.clear();
  }
  return p;
}

void Http1Analyser::PassOver(int dir, uint64_t len) {
  side_[dir].scanned += len;
  if (Message* m = Current(dir)) m->body.gaps += len;
}

// A message starts where the search found one: the cut message ends there. Its first bytes
// are in `head` when they came in an earlier piece (the message starts there, `at`); else
// Head starts it.
void Http1Analyser::Resynced(int dir, const Position& at) {
  Side& s = side_[dir];
  EndCut(dir);
  s.phase = Phase::kHead;
  s.line = 0;
  if (!s.head.empty()) BeginMessage(dir, at);
}

// What arrived of a head that a hole or the connection's end cut: its start line (or what
// of it is certain, when it is cut inside it) and its whole field lines. Nothing else is
// guessed; a start line that is none is said.
void Http1Analyser::CutHead(int dir) {
  Side& s = side_[dir];
  Transaction* t = s.depth ? Find(s.depth) : nullptr;
  if (!t || s.head.empty() || s.phase != Phase::kHead) return;
  Message& m = dir ? t->response : t->request;
  std::string_view head = s.head;
  size_t nl = head.find('\n'), last = head.rfind('\n');
  std::string_view start = Chomp(head.substr(0, nl));
  bool ok = nl == std::string_view::npos ? ParseCutStartLine(dir == 1, head, m)
            : dir                        ? ParseStatusLine(start, m)
                                         : ParseRequestLine(start, m);
  if (!ok) {
    if (nl != std::string_view::npos)
      AddError(*t, dir ? "malformed status line" : "malformed request line");
    return;
  }
  m.parsed = m.head_cut = true;
  m.line_cut = nl == std::string_view::npos && head.back() != '\r';
  if (nl != std::string_view::npos && !ParseFields(head.substr(nl + 1, last - nl), m.headers))
    AddError(*t, "malformed header field");
  t->bytes += head.size();
  pending_bytes_ += head.size();
}

// The message cut by a hole ends: nothing more of it will come.
void Http1Analyser::EndCut(int dir) {
  Side& s = side_[dir];
  if (Transaction* t = s.depth ? Find(s.depth) : nullptr)
    (dir ? t->response : t->request).done = true;
  s.depth = 0;
}

// The connection's end: a close-delimited body ends whole; any other message in progress
// is cut — a body of known length counts what is missing as gaps (so does a chunked one,
// for the chunk in progress, but how many chunks were to follow is unknown: `error`), and
// a head keeps what arrived of it.
void Http1Analyser::CutByEnd(int dir) {
  Side& s = side_[dir];
  const char* error = "";
  switch (s.phase) {
    case Phase::kCloseBody:
      FinishBody(dir, true);
      EndMessage(dir);
      break;
    case Phase::kChunkData:
    case Phase::kChunkSize:
    case Phase::kChunkEnd:
      error = "body cut by the end of the connection";
      [[fallthrough]];
    case Phase::kBody:
      if (s.remaining) s.body.Gap(s.remaining);
      s.remaining = 0;
      break;
    case Phase::kHead:
      if (s.head.empty()) break;
      CutHead(dir);
      error = dir ? "response head incomplete" : "request head incomplete";
      break;
    case Phase::kResync:  // the first bytes of what could have been a start line
      PassOver(dir, s.head.size());
      break;
    default:
      break;
  }
  Stop(dir, error);
}

}  // namespace pcapkit::analysis::http1
