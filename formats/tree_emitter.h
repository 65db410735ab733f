// PyPCAPKit's tree-view text: a record's name on its own line, then one line per field,
//
//   Frame 1
//     |-- number -> 1
//     |-- ethernet
//     |     |-- dst -> 00:11:22:33:44:55
//     |     |-- ipv4
//     |           |-- options
//     |                 |--> #1
//     |                       |-- type -> 148
//
// `|-- key -> value` for fields, `|-->` for list items (objects in lists as `#N`), a
// 6-column step per level drawn `|     ` while the parent has later siblings and blank
// after the last one. Text over 40 characters and byte strings over 16 bytes move under
// a `|-->` line and wrap (40 characters, or 16 space-separated byte pairs, a line).
// Drawing a column needs to know whether later siblings follow, so one record's lines
// are collected first and drawn when the record closes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/out_buffer.h"
#include "pcapkit/emitter.h"

namespace pcapkit::formats {

class TreeEmitter final : public Emitter {
 public:
  explicit TreeEmitter(OutBuffer* out) : out_(out) {}

  void BeginObject(std::string_view key = {}) override;
  void EndObject() override;
  void BeginArray(std::string_view key = {}) override;
  void EndArray() override;
  void Uint(std::string_view key, uint64_t v) override;
  void Enum(std::string_view key, uint64_t v, NameOf name_of) override;
  void Int(std::string_view key, int64_t v) override;
  void Bool(std::string_view key, bool v) override;
  void Text(std::string_view key, std::string_view v) override;
  void Plain(std::string_view key, std::string_view v) override;
  void Number(std::string_view key, std::string_view decimal) override;
  void Hex(std::string_view key, const uint8_t* p, size_t n) override;
  void Mac(std::string_view key, const uint8_t* p) override;
  void Ipv4(std::string_view key, const uint8_t* p) override;
  void Ipv6(std::string_view key, const uint8_t* p) override;

  // Splice() stores in `*at` the output offset of the line drawn next when the record is.
  void set_splice(size_t* at) { splice_ = at; }
  void Splice() override { splice_node_ = nodes_.size(); }

 private:
  struct Node {
    int depth;
    bool item;       // a list element (`|-->`), else a member (`|--`)
    bool container;  // has children
    bool bytes;      // `value` is a byte dump: wraps at 16 bytes
    std::string key;
    std::string value;
  };
  void Add(std::string_view key, std::string value, bool container, bool bytes = false);
  void Render();

  OutBuffer* out_;
  std::vector<Node> nodes_;
  std::vector<int> counters_;  // per open container: elements so far (for `#N`)
  std::vector<bool> is_list_;  // per open container
  int depth_ = -1;             // -1: nothing open yet (the record's own object is depth 0)
  size_t* splice_ = nullptr;
  size_t splice_node_ = SIZE_MAX;
};

}  // namespace pcapkit::formats
