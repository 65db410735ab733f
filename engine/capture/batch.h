// The unit the engine moves between stages: a run of consecutive capture records read in
// one go. Frame data stays in the batch's own byte buffer (no copy per frame); the few
// non-frame records (file header, pcapng blocks) travel beside the frames in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcapkit/frame.h"

namespace pcapkit::capture {

// One field of a non-frame record. Only the member matching `kind` is meaningful.
struct MetaField {
  enum Kind : uint8_t { kUint, kInt, kBool, kText, kHex, kTextList } kind;
  std::string key;
  uint64_t u = 0;
  int64_t i = 0;
  std::string text;  // kText, kHex (already hex-encoded)
  std::vector<std::string> list;
};

// A file-level record: "Global Header", "Section Header 1", "Interface Description 2"...
struct MetaRecord {
  std::string title;
  std::vector<MetaField> fields;
  uint32_t before_frame = 0;  // index in Batch::frames of the frame it precedes

  void Uint(std::string key, uint64_t v) {
    fields.push_back({MetaField::kUint, std::move(key), v});
  }
  void Int(std::string key, int64_t v) {
    fields.push_back({MetaField::kInt, std::move(key), 0, v});
  }
  void Bool(std::string key, bool v) { fields.push_back({MetaField::kBool, std::move(key), v}); }
  void Text(std::string key, std::string v) {
    fields.push_back({MetaField::kText, std::move(key), 0, 0, std::move(v)});
  }
  void Hex(std::string key, const uint8_t* p, size_t n);
  void TextList(std::string key, std::vector<std::string> v) {
    fields.push_back({MetaField::kTextList, std::move(key), 0, 0, {}, std::move(v)});
  }
};

struct FrameRecord {
  uint64_t number = 0;
  Timestamp time;
  uint32_t cap_len = 0;
  uint32_t len = 0;
  uint32_t interface = 0;
  uint32_t linktype = 0;
  uint32_t data_offset = 0;  // into Batch::bytes
};

struct Batch {
  std::vector<uint8_t> bytes;
  std::vector<FrameRecord> frames;
  std::vector<MetaRecord> metas;
  // The source gave less than a full batch without ending (a pipe, a live capture):
  // writers should pass this batch's output on now rather than wait for more.
  bool trickling = false;

  void Clear() {
    frames.clear();
    metas.clear();
  }
  bool Empty() const { return frames.empty() && metas.empty(); }
  const uint8_t* Data(const FrameRecord& f) const { return bytes.data() + f.data_offset; }
};

}  // namespace pcapkit::capture
