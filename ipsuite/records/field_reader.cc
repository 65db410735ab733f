#include "ipsuite/records/field_reader.h"

#include <arpa/inet.h>

#include <array>

namespace pcapkit::ipsuite::records {
namespace {

// Hex digit -> value, -1 for any other byte: records carry payloads as hex, and reading
// them is most of what `build` does.
constexpr std::array<int8_t, 256> kNibble = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int c = 0; c < 10; ++c) t['0' + c] = int8_t(c);
  for (int c = 0; c < 6; ++c) t['a' + c] = t['A' + c] = int8_t(10 + c);
  return t;
}();

}  // namespace

bool ParseHex(std::string_view text, Bytes& out) {
  if (text.size() % 2 != 0) return false;
  out.resize(text.size() / 2);
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  int bad = 0;  // stays negative once any digit was not hex
  for (size_t i = 0; i < out.size(); ++i) {
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

bool FieldReader::Has(std::string_view key) const {
  simdjson::dom::element e;
  if (!ok()) return false;
  return object_.at_key(key).get(e) == simdjson::SUCCESS;
}

simdjson::dom::element FieldReader::Get(std::string_view key) {
  simdjson::dom::element e;
  if (ok() && object_.at_key(key).get(e) != simdjson::SUCCESS) Fail(key, "missing");
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
  // "00:11:22:33:44:55"; Mac's own parser throws, so the bytes are read here.
  Bytes b;
  std::string hex;
  for (char c : text)
    if (c != ':') hex.push_back(c);
  if (text.size() != 17 || !ParseHex(hex, b) || b.size() != 6) {
    Fail(key, "not a MAC address");
    return m;
  }
  std::copy(b.begin(), b.end(), m.bytes.begin());
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
