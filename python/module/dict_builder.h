// Records as Python objects, built as the engine describes them (pcapkit/records.h): an
// object becomes a dict, a list a list, numbers int or float, text str. The same values
// `json.loads` gives for the record's ndjson line, with no text in between. Needs the GIL.
#pragma once

#include <Python.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pcapkit/emitter.h"

namespace pcapkit::python {

// Member names, made into str objects once: records repeat a few hundred keys. The one
// cache lives as long as the interpreter (its strs are interned).
class KeyCache {
 public:
  static KeyCache& Get() {
    static KeyCache* cache = new KeyCache;  // never destroyed: Python may be gone by then
    return *cache;
  }
  // A new reference to the interned str `key`; null on a Python error.
  PyObject* Str(std::string_view key) {
    // Writers name members with string literals: a key's address finds its str in one
    // probe of a direct-mapped table, checked against the text (a key built in a buffer,
    // `type_name`, may reuse an address).
    Slot& slot = slots_[(reinterpret_cast<uintptr_t>(key.data()) >> 3 ^ key.size()) & (kSlots - 1)];
    if (slot.data != key.data() || slot.size != key.size() || !SameText(slot.str, key)) {
      PyObject* str = Lookup(key);
      if (str == nullptr) return nullptr;
      slot = {key.data(), key.size(), str};
    }
    Py_INCREF(slot.str);
    return slot.str;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  KeyCache() = default;
  // Keys are a few bytes: a loop the compiler inlines beats a call to memcmp.
  static bool SameText(PyObject* str, std::string_view key) {
    const char* text = static_cast<const char*>(PyUnicode_DATA(str));
    for (size_t i = 0; i < key.size(); ++i)
      if (text[i] != key[i]) return false;
    return true;
  }
  // The cache's own reference to the str `key`, made on first use (null on an error).
  PyObject* Lookup(std::string_view key);

  struct Slot {
    const char* data = nullptr;
    size_t size = 0;
    PyObject* str = nullptr;
  };
  static constexpr size_t kSlots = 4096;
  Slot slots_[kSlots];
  std::unordered_map<std::string, PyObject*, Hash, std::equal_to<>> keys_;
};

class DictBuilder final : public Emitter {
 public:
  DictBuilder() : keys_(KeyCache::Get()) {}
  ~DictBuilder() override;

  // The object described since the last Take (a new reference), or null with the Python
  // error set when building it failed.
  PyObject* Take();

  void BeginObject(std::string_view key = {}) override;
  void EndObject() override { Close(); }
  void BeginArray(std::string_view key = {}) override { Open(key, PyList_New(0), kNoHint); }
  void EndArray() override { Close(); }
  void Uint(std::string_view key, uint64_t v) override { Add(key, PyLong_FromUnsignedLongLong(v)); }
  void Int(std::string_view key, int64_t v) override { Add(key, PyLong_FromLongLong(v)); }
  void Bool(std::string_view key, bool v) override { Add(key, PyBool_FromLong(v)); }
  void Text(std::string_view key, std::string_view v) override;
  void Plain(std::string_view key, std::string_view v) override;
  void Number(std::string_view key, std::string_view decimal) override;
  void Hex(std::string_view key, const uint8_t* p, size_t n) override;
  void Mac(std::string_view key, const uint8_t* p) override;
  void Ipv4(std::string_view key, const uint8_t* p) override;
  void Ipv6(std::string_view key, const uint8_t* p) override;

 private:
  // Adds `value` (a new reference, null after a Python error) to the open container.
  void Add(std::string_view key, PyObject* value);
  void Open(std::string_view key, PyObject* container, uint32_t hint);
  void Close();

  // An object's members, by its key's address: the size of the last object of that key,
  // so that a dict is made large enough at once (growing one rehashes it, several times
  // for a frame's record). A collision only gives a worse guess.
  static constexpr size_t kHints = 1024;
  static constexpr uint32_t kNoHint = kHints;
  static uint32_t HintOf(std::string_view key) {
    return uint32_t((reinterpret_cast<uintptr_t>(key.data()) >> 3 ^ key.size()) & (kHints - 1));
  }
  uint8_t hints_[kHints] = {};

  struct Container {
    PyObject* object;  // borrowed: owned by its parent, the first by root_
    uint32_t hint;     // where its size is noted, kNoHint for lists
  };
  KeyCache& keys_;
  std::vector<Container> open_;
  PyObject* root_ = nullptr;
  bool failed_ = false;  // a Python error is set; the rest of the record is ignored
  std::string scratch_;
};

}  // namespace pcapkit::python
