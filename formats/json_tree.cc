#include "formats/json_tree.h"

#include <cstdio>

namespace pcapkit::formats {

namespace {

// Lines of the printed document stay within this many columns when they can.
constexpr size_t kLineWidth = 100;

void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;  // UTF-8 passes through: the tables' text is UTF-8
    }
  }
  out += '"';
}

}  // namespace

JsonTree& JsonTree::operator[](std::string_view key) {
  if (kind_ == kNull) kind_ = kObject;
  for (auto& [name, value] : members_)
    if (name == key) return value;
  members_.emplace_back(std::string(key), JsonTree());
  return members_.back().second;
}

bool JsonTree::Has(std::string_view key) const {
  for (const auto& member : members_)
    if (member.first == key) return true;
  return false;
}

JsonTree& JsonTree::Push(JsonTree item) {
  if (kind_ == kNull) kind_ = kArray;
  items_.push_back(std::move(item));
  return items_.back();
}

void JsonTree::Compact(std::string& out) const {
  switch (kind_) {
    case kNull:
      out += "null";
      return;
    case kBool:
      out += boolean_ ? "true" : "false";
      return;
    case kString:
      AppendString(out, text_);
      return;
    case kArray:
      out += '[';
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ", ";
        items_[i].Compact(out);
      }
      out += ']';
      return;
    case kObject:
      out += '{';
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i) out += ", ";
        AppendString(out, members_[i].first);
        out += ": ";
        members_[i].second.Compact(out);
      }
      out += '}';
      return;
  }
}

// `indent`: the indentation of the line the value starts on, where the caller has already
// written what precedes the value (a member's name).
void JsonTree::Indented(std::string& out, size_t indent) const {
  std::string compact;
  Compact(compact);
  size_t line_start = out.rfind('\n') + 1;  // npos + 1 == 0 on the first line
  bool container = kind_ == kArray || kind_ == kObject;
  if (!container || empty() || out.size() - line_start + compact.size() <= kLineWidth) {
    out += compact;
    return;
  }
  std::string pad(indent + 2, ' ');
  out += kind_ == kArray ? "[\n" : "{\n";
  size_t n = kind_ == kArray ? items_.size() : members_.size();
  for (size_t i = 0; i < n; ++i) {
    out += pad;
    if (kind_ == kObject) {
      AppendString(out, members_[i].first);
      out += ": ";
    }
    (kind_ == kArray ? items_[i] : members_[i].second).Indented(out, indent + 2);
    out += i + 1 < n ? ",\n" : "\n";
  }
  out += std::string(indent, ' ');
  out += kind_ == kArray ? ']' : '}';
}

std::string JsonTree::Dump() const {
  std::string out;
  Indented(out, 0);
  out += '\n';
  return out;
}

}  // namespace pcapkit::formats
