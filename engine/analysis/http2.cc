// `http2`: HTTP/2 (RFC 9113) over cleartext TCP — with prior knowledge (the client starts
// with the connection preface) or after an HTTP/1.1 h2c upgrade (the `http` analyser hands
// the connection over) — one record per stream: its request and response heads, decoded
// with each direction's own HPACK table (RFC 7541), and their bodies decoded and hashed
// (body.h).
//
// Each direction is read as a stream of frames (http2_frames.h); header blocks (HEADERS or
// PUSH_PROMISE, then CONTINUATION) are gathered, at most max_head bytes, and decoded whole.
// A stream is written when it completes: END_STREAM both ways, or RST_STREAM; the rest when
// the connection ends. At most kMaxStreams are open at once (past it the oldest is written
// as it is). A hole, an HPACK block that does not decode or a frame that cannot be framed
// stops its direction: the framing, or the dynamic table, is lost; the streams waiting for
// it say so (`error`, and `gaps` for a hole).
#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "engine/analysis/analyser.h"
#include "engine/analysis/http2_frames.h"
#include "engine/analysis/http2_stream.h"

namespace pcapkit::analysis::http2 {
namespace {

constexpr size_t kMaxStreams = 256;
// The head bytes open streams may hold, in max_head units (as HTTP/1's pending requests).
constexpr size_t kHeadBudget = 4;
// The largest dynamic table an HPACK decoder is let grow to, whatever the peer allows:
// browsers ask for 64 KiB.
constexpr uint32_t kMaxTableSize = 1 << 20;
constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

const char* Who(int dir) {
  return dir ? "server: " : "client: ";
}

size_t FieldBytes(const std::vector<Field>& fields) {
  size_t n = 0;
  for (const Field& f : fields) n += f.name.size() + f.value.size();
  return n;
}

class Http2Analyser;

// Passes one direction's frames to the analyser.
class Direction final : public FrameHandler {
 public:
  Direction(Http2Analyser* a, int dir) : a_(a), dir_(dir) {}
  void OnBegin(const FrameHeader& h) override;
  void OnData(const FrameHeader& h, std::span<const uint8_t> data) override;
  void OnFrame(const FrameHeader& h, std::span<const uint8_t> payload) override;

 private:
  Http2Analyser* a_;
  int dir_;
};

struct Side {
  Side(bool client, size_t max_head) : reader(client, max_head) {}
  FrameReader reader;
  std::unique_ptr<Hpack> hpack = std::make_unique<Hpack>();  // null once the direction stops
  // The header block being gathered: the frame that started it (HEADERS or PUSH_PROMISE),
  // its promised stream, its fragments so far.
  bool block_open = false;
  FrameHeader block_frame;
  uint32_t promised = 0;
  std::vector<uint8_t> block;
  uint32_t last_opened = 0;  // the highest stream id this side opened
};

class Http2Analyser final : public Analyser {
 public:
  explicit Http2Analyser(const Context& c)
      : c_(c),
        side_{{true, c.limits->max_head}, {false, c.limits->max_head}},
        handler_{{this, 0}, {this, 1}} {}

  void Data(int dir, std::span<const uint8_t> bytes, const Position& at) override {
    if (ended_ || dir < 0 || dir > 1) return;
    at_ = at;
    side_[dir].reader.Read(bytes, handler_[dir]);
    // The reader stops by itself where a frame cannot be framed: the rest follows.
    if (side_[dir].reader.stopped()) Stop(dir, {});
  }
  void Gap(int dir, uint64_t len, const Position& at) override;
  void End(const Position& at) override;
  size_t held() const override;

  void OnBegin(int dir, const FrameHeader& h);
  void OnData(int dir, const FrameHeader& h, std::span<const uint8_t> data);
  void OnFrame(int dir, const FrameHeader& h, std::span<const uint8_t> payload);

 private:
  void OnHeaders(int dir, const FrameHeader& h, std::span<const uint8_t> p);
  void OnPushPromise(int dir, const FrameHeader& h, std::span<const uint8_t> p);
  void StartBlock(int dir, const FrameHeader& h, uint32_t promised,
                  std::span<const uint8_t> fragment);
  void DecodeBlock(int dir);
  void TakeBlock(int dir, Stream& s, const FrameHeader& h, std::vector<Field>&& fields);
  void OnRstStream(const FrameHeader& h, std::span<const uint8_t> p);
  void OnSettings(int dir, const FrameHeader& h, std::span<const uint8_t> p);
  void OnGoAway(std::span<const uint8_t> p);

  Stream* Find(uint32_t id);
  Stream* Open(int dir, uint32_t id);
  Stream& Create(uint32_t id);
  void EndHalf(Stream& s, int dir);
  void Write(Stream& s);
  void WriteOldest();
  void KeepWithinBounds();
  void Count(Stream& s, const std::vector<Field>& fields);
  void Stop(int dir, const std::string& why);
  void Tell(Stream& s, int dir);
  void Touch(Stream& s) { s.last = at_; }

  Context c_;
  Side side_[2];
  Direction handler_[2];
  std::map<uint32_t, Stream> streams_;
  uint64_t next_order_ = 0;
  size_t head_bytes_ = 0;  // of the open streams
  Position at_;            // where the bytes being read came from
  bool ended_ = false;
};

void Direction::OnBegin(const FrameHeader& h) {
  a_->OnBegin(dir_, h);
}
void Direction::OnData(const FrameHeader& h, std::span<const uint8_t> data) {
  a_->OnData(dir_, h, data);
}
void Direction::OnFrame(const FrameHeader& h, std::span<const uint8_t> payload) {
  a_->OnFrame(dir_, h, payload);
}

// ---- Frames.

// A header block must be gathered from consecutive frames (RFC 9113 6.10), and at most
// max_head bytes of it: past that it cannot be decoded, and with it the table is lost.
void Http2Analyser::OnBegin(int dir, const FrameHeader& h) {
  Side& side = side_[dir];
  bool continuation = h.type == kContinuation;
  if (side.block_open && (!continuation || h.stream != side.block_frame.stream))
    return Stop(dir, "a header block interrupted by another frame");
  if (continuation && !side.block_open) return Stop(dir, "CONTINUATION without a header block");
  bool block = continuation || h.type == kHeaders || h.type == kPushPromise;
  if (block && side.block.size() + h.length > c_.limits->max_head)
    Stop(dir, "a header block longer than max_head");
}

void Http2Analyser::OnData(int dir, const FrameHeader& h, std::span<const uint8_t> data) {
  Stream* s = Find(h.stream);
  if (!s || s->half[dir].ended) return;  // a stream written already, or never opened
  Half& half = s->half[dir];
  if (!half.reader) {
    half.reader = std::make_unique<BodyReader>(*c_.limits, c_.bodies);
    half.reader->Begin(http1::Joined(half.fields, "content-encoding"));
  }
  half.reader->Data(data);
  Touch(*s);
}

void Http2Analyser::OnFrame(int dir, const FrameHeader& h, std::span<const uint8_t> p) {
  switch (h.type) {
    case kData:
      if (Stream* s = Find(h.stream)) {
        Touch(*s);
        if (h.flags & kEndStream) EndHalf(*s, dir);
      }
      break;
    case kHeaders:
      return OnHeaders(dir, h, p);
    case kPushPromise:
      return OnPushPromise(dir, h, p);
    case kContinuation:
      side_[dir].block.insert(side_[dir].block.end(), p.begin(), p.end());
      if (h.flags & kEndHeaders) DecodeBlock(dir);
      break;
    case kRstStream:
      return OnRstStream(h, p);
    case kSettings:
      return OnSettings(dir, h, p);
    case kGoAway:
      return OnGoAway(p);
    default:
      break;  // PING, WINDOW_UPDATE, PRIORITY, extensions: nothing the records say
  }
}

void Http2Analyser::OnHeaders(int dir, const FrameHeader& h, std::span<const uint8_t> p) {
  if (h.flags & kPriorityFlag) {  // a dependency and a weight before the fragment
    if (p.size() < 5) return Stop(dir, "HEADERS shorter than its priority fields");
    p = p.subspan(5);
  }
  StartBlock(dir, h, 0, p);
}

// PUSH_PROMISE (RFC 9113 6.6): the server opens stream `promised`, with the request it
// answers in the header block.
void Http2Analyser::OnPushPromise(int dir, const FrameHeader& h, std::span<const uint8_t> p) {
  if (dir == 0) return Stop(dir, "PUSH_PROMISE from the client");
  if (p.size() < 4) return Stop(dir, "PUSH_PROMISE shorter than its promised stream id");
  uint32_t promised = Be32(p.data()) & 0x7fffffff;
  if (promised == 0 || promised % 2) return Stop(dir, "PUSH_PROMISE of no server stream");
  StartBlock(dir, h, promised, p.subspan(4));
}

void Http2Analyser::StartBlock(int dir, const FrameHeader& h, uint32_t promised,
                               std::span<const uint8_t> fragment) {
  Side& side = side_[dir];
  side.block_open = true;
  side.block_frame = h;
  side.promised = promised;
  side.block.assign(fragment.begin(), fragment.end());
  // HEADERS opens its stream (RFC 9113 5.1) even if its block never completes.
  if (h.type == kHeaders)
    if (Stream* s = Open(dir, h.stream)) Touch(*s);
  if (h.flags & kEndHeaders) DecodeBlock(dir);
}

// A whole header block. It is decoded even for a stream no longer followed: the dynamic
// table must see every block.
void Http2Analyser::DecodeBlock(int dir) {
  Side& side = side_[dir];
  side.block_open = false;
  std::vector<Field> fields;
  bool truncated = false;
  bool ok = side.hpack->Decode(side.block, c_.limits->max_head, fields, truncated);
  if (side.block.capacity() > 4096) std::vector<uint8_t>().swap(side.block);
  side.block.clear();
  FrameHeader h = side.block_frame;
  bool push = h.type == kPushPromise;
  Stream* s = push ? Open(1, side.promised) : Open(dir, h.stream);
  if (s) Touch(*s);
  if (!ok) return Stop(dir, "an HPACK block that does not decode (the dynamic table is lost)");
  if (!s) return;
  if (truncated) AddError(*s, std::string(Who(dir)) + "a header list longer than max_head");
  if (push) {
    s->pushed_by = h.stream;
    s->half[0].ended = true;  // the client sends nothing on a pushed stream
    Count(*s, fields);
    TakeHead(*s, 0, std::move(fields));
  } else {
    TakeBlock(dir, *s, h, std::move(fields));
  }
  KeepWithinBounds();
}

// A head, a 1xx, or trailers (a block after the head), for one side of `s`.
void Http2Analyser::TakeBlock(int dir, Stream& s, const FrameHeader& h,
                              std::vector<Field>&& fields) {
  Half& half = s.half[dir];
  if (dir == 0 && s.upgraded && !half.headers) {  // the client's own request came after all
    s.upgraded = false;
    half.ended = false;
  }
  if (half.ended) return;
  Count(s, fields);
  if (half.headers)
    TakeTrailers(half, std::move(fields));
  else
    TakeHead(s, dir, std::move(fields));
  if (h.flags & kEndStream) EndHalf(s, dir);
}

void Http2Analyser::OnRstStream(const FrameHeader& h, std::span<const uint8_t> p) {
  Stream* s = Find(h.stream);
  if (!s || p.size() < 4) return;
  s->reset = true;
  s->rst_error = Be32(p.data());
  Touch(*s);
  Write(*s);
}

// A side's SETTINGS bound what its peer sends: the peer's HPACK table (RFC 7541 4.2) and
// frame sizes.
void Http2Analyser::OnSettings(int dir, const FrameHeader& h, std::span<const uint8_t> p) {
  if ((h.flags & kAck) || h.stream != 0) return;
  Side& peer = side_[1 - dir];
  for (size_t i = 0; i + 6 <= p.size(); i += 6) {
    uint16_t id = uint16_t(p[i] << 8 | p[i + 1]);
    uint32_t value = Be32(p.data() + i + 2);
    if (id == 1 && peer.hpack) {
      peer.hpack->SetMaxTableSize(std::min(value, kMaxTableSize));
    } else if (id == 5 && value >= kDefaultMaxFrame && value <= kLargestMaxFrame) {
      peer.reader.set_max_frame(value);
    }
  }
}

void Http2Analyser::OnGoAway(std::span<const uint8_t> p) {
  if (p.size() < 8) return;
  for (auto& [id, s] : streams_) {
    s.goaway = true;
    s.goaway_code = Be32(p.data() + 4);
  }
}

// ---- Streams.

Stream* Http2Analyser::Find(uint32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

// Stream `id`, opened when it is new by a header block of side `dir`. Null for stream 0
// and for a stream already written: one below the highest its initiator (the client for
// odd ids) opened is closed (RFC 9113 5.1.1).
Stream* Http2Analyser::Open(int dir, uint32_t id) {
  if (Stream* s = Find(id)) return s;
  Side& initiator = side_[id % 2 ? 0 : 1];
  if (id == 0 || id <= initiator.last_opened) return nullptr;
  // After an h2c upgrade, stream 1 is the upgrade request's (RFC 7540 3.2): the server
  // answers on it, and the client's own streams start at 3. Neither sends its HEADERS.
  bool upgrade = id % 2 && initiator.last_opened == 0 && !side_[0].reader.stopped() &&
                 (dir == 0 ? id > 1 : id == 1);
  initiator.last_opened = id;
  if (upgrade) {
    Stream& s = Create(1);
    s.upgraded = true;
    s.half[0].ended = true;
  }
  return id == 1 && upgrade ? Find(1) : &Create(id);
}

Stream& Http2Analyser::Create(uint32_t id) {
  if (streams_.size() >= kMaxStreams) WriteOldest();
  Stream& s = streams_[id];
  s.id = id;
  s.order = next_order_++;
  s.first = s.last = at_;
  return s;
}

void Http2Analyser::EndHalf(Stream& s, int dir) {
  Half& half = s.half[dir];
  half.ended = true;
  if (half.reader) {
    half.reader->Finish(true, half.body);
    half.reader.reset();
  }
  if (s.half[1 - dir].ended) Write(s);
}

// Writes `s` (bodies not ended are cut short) and forgets it.
void Http2Analyser::Write(Stream& s) {
  for (int dir = 0; dir < 2; ++dir) {
    Half& half = s.half[dir];
    if (half.reader) half.reader->Finish(false, half.body);
    if (!half.ended) Tell(s, dir);
  }
  c_.sink->Write(Kind::kHttp2, *c_.conversation, s.first, s.last,
                 [&s](Emitter& e) { WriteStream(e, s); });
  head_bytes_ -= s.head_bytes;
  streams_.erase(s.id);
}

// Too many streams open: the oldest is written as it is.
void Http2Analyser::WriteOldest() {
  auto oldest = std::min_element(streams_.begin(), streams_.end(),
                                 [](auto& a, auto& b) { return a.second.order < b.second.order; });
  if (oldest != streams_.end()) Write(oldest->second);
}

// Too many head bytes held in the open streams: the oldest are written (the last one
// stays, however large: its head is at most max_head).
void Http2Analyser::KeepWithinBounds() {
  while (streams_.size() > 1 && head_bytes_ > kHeadBudget * c_.limits->max_head) WriteOldest();
}

void Http2Analyser::Count(Stream& s, const std::vector<Field>& fields) {
  size_t n = FieldBytes(fields);
  s.head_bytes += n;
  head_bytes_ += n;
}

// ---- Stopping, holes, the end.

// Direction `dir` is read no further: the streams still waiting for it say why (the
// reader's own reason when it stopped by itself).
void Http2Analyser::Stop(int dir, const std::string& why) {
  Side& side = side_[dir];
  if (!side.hpack) return;  // stopped already
  side.reader.Stop(why);
  side.hpack.reset();
  side.block_open = false;
  std::vector<uint8_t>().swap(side.block);
  for (auto& [id, s] : streams_)
    if (!s.half[dir].ended) Tell(s, dir);
}

// A stream waiting for a direction that stopped says why, once (also one opened after).
void Http2Analyser::Tell(Stream& s, int dir) {
  const FrameReader& reader = side_[dir].reader;
  if (!reader.stopped() || s.told[dir]) return;
  s.told[dir] = true;
  AddError(s, Who(dir) + reader.error());
}

void Http2Analyser::Gap(int dir, uint64_t len, const Position& at) {
  if (ended_ || dir < 0 || dir > 1 || len == 0 || side_[dir].reader.stopped()) return;
  at_ = at;
  for (auto& [id, s] : streams_) {
    Half& half = s.half[dir];
    if (half.ended) continue;
    half.gaps += len;  // the hole may have held some of it
    Touch(s);
  }
  Stop(dir, std::to_string(len) + " bytes not captured; the rest of this direction is not read");
}

void Http2Analyser::End(const Position& at) {
  if (ended_) return;
  at_ = at;
  for (int dir = 0; dir < 2; ++dir)
    if (side_[dir].block_open) Stop(dir, "a header block cut short by the connection's end");
  std::vector<Stream*> open;
  for (auto& [id, s] : streams_) open.push_back(&s);
  std::sort(open.begin(), open.end(), [](Stream* a, Stream* b) { return a->order < b->order; });
  for (Stream* s : open) Write(*s);
  ended_ = true;
}

size_t Http2Analyser::held() const {
  size_t n = sizeof *this;
  for (const Side& side : side_)
    n += side.reader.held() + side.block.capacity() + (side.hpack ? side.hpack->held() : 0);
  for (const auto& [id, s] : streams_) n += StreamHeld(s);
  return n;
}

// ---- Detection and registration.

// The client's connection preface, once 16 bytes of it are there (the table waits for as
// many): "PRI * HTTP/2.0\r\n" is no HTTP/1 request.
bool Detect(int dir, std::span<const uint8_t> bytes) {
  size_t n = std::min<size_t>(bytes.size(), sizeof kPreface - 1);
  return dir == 0 && n >= 16 && std::memcmp(bytes.data(), kPreface, n) == 0;
}

std::unique_ptr<Analyser> Make(const Context& c) {
  return std::make_unique<Http2Analyser>(c);
}

using protocols::kBool, protocols::kInt, protocols::kText, protocols::kList, protocols::kObject;
constexpr protocols::FieldSpec kFields[] = {
    {"stream_id", kInt, "the stream"},
    {"request", kObject, "the request (not on a stream upgraded from HTTP/1)"},
    {"request.method", kText, "the :method pseudo-header"},
    {"request.scheme", kText, "the :scheme pseudo-header"},
    {"request.authority", kText, "the :authority pseudo-header"},
    {"request.path", kText, "the :path pseudo-header"},
    PCAPKIT_HTTP_MESSAGE_FIELDS("request"),
    {"response", kObject, "the final response"},
    {"response.status", kInt, "the final response's :status"},
    PCAPKIT_HTTP_MESSAGE_FIELDS("response"),
    {"informational", kList, "the 1xx responses before the final one"},
    {"informational[]", kInt, "a status code"},
    {"upgraded", kBool, "stream 1 after an h2c upgrade"},
    {"push_promise", kInt, "a pushed stream: the stream whose PUSH_PROMISE opened it"},
    {"rst_error", kInt, "the stream ended by RST_STREAM: its error code"},
    {"goaway", kInt, "the stream was open at a GOAWAY: its error code"},
    {"error", kText, "what stopped a direction being read, client: or server:"},
};

[[maybe_unused]] const bool registered =
    Register({Kind::kHttp2, "http2", true, false, Detect, {}, Make, kFields});

}  // namespace
}  // namespace pcapkit::analysis::http2
