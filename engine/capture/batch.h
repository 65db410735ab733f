// The unit the engine moves between stages: a run of consecutive capture records read in
// one go. Frame data stays in the batch's own byte buffer (no copy per frame); the few
// non-frame records (file header, pcapng blocks) travel beside the frames in order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// A file-level record: a pcap or snoop global header, or a pcapng block that is not a
// packet. Its kind and number say what it is ("Section Header 2"); what writers of
// captures need of it travels typed; `fields` are the members its record shows.
struct MetaRecord {
  enum class Kind : uint8_t {
    kGlobalHeader,  // pcap, snoop
    kSectionHeader,
    kInterfaceDescription,
    kNameResolution,
    kInterfaceStatistics,
    kDecryptionSecrets,
    kCustom,
    kJournalExport,
    kUnknown,
  };
  Kind kind = Kind::kGlobalHeader;
  uint64_t ordinal = 0;  // 1-based per kind over the whole file (0 for a global header)
  // Global headers and interface descriptions: the link type, snap length and the
  // decimals the reader gives the interface's timestamps.
  uint32_t linktype = 0;
  uint32_t snaplen = 0;
  uint8_t ts_digits = 6;
  std::vector<MetaField> fields;
  uint32_t before_frame = 0;  // index in Batch::frames of the frame it precedes
  // From a capture after the first of a run's several inputs: a writer of a format with a
  // single file header (pcap) leaves its header out.
  bool later_input = false;
  std::string_view file;  // with several inputs: the capture it came from

  // The record's name in reports: "Global Header", "Section Header 2", ...; with several
  // inputs "Global Header (a.pcap)".
  std::string Title() const;

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

// A frame as the reader found it: what the file says of it, and where its bytes are.
struct FrameRecord : FrameInfo {
  uint32_t data_offset = 0;  // from Batch::base
};

struct Batch {
  // The bytes the records point into: `storage`, where the reader copied them, or the
  // capture's own memory when it is dissected in place (a capture held in memory).
  const uint8_t* base = nullptr;
  std::vector<uint8_t> storage;
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
  const uint8_t* Data(const FrameRecord& f) const { return base + f.data_offset; }
};

}  // namespace pcapkit::capture
