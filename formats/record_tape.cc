#include "formats/record_tape.h"

#include <cstring>

namespace pcapkit::formats {

enum class RecordTape::Op : uint8_t {
  kBeginObject,
  kEndObject,
  kBeginArray,
  kEndArray,
  kUint,
  kInt,
  kBool,
  kText,
  kPlain,
  kNumber,
  kHex,
  kMac,
  kIpv4,
  kIpv6,
  kEnum,
  kDefer,
};

namespace {

// Reads what RecordTape wrote, in the order it wrote it.
class Cursor {
 public:
  Cursor(const char* at, const char* end) : at_(at), end_(end) {}
  bool done() const { return at_ >= end_; }
  template <typename T>
  T Value() {
    T v;
    std::memcpy(&v, at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string_view Bytes() {
    auto n = Value<uint32_t>();
    std::string_view s(at_, n);
    at_ += n;
    return s;
  }
  const uint8_t* Fixed(size_t n) {
    const auto* p = reinterpret_cast<const uint8_t*>(at_);
    at_ += n;
    return p;
  }

 private:
  const char* at_;
  const char* end_;
};

}  // namespace

void RecordTape::Clear() {
  ops_.clear();
  records_.clear();
  deferred_.clear();
}

void RecordTape::BeginRecord(const Entry& entry) {
  records_.push_back({entry, ops_.size()});
}

void RecordTape::ComputeDeferred() {
  for (const auto& d : deferred_) d->Compute();
}

template <typename T>
void RecordTape::PutValue(const T& v) {
  ops_.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void RecordTape::PutBytes(std::string_view bytes) {
  PutValue(uint32_t(bytes.size()));
  ops_.append(bytes);
}

void RecordTape::Put(Op op, std::string_view key) {
  ops_.push_back(char(op));
  PutBytes(key);
}

void RecordTape::BeginObject(std::string_view key) {
  Put(Op::kBeginObject, key);
}
void RecordTape::EndObject() {
  Put(Op::kEndObject, {});
}
void RecordTape::BeginArray(std::string_view key) {
  Put(Op::kBeginArray, key);
}
void RecordTape::EndArray() {
  Put(Op::kEndArray, {});
}
void RecordTape::Uint(std::string_view key, uint64_t v) {
  Put(Op::kUint, key);
  PutValue(v);
}
void RecordTape::Int(std::string_view key, int64_t v) {
  Put(Op::kInt, key);
  PutValue(v);
}
void RecordTape::Bool(std::string_view key, bool v) {
  Put(Op::kBool, key);
  PutValue(uint8_t(v));
}
void RecordTape::Text(std::string_view key, std::string_view v) {
  Put(Op::kText, key);
  PutBytes(v);
}
void RecordTape::Plain(std::string_view key, std::string_view v) {
  Put(Op::kPlain, key);
  PutBytes(v);
}
void RecordTape::Number(std::string_view key, std::string_view decimal) {
  Put(Op::kNumber, key);
  PutBytes(decimal);
}
void RecordTape::Hex(std::string_view key, const uint8_t* p, size_t n) {
  Put(Op::kHex, key);
  PutBytes({reinterpret_cast<const char*>(p), n});
}
void RecordTape::Mac(std::string_view key, const uint8_t* p) {
  Put(Op::kMac, key);
  ops_.append(reinterpret_cast<const char*>(p), 6);
}
void RecordTape::Ipv4(std::string_view key, const uint8_t* p) {
  Put(Op::kIpv4, key);
  ops_.append(reinterpret_cast<const char*>(p), 4);
}
void RecordTape::Ipv6(std::string_view key, const uint8_t* p) {
  Put(Op::kIpv6, key);
  ops_.append(reinterpret_cast<const char*>(p), 16);
}
// Kept as an enumeration, not as the number: the names are the replaying writer's to add.
void RecordTape::Enum(std::string_view key, uint64_t v, NameOf name_of) {
  Put(Op::kEnum, key);
  PutValue(v);
  PutValue(name_of);
}
// A Deferred is noted once however many of its parts the record places.
void RecordTape::Defer(const std::shared_ptr<Deferred>& later, int part) {
  if (deferred_.empty() || deferred_.back() != later) deferred_.push_back(later);
  Put(Op::kDefer, {});
  PutValue(later.get());
  PutValue(int32_t(part));
}

void RecordTape::Replay(size_t record, Emitter& out) const {
  size_t begin = records_[record].begin;
  size_t end = record + 1 < records_.size() ? records_[record + 1].begin : ops_.size();
  Cursor c(ops_.data() + begin, ops_.data() + end);
  while (!c.done()) {
    auto op = Op(c.Value<uint8_t>());
    std::string_view key = c.Bytes();
    switch (op) {
      case Op::kBeginObject:
        out.BeginObject(key);
        break;
      case Op::kEndObject:
        out.EndObject();
        break;
      case Op::kBeginArray:
        out.BeginArray(key);
        break;
      case Op::kEndArray:
        out.EndArray();
        break;
      case Op::kUint:
        out.Uint(key, c.Value<uint64_t>());
        break;
      case Op::kInt:
        out.Int(key, c.Value<int64_t>());
        break;
      case Op::kBool:
        out.Bool(key, c.Value<uint8_t>() != 0);
        break;
      case Op::kText:
        out.Text(key, c.Bytes());
        break;
      case Op::kPlain:
        out.Plain(key, c.Bytes());
        break;
      case Op::kNumber:
        out.Number(key, c.Bytes());
        break;
      case Op::kHex: {
        std::string_view bytes = c.Bytes();
        out.Hex(key, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        break;
      }
      case Op::kMac:
        out.Mac(key, c.Fixed(6));
        break;
      case Op::kIpv4:
        out.Ipv4(key, c.Fixed(4));
        break;
      case Op::kIpv6:
        out.Ipv6(key, c.Fixed(16));
        break;
      case Op::kEnum: {
        auto v = c.Value<uint64_t>();
        out.Enum(key, v, c.Value<NameOf>());
        break;
      }
      case Op::kDefer: {
        auto* later = c.Value<Deferred*>();
        int part = c.Value<int32_t>();
        later->Compute();  // once: done already when ComputeDeferred ran
        later->Write(out, part);
        break;
      }
    }
  }
}

}  // namespace pcapkit::formats
