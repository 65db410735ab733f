#include "ipsuite/records/field_reader.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace pcapkit::ipsuite::records {
namespace {

// Hex digit -> value, -1 for any other byte: records carry payloads as hex, and reading
// them is most of what `build` does (16 digits at a time where SSE2 is, below).
constexpr std::array<int8_t, 256> kNibble = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int c = 0; c < 10; ++c) t['0' + c] = int8_t(c);
  for (int c = 0; c < 6; ++c) t['a' + c] = t['A' + c] = int8_t(10 + c);
  return t;
}();

#ifdef __SSE2__
// 16 hex digits to 8 bytes at `out`; false when any is not a hex digit. SSE2 only (every
// x86-64): signed byte compares are right here, as bytes above 0x7f compare below '0'.
bool DecodeHex16(const uint8_t* in, uint8_t* out) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i is_digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                   _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  __m128i is_alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
  if (_mm_movemask_epi8(_mm_or_si128(is_digit, is_alpha)) != 0xffff) return false;
  __m128i digit = _mm_and_si128(_mm_sub_epi8(v, _mm_set1_epi8('0')), is_digit);
  __m128i alpha = _mm_and_si128(_mm_sub_epi8(lower, _mm_set1_epi8('a' - 10)), is_alpha);
  __m128i nibbles = _mm_or_si128(digit, alpha);  // the high nibble in each even byte
  __m128i high = _mm_slli_epi16(_mm_and_si128(nibbles, _mm_set1_epi16(0x00ff)), 4);
  __m128i low = _mm_srli_epi16(nibbles, 8);
  __m128i bytes = _mm_packus_epi16(_mm_or_si128(high, low), _mm_setzero_si128());
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
  return true;
}
#endif

}  // namespace

bool ParseHex(std::string_view text, Bytes& out) {
  if (text.size() % 2 != 0) return false;
  out.resize(text.size() / 2);
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  size_t i = 0;
#ifdef __SSE2__
  for (; i + 8 <= out.size(); i += 8)
    if (!DecodeHex16(p + 2 * i, out.data() + i)) return false;
#endif
  int bad = 0;  // stays negative once any digit was not hex
  for (; i < out.size(); ++i) {
    int hi = kNibble[p[2 * i]], lo = kNibble[p[2 * i + 1]];
    bad |= hi | lo;
    out[i] = uint8_t(hi << 4 | lo);
  }
  return bad >= 0;
}

std::string FieldReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void FieldReader::Fail(std::string_view key, std::string_view why) {
  if (error_->empty()) *error_ = "field " + PathOf(key) + ": " + std::string(why);
}

bool FieldReader::Find(std::string_view key, simdjson::dom::element* value) {
  if (!cursor_set_) {
    cursor_ = object_.begin();
    cursor_set_ = true;
  }
  // The length and first byte settle most mismatches without a call to memcmp.
  auto is_key = [key](const simdjson::dom::object::iterator& it) {
    return it.key_length() == key.size() &&
           (key.empty() || (it.key_c_str()[0] == key[0] &&
                            std::memcmp(it.key_c_str(), key.data(), key.size()) == 0));
  };
  // The cursor stays on the member found: Has() then Get() of one key takes one step,
  // and the next key in the record's order two.
  auto search = [&](simdjson::dom::object::iterator it, simdjson::dom::object::iterator stop) {
    for (; it != stop; ++it)
      if (is_key(it)) {
        *value = it.value();
        cursor_ = it;
        return true;
      }
    return false;
  };
  const simdjson::dom::object::iterator from = cursor_;
  return search(from, object_.end()) || search(object_.begin(), from);
}

bool FieldReader::Has(std::string_view key) {
  simdjson::dom::element e;
  if (!ok()) return false;
  return Find(key, &e);
}

simdjson::dom::element FieldReader::Get(std::string_view key) {
  simdjson::dom::element e;
  if (ok() && !Find(key, &e)) Fail(key, "missing");
  return e;
}

uint64_t FieldReader::Uint(std::string_view key, uint64_t max) {
  simdjson::dom::element e = Get(key);
  uint64_t v = 0;
  if (!ok()) return 0;
  if (e.get_uint64().get(v) != simdjson::SUCCESS) {
    Fail(key, "not a non-negative integer");
  } else if (v > max) {
    Fail(key, "above " + std::to_string(max));
    v = 0;
  }
  return v;
}

std::optional<uint64_t> FieldReader::MaybeUint(std::string_view key, uint64_t max) {
  if (!Has(key)) return std::nullopt;
  return Uint(key, max);
}

bool FieldReader::Bool(std::string_view key) {
  simdjson::dom::element e = Get(key);
  bool v = false;
  if (ok() && e.get_bool().get(v) != simdjson::SUCCESS) Fail(key, "not true or false");
  return v;
}

std::string_view FieldReader::Text(std::string_view key) {
  simdjson::dom::element e = Get(key);
  std::string_view v;
  if (ok() && e.get_string().get(v) != simdjson::SUCCESS) Fail(key, "not text");
  return v;
}

Bytes FieldReader::Hex(std::string_view key) {
  std::string_view text = Text(key);
  Bytes b;
  if (ok() && !ParseHex(text, b)) Fail(key, "not hex bytes");
  return b;
}

Mac FieldReader::MacAddress(std::string_view key) {
  std::string_view text = Text(key);
  Mac m;
  if (!ok()) return m;
  // "00:11:22:33:44:55"; Mac's own parser throws, so the bytes are read here, in place.
  const auto* t = reinterpret_cast<const uint8_t*>(text.data());
  bool good = text.size() == 17;
  for (size_t i = 0; good && i < 6; ++i) {
    int hi = kNibble[t[3 * i]], lo = kNibble[t[3 * i + 1]];
    good = hi >= 0 && lo >= 0 && (i == 5 || t[3 * i + 2] == ':');
    m.bytes[i] = uint8_t(hi << 4 | lo);
  }
  if (!good) Fail(key, "not a MAC address");
  return m;
}

Ipv4Address FieldReader::V4(std::string_view key) {
  std::string text(Text(key));
  Ipv4Address a;
  if (ok() && inet_pton(AF_INET, text.c_str(), a.bytes.data()) != 1)
    Fail(key, "not an IPv4 address");
  return a;
}

Ipv6Address FieldReader::V6(std::string_view key) {
  std::string text(Text(key));
  Ipv6Address a;
  if (ok() && inet_pton(AF_INET6, text.c_str(), a.bytes.data()) != 1)
    Fail(key, "not an IPv6 address");
  return a;
}

FieldReader FieldReader::Object(std::string_view key) {
  simdjson::dom::element e = Get(key);
  simdjson::dom::object o;
  if (ok() && e.get_object().get(o) != simdjson::SUCCESS) Fail(key, "not an object");
  return FieldReader(o, PathOf(key), error_);
}

simdjson::dom::array FieldReader::Array(std::string_view key) {
  simdjson::dom::element e = Get(key);
  simdjson::dom::array a;
  if (ok() && e.get_array().get(a) != simdjson::SUCCESS) Fail(key, "not a list");
  return a;
}

FieldReader FieldReader::Element(simdjson::dom::element e, std::string_view key, size_t index) {
  simdjson::dom::object o;
  std::string path = PathOf(key) + "[" + std::to_string(index) + "]";
  if (ok() && e.get_object().get(o) != simdjson::SUCCESS && error_->empty())
    *error_ = "field " + path + ": not an object";
  return FieldReader(o, path, error_);
}

}  // namespace pcapkit::ipsuite::records
