#include "formats/tree_emitter.h"

#include "engine/util/hex.h"
#include "engine/util/utf8.h"

namespace pcapkit::formats {

namespace {
constexpr size_t kTextWrap = 40;   // characters of text per line
constexpr size_t kBytesWrap = 16;  // bytes of a dump per line

// Text for a terminal: control characters and invalid UTF-8 become U+FFFD.
std::string Printable(std::string_view v) {
  std::string s;
  const auto* p = reinterpret_cast<const unsigned char*>(v.data());
  for (size_t i = 0; i < v.size();) {
    size_t len = util::Utf8Length(p + i, v.size() - i);
    if (len == 0 || (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
      s += "\xef\xbf\xbd";
      i += len ? len : 1;
    } else {
      s.append(v.data() + i, len);
      i += len;
    }
  }
  return s;
}

// Splits text into lines of `width` characters (UTF-8 sequences kept whole).
std::vector<std::string> Wrap(const std::string& s, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t chars = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 0; i < s.size();) {
    size_t len = util::Utf8Length(p + i, s.size() - i);
    if (len == 0) len = 1;
    if (chars == width) {
      lines.push_back(line);
      line.clear();
      chars = 0;
    }
    line.append(s, i, len);
    ++chars;
    i += len;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}
}  // namespace

void TreeEmitter::Add(std::string_view key, std::string value, bool container, bool bytes) {
  bool in_list = !is_list_.empty() && is_list_.back();
  Node n{depth_, in_list, container, bytes, std::string(key), std::move(value)};
  if (in_list) {
    ++counters_.back();
    if (container) {
      n.key.assign(1, '#');
      n.key += std::to_string(counters_.back());
    }
  }
  nodes_.push_back(std::move(n));
}

void TreeEmitter::BeginObject(std::string_view key) {
  if (depth_ >= 0) Add(key, {}, true);
  ++depth_;
  counters_.push_back(0);
  is_list_.push_back(false);
}

void TreeEmitter::EndObject() {
  --depth_;
  counters_.pop_back();
  is_list_.pop_back();
  if (depth_ < 0) Render();
}

void TreeEmitter::BeginArray(std::string_view key) {
  Add(key, {}, true);
  ++depth_;
  counters_.push_back(0);
  is_list_.push_back(true);
}

void TreeEmitter::EndArray() {
  --depth_;
  counters_.pop_back();
  is_list_.pop_back();
}

void TreeEmitter::Uint(std::string_view key, uint64_t v) {
  Add(key, std::to_string(v), false);
}
// PyPCAPKit's habit: the name beside the number, on one line ("type -> 2048 (IPv4)").
void TreeEmitter::Enum(std::string_view key, uint64_t v, NameOf name_of) {
  const char* name = names() ? name_of(v) : nullptr;
  if (name == nullptr) return Uint(key, v);
  Add(key, std::to_string(v) + " (" + name + ")", false);
}
void TreeEmitter::Int(std::string_view key, int64_t v) {
  Add(key, std::to_string(v), false);
}
void TreeEmitter::Bool(std::string_view key, bool v) {
  Add(key, v ? "True" : "False", false);
}
void TreeEmitter::Text(std::string_view key, std::string_view v) {
  Add(key, Printable(v), false);
}
void TreeEmitter::Plain(std::string_view key, std::string_view v) {
  Add(key, std::string(v), false);
}
void TreeEmitter::Number(std::string_view key, std::string_view d) {
  Add(key, std::string(d), false);
}

void TreeEmitter::Hex(std::string_view key, const uint8_t* p, size_t n) {
  std::string dump;
  for (size_t i = 0; i < n; ++i) {
    if (i) dump.push_back(' ');
    util::AppendHex(dump, p + i, 1);
  }
  Add(key, std::move(dump), false, true);
}

void TreeEmitter::Mac(std::string_view key, const uint8_t* p) {
  char buf[24];
  Add(key, std::string(buf, util::WriteMac(buf, p)), false);
}
void TreeEmitter::Ipv4(std::string_view key, const uint8_t* p) {
  char buf[24];
  Add(key, std::string(buf, util::WriteIpv4(buf, p)), false);
}
void TreeEmitter::Ipv6(std::string_view key, const uint8_t* p) {
  char buf[48];
  Add(key, std::string(buf, util::WriteIpv6(buf, p)), false);
}

void TreeEmitter::Render() {
  // later[i]: a sibling follows node i (so its column is drawn with `|`).
  std::vector<bool> later(nodes_.size());
  std::vector<bool> seen;
  for (size_t i = nodes_.size(); i-- > 0;) {
    size_t d = size_t(nodes_[i].depth);
    if (seen.size() <= d) seen.resize(d + 1, false);
    later[i] = seen[d];
    seen[d] = true;
    seen.resize(d + 1);
  }
  std::vector<bool> columns;  // per depth: draw `|` below the current ancestor
  std::string prefix;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (i == splice_node_ && splice_ != nullptr) *splice_ = out_->size();
    const Node& n = nodes_[i];
    columns.resize(size_t(n.depth));
    prefix.assign("  ");
    for (bool c : columns) prefix += c ? "|     " : "      ";
    std::string_view connector = n.item ? "|--> " : "|-- ";
    bool long_value = !n.container &&
                      (n.bytes ? n.value.size() > kBytesWrap * 3 - 1 : n.value.size() > kTextWrap);
    std::vector<std::string> chunks;
    if (long_value) {
      if (n.bytes) {
        for (size_t at = 0; at < n.value.size(); at += kBytesWrap * 3)
          chunks.push_back(n.value.substr(at, kBytesWrap * 3 - 1));
      } else {
        chunks = Wrap(n.value, kTextWrap);
      }
    }
    std::string line = prefix;
    line += connector;
    if (n.container) {
      line += n.key;
    } else if (n.item) {
      line += long_value ? chunks[0] : n.value;
    } else if (long_value) {
      line += n.key;
    } else {
      line += n.key;
      line += n.value.empty() ? "  -> NIL" : " -> " + n.value;
    }
    line.push_back('\n');
    out_->Append(line);
    if (long_value && n.item) {
      // A long list item goes on below itself, aligned with its text.
      for (size_t k = 1; k < chunks.size(); ++k) {
        out_->Append(prefix);
        out_->Append(later[i] ? "|    " : "     ");
        out_->Append(chunks[k]);
        out_->Push('\n');
      }
    } else if (long_value) {
      // A long member value moves under a `|-->` line of its own, continuations aligned.
      std::string under = prefix + (later[i] ? "|     " : "      ");
      for (size_t k = 0; k < chunks.size(); ++k) {
        out_->Append(under);
        out_->Append(k == 0 ? "|--> " : "     ");
        out_->Append(chunks[k]);
        out_->Push('\n');
      }
    }
    if (n.container) columns.push_back(later[i]);
  }
  if (splice_node_ == nodes_.size() && splice_ != nullptr) *splice_ = out_->size();
  splice_node_ = SIZE_MAX;
  nodes_.clear();
}

}  // namespace pcapkit::formats
