// `http`: HTTP/1.x (RFC 9112) transactions, as Zeek's http.log has them — each request
// and the response it got, paired in order on the connection (pipelining included), with
// their heads, body lengths, and the bodies decoded and hashed (body.h).
//
// Each direction is parsed as its bytes come, in any pieces: a head is gathered line by
// line (at most max_head bytes), then the body as the message frames it (RFC 9112 6.3):
// none, Content-Length, chunked, or up to the connection's close. A response is read as
// the request it answers says (HEAD: no body; CONNECT 2xx: a tunnel). A 101 or a CONNECT's
// 2xx ends HTTP on the connection. Bytes after an upgrade request are held back until its
// response says whether they are still HTTP.
//
// Nothing is made of bytes that were not seen: a hole inside a body of known length is
// counted and the parsing goes on after it; a hole anywhere else loses the framing, and
// that direction is no longer parsed. Malformed input stops its direction (`error`).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/body.h"

namespace pcapkit::analysis {
namespace {

// The methods content detection knows (the parser takes any token).
const char* const kMethods[] = {"GET",       "POST",   "HEAD",    "PUT",    "DELETE",
                                "OPTIONS",   "TRACE",  "CONNECT", "PATCH",  "PROPFIND",
                                "PROPPATCH", "MKCOL",  "COPY",    "MOVE",   "LOCK",
                                "UNLOCK",    "SEARCH", "REPORT",  "NOTIFY", "SUBSCRIBE"};

// Requests waiting for their responses: at most this many, holding at most
// kPendingHeads x max_head bytes of heads (pipelining is bounded by the server anyway).
constexpr size_t kMaxPending = 1024, kPendingHeads = 4;
constexpr size_t kMaxInformational = 16;

std::string_view View(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// A line without its LF and the CR before it.
std::string_view Chomp(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool IsToken(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c)))
      return false;
  return true;
}

// "HTTP/1.x": the version's digits ("1.1") or empty.
std::string_view Version(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 7) != "HTTP/1." || v[7] < '0' || v[7] > '9') return {};
  return v.substr(5);
}

struct Field {
  std::string name, value;
};

// A request or a response.
struct Message {
  bool started = false;  // a byte of it (or a hole) was seen
  bool parsed = false;   // its start line was understood
  bool done = false;     // nothing more of it will come
  Position first, last;  // where its first and latest bytes were
  std::string method, uri, version, reason;
  uint16_t status = 0;
  std::vector<Field> headers, trailers;
  BodySummary body;
};

struct Transaction {
  uint64_t depth = 0;  // trans_depth: 1, 2, ... on the connection
  Message request, response;
  std::vector<uint16_t> informational;  // 1xx before the final response
  bool asks_upgrade = false;            // Upgrade or CONNECT: what follows may not be HTTP
  bool decided = false;                 // the final response's head came
  bool upgraded = false;
  std::string upgrade;
  std::string error;
  size_t bytes = 0;  // head bytes held, against the pending budget
};

const std::string* Header(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields)
    if (SameName(f.name, name)) return &f.value;
  return nullptr;
}

// Every value of `name`, as one comma-separated list (RFC 9110 5.3).
std::string Joined(const std::vector<Field>& fields, std::string_view name) {
  std::string out;
  for (const Field& f : fields) {
    if (!SameName(f.name, name) || f.value.empty()) continue;
    if (!out.empty()) out += ", ";
    out += f.value;
  }
  return out;
}

// Calls fn(element) for each element of a comma-separated list, trimmed, empty ones skipped.
template <typename Fn>
void ForEach(std::string_view list, Fn fn) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view e = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (!e.empty()) fn(e);
  }
}

// How a message's body is delimited (RFC 9112 6.3).
struct Framing {
  enum Kind : uint8_t { kNone, kLength, kChunked, kClose } kind = kNone;
  uint64_t length = 0;
  std::string codings;  // Content-Encoding, then the transfer codings other than chunked
  const char* error = nullptr;
};

// Content-Length: every value (a repeated field, or a list) the same decimal number.
bool ContentLength(const std::vector<Field>& fields, uint64_t& length) {
  bool ok = true, seen = false;
  for (const Field& f : fields) {
    if (!SameName(f.name, "content-length")) continue;
    ForEach(f.value, [&](std::string_view v) {
      uint64_t n = 0;
      ok &= v.size() <= 18 &&
            std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
      for (char c : v) n = n * 10 + uint64_t(c - '0');
      ok &= !seen || n == length;
      length = n;
      seen = true;
    });
  }
  return ok && seen;
}

// Transfer-Encoding: chunked must be the last coding, and only there; a response without
// it runs to the close, a request without it cannot be framed.
void Chunking(std::string_view te, bool request, Framing& f) {
  size_t chunked = 0;
  bool last_chunked = false;
  std::string other;
  ForEach(te, [&](std::string_view c) {
    last_chunked = SameName(c, "chunked");
    chunked += last_chunked;
    if (last_chunked) return;
    if (!other.empty()) other += ", ";
    other.append(c);
  });
  if (!other.empty()) f.codings += (f.codings.empty() ? "" : ", ") + other;
  if (last_chunked && chunked == 1)
    f.kind = Framing::kChunked;
  else if (request)
    f.error = "Transfer-Encoding without a final chunked";
  else
    f.kind = Framing::kClose;
}

Framing Frame(const Message& m, bool request, std::string_view method) {
  Framing f;
  if (!request && (method == "HEAD" || m.status / 100 == 1 || m.status == 204 || m.status == 304))
    return f;
  f.codings = Joined(m.headers, "content-encoding");
  std::string te = Joined(m.headers, "transfer-encoding");
  if (!te.empty()) {
    Chunking(te, request, f);
  } else if (Header(m.headers, "content-length")) {
    if (!ContentLength(m.headers, f.length))
      f.error = "malformed Content-Length";
    else if (f.length)
      f.kind = Framing::kLength;
  } else if (!request) {
    f.kind = Framing::kClose;
  }
  return f;
}

// "METHOD target HTTP/1.x" (a target with blanks in it is taken whole, as browsers send).
bool ParseRequestLine(std::string_view line, Message& m) {
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1 + 1) return false;
  std::string_view method = line.substr(0, sp1), version = Version(line.substr(sp2 + 1));
  if (!IsToken(method) || version.empty()) return false;
  m.method.assign(method);
  m.uri.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));
  m.version.assign(version);
  return true;
}

// "HTTP/1.x 200 reason" (the reason may be empty, or absent with its space).
bool ParseStatusLine(std::string_view line, Message& m) {
  std::string_view version = Version(line.substr(0, 8));
  if (version.empty() || line.size() < 12 || line[8] != ' ') return false;
  if (line.size() > 12 && line[12] != ' ') return false;
  uint16_t status = 0;
  for (char c : line.substr(9, 3)) {
    if (c < '0' || c > '9') return false;
    status = uint16_t(status * 10 + (c - '0'));
  }
  m.version.assign(version);
  m.status = status;
  m.reason.assign(line.size() > 13 ? line.substr(13) : std::string_view());
  return true;
}

// The field lines of `block` up to its empty line; an obsolete line folding (RFC 9112
// 5.2) continues the previous value after a space. False at a line that is no field.
bool ParseFields(std::string_view block, std::vector<Field>& out) {
  while (!block.empty()) {
    size_t nl = block.find('\n');
    std::string_view line = Chomp(block.substr(0, nl));
    block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.empty()) return false;
      out.back().value.append(" ").append(Trim(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    out.push_back({std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1)))});
  }
  return true;
}

void WriteFieldList(Emitter& e, std::string_view key, const std::vector<Field>& fields) {
  e.BeginArray(key);
  for (const Field& f : fields) {
    e.BeginObject();
    e.Text("name", f.name);
    e.Text("value", f.value);
    e.EndObject();
  }
  e.EndArray();
}

void WriteHeader(Emitter& e, std::string_view key, const Message& m, std::string_view name) {
  if (const std::string* v = Header(m.headers, name)) e.Text(key, *v);
}

// The members after the head that requests and responses share.
void WriteBody(Emitter& e, const Message& m) {
  if (!m.trailers.empty()) WriteFieldList(e, "trailers", m.trailers);
  m.body.Write(e);
}

void WriteRequest(Emitter& e, const Message& m) {
  e.BeginObject("request");
  if (m.parsed) {
    e.Text("method", m.method);
    e.Text("uri", m.uri);
    e.Text("version", m.version);
    WriteHeader(e, "host", m, "host");
    WriteHeader(e, "user_agent", m, "user-agent");
    WriteFieldList(e, "headers", m.headers);
    e.Uint("body_len", m.body.body_len);
    WriteHeader(e, "content_type", m, "content-type");
    std::string coding = Joined(m.headers, "content-encoding");
    if (!coding.empty()) {
      e.Text("content_encoding", coding);
      e.Uint("decoded_len", m.body.decoded_len);
    }
  }
  WriteBody(e, m);
  e.EndObject();
}

void WriteResponse(Emitter& e, const Message& m) {
  e.BeginObject("response");
  if (m.parsed) {
    e.Uint("status", m.status);
    e.Text("reason", m.reason);
    e.Text("version", m.version);
    WriteFieldList(e, "headers", m.headers);
    e.Uint("body_len", m.body.body_len);
    WriteHeader(e, "content_type", m, "content-type");
    std::string coding = Joined(m.headers, "content-encoding");
    if (!coding.empty()) e.Text("content_encoding", coding);
    e.Uint("decoded_len", m.body.decoded_len);
  }
  WriteBody(e, m);
  e.EndObject();
}

void WriteTransaction(Emitter& e, const Transaction& t) {
  e.Uint("trans_depth", t.depth);
  // A message is written when something of it is known: its head, or that it had holes.
  if (t.request.parsed || t.request.body.gaps) WriteRequest(e, t.request);
  if (t.response.parsed || t.response.body.gaps) WriteResponse(e, t.response);
  if (!t.informational.empty()) {
    e.BeginArray("informational");
    for (uint16_t s : t.informational) e.Uint({}, s);
    e.EndArray();
  }
  if (t.upgraded) e.Text("upgrade", t.upgrade);
  if (!t.error.empty()) e.Plain("error", t.error);
}

// What a direction's parser expects next.
enum class Phase : uint8_t {
  kHead,       // a start line and header fields (empty lines before it are skipped)
  kBody,       // `remaining` bytes of a body of known length
  kChunkSize,  // a chunk-size line, with chunk extensions
  kChunkData,  // `remaining` bytes of a chunk
  kChunkEnd,   // the CRLF after a chunk's data
  kTrailers,   // the trailer section after the last chunk
  kCloseBody,  // a response body the connection's end ends
  kHold,       // requests after an upgrade request, kept until its response decides
  kStopped,    // no longer HTTP, or its framing lost: the bytes are ignored
};

bool InBody(Phase p) {
  return p == Phase::kBody || p == Phase::kChunkSize || p == Phase::kChunkData ||
         p == Phase::kChunkEnd || p == Phase::kCloseBody;
}

struct Side {
  Side(const Limits& limits, BodyStore* store) : body(limits, store) {}
  Phase phase = Phase::kHead;
  std::string head;        // the head, trailer section or chunk-size line so far
  size_t line = 0;         // where the line being gathered starts in `head`
  uint64_t remaining = 0;  // kBody, kChunkData: bytes to come
  uint64_t depth = 0;      // the transaction of the message in progress (0: none)
  bool cr = false;         // kChunkEnd: the CR came
  BodyReader body;
};

}  // namespace

namespace {

class Http1Analyser final : public Analyser {
 public:
  explicit Http1Analyser(const Context& c)
      : c_(c), side_{{*c.limits, c.bodies}, {*c.limits, c.bodies}} {}

  void Data(int dir, std::span<const uint8_t> bytes, const Position& at) override {
    if (ended_ || dir < 0 || dir > 1) return;
    Feed(dir, bytes, at);
    Flush();
  }
  void Gap(int dir, uint64_t len, const Position& at) override;
  void End(const Position& at) override;
  size_t held() const override;

 private:
  void Feed(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t Step(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t TakeLine(int dir, std::span<const uint8_t> bytes, bool& complete);
  size_t Head(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t Body(int dir, std::span<const uint8_t> bytes);
  size_t ChunkSize(int dir, std::span<const uint8_t> bytes);
  size_t ChunkEnd(int dir, std::span<const uint8_t> bytes);
  size_t Hold(std::span<const uint8_t> bytes, const Position& at);

  bool BeginMessage(int dir, const Position& at);
  void OnHead(int dir);
  void OnRequest(Transaction& t);
  void OnResponse(Transaction& t);
  void OnTrailers(int dir);
  void StartBody(int dir, const Framing& f);
  void FinishBody(int dir, bool complete);
  void EndMessage(int dir);
  void Upgrade(Transaction& t, bool connect);
  void Resume();
  void Stop(int dir, std::string_view error);

  uint64_t GapInBody(int dir, uint64_t len, const Position& at);
  void GapInHead(int dir, uint64_t len, const Position& at);
  void GapInChunks(int dir, uint64_t len, const Position& at);

  Transaction* Find(uint64_t depth);
  Message* Current(int dir);
  void Touch(int dir, const Position& at);
  void Flush();
  void Write(const Transaction& t);

  Context c_;
  Side side_[2];
  std::deque<Transaction> pending_;  // by depth, contiguous; written from the front
  uint64_t next_depth_ = 1;
  uint64_t answered_ = 0;  // the last transaction a response was paired with
  size_t pending_bytes_ = 0;
  // Requests after an upgrade request (transaction hold_depth_), until its response.
  uint64_t hold_depth_ = 0;
  std::string hold_;
  Position hold_at_;
  bool hold_lost_ = false;  // more than max_head of them, or a hole: they cannot be parsed
  bool ended_ = false;
};

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

// chunk-size [ chunk-ext ] CRLF (RFC 9112 7.1): hex digits, then blanks or extensions.
size_t Http1Analyser::ChunkSize(int dir, std::span<const uint8_t> bytes) {
  Side& s = side_[dir];
  bool complete;
  size_t used = TakeLine(dir, bytes, complete);
  if (!complete) return used;
  std::string_view line = Chomp(s.head);
  uint64_t size = 0;
  size_t digits = 0;
  for (; digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]));
       ++digits) {
    char c = char(line[digits] | 0x20);
    size = size << 4 | uint64_t(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  std::string_view rest = Trim(line.substr(digits));
  if (digits == 0 || digits > 15 || !(rest.empty() || rest.front() == ';')) {
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
// they are parsed, else dropped.
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

// ---- Messages and transactions.

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
  Stop(1, {});
  Stop(0, {});  // a request still in progress is cut short
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
  if (t && !error.empty()) t->error.append(t->error.empty() ? "" : "; ").append(error);
  if (s.depth && t) {
    if (InBody(s.phase)) FinishBody(dir, false);
    (dir ? t->response : t->request).done = true;
  }
  s.phase = Phase::kStopped;
  s.depth = 0;
  std::string().swap(s.head);
  if (dir == 0) std::string().swap(hold_);
  if (dir == 1)  // no response will come for any of them
    for (Transaction& p : pending_) p.response.done = true;
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

// ---- The end, and the records.

void Http1Analyser::End(const Position&) {
  if (ended_) return;
  for (int dir = 0; dir < 2; ++dir) {
    Side& s = side_[dir];
    if (s.phase == Phase::kCloseBody) {  // the connection's end ends the body
      FinishBody(dir, true);
      EndMessage(dir);
    }
    bool cut = s.phase == Phase::kHead && !s.head.empty();
    Stop(dir, !cut ? "" : dir == 0 ? "request head incomplete" : "response head incomplete");
  }
  for (Transaction& t : pending_) t.request.done = t.response.done = true;
  Flush();
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

size_t Http1Analyser::held() const {
  size_t n = sizeof *this + hold_.capacity() + pending_bytes_;
  n += pending_.size() * sizeof(Transaction);
  for (const Side& s : side_) n += s.head.capacity() + s.body.held();
  return n;
}

// ---- Detection and registration.

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
}  // namespace pcapkit::analysis
