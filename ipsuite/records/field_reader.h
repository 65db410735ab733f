// Reads one layer's fields out of a record (simdjson's DOM), typed and range-checked. The
// first fault is kept, with the field's path, and every later read returns a default: a
// reader reads its fields straight through and the caller looks at error() once.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcapkit/ipsuite.h"

namespace pcapkit::ipsuite::records {

class FieldReader {
 public:
  FieldReader(simdjson::dom::object object, std::string path, std::string* error)
      : object_(object), path_(std::move(path)), error_(error) {}

  bool Has(std::string_view key);
  // Required members: missing or of the wrong type is an error.
  uint64_t Uint(std::string_view key, uint64_t max);
  uint8_t U8(std::string_view key) { return uint8_t(Uint(key, 0xff)); }
  uint16_t U16(std::string_view key) { return uint16_t(Uint(key, 0xffff)); }
  uint32_t U32(std::string_view key) { return uint32_t(Uint(key, 0xffffffff)); }
  bool Bool(std::string_view key);
  std::string_view Text(std::string_view key);
  Bytes Hex(std::string_view key);
  Mac MacAddress(std::string_view key);
  Ipv4Address V4(std::string_view key);
  Ipv6Address V6(std::string_view key);
  FieldReader Object(std::string_view key);
  // The objects of the list at `key`, each read by `f(FieldReader&)`; the texts of a list
  // of text by `f(std::string_view)`. Nothing is visited once an error is kept.
  template <class F>
  void EachObject(std::string_view key, F&& f) {
    simdjson::dom::array a = Array(key);
    size_t i = 0;
    for (simdjson::dom::element e : Elements(a)) {
      FieldReader r = Element(e, key, i++);
      if (!ok()) return;
      f(r);
    }
  }
  template <class F>
  void EachUint(std::string_view key, F&& f) {
    simdjson::dom::array a = Array(key);
    for (simdjson::dom::element e : Elements(a)) {
      uint64_t v;
      if (!ok()) return;
      if (e.get_uint64().get(v) != simdjson::SUCCESS) return Fail(key, "holds a non-integer");
      f(v);
    }
  }
  template <class F>
  void EachText(std::string_view key, F&& f) {
    simdjson::dom::array a = Array(key);
    for (simdjson::dom::element e : Elements(a)) {
      std::string_view v;
      if (!ok()) return;
      if (e.get_string().get(v) != simdjson::SUCCESS) return Fail(key, "holds a non-text item");
      f(v);
    }
  }

  // Optional members: nullopt when absent.
  std::optional<uint64_t> MaybeUint(std::string_view key, uint64_t max);

  void Fail(std::string_view key, std::string_view why);
  bool ok() const { return error_->empty(); }
  const std::string& path() const { return path_; }
  simdjson::dom::object object() const { return object_; }

 private:
  std::string PathOf(std::string_view key) const;
  simdjson::dom::element Get(std::string_view key);
  simdjson::dom::array Array(std::string_view key);
  FieldReader Element(simdjson::dom::element e, std::string_view key, size_t index);
  // The array's elements, or none when an error is kept (the array is then unset).
  std::vector<simdjson::dom::element> Elements(simdjson::dom::array a) const {
    std::vector<simdjson::dom::element> out;
    if (ok())
      for (simdjson::dom::element e : a) out.push_back(e);
    return out;
  }

  // The member at `key`, searched from the last one found: readers read a layer's fields
  // in the order extract writes them, so most lookups take a step or two where simdjson's
  // at_key scans from the start. (Of duplicate keys, which JSON leaves undefined, the
  // first after the cursor is found.)
  bool Find(std::string_view key, simdjson::dom::element* value);

  simdjson::dom::object object_;
  simdjson::dom::object::iterator cursor_;  // valid once cursor_set_
  bool cursor_set_ = false;
  std::string path_;
  std::string* error_;
};

// Hex text ("0a1b", as records write bytes) to bytes; false when it is not hex.
bool ParseHex(std::string_view text, Bytes& out);

}  // namespace pcapkit::ipsuite::records
