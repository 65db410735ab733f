// HTTP/1.x (RFC 9112): the start line and the header fields in wire order, found on any
// TCP port by content — a request line with a known method, or a status line — never by
// port alone. Without TCP reassembly a message may continue in later segments: the layer
// says whether its header block was complete (`headers_complete`) and how many body
// bytes this segment carries.
#include <cstring>
#include <string>
#include <string_view>

#include "engine/protocols/common.h"
#include "engine/util/utf8.h"

namespace pcapkit::protocols {
namespace {

constexpr uint32_t kResponse = 1, kComplete = 2;  // aux flags
constexpr uint32_t kMaxStartLine = 8192;

const char* const kMethods[] = {"GET",       "POST",   "HEAD",    "PUT",    "DELETE",
                                "OPTIONS",   "TRACE",  "CONNECT", "PATCH",  "PROPFIND",
                                "PROPPATCH", "MKCOL",  "COPY",    "MOVE",   "LOCK",
                                "UNLOCK",    "SEARCH", "REPORT",  "NOTIFY", "SUBSCRIBE"};

std::string_view View(const uint8_t* p, uint32_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

// Offset of the first CRLF at or after `from`, or len.
uint32_t LineEnd(const uint8_t* p, uint32_t len, uint32_t from) {
  for (uint32_t i = from; i + 1 < len; ++i)
    if (p[i] == '\r' && p[i + 1] == '\n') return i;
  return len;
}

bool IsVersion(std::string_view v) {
  return v.size() == 8 && v.substr(0, 7) == "HTTP/1." && (v[7] == '0' || v[7] == '1');
}

// Parses the start line; false when it is not HTTP/1.x.
bool StartLine(const uint8_t* p, uint32_t len, bool& response) {
  uint32_t end = LineEnd(p, len, 0);
  if (end == len || end > kMaxStartLine) return false;
  std::string_view line = View(p, end);
  if (line.substr(0, 5) == "HTTP/") {
    // HTTP/1.1 200 OK
    if (line.size() < 12 || !IsVersion(line.substr(0, 8)) || line[8] != ' ') return false;
    for (int i = 9; i < 12; ++i)
      if (line[i] < '0' || line[i] > '9') return false;
    if (line.size() > 12 && line[12] != ' ') return false;
    response = true;
    return true;
  }
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  std::string_view method = line.substr(0, sp1);
  bool known = false;
  for (const char* m : kMethods) known |= method == m;
  if (!known) return false;
  size_t sp2 = line.rfind(' ');
  if (sp2 == sp1 || !IsVersion(line.substr(sp2 + 1))) return false;
  response = false;
  return true;
}

// Runs on every TCP payload no port claims, so it rejects in constant time: a status
// line's "HTTP/1." or a known method and a space, before any scan for the line's end.
bool Detect(const uint8_t* p, uint32_t len) {
  if (len < 14 || p[0] < 'A' || p[0] > 'Z') return false;  // methods and "HTTP/" are upper case
  std::string_view head = View(p, len < 16 ? len : 16);
  bool plausible = head.substr(0, 7) == "HTTP/1.";
  for (const char* m : kMethods) {
    size_t n = std::strlen(m);
    if (plausible) break;
    plausible = head.size() > n && head.substr(0, n) == m && head[n] == ' ';
  }
  bool response;
  return plausible && StartLine(p, len, response);
}

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  bool response = false;
  if (!StartLine(p, len, response)) {
    out.error = "HTTP: malformed start line";
    return;
  }
  // The header block ends at the first empty line; a block cut by the segment's end is
  // kept as far as it goes.
  uint32_t pos = LineEnd(p, len, 0) + 2, hdr = len;
  bool complete = false;
  while (pos < len) {
    uint32_t end = LineEnd(p, len, pos);
    if (end == pos) {
      hdr = pos + 2;
      complete = true;
      break;
    }
    if (end == len) break;
    pos = end + 2;
  }
  Carry(out, hdr > len ? len : hdr, len, Table::kNone, 0);
  out.aux = (response ? kResponse : 0) | (complete ? kComplete : 0);
}

// The start line's members; appends the line as they say it to `said`.
void WriteStartLine(const LayerContext& l, std::string_view line, Emitter& out, std::string& said) {
  if (l.aux & kResponse) {
    std::string_view reason = line.size() > 13 ? line.substr(13) : std::string_view();
    out.Plain("type", "response");
    out.Text("version", line.substr(0, 8));
    out.Uint("status", uint32_t((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0')));
    out.Text("reason", reason);
    said.append(line.substr(0, 12)).append(" ").append(reason);
  } else {
    size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    out.Plain("type", "request");
    out.Text("method", line.substr(0, sp1));
    out.Text("uri", line.substr(sp1 + 1, sp2 - sp1 - 1));
    out.Text("version", line.substr(sp2 + 1));
    said.append(line);
  }
}

// One header field as [name, value], the value trimmed; appends `name: value` to `said`.
void WriteField(std::string_view field, Emitter& out, std::string& said) {
  size_t colon = field.find(':');
  std::string_view name = field.substr(0, colon), value;
  if (colon != std::string_view::npos) {
    value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  }
  out.BeginArray();
  out.Text({}, name);
  out.Text({}, value);
  out.EndArray();
  said.append(name).append(": ").append(value);
}

// The members say the header block as the start line and `name: value` lines, each ending
// in CRLF, then the empty line; a block cut by the segment's end stops after its last
// line's text. Where the wire says it otherwise (other blanks, a line without a colon,
// bytes that are not UTF-8), `header_data` keeps the bytes, so a record loses none.
void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  uint32_t end = LineEnd(p, l.hdr_len, 0);
  std::string said;
  WriteStartLine(l, View(p, end), out, said);
  said.append("\r\n");
  out.BeginArray("headers");
  uint32_t pos = end + 2;
  while (pos < l.hdr_len) {
    uint32_t e = LineEnd(p, l.hdr_len, pos);
    if (e == pos) break;
    if (pos != end + 2) said.append("\r\n");
    WriteField(View(p + pos, e - pos), out, said);
    pos = e + 2;
  }
  out.EndArray();
  bool complete = (l.aux & kComplete) != 0;
  if (complete) said.append(pos == end + 2 ? "\r\n" : "\r\n\r\n");
  out.Bool("headers_complete", complete);
  out.Uint("body_len", l.length - l.hdr_len);
  if (said != View(p, l.hdr_len) || !util::IsUtf8(p, l.hdr_len))
    out.Hex("header_data", p, l.hdr_len);
}

constexpr FieldSpec kFields[] = {
    {"type", kText, "`request` or `response`", "http.request =request, http.response =response"},
    {"method", kText, "request line: method", "http.request.method"},
    {"uri", kText, "request line: target", "http.request.uri"},
    {"version", kText, "`HTTP/1.0` or `HTTP/1.1`, from the request or status line",
     "http.request.version, http.response.version"},
    {"status", kInt, "status line: status code", "http.response.code"},
    {"reason", kText, "status line: reason phrase", "http.response.phrase"},
    {"headers", kList, "the header fields as [name, value] pairs, in wire order", nullptr},
    {"headers[][]", kText, "a name, or a value trimmed of surrounding blanks", nullptr},
    {"headers_complete", kBool, "the empty line ending the header block is in this segment",
     nullptr},
    {"body_len", kInt, "bytes after the header block in this segment (they follow as `raw`)",
     nullptr},
    {"header_data", kHex,
     "the start line and header block's bytes, when the members do not say them exactly (as "
     "`name: value` lines ending in CRLF: other blanks, a line without a colon, bytes that are "
     "not UTF-8, a cut block's last line ending in CRLF)",
     nullptr},
};

}  // namespace

const Registration kRegistration("http", [](Registry& r) {
  r.AddDetected({.name = "HTTP",
                 .key = "http",
                 .layer = LayerLevel::kApplication,
                 .dissect = Dissect,
                 .write = Write,
                 .fields = kFields,
                 .summary = "HTTP/1.0 and 1.1, found by content on any TCP port: a request line "
                            "with a known method, or a status line. Without TCP reassembly a "
                            "message may continue in later segments.",
                 .detect = Detect,
                 .detect_order = 10},
                Table::kTcpPort);
});

}  // namespace pcapkit::protocols
