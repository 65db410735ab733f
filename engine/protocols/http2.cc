// HTTP/2 (RFC 9113) over cleartext TCP, found by content: the connection preface, or
// segments that are an exact chain of frame headers of known types. Every frame is
// listed with its type's fields; header blocks (HEADERS, PUSH_PROMISE) complete in the
// frame are HPACK-decoded with nghttp2 (RFC 7541). Each block is decoded with a fresh
// decoder so the record does not depend on which packets came before or which thread
// wrote it: a field that refers to the connection's dynamic table is reported as such.
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "engine/protocols/common.h"
#include "engine/protocols/http2_frame.h"

namespace pcapkit::protocols {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr uint32_t kPrefaceLen = 24;
constexpr uint32_t kHasPreface = 1;  // aux
constexpr uint8_t kMaxType = 9;

bool HasPreface(const uint8_t* p, uint32_t len) {
  return len >= kPrefaceLen && std::memcmp(p, kPreface, kPrefaceLen) == 0;
}

uint32_t FrameLength(const uint8_t* f) {
  return uint32_t(f[0]) << 16 | uint32_t(f[1]) << 8 | f[2];
}

// The frames from `pos` fill the payload exactly, all of known types.
bool ExactChain(const uint8_t* p, uint32_t len, uint32_t pos) {
  uint32_t frames = 0;
  while (pos < len) {
    if (len - pos < 9 || p[pos + 3] > kMaxType || (p[pos + 5] & 0x80)) return false;
    pos += 9 + FrameLength(p + pos);
    ++frames;
  }
  return frames > 0 && pos == len;
}

bool Detect(const uint8_t* p, uint32_t len) {
  return HasPreface(p, len) || ExactChain(p, len, 0);
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (!Detect(p, len)) {
    out.error = "HTTP/2: not a frame sequence";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
  out.aux = HasPreface(p, len) ? kHasPreface : 0;
}

// A header block fragment decoded with a fresh HPACK decoder.
void HeaderBlock(const uint8_t* b, uint32_t n, Emitter& out) {
  nghttp2_hd_inflater* inflater = nullptr;
  if (nghttp2_hd_inflate_new(&inflater) != 0) return;
  out.BeginArray("headers");
  const char* error = nullptr;
  size_t left = n;
  const uint8_t* in = b;
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    ssize_t used = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, left, 1);
    if (used < 0) {
      error = "HPACK: a field refers to the connection's dynamic table or is malformed";
      break;
    }
    in += used;
    left -= size_t(used);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      out.BeginArray();
      out.Text({}, std::string_view(reinterpret_cast<const char*>(nv.name), nv.namelen));
      out.Text({}, std::string_view(reinterpret_cast<const char*>(nv.value), nv.valuelen));
      out.EndArray();
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
    if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && left == 0) break;
  }
  out.EndArray();
  if (error) out.Plain("headers_error", error);
  nghttp2_hd_inflate_del(inflater);
}

using namespace http2_frame;  // frame types and flags

// A stream dependency and weight: a PRIORITY frame's payload, or HEADERS' with PRIORITY.
void PriorityFields(const uint8_t* b, Emitter& out) {
  out.Bool("exclusive", (b[0] & 0x80) != 0);
  out.Uint("stream_dependency", Be32(b) & 0x7fffffff);
  out.Uint("weight", b[4] + 1u);
}

// A header block: decoded when it ends in this frame, else the fragment continues in
// CONTINUATION frames.
void HeaderBlockOrFragment(uint8_t flags, const uint8_t* b, uint32_t n, Emitter& out) {
  if (flags & kEndHeaders)
    HeaderBlock(b, n, out);
  else
    out.Hex("fragment", b, n);
}

void HeadersFrame(uint8_t flags, const uint8_t* b, uint32_t n, Emitter& out) {
  if (flags & kPriorityFlag) {
    if (n < 5) return;
    PriorityFields(b, out);
    b += 5;
    n -= 5;
  }
  HeaderBlockOrFragment(flags, b, n, out);
}

void SettingsFrame(const uint8_t* b, uint32_t n, Emitter& out) {
  out.BeginArray("settings");
  for (uint32_t i = 0; i + 6 <= n; i += 6) {
    out.BeginObject();
    out.Uint("id", Be16(b + i));
    out.Uint("value", Be32(b + i + 2));
    out.EndObject();
  }
  out.EndArray();
}

void PushPromiseFrame(uint8_t flags, const uint8_t* b, uint32_t n, Emitter& out) {
  if (n < 4) return;
  out.Uint("promised_stream_id", Be32(b) & 0x7fffffff);
  HeaderBlockOrFragment(flags, b + 4, n - 4, out);
}

void GoAwayFrame(const uint8_t* b, uint32_t n, Emitter& out) {
  if (n < 8) return;
  out.Uint("last_stream_id", Be32(b) & 0x7fffffff);
  out.Uint("error_code", Be32(b + 4));
  out.Hex("debug_data", b + 8, n - 8);
}

// The fields of each frame type, from its payload b[0, n) without padding.
void FramePayload(uint8_t type, uint8_t flags, const uint8_t* b, uint32_t n, Emitter& out) {
  switch (type) {
    case kData:
      out.Uint("data_len", n);
      break;
    case kHeaders:
      HeadersFrame(flags, b, n, out);
      break;
    case kPriority:
      if (n >= 5) PriorityFields(b, out);
      break;
    case kRstStream:
      if (n >= 4) out.Uint("error_code", Be32(b));
      break;
    case kSettings:
      SettingsFrame(b, n, out);
      break;
    case kPushPromise:
      PushPromiseFrame(flags, b, n, out);
      break;
    case kPing:
      out.Hex("opaque", b, n);
      break;
    case kGoAway:
      GoAwayFrame(b, n, out);
      break;
    case kWindowUpdate:
      if (n >= 4) out.Uint("increment", Be32(b) & 0x7fffffff);
      break;
    case kContinuation:
      out.Hex("fragment", b, n);
      break;
    default:
      out.Hex("payload", b, n);
  }
}

// One frame's header, then — when the segment holds all of it — its padding and the
// fields of its type.
void FrameFields(const uint8_t* f, uint32_t avail, Emitter& out) {
  uint32_t length = FrameLength(f);
  uint8_t type = f[3], flags = f[4];
  out.Uint("length", length);
  out.Uint("type", type);
  out.Uint("flags", flags);
  out.Uint("reserved", f[5] >> 7);
  out.Uint("stream_id", Be32(f + 5) & 0x7fffffff);
  const uint8_t* b = f + 9;
  if (avail - 9 < length) {
    out.Bool("truncated", true);
    return;
  }
  // DATA, HEADERS and PUSH_PROMISE may be padded: a length byte first, the padding last.
  bool padded = (type == kData || type == kHeaders || type == kPushPromise) && (flags & kPadded);
  if (!padded) {
    FramePayload(type, flags, b, length, out);
    return;
  }
  if (length < 1 || b[0] >= length) {
    out.Plain("error", "padding longer than the frame");
    return;
  }
  out.Uint("pad_len", b[0]);
  FramePayload(type, flags, b + 1, length - 1u - b[0], out);
}

// One frame: its header, then — when the segment holds all of it — its padding and the
// fields of its type; with --payload its payload's bytes too (those of a type pcapkit does
// not know always).
void Frame(const uint8_t* f, uint32_t avail, Emitter& out) {
  FrameFields(f, avail, out);
  uint32_t length = FrameLength(f), n = std::min(length, avail - 9);
  bool written = f[3] > kMaxType && n == length;  // FramePayload's default
  if (out.payload() && !written) out.Hex("payload", f + 9, n);
}

void Write(const LayerContext& l, Emitter& out) {
  uint32_t pos = (l.aux & kHasPreface) ? kPrefaceLen : 0;
  out.Bool("preface", pos != 0);
  out.BeginArray("frames");
  while (pos + 9 <= l.length) {
    out.BeginObject();
    Frame(l.p + pos, l.length - pos, out);
    out.EndObject();
    pos += 9 + FrameLength(l.p + pos);
  }
  out.EndArray();
  if (pos >= l.length) return;
  out.Uint("trailing_len", l.length - pos);  // less than a frame header
  if (out.payload()) out.Hex("trailing_data", l.p + pos, l.length - pos);
}

constexpr FieldSpec kFields[] = {
    {"preface", kBool, "the segment starts with the connection preface", nullptr},
    {"frames", kList, "every frame starting in the segment", nullptr},
    {"frames[].length", kInt, "payload length", "http2.length"},
    {"frames[].type", kInt, "frame type", "http2.type"},
    {"frames[].flags", kInt, "frame flags", nullptr},
    {"frames[].reserved", kInt, "the reserved bit before the stream identifier (0)", nullptr},
    {"frames[].stream_id", kInt, "stream identifier", "http2.streamid"},
    {"frames[].truncated", kBool, "the frame is cut by the segment's end", nullptr},
    {"frames[].error", kText, "padding longer than the frame", nullptr},
    {"frames[].pad_len", kInt, "PADDED: bytes of padding", nullptr},
    {"frames[].data_len", kInt, "DATA: bytes of data", nullptr},
    {"frames[].exclusive", kBool, "HEADERS (PRIORITY flag), PRIORITY: exclusive dependency",
     nullptr},
    {"frames[].stream_dependency", kInt, "HEADERS (PRIORITY flag), PRIORITY: stream dependency",
     nullptr},
    {"frames[].weight", kInt, "HEADERS (PRIORITY flag), PRIORITY: weight (1–256)", nullptr},
    {"frames[].headers", kList,
     "HEADERS, PUSH_PROMISE with END_HEADERS: [name, value] pairs, HPACK-decoded", nullptr},
    {"frames[].headers[][]", kText, "a header's name, then its value", nullptr},
    {"frames[].headers_error", kText,
     "a field refers to the connection's dynamic table, which a per-packet decoder cannot know",
     nullptr},
    {"frames[].fragment", kHex,
     "HEADERS, PUSH_PROMISE without END_HEADERS, CONTINUATION: the header block fragment", nullptr},
    {"frames[].error_code", kInt, "RST_STREAM, GOAWAY: error code", nullptr},
    {"frames[].settings", kList, "SETTINGS: the settings", nullptr},
    {"frames[].settings[].id", kInt, "setting identifier", nullptr},
    {"frames[].settings[].value", kInt, "setting value", nullptr},
    {"frames[].promised_stream_id", kInt, "PUSH_PROMISE: promised stream id", nullptr},
    {"frames[].opaque", kHex, "PING: opaque data", nullptr},
    {"frames[].last_stream_id", kInt, "GOAWAY: last stream id", nullptr},
    {"frames[].debug_data", kHex, "GOAWAY: additional debug data", nullptr},
    {"frames[].increment", kInt, "WINDOW_UPDATE: window size increment", nullptr},
    {"frames[].payload", kHex,
     "frames of other types: the payload; with `--payload` every frame's, as far as the segment "
     "holds it",
     nullptr},
    {"trailing_len", kInt, "bytes after the last frame, fewer than a frame header", nullptr},
    {"trailing_data", kHex, "those bytes, only with `--payload`", nullptr},
};

}  // namespace

const Registration kRegistration("http2", [](Registry& r) {
  // after HTTP/1.x and TLS: its chain test is the loosest
  r.AddDetected({.name = "HTTP/2",
                 .key = "http2",
                 .layer = LayerLevel::kApplication,
                 .dissect = Dissect,
                 .write = Write,
                 .fields = kFields,
                 .summary = "HTTP/2 over cleartext TCP, on any port, found by content: the "
                            "connection preface, or a segment that is an exact chain of frames "
                            "of known types. Every frame is listed with its type's fields; "
                            "header blocks complete in the frame are HPACK-decoded, each with a "
                            "fresh decoder, so a record does not depend on the packets before "
                            "it. With `--payload` each frame's bytes too (`payload`).",
                 .detect = Detect,
                 .detect_order = 30},
                Table::kTcpPort);
});

}  // namespace pcapkit::protocols
