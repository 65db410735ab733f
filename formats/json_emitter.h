// JSON written straight into a reusable byte buffer: no DOM, no allocation once the
// buffer has grown. Always valid JSON and UTF-8: text is escaped, and bytes that are not
// UTF-8 become U+FFFD.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "formats/out_buffer.h"
#include "pcapkit/emitter.h"

namespace pcapkit::formats {

class JsonEmitter final : public Emitter {
 public:
  // Appends to `out`; the caller owns and reuses it.
  explicit JsonEmitter(OutBuffer* out) : out_(out) {}

  void BeginObject(std::string_view key = {}) override;
  void EndObject() override;
  void BeginArray(std::string_view key = {}) override;
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

  // A top-level member name of the JSON report: `"Frame 1":` (escaped, any text).
  void Title(std::string_view title);

  // Continue inside an object at `depth` that already has members: what follows is
  // members to splice into it (ReportWriter::FrameMembers).
  void Within(int depth) {
    depth_ = depth;
    first_[depth] = false;
  }
  // Splice() stores the output offset in `*at`.
  void set_splice(size_t* at) { splice_ = at; }
  void Splice() override {
    if (splice_ != nullptr) *splice_ = out_->size();
  }

 private:
  // Writes the separator and `"key":` and leaves room for `extra` more bytes.
  char* Key(std::string_view key, size_t extra);
  OutBuffer* out_;
  static constexpr int kMaxDepth = 64;
  int depth_ = 0;
  bool first_[kMaxDepth + 1] = {true};
  size_t* splice_ = nullptr;
};

// Appends `v` as a JSON string literal (with quotes).
void AppendJsonString(OutBuffer& out, std::string_view v);

}  // namespace pcapkit::formats
