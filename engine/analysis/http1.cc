// The `http` analyser's input, by phase: heads, bodies, chunks, the bytes held around an
// upgrade, and the holes; then its detection and registration. What the class is and
// does: http1.h.
#include "engine/analysis/http1.h"

#include <algorithm>
#include <cstring>

namespace pcapkit::analysis::http1 {
namespace {

// The methods content detection knows (the parser takes any token).
const char* const kMethods[] = {"GET",       "POST",   "HEAD",    "PUT",    "DELETE",
                                "OPTIONS",   "TRACE",  "CONNECT", "PATCH",  "PROPFIND",
                                "PROPPATCH", "MKCOL",  "COPY",    "MOVE",   "LOCK",
                                "UNLOCK",    "SEARCH", "REPORT",  "NOTIFY", "SUBSCRIBE"};

}  // namespace

void Http1Analyser::Data(int dir, std::span<const uint8_t> bytes, const Position& at) {
  if (ended_ || dir < 0 || dir > 1) return;
  Feed(dir, bytes, at);
  Flush();
}

// ---- Input, by phase. Each step takes at least one byte or changes the phase.

void Http1Analyser::Feed(int dir, std::span<const uint8_t> bytes, const Position& at) {
  Side& s = side_[dir];
  while (!bytes.empty() && s.phase != Phase::kStopped) {
    Phase before = s.phase;
    size_t used = Step(dir, bytes, at);
    if (used == 0 && s.phase == before) break;  // cannot happen; never spin
    bytes = bytes.subspan(used);
  }
}

size_t Http1Analyser::Step(int dir, std::span<const uint8_t> bytes, const Position& at) {
  switch (side_[dir].phase) {
    case Phase::kHead:
    case Phase::kTrailers:
      return Head(dir, bytes, at);
    case Phase::kChunkSize:
      Touch(dir, at);
      return ChunkSize(dir, bytes);
    case Phase::kChunkEnd:
      Touch(dir, at);
      return ChunkEnd(dir, bytes);
    case Phase::kBody:
    case Phase::kChunkData:
    case Phase::kCloseBody:
      Touch(dir, at);
      return Body(dir, bytes);
    case Phase::kHold:
      return Hold(bytes, at);
    case Phase::kHandover:
      return KeepForHandover(bytes, at);
    case Phase::kStopped:
      break;
  }
  return bytes.size();
}

// Adds bytes up to the next LF to the side's `head`; `complete` when the LF came. A head
// (or trailer section, or chunk-size line) past max_head stops the direction.
size_t Http1Analyser::TakeLine(int dir, std::span<const uint8_t> bytes, bool& complete) {
  Side& s = side_[dir];
  const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
  size_t take = nl ? size_t(static_cast<const uint8_t*>(nl) - bytes.data()) + 1 : bytes.size();
  complete = nl != nullptr;
  if (s.head.size() + take > c_.limits->max_head) {
    complete = false;
    Stop(dir, s.phase == Phase::kChunkSize  ? "chunk-size line longer than max_head"
              : s.phase == Phase::kTrailers ? "trailer section longer than max_head"
              : dir == 0                    ? "request head longer than max_head"
                                            : "response head longer than max_head");
    return bytes.size();
  }
  s.head.append(View(bytes.first(take)));
  return take;
}

size_t Http1Analyser::Head(int dir, std::span<const uint8_t> bytes, const Position& at) {
  Side& s = side_[dir];
  if (s.phase == Phase::kHead && s.head.empty()) {
    // Empty lines before a message are skipped (RFC 9112 2.2): some clients send a CRLF
    // after a body.
    if (bytes[0] == '\r' || bytes[0] == '\n') return 1;
    if (!BeginMessage(dir, at)) return bytes.size();
  }
  Touch(dir, at);
  bool complete;
  size_t used = TakeLine(dir, bytes, complete);
  if (!complete) return used;
  if (!Chomp(std::string_view(s.head).substr(s.line)).empty()) {
    s.line = s.head.size();  // a line of the head; the empty line ends it
    return used;
  }
  s.line = 0;
  if (s.phase == Phase::kHead)
    OnHead(dir);
  else
    OnTrailers(dir);
  return used;
}

size_t Http1Analyser::Body(int dir, std::span<const uint8_t> bytes) {
  Side& s = side_[dir];
  size_t take = bytes.size();
  if (s.phase != Phase::kCloseBody) take = size_t(std::min<uint64_t>(s.remaining, take));
  s.body.Data(bytes.first(take));
  if (s.phase == Phase::kCloseBody) return take;
  s.remaining -= take;
  if (s.remaining > 0) return take;
  if (s.phase == Phase::kChunkData) {
    s.phase = Phase::kChunkEnd;
  } else {
    FinishBody(dir, true);
    EndMessage(dir);
  }
  return take;
}

size_t Http1Analyser::ChunkSize(int dir, std::span<const uint8_t> bytes) {
  Side& s = side_[dir];
  bool complete;
  size_t used = TakeLine(dir, bytes, complete);
  if (!complete) return used;
  uint64_t size;
  if (!ParseChunkSize(Chomp(s.head), size)) {
    Stop(dir, "malformed chunk size");
    return used;
  }
  s.head.clear();
  if (size == 0) {
    FinishBody(dir, true);  // the body is whole; trailer fields may follow
    s.phase = Phase::kTrailers;
  } else {
    s.remaining = size;
    s.phase = Phase::kChunkData;
  }
  return used;
}

size_t Http1Analyser::ChunkEnd(int dir, std::span<const uint8_t> bytes) {
  Side& s = side_[dir];
  if (bytes[0] == '\r' && !s.cr) {
    s.cr = true;
    return 1;
  }
  if (bytes[0] != '\n') {
    Stop(dir, "chunk data not followed by CRLF");
    return bytes.size();
  }
  s.cr = false;
  s.phase = Phase::kChunkSize;
  return 1;
}

// Requests after an upgrade request wait, up to max_head bytes: if the upgrade is refused
// they are parsed, if it is an h2c one they are handed over, else dropped.
size_t Http1Analyser::Hold(std::span<const uint8_t> bytes, const Position& at) {
  if (hold_.empty()) hold_at_ = at;
  if (!hold_lost_ && hold_.size() + bytes.size() <= c_.limits->max_head) {
    hold_.append(View(bytes));
  } else {
    hold_lost_ = true;
    std::string().swap(hold_);
  }
  return bytes.size();
}

// The server's HTTP/2 bytes after its 101, until the handover takes them (the table does
// at once, after the piece that brought the 101): at most max_head of them.
size_t Http1Analyser::KeepForHandover(std::span<const uint8_t> bytes, const Position& at) {
  if (rest_lost_) return bytes.size();
  if (rest_.empty()) handover_at_[1] = at;
  if (rest_.size() + bytes.size() <= c_.limits->max_head) {
    rest_.append(View(bytes));
    return bytes.size();
  }
  rest_lost_ = true;
  std::string().swap(rest_);
  // Said in the upgrade's record when it is still to be written (the 101's own piece).
  if (Transaction* t = Find(hold_depth_))
    AddError(*t, "h2c: the server's bytes after the 101 were not all kept");
  return bytes.size();
}

// ---- Holes. Only a body of known length keeps its framing across one.

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

// A hole where a head is (or starts): the message it belongs to is known only by it.
void Http1Analyser::GapInHead(int dir, uint64_t len, const Position& at) {
  Side& s = side_[dir];
  if (s.head.empty() && !BeginMessage(dir, at)) return;
  Message* m = Current(dir);
  Stop(dir, {});
  m->body.gaps += len;
  m->last = at;
}

// A hole in a chunked body: what is inside the chunk being read is the body's, the rest
// (chunk framing, more chunks, what follows) only the message's.
void Http1Analyser::GapInChunks(int dir, uint64_t len, const Position& at) {
  Side& s = side_[dir];
  Message* m = Current(dir);
  uint64_t body = s.phase == Phase::kChunkData ? std::min(len, s.remaining) : 0;
  Touch(dir, at);
  if (body) s.body.Gap(body);
  Stop(dir, {});
  if (m) m->body.gaps += len - body;
}

size_t Http1Analyser::held() const {
  size_t n = sizeof *this + hold_.capacity() + rest_.capacity() + pending_bytes_;
  n += pending_.size() * sizeof(Transaction);
  for (const Side& s : side_) n += s.head.capacity() + s.body.held();
  return n;
}

// ---- Detection and registration.

namespace {

// The first bytes of a request ("GET ") or a response ("HTTP/1.1 "); a prefix too short
// to tell is taken while it can still be one. Constant time: no scan for a line's end.
bool Detect(int dir, std::span<const uint8_t> bytes) {
  std::string_view v = View(bytes.first(std::min<size_t>(bytes.size(), 16)));
  if (v.empty()) return false;
  auto starts = [&v](std::string_view start) {  // v begins with `start`, or is a prefix
    size_t n = std::min(v.size(), start.size());
    return v.substr(0, n) == start.substr(0, n);
  };
  if (dir == 1) {
    if (!starts("HTTP/1.")) return false;
    if (v.size() > 7 && (v[7] < '0' || v[7] > '9')) return false;
    return v.size() <= 8 || v[8] == ' ';
  }
  for (const char* m : kMethods) {
    size_t n = std::strlen(m);
    if (starts(m) && (v.size() <= n || v[n] == ' ')) return true;
  }
  return false;
}

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<Http1Analyser>(c);
}

[[maybe_unused]] const bool registered =
    Register({Kind::kHttp, "http", true, false, Detect, {80, 8080, 8000, 3128}, Make});

}  // namespace
}  // namespace pcapkit::analysis::http1
