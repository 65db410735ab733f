// A small JSON document built in memory, members kept in insertion order, printed
// indented: for documents a person reads and diffs (the record schema of `pcapkit
// schema`). Records never go through it: JsonEmitter writes those, without a tree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pcapkit::formats {

class JsonTree {
 public:
  JsonTree() = default;  // null
  JsonTree(const char* text) : kind_(kString), text_(text) {}
  JsonTree(std::string_view text) : kind_(kString), text_(text) {}
  JsonTree(std::string text) : kind_(kString), text_(std::move(text)) {}
  JsonTree(bool value) : kind_(kBool), boolean_(value) {}

  static JsonTree Object() { return JsonTree(kObject); }
  static JsonTree Array() { return JsonTree(kArray); }

  // The member `key`, appended (null) when absent; a null value becomes an object first.
  JsonTree& operator[](std::string_view key);
  bool Has(std::string_view key) const;
  // Appends an item; a null value becomes an array first.
  JsonTree& Push(JsonTree item);
  bool empty() const { return members_.empty() && items_.empty(); }

  // Two-space indentation; a container whose whole text fits on its line stays on it.
  std::string Dump() const;

 private:
  enum Kind : uint8_t { kNull, kBool, kString, kArray, kObject };
  explicit JsonTree(Kind kind) : kind_(kind) {}
  void Compact(std::string& out) const;
  void Indented(std::string& out, size_t indent) const;

  Kind kind_ = kNull;
  bool boolean_ = false;
  std::string text_;
  std::vector<JsonTree> items_;
  std::vector<std::pair<std::string, JsonTree>> members_;
};

}  // namespace pcapkit::formats
