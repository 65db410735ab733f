// The values of the selected fields of one record, gathered while the record is described
// to it as to any format (the Emitter interface), then written as a row: csv (RFC 4180),
// tsv, or a flat JSON object. Members off the selected paths cost a depth count; nothing
// is allocated per record once the buffers have grown.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "formats/field_selection.h"
#include "formats/json_emitter.h"
#include "formats/out_buffer.h"

namespace pcapkit::formats {

class FieldCollector final : public Emitter {
 public:
  enum class Row { kCsv, kTsv, kJson };
  // How a value is written: kNumber as it is everywhere (numbers, booleans); kPlain is
  // text of the engine's own alphabet (addresses, hex), quoted only in JSON; kText any
  // text, escaped and quoted as the row needs; kJson an object or a list as JSON, quoted
  // in csv.
  enum Kind : uint8_t { kNumber, kPlain, kText, kJson };

  // Starts a record.
  void Reset(const FieldSelection& selection);
  // What is described next is the scope of trie node `node`: the record's members
  // (FieldSelection::kRoot) or one layer's fields (its LayerRoot).
  void Enter(uint32_t node);
  // Whether every column under `node` has its value (--occurrence first): the scope need
  // not be described at all.
  bool Satisfied(uint32_t node) const;
  // The record's row, with its line end. The cells of spliced columns are left empty and
  // their places added to `splices` (when given), for WriteSplicedCell.
  void WriteRow(Row row, OutBuffer& out, SplicePoints* splices = nullptr) const;
  // A spliced column's cell, of the value described since Enter(kRoot), as it goes in at
  // a point WriteRow noted (`part`): in a flat JSON row a member with the comma that
  // joins it to the row's others.
  void WriteSplicedCell(uint32_t part, Row row, OutBuffer& out) const;
  // The values kept for `column` in the order its cell lists them, as they were rendered
  // (text unescaped): visit(Kind, std::string_view) for each. What builds typed columns.
  template <class Visit>
  void ForEachValue(uint32_t column, Visit&& visit) const {
    for (uint32_t i = first_[column]; i != kNone; i = kept_[i].next)
      visit(kept_[i].kind, std::string_view(values_.data() + kept_[i].offset, kept_[i].length));
  }
  // The header line of csv and tsv: the field names.
  static void WriteHeader(const FieldSelection& selection, Row row, OutBuffer& out);

  void BeginObject(std::string_view key = {}) override { Open(key, false); }
  void EndObject() override { Close(false); }
  void BeginArray(std::string_view key = {}) override { Open(key, true); }
  void EndArray() override { Close(true); }
  void Uint(std::string_view key, uint64_t v) override;
  void Int(std::string_view key, int64_t v) override;
  void Bool(std::string_view key, bool v) override;
  void Text(std::string_view key, std::string_view v) override;
  void Plain(std::string_view key, std::string_view v) override { Text(key, v); }
  void Number(std::string_view key, std::string_view decimal) override;
  void Hex(std::string_view key, const uint8_t* p, size_t n) override;
  void Mac(std::string_view key, const uint8_t* p) override;
  void Ipv4(std::string_view key, const uint8_t* p) override;
  void Ipv6(std::string_view key, const uint8_t* p) override;
  bool Wants(std::string_view key) const override {
    return capture_depth_ > 0 || (!done_ && ColumnOf(key) != kNone);
  }

 private:
  struct Value {
    uint32_t column;
    Kind kind;
    uint32_t offset, length;  // in values_
    uint32_t next;            // the column's next occurrence, kNone at the end
  };
  static constexpr uint32_t kNone = FieldSelection::kNone;
  static constexpr int kMaxDepth = 64;

  template <class Forward, class Render>
  void Scalar(std::string_view key, Kind kind, Forward forward, Render render);
  void Open(std::string_view key, bool array);
  void Close(bool array);
  // The column a scalar member `key` fills, kNone when it is not selected or the column
  // takes no more occurrences; `key` empty: an element of the list being described.
  uint32_t ColumnOf(std::string_view key) const;
  // Whether member `key` is a list of scalars whose items are its column's occurrences.
  bool ItemsOf(std::string_view key) const;
  // Stores values_[from, end) as the next occurrence of `column`.
  void Keep(uint32_t column, Kind kind, size_t from);
  void WriteCell(uint32_t column, Row row, OutBuffer& out) const;

  const FieldSelection* selection_ = nullptr;
  uint32_t path_[kMaxDepth + 1] = {};  // trie nodes of the open objects and lists
  int depth_ = 0;
  int off_path_ = 0;  // objects and lists open below the last node on a selected path
  // --occurrence first: the scope's columns still empty; at 0 the rest of the scope is
  // ignored (a layer's writer goes on, but each member costs a test).
  size_t pending_ = 0;
  bool done_ = false;
  // An object or list selected whole is written as JSON while it is described.
  // Its own buffer: members selected inside it are kept in values_ meanwhile.
  OutBuffer captured_;
  JsonEmitter capture_{&captured_};
  int capture_depth_ = 0;
  uint32_t capture_column_ = kNone;

  OutBuffer values_;
  std::vector<Value> kept_;
  std::vector<uint32_t> first_, last_;  // by column: indices into kept_
};

}  // namespace pcapkit::formats
