#include "formats/plist_emitter.h"

#include <charconv>
#include <cstring>

#include "engine/util/hex.h"
#include "engine/util/utf8.h"

namespace pcapkit::formats {

void AppendXmlText(OutBuffer& out, std::string_view v) {
  char* w = out.Ensure(6 * v.size());
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  size_t n = v.size(), i = 0;
  auto put = [&](const char* s, size_t len) {
    std::memcpy(w, s, len);
    w += len;
  };
  while (i < n) {
    unsigned char c = p[i];
    if (c == '&') {
      put("&amp;", 5);
    } else if (c == '<') {
      put("&lt;", 4);
    } else if (c == '>') {
      put("&gt;", 4);
    } else if (c == '\r') {
      put("&#13;", 5);  // a raw CR would be folded into the next LF by every XML reader
    } else if (c < 0x20 && c != '\t' && c != '\n') {
      put("\xef\xbf\xbd", 3);  // XML 1.0 has no way to write these, not even escaped
    } else if (c < 0x80) {
      *w++ = char(c);
    } else {
      size_t len = util::Utf8Length(p + i, n - i);
      // U+FFFE and U+FFFF are not XML characters either.
      bool noncharacter = len == 3 && c == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe;
      if (len == 0 || noncharacter) {
        put("\xef\xbf\xbd", 3);
        i += len == 0 ? 1 : len;
      } else {
        put(reinterpret_cast<const char*>(p + i), len);
        i += len;
      }
      continue;
    }
    ++i;
  }
  out.Commit(w);
}

void PlistEmitter::Key(std::string_view key) {
  char* w = out_->Ensure(size_t(depth_));
  std::memset(w, '\t', size_t(depth_));
  out_->Commit(w + depth_);
  if (!key.empty()) {
    out_->Append("<key>");
    AppendXmlText(*out_, key);
    out_->Append("</key>");
  }
}

void PlistEmitter::Element(const char* tag, std::string_view text, bool escape) {
  out_->Push('<');
  out_->Append(tag);
  out_->Push('>');
  if (escape) {
    AppendXmlText(*out_, text);
  } else {
    out_->Append(text);
  }
  out_->Append("</");
  out_->Append(tag);
  out_->Append(">\n");
}

void PlistEmitter::BeginObject(std::string_view key) {
  Key(key);
  out_->Append("<dict>\n");
  ++depth_;
}

void PlistEmitter::EndObject() {
  --depth_;
  Key({});
  out_->Append("</dict>\n");
}

void PlistEmitter::BeginArray(std::string_view key) {
  Key(key);
  out_->Append("<array>\n");
  ++depth_;
}

void PlistEmitter::EndArray() {
  --depth_;
  Key({});
  out_->Append("</array>\n");
}

void PlistEmitter::Uint(std::string_view key, uint64_t v) {
  Key(key);
  char buf[24];
  Element("integer", std::string_view(buf, size_t(std::to_chars(buf, buf + 24, v).ptr - buf)),
          false);
}

void PlistEmitter::Int(std::string_view key, int64_t v) {
  Key(key);
  char buf[24];
  Element("integer", std::string_view(buf, size_t(std::to_chars(buf, buf + 24, v).ptr - buf)),
          false);
}

void PlistEmitter::Bool(std::string_view key, bool v) {
  Key(key);
  out_->Append(v ? "<true/>\n" : "<false/>\n");
}

void PlistEmitter::Text(std::string_view key, std::string_view v) {
  Key(key);
  Element("string", v, true);
}

void PlistEmitter::Plain(std::string_view key, std::string_view v) {
  Key(key);
  Element("string", v, false);
}

void PlistEmitter::Number(std::string_view key, std::string_view decimal) {
  Key(key);
  Element("real", decimal, false);
}

void PlistEmitter::Hex(std::string_view key, const uint8_t* p, size_t n) {
  Key(key);
  out_->Append("<string>");
  static constexpr char kDigits[] = "0123456789abcdef";
  char* w = out_->Ensure(2 * n);
  for (size_t i = 0; i < n; ++i) {
    *w++ = kDigits[p[i] >> 4];
    *w++ = kDigits[p[i] & 15];
  }
  out_->Commit(w);
  out_->Append("</string>\n");
}

void PlistEmitter::Mac(std::string_view key, const uint8_t* p) {
  char buf[24];
  Plain(key, std::string_view(buf, size_t(util::WriteMac(buf, p) - buf)));
}

void PlistEmitter::Ipv4(std::string_view key, const uint8_t* p) {
  char buf[24];
  Plain(key, std::string_view(buf, size_t(util::WriteIpv4(buf, p) - buf)));
}

void PlistEmitter::Ipv6(std::string_view key, const uint8_t* p) {
  char buf[48];
  Plain(key, std::string_view(buf, size_t(util::WriteIpv6(buf, p) - buf)));
}

}  // namespace pcapkit::formats
