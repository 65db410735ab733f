// FTP control connection (RFC 959, TCP port 21): command lines (`USER anonymous`) and
// replies (`230 Login successful`, multi-line `230-` continuations), one or more
// CRLF-terminated lines per segment, each decoded.
#include <string>
#include <string_view>

#include "engine/protocols/common.h"
#include "engine/util/utf8.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  // At least one whole line of printable text.
  uint32_t i = 0;
  for (; i + 1 < len; ++i) {
    if (p[i] == '\r' && p[i + 1] == '\n') break;
    if (p[i] < 0x20 && p[i] != '\t') {
      out.error = "FTP: not a text line";
      return;
    }
  }
  if (i + 1 >= len || i == 0) {
    out.error = "FTP: no complete line";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// One line's members; appends the line as they say it to `said`: a reply's code, `-` or
// a space, its text; a command, and a space and its argument when it has one.
void WriteLine(std::string_view line, Emitter& out, std::string& said) {
  out.BeginObject();
  if (line.size() >= 3 && IsDigit(line[0]) && IsDigit(line[1]) && IsDigit(line[2]) &&
      (line.size() == 3 || line[3] == ' ' || line[3] == '-')) {
    bool more = line.size() > 3 && line[3] == '-';
    std::string_view arg = line.size() > 4 ? line.substr(4) : std::string_view();
    out.Plain("type", "response");
    out.Uint("code", uint32_t((line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0')));
    out.Bool("more", more);
    out.Text("arg", arg);
    said.append(line.substr(0, 3)).append(more ? "-" : " ").append(arg);
  } else {
    size_t sp = line.find(' ');
    std::string_view command = line.substr(0, sp);
    std::string_view arg = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    out.Plain("type", "request");
    out.Text("command", command);
    out.Text("arg", arg);
    said.append(command).append(arg.empty() ? "" : " ").append(arg);
  }
  out.EndObject();
}

// The lines say the segment as lines each ending in CRLF; where the wire says it otherwise
// (a blank the members drop, text after the last CRLF, bytes that are not UTF-8), `data`
// keeps the bytes, so a record loses none.
void Write(const LayerContext& l, Emitter& out) {
  std::string_view text(reinterpret_cast<const char*>(l.p), l.length);
  std::string said;
  out.BeginArray("lines");
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    WriteLine(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos),
              out, said);
    said.append("\r\n");
    if (end == std::string_view::npos) break;
    pos = end + 2;
  }
  out.EndArray();
  if (said != text || !util::IsUtf8(l.p, l.length)) out.Hex("data", l.p, l.length);
}

constexpr FieldSpec kFields[] = {
    {"lines", kList, "one entry per line of the segment", nullptr},
    {"lines[].type", kText, "`request` or `response`", nullptr},
    {"lines[].command", kText, "request: the command (`USER`)", "ftp.request.command"},
    {"lines[].code", kInt, "response: the reply code", "ftp.response.code"},
    {"lines[].more", kBool, "response: a `NNN-` continuation (more lines follow)", nullptr},
    {"lines[].arg", kText, "the rest of the line after the command or code (may be empty)",
     nullptr},
    {"data", kHex,
     "the segment's bytes, when the lines do not say them exactly (as lines ending in CRLF: a "
     "blank they drop, text after the last CRLF, bytes that are not UTF-8)",
     nullptr},
};

}  // namespace

const Registration kRegistration("ftp", [](Registry& r) {
  r.Add({.name = "FTP",
         .key = "ftp",
         .layer = LayerLevel::kApplication,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "The control connection. A line ends at CRLF; text after the last CRLF of the "
                    "segment is a line too."},
        {{Table::kTcpPort, 21}});
});

}  // namespace pcapkit::protocols
