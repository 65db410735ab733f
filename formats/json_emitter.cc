#include "formats/json_emitter.h"

#include <charconv>

#include "engine/util/hex.h"

namespace pcapkit::formats {
namespace {

// Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, no
// code points past U+10FFFF), or 0 when it is not one.
size_t Utf8Length(const unsigned char* p, size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i) { return i < n && (p[i] & 0xc0) == 0x80; };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xe0 && p[1] < 0xa0) return 0;  // overlong
    if (c == 0xed && p[1] > 0x9f) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xf0 && p[1] < 0x90) return 0;
    if (c == 0xf4 && p[1] > 0x8f) return 0;
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  size_t n = v.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out.push_back(char(c));
      ++i;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
    }
    if (c < 0x20) {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      ++i;
      continue;
    }
    size_t len = Utf8Length(p + i, n - i);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
    } else {
      out.append(reinterpret_cast<const char*>(p + i), len);
      i += len;
    }
  }
  out.push_back('"');
}

void JsonEmitter::Key(std::string_view key) {
  std::string& o = *out_;
  if (!first_[depth_]) o.push_back(',');
  first_[depth_] = false;
  if (!key.empty()) {
    o.push_back('"');
    o.append(key);
    o += "\":";
  }
}

void JsonEmitter::BeginObject(std::string_view key) {
  Key(key);
  out_->push_back('{');
  if (depth_ < kMaxDepth) ++depth_;
  first_[depth_] = true;
}

void JsonEmitter::EndObject() {
  out_->push_back('}');
  if (depth_ > 0) --depth_;
}

void JsonEmitter::BeginArray(std::string_view key) {
  Key(key);
  out_->push_back('[');
  if (depth_ < kMaxDepth) ++depth_;
  first_[depth_] = true;
}

void JsonEmitter::EndArray() {
  out_->push_back(']');
  if (depth_ > 0) --depth_;
}

void JsonEmitter::Uint(std::string_view key, uint64_t v) {
  Key(key);
  char buf[24];
  out_->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void JsonEmitter::Int(std::string_view key, int64_t v) {
  Key(key);
  char buf[24];
  out_->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void JsonEmitter::Bool(std::string_view key, bool v) {
  Key(key);
  out_->append(v ? "true" : "false");
}

void JsonEmitter::Text(std::string_view key, std::string_view v) {
  Key(key);
  AppendJsonString(*out_, v);
}

void JsonEmitter::Plain(std::string_view key, std::string_view v) {
  Key(key);
  out_->push_back('"');
  out_->append(v);
  out_->push_back('"');
}

void JsonEmitter::Number(std::string_view key, std::string_view decimal) {
  Key(key);
  out_->append(decimal);
}

void JsonEmitter::Hex(std::string_view key, const uint8_t* p, size_t n) {
  Key(key);
  out_->push_back('"');
  util::AppendHex(*out_, p, n);
  out_->push_back('"');
}

void JsonEmitter::Mac(std::string_view key, const uint8_t* p) {
  char buf[24];
  Plain(key, std::string_view(buf, size_t(util::WriteMac(buf, p) - buf)));
}

void JsonEmitter::Ipv4(std::string_view key, const uint8_t* p) {
  char buf[24];
  Plain(key, std::string_view(buf, size_t(util::WriteIpv4(buf, p) - buf)));
}

void JsonEmitter::Ipv6(std::string_view key, const uint8_t* p) {
  char buf[48];
  Plain(key, std::string_view(buf, size_t(util::WriteIpv6(buf, p) - buf)));
}

}  // namespace pcapkit::formats
