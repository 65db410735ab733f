#include "engine/analysis/http1_message.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace pcapkit::analysis::http1 {
namespace {

const std::string_view kMethods[] = {"GET",       "POST",   "HEAD",    "PUT",    "DELETE",
                                     "OPTIONS",   "TRACE",  "CONNECT", "PATCH",  "PROPFIND",
                                     "PROPPATCH", "MKCOL",  "COPY",    "MOVE",   "LOCK",
                                     "UNLOCK",    "SEARCH", "REPORT",  "NOTIFY", "SUBSCRIBE"};

// RFC 9110 5.6.2 (a NUL is none: strchr would find the string's terminator).
bool IsToken(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c))))
      return false;
  return true;
}

// "HTTP/1.x": the version's digits ("1.1") or empty.
std::string_view Version(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 7) != "HTTP/1." || v[7] < '0' || v[7] > '9') return {};
  return v.substr(5);
}

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

void WriteHeader(Emitter& e, std::string_view key, const Message& m, std::string_view name) {
  if (const std::string* v = Header(m.headers, name)) e.Text(key, *v);
}

// The members after the head that requests and responses share.
void WriteBody(Emitter& e, const Message& m) {
  if (!m.trailers.empty()) WriteFieldList(e, "trailers", m.trailers);
  m.body.Write(e);
}

// A message whose head was cut has no body: it has no body_len (nor decoded_len) rather
// than a 0 that would say its body was empty.
void WriteRequest(Emitter& e, const Message& m) {
  e.BeginObject("request");
  if (m.parsed) {
    e.Text("method", m.method);
    e.Text("uri", m.uri);
    if (!m.version.empty()) e.Text("version", m.version);
    WriteHeader(e, "host", m, "host");
    WriteHeader(e, "user_agent", m, "user-agent");
    WriteFieldList(e, "headers", m.headers);
    if (!m.head_cut) e.Uint("body_len", m.body.body_len);
    WriteHeader(e, "content_type", m, "content-type");
    std::string coding = Joined(m.headers, "content-encoding");
    if (!coding.empty()) {
      e.Text("content_encoding", coding);
      if (!m.head_cut) m.body.WriteDecodedLen(e);
    }
  }
  WriteBody(e, m);
  e.EndObject();
}

// An HTTP/0.9 response is only a body.
void WriteResponse(Emitter& e, const Message& m) {
  e.BeginObject("response");
  if (m.parsed && m.version == "0.9") {
    e.Text("version", m.version);
    e.Uint("body_len", m.body.body_len);
  } else if (m.parsed) {
    e.Uint("status", m.status);
    if (!m.line_cut) e.Text("reason", m.reason);
    e.Text("version", m.version);
    WriteFieldList(e, "headers", m.headers);
    if (!m.head_cut) e.Uint("body_len", m.body.body_len);
    WriteHeader(e, "content_type", m, "content-type");
    std::string coding = Joined(m.headers, "content-encoding");
    if (!coding.empty()) e.Text("content_encoding", coding);
    if (!m.head_cut) m.body.WriteDecodedLen(e);
  }
  WriteBody(e, m);
  e.EndObject();
}

}  // namespace

std::string_view Chomp(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

const std::string* Header(const std::vector<Field>& fields, std::string_view name) {
  for (const Field& f : fields)
    if (SameName(f.name, name)) return &f.value;
  return nullptr;
}

std::string Joined(const std::vector<Field>& fields, std::string_view name) {
  std::string out;
  for (const Field& f : fields) {
    if (!SameName(f.name, name) || f.value.empty()) continue;
    if (!out.empty()) out += ", ";
    out += f.value;
  }
  return out;
}

bool Lists(const std::vector<Field>& fields, std::string_view name, std::string_view token) {
  bool found = false;
  ForEach(Joined(fields, name), [&](std::string_view e) { found |= SameName(e, token); });
  return found;
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

bool KnownMethod(std::string_view method) {
  return std::find(std::begin(kMethods), std::end(kMethods), method) != std::end(kMethods);
}

namespace {

// `v` against `pattern` ('#' a digit, '$' a blank or a line's end), as far as `v` goes.
Probe Against(std::string_view v, std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (i == v.size()) return Probe::kMaybe;
    char c = v[i], p = pattern[i];
    bool ok = p == '#'   ? c >= '0' && c <= '9'
              : p == '$' ? c == ' ' || c == '\r' || c == '\n'
                         : c == p;
    if (!ok) return Probe::kNo;
  }
  return Probe::kYes;
}

}  // namespace

Probe StartLine(bool response, std::string_view v) {
  if (response) return Against(v, "HTTP/1.# ###$");
  Probe best = Probe::kNo;
  for (std::string_view m : kMethods) {
    if (v.size() <= m.size()) {
      if (m.substr(0, v.size()) == v) best = Probe::kMaybe;
    } else if (v.substr(0, m.size()) == m && v[m.size()] == ' ') {
      return Probe::kYes;
    }
  }
  return best;
}

bool SimpleRequestLine(std::string_view line) {
  size_t sp = line.find(' ');
  return sp != std::string_view::npos && sp + 1 < line.size() &&
         line.find_first_of(" \t", sp + 1) == std::string_view::npos &&
         KnownMethod(line.substr(0, sp));
}

// A target with blanks in it is taken whole, as browsers send.
bool ParseRequestLine(std::string_view line, Message& m) {
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (SimpleRequestLine(line)) {
    m.method.assign(line.substr(0, sp1));
    m.uri.assign(line.substr(sp1 + 1));
    m.version = "0.9";
    return true;
  }
  if (sp1 == std::string_view::npos || sp2 <= sp1 + 1) return false;
  std::string_view method = line.substr(0, sp1), version = Version(line.substr(sp2 + 1));
  if (!IsToken(method) || version.empty()) return false;
  m.method.assign(method);
  m.uri.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));
  m.version.assign(version);
  return true;
}

// The reason may be empty, or absent with its space.
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

bool ResyncLine(bool response, std::string_view line) {
  Message m;
  return response ? ParseStatusLine(line, m) : ParseRequestLine(line, m) && m.version != "0.9";
}

bool ParseCutStartLine(bool response, std::string_view text, Message& m) {
  // Only the LF missing: the line is whole.
  if (!text.empty() && text.back() == '\r') {
    text.remove_suffix(1);
    return response ? ParseStatusLine(text, m) : ParseRequestLine(text, m);
  }
  if (response) {
    Message whole;  // the line up to the status, as if it ended there
    if (text.size() < 12 || (text.size() > 12 && text[12] != ' ') ||
        !ParseStatusLine(text.substr(0, 12), whole))
      return false;
    m.version = whole.version;
    m.status = whole.status;
    return true;
  }
  // The target is certain once the blank after it came, and what follows can be a version.
  size_t sp1 = text.find(' '), sp2 = text.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1 + 1 || !IsToken(text.substr(0, sp1)))
    return false;
  std::string_view rest = text.substr(sp2 + 1);
  if (rest.size() > 8 || Against(rest, "HTTP/1.#") == Probe::kNo) return false;
  m.method.assign(text.substr(0, sp1));
  m.uri.assign(text.substr(sp1 + 1, sp2 - sp1 - 1));
  m.version.assign(Version(rest));
  return true;
}

// An obsolete line folding (RFC 9112 5.2) continues the previous value after a space.
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

// RFC 9112 7.1: hex digits, then blanks or extensions.
bool ParseChunkSize(std::string_view line, uint64_t& size) {
  size = 0;
  size_t digits = 0;
  for (; digits < line.size() && std::isxdigit(static_cast<unsigned char>(line[digits]));
       ++digits) {
    char c = char(line[digits] | 0x20);
    size = size << 4 | uint64_t(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  std::string_view rest = Trim(line.substr(digits));
  return digits > 0 && digits <= 15 && (rest.empty() || rest.front() == ';');
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

}  // namespace pcapkit::analysis::http1
