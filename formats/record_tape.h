// Records as the calls that write them, kept to be written later by any Emitter. The
// analyse stage finds its transactions serially, in capture order, and records them here;
// a parallel stage then computes their Deferred members (held bodies' hashes)
// and writes them in the report's format, so the costly part leaves the serial path while
// the output keeps its order and its bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pcapkit/emitter.h"

namespace pcapkit::formats {

class RecordTape final : public Emitter {
 public:
  struct Entry {
    uint64_t number;  // the record's number in its report (its title's)
    bool first;       // no entry of the report precedes it
  };

  void Clear();
  // The calls from here to the next BeginRecord are the members of a new record.
  void BeginRecord(const Entry& entry);
  size_t records() const { return records_.size(); }
  const Entry& entry(size_t record) const { return records_[record].entry; }
  // Does the work of every Deferred the records hold (Emitter::Defer); Replay does it
  // for those it meets, if this did not.
  void ComputeDeferred();
  // Makes record `record`'s calls on `out`.
  void Replay(size_t record, Emitter& out) const;
  // Bytes the tape holds, for its owner's accounting.
  size_t size() const { return ops_.size(); }

  void BeginObject(std::string_view key) override;
  void EndObject() override;
  void BeginArray(std::string_view key) override;
  void EndArray() override;
  void Uint(std::string_view key, uint64_t v) override;
  void Int(std::string_view key, int64_t v) override;
  void Bool(std::string_view key, bool v) override;
  void Text(std::string_view key, std::string_view v) override;
  void Plain(std::string_view key, std::string_view v) override;
  void Number(std::string_view key, std::string_view decimal) override;
  void Hex(std::string_view key, const uint8_t* p, size_t n) override;
  void Mac(std::string_view key, const uint8_t* p) override;
  void Ipv4(std::string_view key, const uint8_t* p) override;
  void Ipv6(std::string_view key, const uint8_t* p) override;
  void Enum(std::string_view key, uint64_t v, NameOf name_of) override;
  void Defer(const std::shared_ptr<Deferred>& later, int part) override;

 private:
  enum class Op : uint8_t;
  struct Record {
    Entry entry;
    size_t begin;  // in ops_
  };
  void Put(Op op, std::string_view key);
  void PutBytes(std::string_view bytes);
  template <typename T>
  void PutValue(const T& v);

  std::string ops_;  // each call: its Op, its key, its value
  std::vector<Record> records_;
  std::vector<std::shared_ptr<Deferred>> deferred_;
};

}  // namespace pcapkit::formats
