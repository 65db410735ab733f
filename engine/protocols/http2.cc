// HTTP/2 (RFC 9113) over cleartext TCP, found by content: the connection preface, or
// segments that are an exact chain of frame headers of known types. Every frame is
// listed with its type's fields; header blocks (HEADERS, PUSH_PROMISE) complete in the
// frame are HPACK-decoded with nghttp2 (RFC 7541). Each block is decoded with a fresh
// decoder so the record does not depend on which packets came before or which thread
// wrote it: a field that refers to the connection's dynamic table is reported as such.
#include <nghttp2/nghttp2.h>

#include <cstring>
#include <string_view>

#include "engine/protocols/common.h"

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

void Frame(const uint8_t* f, uint32_t avail, Emitter& out) {
  uint32_t length = FrameLength(f);
  uint8_t type = f[3], flags = f[4];
  out.Uint("length", length);
  out.Uint("type", type);
  out.Uint("flags", flags);
  out.Uint("stream_id", Be32(f + 5) & 0x7fffffff);
  const uint8_t* b = f + 9;
  uint32_t n = avail - 9 < length ? avail - 9 : length;
  if (n < length) {
    out.Bool("truncated", true);
    return;
  }
  // Padding (PADDED flag 0x8 on DATA, HEADERS, PUSH_PROMISE).
  uint32_t pad = 0, pos = 0;
  if ((type == 0 || type == 1 || type == 5) && (flags & 0x08)) {
    if (n < 1 || b[0] >= n) {
      out.Plain("error", "padding longer than the frame");
      return;
    }
    pad = b[0];
    pos = 1;
    out.Uint("pad_len", pad);
  }
  uint32_t end = n - pad;
  switch (type) {
    case 0:  // DATA
      out.Uint("data_len", end - pos);
      break;
    case 1:                // HEADERS
      if (flags & 0x20) {  // PRIORITY
        if (end < pos + 5) break;
        out.Bool("exclusive", (b[pos] & 0x80) != 0);
        out.Uint("stream_dependency", Be32(b + pos) & 0x7fffffff);
        out.Uint("weight", b[pos + 4] + 1u);
        pos += 5;
      }
      if (flags & 0x04) {
        HeaderBlock(b + pos, end - pos, out);
      } else {
        out.Hex("fragment", b + pos, end - pos);  // continues in CONTINUATION frames
      }
      break;
    case 2:  // PRIORITY
      if (n >= 5) {
        out.Bool("exclusive", (b[0] & 0x80) != 0);
        out.Uint("stream_dependency", Be32(b) & 0x7fffffff);
        out.Uint("weight", b[4] + 1u);
      }
      break;
    case 3:  // RST_STREAM
      if (n >= 4) out.Uint("error_code", Be32(b));
      break;
    case 4:  // SETTINGS
      out.BeginArray("settings");
      for (uint32_t i = 0; i + 6 <= n; i += 6) {
        out.BeginObject();
        out.Uint("id", Be16(b + i));
        out.Uint("value", Be32(b + i + 2));
        out.EndObject();
      }
      out.EndArray();
      break;
    case 5:  // PUSH_PROMISE
      if (end >= pos + 4) {
        out.Uint("promised_stream_id", Be32(b + pos) & 0x7fffffff);
        pos += 4;
        if (flags & 0x04)
          HeaderBlock(b + pos, end - pos, out);
        else
          out.Hex("fragment", b + pos, end - pos);
      }
      break;
    case 6:  // PING
      out.Hex("opaque", b, n);
      break;
    case 7:  // GOAWAY
      if (n >= 8) {
        out.Uint("last_stream_id", Be32(b) & 0x7fffffff);
        out.Uint("error_code", Be32(b + 4));
        out.Hex("debug_data", b + 8, n - 8);
      }
      break;
    case 8:  // WINDOW_UPDATE
      if (n >= 4) out.Uint("increment", Be32(b) & 0x7fffffff);
      break;
    case 9:  // CONTINUATION
      out.Hex("fragment", b, n);
      break;
    default:
      out.Hex("payload", b, n);
  }
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
}

}  // namespace

const Registration kRegistration("http2", [](Registry& r) {
  // after HTTP/1.x and TLS: its chain test is the loosest
  r.AddDetected({.name = "HTTP/2",
                 .key = "http2",
                 .layer = LayerLevel::kApplication,
                 .dissect = Dissect,
                 .write = Write,
                 .detect = Detect,
                 .detect_order = 30},
                Table::kTcpPort);
});

}  // namespace pcapkit::protocols
