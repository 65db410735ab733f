// Apple XML property lists, streamed: the same tree as the JSON report, written with the
// plist DTD's elements (dict/key, array, integer, real, string, true/false). Text is
// XML-escaped; characters XML 1.0 forbids and bytes that are not UTF-8 become U+FFFD, so
// Python's plistlib and other plist readers load every file.
#pragma once

#include "formats/out_buffer.h"
#include "pcapkit/emitter.h"

namespace pcapkit::formats {

class PlistEmitter final : public Emitter {
 public:
  // `depth`: tab indentation of the first element written.
  PlistEmitter(OutBuffer* out, int depth) : out_(out), depth_(depth) {}

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

  // `<key>title</key>` at the current depth (the report's top-level member names).
  void Title(std::string_view title) { Key(title); }

  // Splice() stores the output offset in `*at`.
  void set_splice(size_t* at) { splice_ = at; }
  void Splice() override {
    if (splice_ != nullptr) *splice_ = out_->size();
  }

 private:
  void Key(std::string_view key);  // the indentation, and <key> when `key` is given
  void Element(const char* tag, std::string_view text, bool escape);
  OutBuffer* out_;
  int depth_;
  size_t* splice_ = nullptr;
};

// Appends `v` escaped for XML character data.
void AppendXmlText(OutBuffer& out, std::string_view v);

}  // namespace pcapkit::formats
