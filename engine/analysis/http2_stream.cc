#include "engine/analysis/http2_stream.h"

#include <nghttp2/nghttp2.h>

#include <utility>

namespace pcapkit::analysis::http2 {
namespace {

using http1::Header;
using http1::Joined;
using http1::WriteFieldList;

constexpr size_t kMaxInformational = 16;
// What nghttp2's inflater holds besides its dynamic table (its structures and buffers),
// roughly, for held().
constexpr size_t kInflaterBase = 1024;

// ":status": three digits, else -1.
int Status(std::string_view v) {
  if (v.size() != 3) return -1;
  int n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

void TextIf(Emitter& e, std::string_view key, const std::string& v) {
  if (!v.empty()) e.Text(key, v);
}

void WriteHeader(Emitter& e, std::string_view key, const Half& h, std::string_view name) {
  if (const std::string* v = Header(h.fields, name)) e.Text(key, *v);
}

// The members after the head that requests and responses share; a hole in the
// direction counts among the body's.
void WriteBody(Emitter& e, const Half& h) {
  if (!h.trailers.empty()) WriteFieldList(e, "trailers", h.trailers);
  BodySummary body = h.body;
  body.gaps += h.gaps;
  body.Write(e);
}

void WriteRequest(Emitter& e, const Half& h) {
  e.BeginObject("request");
  if (h.headers) {
    TextIf(e, "method", h.method);
    TextIf(e, "scheme", h.scheme);
    TextIf(e, "authority", h.authority);
    TextIf(e, "path", h.path);
    WriteFieldList(e, "headers", h.fields);
    e.Uint("body_len", h.body.body_len);
    WriteHeader(e, "content_type", h, "content-type");
    std::string coding = Joined(h.fields, "content-encoding");
    if (!coding.empty()) {
      e.Text("content_encoding", coding);
      h.body.WriteDecodedLen(e);
    }
  }
  WriteBody(e, h);
  e.EndObject();
}

void WriteResponse(Emitter& e, const Half& h) {
  e.BeginObject("response");
  if (h.headers) {
    if (h.status >= 0) e.Uint("status", uint64_t(h.status));
    WriteFieldList(e, "headers", h.fields);
    e.Uint("body_len", h.body.body_len);
    WriteHeader(e, "content_type", h, "content-type");
    std::string coding = Joined(h.fields, "content-encoding");
    if (!coding.empty()) e.Text("content_encoding", coding);
    h.body.WriteDecodedLen(e);
  }
  WriteBody(e, h);
  e.EndObject();
}

// A message is written when something of it is known: its head, a body, or a hole.
bool Known(const Half& h) {
  return h.headers || h.body.body_len > 0 || h.gaps > 0 || !h.trailers.empty();
}

size_t FieldsHeld(const std::vector<Field>& fields) {
  size_t n = fields.capacity() * sizeof(Field);
  for (const Field& f : fields) n += f.name.capacity() + f.value.capacity();
  return n;
}

}  // namespace

Hpack::Hpack() {
  if (nghttp2_hd_inflate_new(&inflater_) != 0) inflater_ = nullptr;
}

Hpack::~Hpack() {
  if (inflater_) nghttp2_hd_inflate_del(inflater_);
}

bool Hpack::Decode(std::span<const uint8_t> block, size_t limit, std::vector<Field>& out,
                   bool& truncated) {
  if (!inflater_) return false;
  const uint8_t* in = block.data();
  size_t left = block.size(), kept = 0;
  for (;;) {
    nghttp2_nv nv;
    int flags = 0;
    ssize_t used = nghttp2_hd_inflate_hd2(inflater_, &nv, &flags, in, left, 1);
    if (used < 0) return false;
    in += used;
    left -= size_t(used);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      // A field may refer to a large table entry many times over: only `limit` is kept.
      size_t n = nv.namelen + nv.valuelen;
      truncated |= kept + n > limit;
      if (!truncated) {
        kept += n;
        out.push_back({std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                       std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen)});
      }
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) {
      nghttp2_hd_inflate_end_headers(inflater_);
      return true;
    }
    if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && left == 0) return false;  // the block ends early
  }
}

bool Hpack::SetMaxTableSize(uint32_t size) {
  return inflater_ && nghttp2_hd_inflate_change_table_size(inflater_, size) == 0;
}

size_t Hpack::held() const {
  return inflater_ ? kInflaterBase + nghttp2_hd_inflate_get_dynamic_table_size(inflater_) : 0;
}

void TakeHead(Stream& s, int dir, std::vector<Field>&& fields) {
  Half& h = s.half[dir];
  std::vector<Field> regular;
  int status = -1;
  for (Field& f : fields) {
    if (f.name.empty() || f.name[0] != ':') {
      regular.push_back(std::move(f));
    } else if (dir == 1) {
      if (f.name == ":status") status = Status(f.value);
    } else if (f.name == ":method") {
      h.method = std::move(f.value);
    } else if (f.name == ":scheme") {
      h.scheme = std::move(f.value);
    } else if (f.name == ":authority") {
      h.authority = std::move(f.value);
    } else if (f.name == ":path") {
      h.path = std::move(f.value);
    }
  }
  if (dir == 1 && status >= 100 && status < 200) {  // 100 Continue, 103 Early Hints
    if (s.informational.size() < kMaxInformational) s.informational.push_back(uint16_t(status));
    return;
  }
  h.headers = true;
  h.status = status;
  h.fields = std::move(regular);
}

void TakeTrailers(Half& h, std::vector<Field>&& fields) {
  for (Field& f : fields) h.trailers.push_back(std::move(f));
}

void AddError(Stream& s, std::string_view error) {
  s.error.append(s.error.empty() ? "" : "; ").append(error);
}

void WriteStream(Emitter& e, const Stream& s) {
  e.Uint("stream_id", s.id);
  if (Known(s.half[0])) WriteRequest(e, s.half[0]);
  if (Known(s.half[1])) WriteResponse(e, s.half[1]);
  if (!s.informational.empty()) {
    e.BeginArray("informational");
    for (uint16_t status : s.informational) e.Uint({}, status);
    e.EndArray();
  }
  if (s.upgraded) e.Bool("upgraded", true);
  if (s.pushed_by) e.Uint("push_promise", s.pushed_by);
  if (s.reset) e.Uint("rst_error", s.rst_error);
  if (s.goaway) e.Uint("goaway", s.goaway_code);
  if (!s.error.empty()) e.Plain("error", s.error);
}

size_t StreamHeld(const Stream& s) {
  size_t n = sizeof s + s.error.capacity();
  for (const Half& h : s.half) {
    n += h.method.capacity() + h.scheme.capacity() + h.authority.capacity() + h.path.capacity();
    n += FieldsHeld(h.fields) + FieldsHeld(h.trailers);
    if (h.reader) n += sizeof(BodyReader) + h.reader->held();
  }
  return n;
}

}  // namespace pcapkit::analysis::http2
