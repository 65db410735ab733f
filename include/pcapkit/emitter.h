// The streaming interface records are described to, member by member, so no record is
// ever built in memory. The record formats (JSON and NDJSON, PLIST, tree text) implement
// it, the engine knows only this interface, and a program of its own (the Python module's
// dicts) implements it to receive records without text in between (pcapkit/records.h).
// A key is given for members of objects and left empty for elements of arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace pcapkit {

class Emitter;

// Members whose values take work that need not be done where the record is written
// (analyse: a body's SHA-256, done by a parallel stage after the serial one that finds
// the transactions). Compute does the work, once; Write writes the members of
// one `part` (a record may place parts of them apart) from its results.
class Deferred {
 public:
  virtual ~Deferred() = default;
  virtual void Compute() = 0;
  virtual void Write(Emitter& out, int part) const = 0;
};

class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual void BeginObject(std::string_view key = {}) = 0;
  virtual void EndObject() = 0;
  virtual void BeginArray(std::string_view key = {}) = 0;
  virtual void EndArray() = 0;
  virtual void Uint(std::string_view key, uint64_t v) = 0;
  virtual void Int(std::string_view key, int64_t v) = 0;
  virtual void Bool(std::string_view key, bool v) = 0;
  // Text from the wire or the file: escaped as the format requires, invalid UTF-8 replaced.
  virtual void Text(std::string_view key, std::string_view v) = 0;
  // Text the engine made itself (addresses, names): known to need no escaping.
  virtual void Plain(std::string_view key, std::string_view v) = 0;
  // A number given as its decimal text (time_epoch keeps the file's resolution).
  virtual void Number(std::string_view key, std::string_view decimal) = 0;
  virtual void Hex(std::string_view key, const uint8_t* p, size_t n) = 0;
  virtual void Mac(std::string_view key, const uint8_t* p) = 0;
  virtual void Ipv4(std::string_view key, const uint8_t* p) = 0;
  virtual void Ipv6(std::string_view key, const uint8_t* p) = 0;

  // An enumerated value (an EtherType, a DNS type, a TLS version): the number, and with
  // --names also its name as the member `<key>_name` ("type_name": "IPv4"); the tree
  // format draws "2048 (IPv4)" instead. `name_of` is asked only then; it returns null for
  // a value without a name, and the name member is left out.
  using NameOf = const char* (*)(uint64_t value);
  virtual void Enum(std::string_view key, uint64_t v, NameOf name_of) {
    Uint(key, v);
    if (!names_) return;
    char buf[64];
    std::string_view name_key = NameKey(key, buf);
    if (name_key.empty() || !Wants(name_key)) return;
    if (const char* name = name_of(v)) Plain(name_key, name);
  }
  // --names: enumerations carry their names too (a writer asks for lists of them, which
  // Enum cannot place beside their items).
  bool names() const { return names_; }
  void set_names(bool on) { names_ = on; }
  // --payload: a writer adds the bytes it would otherwise only count (a raw layer's
  // `data`, an Ethernet frame's padding).
  bool payload() const { return payload_; }
  void set_payload(bool on) { payload_ = on; }

  // Whether the scalar member `key` of the object being written is wanted at all: a writer
  // may skip making a costly value (a formatted time) when it is not. Every format wants
  // every member; a flat report (-e) only those it selects.
  virtual bool Wants(std::string_view key) const {
    (void)key;
    return true;
  }

  // Marks where a later, serial stage inserts members into the object being written
  // (extract --flow-id: a frame's flow, after its `protocols`). A format that supports it
  // records the output offset there; the others ignore it.
  virtual void Splice() {}

  // Members made by `later` (see Deferred). A recording emitter keeps it, to be computed
  // and written when the record is replayed; any other computes and writes it now.
  virtual void Defer(const std::shared_ptr<Deferred>& later, int part) {
    later->Compute();
    later->Write(*this, part);
  }

 protected:
  // "type" -> "type_name", in `buf`; empty when the key does not fit.
  static std::string_view NameKey(std::string_view key, char (&buf)[64]) {
    constexpr std::string_view kSuffix = "_name";
    if (key.empty() || key.size() + kSuffix.size() > sizeof buf) return {};
    std::memcpy(buf, key.data(), key.size());
    std::memcpy(buf + key.size(), kSuffix.data(), kSuffix.size());
    return {buf, key.size() + kSuffix.size()};
  }

 private:
  bool names_ = false;
  bool payload_ = false;
};

// Discards what it is told: for a pass that only checks a record (-E ENGINE --nofile
// still parses every line) or a reader that wants a few members (override those).
class NullEmitter : public Emitter {
 public:
  void BeginObject(std::string_view) override {}
  void EndObject() override {}
  void BeginArray(std::string_view) override {}
  void EndArray() override {}
  void Uint(std::string_view, uint64_t) override {}
  void Int(std::string_view, int64_t) override {}
  void Bool(std::string_view, bool) override {}
  void Text(std::string_view, std::string_view) override {}
  void Plain(std::string_view, std::string_view) override {}
  void Number(std::string_view, std::string_view) override {}
  void Hex(std::string_view, const uint8_t*, size_t) override {}
  void Mac(std::string_view, const uint8_t*) override {}
  void Ipv4(std::string_view, const uint8_t*) override {}
  void Ipv6(std::string_view, const uint8_t*) override {}
};

}  // namespace pcapkit
