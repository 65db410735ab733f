// The `http` analyser's input, by phase: heads, bodies, chunks, HTTP/0.9 responses and the
// bytes held around an upgrade; then its detection and registration. What the class is and
// does: http1.h.
#include "engine/analysis/http1.h"

#include <algorithm>
#include <cstring>

namespace pcapkit::analysis::http1 {

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
    case Phase::kResync:
      return Resync(dir, bytes, at);
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
  if (dir == 1 && SimpleResponse(bytes, at)) return 0;
  if (s.phase == Phase::kHead && s.head.empty()) {
    // Empty lines before a message are skipped (RFC 9112 2.2): some clients send a CRLF
    // after a body. So is a NUL, which no message starts with: a TCP keep-alive's byte is
    // one, taken as data when the capture starts in the middle of the connection.
    if (bytes[0] == '\r' || bytes[0] == '\n' || bytes[0] == '\0') return 1;
    if (!BeginMessage(dir, at)) return bytes.size();
  }
  Touch(dir, at);
  bool complete;
  size_t used = TakeLine(dir, bytes, complete);
  if (!complete) return used;
  std::string_view line = Chomp(std::string_view(s.head).substr(s.line));
  // The empty line ends a head, and an HTTP/0.9 request line is a whole head.
  bool simple = dir == 0 && s.phase == Phase::kHead && s.line == 0 && SimpleRequestLine(line);
  if (!line.empty() && !simple) {
    s.line = s.head.size();
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

// The response to an HTTP/0.9 request has no head (RFC 1945 6, Simple-Response): the
// server's bytes up to the close are its body — unless they start with "HTTP/", as from a
// server that answers in HTTP/1.x. While what came is a prefix of it, it is gathered as a
// head. True when the response was found to be a body (the phase is then kCloseBody).
bool Http1Analyser::SimpleResponse(std::span<const uint8_t> bytes, const Position& at) {
  static constexpr std::string_view kHttp = "HTTP/";
  Side& s = side_[1];
  if (s.phase != Phase::kHead || s.head.size() >= kHttp.size()) return false;
  Transaction* t = SimpleRequest();
  size_t n = std::min(kHttp.size() - s.head.size(), bytes.size());
  if (!t || kHttp.substr(s.head.size(), n) == View(bytes.first(n))) return false;
  BeginSimpleResponse(*t, at);
  s.body.Data({reinterpret_cast<const uint8_t*>(s.head.data()), s.head.size()});
  s.head.clear();
  return true;
}

// The transaction the response starting now answers, when its request is HTTP/0.9.
Transaction* Http1Analyser::SimpleRequest() {
  Transaction* t = Find(side_[1].depth ? side_[1].depth : answered_ + 1);
  return t && t->request.parsed && t->request.version == "0.9" ? t : nullptr;
}

void Http1Analyser::BeginSimpleResponse(Transaction& t, const Position& at) {
  Side& s = side_[1];
  if (s.head.empty()) BeginMessage(1, at);  // a response's never fails
  t.decided = true;
  t.response.parsed = true;
  t.response.version = "0.9";
  s.phase = Phase::kCloseBody;
  s.body.Begin({});
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
  return StartLine(false, v) != Probe::kNo;
}

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<Http1Analyser>(c);
}

using protocols::kInt, protocols::kText, protocols::kList, protocols::kObject;
constexpr protocols::FieldSpec kFields[] = {
    {"trans_depth", kInt, "the transaction's place on the connection: 1, 2, 3..."},
    {"request", kObject, "the request, when its head was parsed or it had holes"},
    {"request.method", kText, "the request's method"},
    {"request.uri", kText, "the request's target"},
    {"request.version", kText, "0.9, 1.0, 1.1"},
    {"request.host", kText, "the request's first Host header"},
    {"request.user_agent", kText, "the request's first User-Agent header"},
    PCAPKIT_HTTP_MESSAGE_FIELDS("request"),
    {"response", kObject, "the final response, likewise"},
    {"response.status", kInt, "the final response's status code"},
    {"response.reason", kText, "the final response's reason phrase"},
    {"response.version", kText, "0.9, 1.0, 1.1"},
    PCAPKIT_HTTP_MESSAGE_FIELDS("response"),
    {"informational", kList, "the 1xx responses (other than 101) before the final one"},
    {"informational[]", kInt, "a status code"},
    {"upgrade", kText, "after a 101: its Upgrade header; after a 2xx to CONNECT: CONNECT"},
    {"error", kText, "why a direction stopped being read, or what was cut"},
};

[[maybe_unused]] const bool registered =
    Register({Kind::kHttp, "http", true, false, Detect, {80, 8080, 8000, 3128}, Make, kFields});

}  // namespace
}  // namespace pcapkit::analysis::http1
