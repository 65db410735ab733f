#include "columns.h"

#include <pybind11/numpy.h>

#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "reader.h"

namespace pcapkit::python {

namespace {

using Cell = FieldColumns::Cell;
using Value = FieldColumns::Value;

template <class T>
bool Parse(std::string_view text, T& v) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size();
}

// A numpy array that owns `values` (moved, not copied).
template <class T>
py::array_t<T> ArrayOf(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({owned->size()}, {sizeof(T)}, owned->data(), free);
}

// A str of `text`: ASCII copied in without decoding, anything else decoded (the engine
// wrote it valid).
PyObject* Str(std::string_view text) {
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (!ascii) return PyUnicode_DecodeUTF8(text.data(), Py_ssize_t(text.size()), "replace");
  PyObject* s = PyUnicode_New(Py_ssize_t(text.size()), 127);
  if (s != nullptr) std::memcpy(PyUnicode_DATA(s), text.data(), text.size());
  return s;
}

// One column's cells as they are read, without Python objects: numbers parsed in place,
// anything else kept as text in one arena. A value an integer column cannot hold (text,
// or past int64) turns the column into text, its numbers rendered back.
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

  // The cell of the next row: its values as FieldColumns::Values gives them.
  void Append(const std::vector<Cell>& cells) {
    if (lists_) {
      counts_.push_back(uint32_t(cells.size()));
      for (const Cell& c : cells) KeepText(c);
      return;
    }
    missing_.push_back(cells.empty());
    any_missing_ |= cells.empty();
    if (cells.empty()) return AppendMissing();
    const Cell& c = cells.front();
    if (kind_ == Kind::kInt && c.kind == Value::kNumber && Parse(c.text, ints_.emplace_back()))
      return;
    if (kind_ == Kind::kFloat && c.kind == Value::kNumber && Parse(c.text, floats_.emplace_back()))
      return;
    if (kind_ == Kind::kBool && c.kind == Value::kNumber) return bools_.push_back(c.text == "true");
    if (kind_ == Kind::kInt) ToText();
    KeepText(c);
  }

  // The column for Python: (type, values, mask).
  py::tuple Finish();

 private:
  struct Text {
    Value kind;
    uint32_t offset, length;
  };
  void AppendMissing() {
    if (kind_ == Kind::kInt) ints_.push_back(0);
    if (kind_ == Kind::kFloat) floats_.push_back(std::numeric_limits<double>::quiet_NaN());
    if (kind_ == Kind::kBool) bools_.push_back(0);
    if (kind_ == Kind::kText) texts_.push_back({Value::kText, 0, 0});
  }
  void KeepText(const Cell& c) {
    texts_.push_back({c.kind, uint32_t(arena_.size()), uint32_t(c.text.size())});
    arena_.append(c.text);
  }
  // An integer column meets a value that is not one: what it held becomes text.
  void ToText() {
    ints_.pop_back();  // the one Append tried
    for (size_t i = 0; i < ints_.size(); ++i) {
      char buf[24];
      size_t n = size_t(std::to_chars(buf, buf + sizeof buf, ints_[i]).ptr - buf);
      KeepText({Value::kNumber, std::string_view(missing_[i] ? "" : buf, missing_[i] ? 0 : n)});
    }
    ints_.clear();
    kind_ = Kind::kText;
  }
  PyObject* ObjectOf(const Text& t) const;
  // A column's texts repeat (addresses, names): each distinct one becomes one str that
  // every row holding it shares, which saves most of the allocations and memory. At most
  // kMaxShared are remembered, so a column of unique values costs a bounded table.
  using SharedTexts = std::unordered_map<std::string_view, PyObject*>;
  static constexpr size_t kMaxShared = 1 << 16;
  PyObject* Shared(const Text& t, SharedTexts& shared) const;
  PyObject* ListOf(uint32_t count, size_t at) const;
  py::array Objects();

  Kind kind_;
  bool lists_;
  bool any_missing_ = false;
  std::vector<uint8_t> missing_;
  std::vector<int64_t> ints_;
  std::vector<double> floats_;
  std::vector<uint8_t> bools_;
  std::vector<Text> texts_;
  std::vector<uint32_t> counts_;  // --occurrence all: values per row
  std::string arena_;
};

// A value as json.loads reads its ndjson cell; a new reference (null on an error).
PyObject* ColumnBuilder::ObjectOf(const Text& t) const {
  std::string_view text(arena_.data() + t.offset, t.length);
  if (t.kind == Value::kText) return Str(text);
  if (text == "true" || text == "false") return PyBool_FromLong(text == "true");
  int64_t v;
  if (t.kind == Value::kNumber && Parse(text, v)) return PyLong_FromLongLong(v);
  py::object loads = py::module_::import("json").attr("loads");
  return loads(py::str(text.data(), text.size())).release().ptr();
}

// A new reference to the object of text `t`, shared with the rows before it that hold
// the same text.
PyObject* ColumnBuilder::Shared(const Text& t, SharedTexts& shared) const {
  if (t.kind != Value::kText) return ObjectOf(t);
  std::string_view text(arena_.data() + t.offset, t.length);
  auto found = shared.find(text);
  if (found != shared.end()) return Py_NewRef(found->second);
  PyObject* object = ObjectOf(t);
  // The table holds no reference: the array's cell does, and the array outlives it.
  if (object != nullptr && shared.size() < kMaxShared) shared.emplace(text, object);
  return object;
}

// A new list of the `count` values from texts_[at] on (null, with the error set, when one
// cannot be made).
PyObject* ColumnBuilder::ListOf(uint32_t count, size_t at) const {
  PyObject* list = PyList_New(count);
  for (uint32_t k = 0; list != nullptr && k < count; ++k) {
    PyObject* item;
    try {
      item = ObjectOf(texts_[at + k]);
    } catch (...) {
      Py_DECREF(list);
      throw;
    }
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, k, item);
  }
  return list;
}

// The text column (or lists): an array of objects, None where missing.
py::array ColumnBuilder::Objects() {
  size_t rows = lists_ ? counts_.size() : texts_.size();
  py::array objects(py::dtype("O"), std::vector<py::ssize_t>{py::ssize_t(rows)},
                    std::vector<py::ssize_t>{});
  auto** cells = static_cast<PyObject**>(objects.mutable_data());
  size_t at = 0;
  SharedTexts shared;
  for (size_t r = 0; r < rows; ++r) {
    PyObject* cell;
    if (lists_) {
      cell = ListOf(counts_[r], at);
      at += counts_[r];
    } else if (missing_[r]) {
      cell = Py_NewRef(Py_None);
    } else {
      cell = Shared(texts_[r], shared);
    }
    if (cell == nullptr) throw py::error_already_set();
    Py_XDECREF(cells[r]);
    cells[r] = cell;
  }
  return objects;
}

py::tuple ColumnBuilder::Finish() {
  py::object mask = py::none();
  // A copy: a text column still reads `missing_`.
  if (any_missing_) mask = ArrayOf(std::vector<uint8_t>(missing_)).attr("astype")("bool");
  switch (kind_) {
    case Kind::kInt:
      return py::make_tuple("int", ArrayOf(std::move(ints_)), mask);
    case Kind::kFloat:
      return py::make_tuple("float", ArrayOf(std::move(floats_)), mask);
    case Kind::kBool:
      return py::make_tuple("bool", ArrayOf(std::move(bools_)).attr("astype")("bool"), mask);
    case Kind::kText:
      break;
  }
  return py::make_tuple(lists_ ? "object" : "text", Objects(), mask);
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
    std::vector<Cell> cells;
    while (const Frame* frame = reader.NextReleased()) {
      columns.Collect(*frame);
      for (size_t c = 0; c < builders.size(); ++c) {
        columns.Values(c, cells);
        builders[c].Append(cells);
      }
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
