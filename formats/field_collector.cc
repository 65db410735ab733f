#include "formats/field_collector.h"

#include <charconv>
#include <cstring>

#include "engine/util/hex.h"
#include "engine/util/utf8.h"

namespace pcapkit::formats {

namespace {

// Text with what is not UTF-8 replaced by U+FFFD; in tsv also tab, line ends and the
// backslash escaped (\t \n \r \\), so a row stays one line of cells.
void AppendText(OutBuffer& out, std::string_view v, bool tsv) {
  char* w = out.Ensure(3 * v.size());
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  for (size_t i = 0; i < v.size();) {
    unsigned char c = p[i];
    const char* escape = !tsv        ? nullptr
                         : c == '\t' ? "\\t"
                         : c == '\n' ? "\\n"
                         : c == '\r' ? "\\r"
                         : c == '\\' ? "\\\\"
                                     : nullptr;
    if (escape != nullptr) {
      std::memcpy(w, escape, 2);
      w += 2;
      ++i;
      continue;
    }
    size_t len = c < 0x80 ? 1 : util::Utf8Length(p + i, v.size() - i);
    if (len == 0) {
      std::memcpy(w, "\xef\xbf\xbd", 3);
      w += 3;
      ++i;
    } else {
      std::memcpy(w, p + i, len);
      w += len;
      i += len;
    }
  }
  out.Commit(w);
}

// An RFC 4180 cell: quoted (inner quotes doubled) when it holds a comma, a quote or a
// line end.
bool NeedsQuotes(std::string_view cell) {
  for (char c : cell)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  return false;
}

void AppendCsvCell(OutBuffer& out, std::string_view cell) {
  if (!NeedsQuotes(cell)) {
    out.Append(cell);
    return;
  }
  char* w = out.Ensure(2 * cell.size() + 2);
  *w++ = '"';
  for (char c : cell) {
    if (c == '"') *w++ = '"';
    *w++ = c;
  }
  *w++ = '"';
  out.Commit(w);
}

}  // namespace

void FieldCollector::Reset(const FieldSelection& selection) {
  selection_ = &selection;
  values_.clear();
  kept_.clear();
  first_.assign(selection.names().size(), kNone);
  last_.assign(selection.names().size(), kNone);
  capture_depth_ = 0;
}

void FieldCollector::Enter(uint32_t node) {
  path_[0] = node;
  depth_ = 0;
  off_path_ = 0;
  pending_ = SIZE_MAX;
  if (selection_->occurrence() == FieldOccurrence::kFirst) {
    pending_ = 0;
    for (uint32_t column : selection_->node(node).below) pending_ += first_[column] == kNone;
  }
  done_ = pending_ == 0;
}

bool FieldCollector::Satisfied(uint32_t node) const {
  if (selection_->occurrence() != FieldOccurrence::kFirst) return false;
  for (uint32_t column : selection_->node(node).below)
    if (first_[column] == kNone) return false;
  return true;
}

bool FieldCollector::ItemsOf(std::string_view key) const {
  uint32_t node = key.empty() ? path_[depth_] : selection_->Child(path_[depth_], key);
  return node != kNone && selection_->node(node).items;
}

uint32_t FieldCollector::ColumnOf(std::string_view key) const {
  if (off_path_ > 0) return kNone;
  uint32_t node = key.empty() ? path_[depth_] : selection_->Child(path_[depth_], key);
  if (node == kNone) return kNone;
  uint32_t column = selection_->node(node).column;
  if (key.empty() && capture_depth_ > 0 && column == capture_column_) return kNone;  // in its JSON
  if (column != kNone && first_[column] != kNone &&
      selection_->occurrence() == FieldOccurrence::kFirst)
    return kNone;
  return column;
}

void FieldCollector::Keep(uint32_t column, Kind kind, size_t from) {
  uint32_t index = uint32_t(kept_.size());
  kept_.push_back({column, kind, uint32_t(from), uint32_t(values_.size() - from), kNone});
  if (first_[column] == kNone) {
    if (--pending_ == 0 && capture_depth_ == 0) done_ = true;
    first_[column] = index;
  } else if (selection_->occurrence() == FieldOccurrence::kLast) {
    first_[column] = index;
  } else {
    kept_[last_[column]].next = index;
  }
  last_[column] = index;
}

void FieldCollector::Open(std::string_view key, bool array) {
  if (done_) return;
  if (capture_depth_ > 0) {
    ++capture_depth_;
    array ? capture_.BeginArray(key) : capture_.BeginObject(key);
  }
  if (off_path_ > 0 || depth_ == kMaxDepth) {
    ++off_path_;
    return;
  }
  uint32_t column = ColumnOf(key);
  if (column != kNone && capture_depth_ == 0 && !ItemsOf(key)) {  // whole: its JSON
    captured_.clear();
    capture_ = JsonEmitter(&captured_);
    capture_column_ = column;
    capture_depth_ = 1;
    array ? capture_.BeginArray() : capture_.BeginObject();
  }
  uint32_t node = key.empty() ? path_[depth_] : selection_->Child(path_[depth_], key);
  if (node == kNone) {
    ++off_path_;
    return;
  }
  path_[++depth_] = node;
}

void FieldCollector::Close(bool array) {
  if (done_) return;
  if (capture_depth_ > 0) {
    array ? capture_.EndArray() : capture_.EndObject();
    if (--capture_depth_ == 0) {
      size_t from = values_.size();
      values_.Append(captured_.view());
      Keep(capture_column_, kJson, from);
    }
  }
  if (off_path_ > 0)
    --off_path_;
  else if (depth_ > 0)
    --depth_;
}

// Every scalar member: into the JSON of an object being captured whole, and, when the
// member is selected, rendered by `render` into values_ as an occurrence of its column.
template <class Forward, class Render>
void FieldCollector::Scalar(std::string_view key, Kind kind, Forward forward, Render render) {
  if (done_) return;
  if (capture_depth_ > 0) forward(capture_);
  uint32_t column = ColumnOf(key);
  if (column == kNone) return;
  size_t from = values_.size();
  render(values_);
  Keep(column, kind, from);
}

namespace {
template <class Int>
void AppendInteger(OutBuffer& out, Int v) {
  char* w = out.Ensure(20);
  out.Commit(std::to_chars(w, w + 20, v).ptr);
}
}  // namespace

void FieldCollector::Uint(std::string_view key, uint64_t v) {
  Scalar(
      key, kNumber, [&](JsonEmitter& e) { e.Uint(key, v); },
      [&](OutBuffer& out) { AppendInteger(out, v); });
}

void FieldCollector::Int(std::string_view key, int64_t v) {
  Scalar(
      key, kNumber, [&](JsonEmitter& e) { e.Int(key, v); },
      [&](OutBuffer& out) { AppendInteger(out, v); });
}

void FieldCollector::Bool(std::string_view key, bool v) {
  Scalar(
      key, kNumber, [&](JsonEmitter& e) { e.Bool(key, v); },
      [&](OutBuffer& out) {
        out.Append(v ? std::string_view("true") : std::string_view("false"));
      });
}

void FieldCollector::Text(std::string_view key, std::string_view v) {
  Scalar(
      key, kText, [&](JsonEmitter& e) { e.Text(key, v); }, [&](OutBuffer& out) { out.Append(v); });
}

void FieldCollector::Number(std::string_view key, std::string_view decimal) {
  Scalar(
      key, kNumber, [&](JsonEmitter& e) { e.Number(key, decimal); },
      [&](OutBuffer& out) { out.Append(decimal); });
}

void FieldCollector::Hex(std::string_view key, const uint8_t* p, size_t n) {
  Scalar(
      key, kPlain, [&](JsonEmitter& e) { e.Hex(key, p, n); },
      [&](OutBuffer& out) {
        static constexpr char kDigits[] = "0123456789abcdef";
        char* w = out.Ensure(2 * n);
        for (size_t i = 0; i < n; ++i) {
          *w++ = kDigits[p[i] >> 4];
          *w++ = kDigits[p[i] & 15];
        }
        out.Commit(w);
      });
}

void FieldCollector::Mac(std::string_view key, const uint8_t* p) {
  Scalar(
      key, kPlain, [&](JsonEmitter& e) { e.Mac(key, p); },
      [&](OutBuffer& out) { out.Commit(util::WriteMac(out.Ensure(17), p)); });
}

void FieldCollector::Ipv4(std::string_view key, const uint8_t* p) {
  Scalar(
      key, kPlain, [&](JsonEmitter& e) { e.Ipv4(key, p); },
      [&](OutBuffer& out) { out.Commit(util::WriteIpv4(out.Ensure(15), p)); });
}

void FieldCollector::Ipv6(std::string_view key, const uint8_t* p) {
  Scalar(
      key, kPlain, [&](JsonEmitter& e) { e.Ipv6(key, p); },
      [&](OutBuffer& out) { out.Commit(util::WriteIpv6(out.Ensure(39), p)); });
}

// One cell: its occurrences joined by ',' (csv, tsv) or in a JSON array (--occurrence
// all); nothing for a field the record does not have.
void FieldCollector::WriteCell(uint32_t column, Row row, OutBuffer& out) const {
  bool list = selection_->occurrence() == FieldOccurrence::kAll;
  if (row == Row::kJson) {
    if (list) out.Push('[');
    for (uint32_t i = first_[column]; i != kNone; i = kept_[i].next) {
      if (i != first_[column]) out.Push(',');
      std::string_view v(values_.data() + kept_[i].offset, kept_[i].length);
      if (kept_[i].kind == kText) {
        AppendJsonString(out, v);
      } else if (kept_[i].kind == kPlain) {
        out.Push('"');
        out.Append(v);
        out.Push('"');
      } else {
        out.Append(v);
      }
    }
    if (list) out.Push(']');
    return;
  }
  uint32_t only = first_[column];
  if (only == kNone) return;
  Kind kind = kept_[only].kind;
  if (kept_[only].next == kNone && (kind == kNumber || kind == kPlain)) {
    out.Append({values_.data() + kept_[only].offset, kept_[only].length});
    return;
  }
  // csv: the joined cell is quoted as a whole, so it is gathered first.
  thread_local OutBuffer cell;
  OutBuffer& to = row == Row::kCsv ? cell : out;
  cell.clear();
  for (uint32_t i = first_[column]; i != kNone; i = kept_[i].next) {
    if (i != first_[column]) to.Push(',');
    std::string_view v(values_.data() + kept_[i].offset, kept_[i].length);
    kept_[i].kind == kText ? AppendText(to, v, row == Row::kTsv) : to.Append(v);
  }
  if (row == Row::kCsv) AppendCsvCell(out, cell.view());
}

// A spliced cell's part: its column, and in a JSON row the comma that joins it. A spliced
// member goes into only some rows (frames of a flow), so the members written with the row
// are joined as if it were absent and it brings its own comma: before it when a member
// precedes it, else after it when one follows, else before it when another spliced one
// precedes it.
namespace {
enum SplicedComma : uint32_t { kNoComma, kCommaBefore, kCommaAfter };
constexpr uint32_t SplicedPart(uint32_t column, SplicedComma comma) {
  return column << 2 | comma;
}
}  // namespace

void FieldCollector::WriteRow(Row row, OutBuffer& out, SplicePoints* splices) const {
  const std::vector<std::string>& names = selection_->names();
  if (row == Row::kJson) {
    uint32_t last_member = kNone;  // the last column written with the row
    for (uint32_t c = 0; c < names.size(); ++c)
      if (!selection_->spliced(c) && first_[c] != kNone) last_member = c;
    out.Push('{');
    bool first = true, spliced_before = false;
    for (uint32_t c = 0; c < names.size(); ++c) {
      if (selection_->spliced(c)) {
        SplicedComma comma = !first                                    ? kCommaBefore
                             : last_member != kNone && last_member > c ? kCommaAfter
                             : spliced_before                          ? kCommaBefore
                                                                       : kNoComma;
        if (splices != nullptr) splices->push_back({out.size(), SplicedPart(c, comma)});
        spliced_before = true;
        continue;
      }
      if (first_[c] == kNone) continue;
      if (!first) out.Push(',');
      first = false;
      AppendJsonString(out, names[c]);
      out.Push(':');
      WriteCell(c, row, out);
    }
    out.Append("}\n");
    return;
  }
  for (uint32_t c = 0; c < names.size(); ++c) {
    if (c > 0) out.Push(row == Row::kCsv ? ',' : '\t');
    if (!selection_->spliced(c))
      WriteCell(c, row, out);
    else if (splices != nullptr)
      splices->push_back({out.size(), SplicedPart(c, kNoComma)});
  }
  out.Push('\n');
}

void FieldCollector::WriteSplicedCell(uint32_t part, Row row, OutBuffer& out) const {
  uint32_t column = part >> 2;
  auto comma = SplicedComma(part & 3);
  if (row != Row::kJson) return WriteCell(column, row, out);
  if (comma == kCommaBefore) out.Push(',');
  AppendJsonString(out, selection_->names()[column]);
  out.Push(':');
  WriteCell(column, row, out);
  if (comma == kCommaAfter) out.Push(',');
}

void FieldCollector::WriteHeader(const FieldSelection& selection, Row row, OutBuffer& out) {
  const std::vector<std::string>& names = selection.names();
  for (size_t c = 0; c < names.size(); ++c) {
    if (c > 0) out.Push(row == Row::kCsv ? ',' : '\t');
    row == Row::kCsv ? AppendCsvCell(out, names[c]) : AppendText(out, names[c], true);
  }
  out.Push('\n');
}

}  // namespace pcapkit::formats
