#include "dict_builder.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "pcapkit/layers.h"
#include "pcapkit/records.h"

namespace pcapkit::python {

namespace {

// A str of ASCII text (hex digits, addresses), copied in without decoding.
PyObject* Ascii(std::string_view text) {
  PyObject* s = PyUnicode_New(Py_ssize_t(text.size()), 127);
  if (s != nullptr) std::memcpy(PyUnicode_DATA(s), text.data(), text.size());
  return s;
}

}  // namespace

PyObject* KeyCache::Lookup(std::string_view key) {
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    // Keys are ASCII names: PyUnicode_DATA is then their text, as Str compares it.
    PyObject* str = PyUnicode_FromStringAndSize(key.data(), Py_ssize_t(key.size()));
    if (str == nullptr) return nullptr;
    PyUnicode_InternInPlace(&str);
    it = keys_.emplace(std::string(key), str).first;
  }
  return it->second;
}

DictBuilder::~DictBuilder() {
  Py_XDECREF(root_);
}

PyObject* DictBuilder::Take() {
  PyObject* root = root_;
  root_ = nullptr;
  open_.clear();
  if (failed_) {
    failed_ = false;
    Py_XDECREF(root);
    return nullptr;
  }
  return root;
}

void DictBuilder::Add(std::string_view key, PyObject* value) {
  if (failed_) {
    Py_XDECREF(value);
    return;
  }
  if (value == nullptr) {
    failed_ = true;
    return;
  }
  PyObject* parent = open_.back().object;
  int rc;
  if (PyList_Check(parent)) {
    rc = PyList_Append(parent, value);
  } else {
    PyObject* name = keys_.Str(key);
    rc = name == nullptr ? -1 : PyDict_SetItem(parent, name, value);
    Py_XDECREF(name);
  }
  Py_DECREF(value);
  if (rc != 0) failed_ = true;
}

void DictBuilder::BeginObject(std::string_view key) {
  uint32_t hint = HintOf(key);
  // Python's dicts start with room for 5 members.
  PyObject* dict = hints_[hint] > 5 ? _PyDict_NewPresized(hints_[hint]) : PyDict_New();
  Open(key, dict, hint);
}

void DictBuilder::Open(std::string_view key, PyObject* container, uint32_t hint) {
  if (root_ == nullptr && open_.empty() && !failed_) {
    root_ = container;
    if (container == nullptr) failed_ = true;
  } else {
    Add(key, container);  // the parent owns it now (or it is gone, after a failure)
  }
  // Pushed after a failure too, so that Close stays balanced.
  open_.push_back({failed_ ? nullptr : container, hint});
}

void DictBuilder::Close() {
  if (open_.empty()) return;
  const Container& c = open_.back();
  if (c.hint != kNoHint && c.object != nullptr)
    hints_[c.hint] = uint8_t(std::min<Py_ssize_t>(PyDict_GET_SIZE(c.object), 255));
  open_.pop_back();
}

void DictBuilder::Text(std::string_view key, std::string_view v) {
  std::string_view valid = ValidUtf8(v, scratch_);
  Add(key, PyUnicode_DecodeUTF8(valid.data(), Py_ssize_t(valid.size()), "strict"));
}

void DictBuilder::Plain(std::string_view key, std::string_view v) {
  Add(key, PyUnicode_DecodeUTF8(v.data(), Py_ssize_t(v.size()), "strict"));
}

void DictBuilder::Number(std::string_view key, std::string_view decimal) {
  // As json.loads reads it: a fraction or an exponent makes a float, else an int.
  if (decimal.find_first_of(".eE") == std::string_view::npos) {
    int64_t whole = 0;
    auto [end, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), whole);
    if (ec == std::errc() && end == decimal.data() + decimal.size())
      return Add(key, PyLong_FromLongLong(whole));
  }
  double v = 0;
  std::from_chars(decimal.data(), decimal.data() + decimal.size(), v);
  Add(key, PyFloat_FromDouble(v));
}

void DictBuilder::Hex(std::string_view key, const uint8_t* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  PyObject* s = PyUnicode_New(Py_ssize_t(2 * n), 127);
  if (s != nullptr) {
    auto* w = static_cast<char*>(PyUnicode_DATA(s));
    for (size_t i = 0; i < n; ++i) {
      *w++ = kDigits[p[i] >> 4];
      *w++ = kDigits[p[i] & 15];
    }
  }
  Add(key, s);
}

void DictBuilder::Mac(std::string_view key, const uint8_t* p) {
  Add(key, Ascii(FormatMac(p)));
}

void DictBuilder::Ipv4(std::string_view key, const uint8_t* p) {
  Add(key, Ascii(FormatIpv4(p)));
}

void DictBuilder::Ipv6(std::string_view key, const uint8_t* p) {
  Add(key, Ascii(FormatIpv6(p)));
}

}  // namespace pcapkit::python
