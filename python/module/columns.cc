#include "columns.h"

#include <pybind11/numpy.h>

#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "dict_builder.h"
#include "reader.h"

namespace pcapkit::python {

namespace {

using Value = FieldColumns::Value;

// One column's cells as they are read, without Python objects: numbers in place, text in
// one arena. A value its declared type cannot hold turns the column into text.
class ColumnBuilder {
 public:
  enum class Kind { kInt, kFloat, kBool, kText };

  ColumnBuilder(FieldColumns::Type type, bool lists)
      : kind_(lists                                  ? Kind::kText
              : type == FieldColumns::Type::kInteger ? Kind::kInt
              : type == FieldColumns::Type::kNumber  ? Kind::kFloat
              : type == FieldColumns::Type::kBool    ? Kind::kBool
                                                     : Kind::kText),
        lists_(lists) {}

  // Appends the cell of one frame: its values as FieldColumns::Values gives them.
  void Append(const FieldColumns& columns, size_t column) {
    size_t before = values_.size();
    columns.Values(column, [&](Value kind, std::string_view text) { Keep(kind, text); });
    size_t got = values_.size() - before;
    if (!lists_ && got == 0) values_.push_back({Value::kText, 0, 0, true});
    if (lists_) counts_.push_back(uint32_t(got));
  }

  // The column for Python: (type, values, mask).
  py::tuple Finish() const;

 private:
  struct Cell {
    Value kind;
    uint32_t offset, length;
    bool missing;
  };
  void Keep(Value kind, std::string_view text) {
    values_.push_back({kind, uint32_t(arena_.size()), uint32_t(text.size()), false});
    arena_.append(text);
    if (kind_ == Kind::kInt && !FitsInt(kind, text)) kind_ = Kind::kText;
  }
  static bool FitsInt(Value kind, std::string_view text) {
    int64_t v;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return kind == Value::kNumber && ec == std::errc() && end == text.data() + text.size();
  }
  std::string_view TextOf(const Cell& c) const { return {arena_.data() + c.offset, c.length}; }
  py::object ObjectOf(const Cell& c) const;

  Kind kind_;
  bool lists_;
  std::vector<Cell> values_;
  std::vector<uint32_t> counts_;  // --occurrence all: values per row
  std::string arena_;
};

// A cell's value as json.loads would read its ndjson cell.
py::object ColumnBuilder::ObjectOf(const Cell& c) const {
  std::string_view text = TextOf(c);
  if (c.kind == Value::kNumber) {
    if (text == "true") return py::bool_(true);
    if (text == "false") return py::bool_(false);
    int64_t v;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return py::int_(v);
    return py::module_::import("json").attr("loads")(py::str(text.data(), text.size()));
  }
  if (c.kind == Value::kJson)
    return py::module_::import("json").attr("loads")(py::str(text.data(), text.size()));
  std::string scratch;
  std::string_view valid = ValidUtf8(text, scratch);
  return py::str(valid.data(), valid.size());
}

template <class T>
py::array_t<T> ArrayOf(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({owned->size()}, {sizeof(T)}, owned->data(), free);
}

py::tuple ColumnBuilder::Finish() const {
  size_t rows = lists_ ? counts_.size() : values_.size();
  std::vector<bool> missing(rows);
  bool any_missing = false;
  if (!lists_)
    for (size_t i = 0; i < rows; ++i) any_missing |= (missing[i] = values_[i].missing);
  py::object mask = py::none();
  if (any_missing) {
    std::vector<uint8_t> m(missing.begin(), missing.end());
    mask = ArrayOf(std::move(m)).attr("astype")("bool");
  }
  if (kind_ == Kind::kInt || kind_ == Kind::kFloat || kind_ == Kind::kBool) {
    std::vector<int64_t> ints;
    std::vector<double> floats;
    std::vector<uint8_t> bools;
    for (const Cell& c : values_) {
      std::string_view t = TextOf(c);
      if (kind_ == Kind::kInt) {
        int64_t v = 0;
        if (!c.missing) std::from_chars(t.data(), t.data() + t.size(), v);
        ints.push_back(v);
      } else if (kind_ == Kind::kFloat) {
        double v = std::numeric_limits<double>::quiet_NaN();
        if (!c.missing) std::from_chars(t.data(), t.data() + t.size(), v);
        floats.push_back(v);
      } else {
        bools.push_back(!c.missing && t == "true");
      }
    }
    if (kind_ == Kind::kInt) return py::make_tuple("int", ArrayOf(std::move(ints)), mask);
    if (kind_ == Kind::kFloat) return py::make_tuple("float", ArrayOf(std::move(floats)), mask);
    return py::make_tuple("bool", ArrayOf(std::move(bools)).attr("astype")("bool"), mask);
  }
  py::array objects(py::dtype("O"), std::vector<py::ssize_t>{py::ssize_t(rows)},
                    std::vector<py::ssize_t>{});
  auto** cells = static_cast<PyObject**>(objects.mutable_data());
  size_t at = 0;
  for (size_t r = 0; r < rows; ++r) {
    py::object cell;
    if (lists_) {
      py::list items;
      for (uint32_t k = 0; k < counts_[r]; ++k) items.append(ObjectOf(values_[at++]));
      cell = std::move(items);
    } else {
      const Cell& c = values_[r];
      cell = c.missing ? py::none() : ObjectOf(c);
    }
    Py_XDECREF(cells[r]);
    cells[r] = cell.release().ptr();
  }
  return py::make_tuple(lists_ ? "object" : "text", objects, mask);
}

}  // namespace

py::list ReadColumns(py::object source, const py::list& fields, const std::string& occurrence,
                     const py::dict& keywords) {
  Reader reader(std::move(source), keywords);
  FieldOptions selected;
  for (py::handle f : fields) selected.names.push_back(py::str(f).cast<std::string>());
  selected.occurrence = ParseOccurrence(occurrence);
  FieldColumns columns(selected, reader.style());
  bool lists = selected.occurrence == FieldOccurrence::kAll;
  std::vector<ColumnBuilder> builders;
  for (size_t c = 0; c < columns.names().size(); ++c) builders.emplace_back(columns.type(c), lists);
  {
    py::gil_scoped_release nogil;
    while (const Frame* frame = reader.NextReleased()) {
      columns.Collect(*frame);
      for (size_t c = 0; c < builders.size(); ++c) builders[c].Append(columns, c);
    }
  }
  py::list out;
  for (size_t c = 0; c < builders.size(); ++c) {
    py::tuple t = builders[c].Finish();
    out.append(py::make_tuple(columns.names()[c], t[0], t[1], t[2]));
  }
  return out;
}

}  // namespace pcapkit::python
