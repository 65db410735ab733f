#include "formats/json_emitter.h"

#include <charconv>
#include <cstring>

#include "engine/util/hex.h"
#include "engine/util/utf8.h"

namespace pcapkit::formats {
void AppendJsonString(OutBuffer& out, std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Worst case: every byte becomes a 6-byte escape.
  char* w = out.Ensure(6 * v.size() + 2);
  *w++ = '"';
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  size_t n = v.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      *w++ = char(c);
      ++i;
      continue;
    }
    const char* esc = nullptr;
    switch (c) {
      case '"':
        esc = "\\\"";
        break;
      case '\\':
        esc = "\\\\";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\t':
        esc = "\\t";
        break;
    }
    if (esc) {
      *w++ = esc[0];
      *w++ = esc[1];
      ++i;
      continue;
    }
    if (c < 0x20) {
      std::memcpy(w, "\\u00", 4);
      w[4] = kHex[c >> 4];
      w[5] = kHex[c & 15];
      w += 6;
      ++i;
      continue;
    }
    size_t len = util::Utf8Length(p + i, n - i);
    if (len == 0) {
      std::memcpy(w, "\\ufffd", 6);
      w += 6;
      ++i;
    } else {
      std::memcpy(w, p + i, len);
      w += len;
      i += len;
    }
  }
  *w++ = '"';
  out.Commit(w);
}

namespace {
// Copies a key to `w`. Keys are short names (2 to 30 bytes, most 3 to 12): two
// overlapping word copies cover one of 4 to 16 bytes without a loop or a library call;
// writing keys was a fifth of an NDJSON record's time with a byte loop.
char* CopyKey(char* w, const char* k, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t head, tail;
    std::memcpy(&head, k, 8);
    std::memcpy(&tail, k + n - 8, 8);
    std::memcpy(w, &head, 8);
    std::memcpy(w + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t head, tail;
    std::memcpy(&head, k, 4);
    std::memcpy(&tail, k + n - 4, 4);
    std::memcpy(w, &head, 4);
    std::memcpy(w + n - 4, &tail, 4);
  } else if (n > 16) {
    std::memcpy(w, k, n);
  } else {
    for (size_t i = 0; i < n; ++i) w[i] = k[i];
  }
  return w + n;
}
}  // namespace

char* JsonEmitter::Key(std::string_view key, size_t extra) {
  char* w = out_->Ensure(key.size() + extra + 4);
  if (!first_[depth_]) *w++ = ',';
  first_[depth_] = false;
  if (!key.empty()) {
    *w++ = '"';
    w = CopyKey(w, key.data(), key.size());
    *w++ = '"';
    *w++ = ':';
  }
  return w;
}

void JsonEmitter::Title(std::string_view title) {
  AppendJsonString(*out_, title);
  out_->Push(':');
}

void JsonEmitter::BeginObject(std::string_view key) {
  char* w = Key(key, 1);
  *w++ = '{';
  out_->Commit(w);
  if (depth_ < kMaxDepth) ++depth_;
  first_[depth_] = true;
}

void JsonEmitter::EndObject() {
  out_->Push('}');
  if (depth_ > 0) --depth_;
}

void JsonEmitter::BeginArray(std::string_view key) {
  char* w = Key(key, 1);
  *w++ = '[';
  out_->Commit(w);
  if (depth_ < kMaxDepth) ++depth_;
  first_[depth_] = true;
}

void JsonEmitter::EndArray() {
  out_->Push(']');
  if (depth_ > 0) --depth_;
}

void JsonEmitter::Uint(std::string_view key, uint64_t v) {
  char* w = Key(key, 20);
  out_->Commit(std::to_chars(w, w + 20, v).ptr);
}

void JsonEmitter::Int(std::string_view key, int64_t v) {
  char* w = Key(key, 20);
  out_->Commit(std::to_chars(w, w + 20, v).ptr);
}

void JsonEmitter::Bool(std::string_view key, bool v) {
  char* w = Key(key, 5);
  std::memcpy(w, v ? "true" : "false", v ? 4 : 5);
  out_->Commit(w + (v ? 4 : 5));
}

void JsonEmitter::Text(std::string_view key, std::string_view v) {
  out_->Commit(Key(key, 0));
  AppendJsonString(*out_, v);
}

void JsonEmitter::Plain(std::string_view key, std::string_view v) {
  char* w = Key(key, v.size() + 2);
  *w++ = '"';
  std::memcpy(w, v.data(), v.size());
  w += v.size();
  *w++ = '"';
  out_->Commit(w);
}

void JsonEmitter::Number(std::string_view key, std::string_view decimal) {
  char* w = Key(key, decimal.size());
  std::memcpy(w, decimal.data(), decimal.size());
  out_->Commit(w + decimal.size());
}

void JsonEmitter::Hex(std::string_view key, const uint8_t* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char* w = Key(key, 2 * n + 2);
  *w++ = '"';
  for (size_t i = 0; i < n; ++i) {
    *w++ = kDigits[p[i] >> 4];
    *w++ = kDigits[p[i] & 15];
  }
  *w++ = '"';
  out_->Commit(w);
}

void JsonEmitter::Mac(std::string_view key, const uint8_t* p) {
  char* w = Key(key, 19);
  *w++ = '"';
  w = util::WriteMac(w, p);
  *w++ = '"';
  out_->Commit(w);
}

void JsonEmitter::Ipv4(std::string_view key, const uint8_t* p) {
  char* w = Key(key, 17);
  *w++ = '"';
  w = util::WriteIpv4(w, p);
  *w++ = '"';
  out_->Commit(w);
}

void JsonEmitter::Ipv6(std::string_view key, const uint8_t* p) {
  char* w = Key(key, 41);
  *w++ = '"';
  w = util::WriteIpv6(w, p);
  *w++ = '"';
  out_->Commit(w);
}

}  // namespace pcapkit::formats
