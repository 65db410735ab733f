#include "stages/foreign/replay.h"

#include <nlohmann/json.hpp>

namespace pcapkit::stages::foreign {

namespace {

using nlohmann::json;

std::string_view SkipSpace(std::string_view s) {
  size_t i = s.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? std::string_view() : s.substr(i);
}

// nlohmann_json's SAX events as Emitter calls. Depth 1 is the line's object, depth 2 the
// record's: its own begin and end are the writer's, everything inside is described. The
// key of the member being read stays in `key_` (a buffer reused line after line).
class FrameSax {
 public:
  FrameSax(Emitter* out, std::string* protocols) : out_(out), protocols_(protocols) {}

  bool null() {
    key_.clear();  // absent: never written
    return true;
  }
  bool boolean(bool v) {
    if (Inside()) out_->Bool(Key(), v);
    return Done();
  }
  bool number_integer(json::number_integer_t v) {
    if (Inside()) out_->Int(Key(), v);
    return Done();
  }
  bool number_unsigned(json::number_unsigned_t v) {
    if (Inside()) out_->Uint(Key(), v);
    return Done();
  }
  // The text as the adapter wrote it: a time keeps its decimals.
  bool number_float(json::number_float_t, const json::string_t& text) {
    if (Inside()) out_->Number(Key(), text);
    return Done();
  }
  bool string(json::string_t& v) {
    if (Inside()) {
      if (protocols_ != nullptr && depth_ == 2 && key_ == "protocols") *protocols_ = v;
      out_->Text(Key(), v);
    }
    return Done();
  }
  bool binary(json::binary_t&) { return Fail("binary value"); }
  bool start_object(std::size_t) { return Open(false); }
  bool start_array(std::size_t) { return Open(true); }
  bool end_object() { return Close(false); }
  bool end_array() { return Close(true); }
  bool key(json::string_t& k) {
    if (depth_ == 1 && k != "frame") return Fail("a frame line holds the member `frame` only");
    key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    return Fail(e.what());
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr int kMaxDepth = 64;
  bool Inside() const { return depth_ >= 2; }
  std::string_view Key() const { return in_array_[depth_] ? std::string_view() : key_; }
  bool Done() {
    key_.clear();
    return true;
  }
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  bool Open(bool array) {
    if (depth_ >= kMaxDepth) return Fail("nested deeper than 64 levels");
    if (depth_ == 1 && array) return Fail("`frame` is not an object");
    if (depth_ >= 2) {
      if (array)
        out_->BeginArray(Key());
      else
        out_->BeginObject(Key());
    }
    in_array_[++depth_] = array;
    return Done();
  }
  bool Close(bool array) {
    if (depth_-- > 2) {
      if (array)
        out_->EndArray();
      else
        out_->EndObject();
    }
    return Done();
  }

  Emitter* out_;
  std::string* protocols_;
  std::string key_;
  int depth_ = 0;
  bool in_array_[kMaxDepth + 1] = {};
  std::string error_;
};

Status Invalid(const std::string& what, std::string_view line) {
  constexpr size_t kQuote = 200;
  std::string quoted(line.substr(0, kQuote));
  if (line.size() > kQuote) quoted += "...";
  return Status::Internal("the adapter wrote " + what + ": " + quoted);
}

// A member of a meta record's `fields`, as the MetaField the capture readers make.
bool AddMetaField(const std::string& key, const nlohmann::ordered_json& v,
                  capture::MetaRecord* meta) {
  if (v.is_boolean()) {
    meta->Bool(key, v.get<bool>());
  } else if (v.is_number_unsigned()) {
    meta->Uint(key, v.get<uint64_t>());
  } else if (v.is_number_integer()) {
    meta->Int(key, v.get<int64_t>());
  } else if (v.is_string()) {
    meta->Text(key, v.get<std::string>());
  } else if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : v) {
      if (!item.is_string()) return false;
      items.push_back(item.get<std::string>());
    }
    meta->TextList(key, std::move(items));
  } else {
    return v.is_null();  // absent
  }
  return true;
}

capture::MetaRecord::Kind MetaKind(const std::string& kind, bool* known) {
  *known = true;
  if (kind == "global_header") return capture::MetaRecord::Kind::kGlobalHeader;
  if (kind == "section_header") return capture::MetaRecord::Kind::kSectionHeader;
  if (kind == "interface_description") return capture::MetaRecord::Kind::kInterfaceDescription;
  *known = false;
  return capture::MetaRecord::Kind::kUnknown;
}

}  // namespace

LineKind KindOf(std::string_view line) {
  std::string_view s = SkipSpace(line);
  if (s.empty() || s[0] != '{') return LineKind::kOther;
  s = SkipSpace(s.substr(1));
  if (s.starts_with("\"frame\"")) return LineKind::kFrame;
  if (s.starts_with("\"meta\"")) return LineKind::kMeta;
  if (s.starts_with("\"error\"")) return LineKind::kError;
  return LineKind::kOther;
}

uint64_t FrameNumberOf(std::string_view line) {
  size_t at = line.find("\"number\"");
  if (at == std::string_view::npos) return 0;
  std::string_view s = SkipSpace(line.substr(at + 8));
  if (s.empty() || s[0] != ':') return 0;
  s = SkipSpace(s.substr(1));
  uint64_t n = 0;
  for (size_t i = 0; i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 19; ++i)
    n = n * 10 + uint64_t(s[i] - '0');
  return n;
}

Status ReplayFrame(std::string_view line, Emitter& out, std::string* protocols) {
  FrameSax sax(&out, protocols);
  if (!json::sax_parse(line.begin(), line.end(), &sax))
    return Invalid("a frame line that is not valid (" + sax.error() + ")", line);
  return Status::Ok();
}

Status ParseMeta(std::string_view line, capture::MetaRecord* meta) {
  // An ordered document: the members keep the order the adapter wrote them in.
  using ordered = nlohmann::ordered_json;
  ordered doc = ordered::parse(line.begin(), line.end(), nullptr, false);
  if (!doc.is_object() || doc.size() != 1 || !doc.contains("meta"))
    return Invalid("a meta line that is not valid", line);
  const ordered& m = doc["meta"];
  if (!m.is_object() || !m.contains("kind") || !m["kind"].is_string())
    return Invalid("a meta line without its kind", line);
  bool known = false;
  *meta = capture::MetaRecord();
  meta->kind = MetaKind(m["kind"].get<std::string>(), &known);
  if (!known) return Invalid("a meta line of an unknown kind", line);
  meta->linktype = m.value("linktype", 0u);
  meta->snaplen = m.value("snaplen", 0u);
  meta->ts_digits = uint8_t(m.value("ts_digits", 6u));
  if (!m.contains("fields")) return Status::Ok();
  if (!m["fields"].is_object()) return Invalid("a meta line whose fields are no object", line);
  for (const auto& [key, value] : m["fields"].items())
    if (!AddMetaField(key, value, meta)) return Invalid("a meta field of another type", line);
  return Status::Ok();
}

Status ParseError(std::string_view line, AdapterError* error) {
  json doc = json::parse(line.begin(), line.end(), nullptr, false);
  if (!doc.is_object() || !doc["error"].is_object() || !doc["error"]["message"].is_string())
    return Invalid("an error line that is not valid", line);
  const json& e = doc["error"];
  error->message = e["message"].get<std::string>();
  error->frame = e.value("frame", uint64_t(0));
  error->offset = e.value("offset", uint64_t(0));
  return Status::Ok();
}

void LayerScoper::Start() {
  c_->Reset(*selection_);
  c_->set_names(true);  // a `_name` column is filled when -e selects it
  depth_ = 0;
  layer_level_ = 0;
  active_ = selection_->wants_members();
  if (active_) c_->Enter(formats::FieldSelection::kRoot);
}

void LayerScoper::BeginObject(std::string_view key) {
  if (depth_ >= kMaxDepth) return;
  if (depth_ == layer_level_ && !key.empty()) {
    ProtocolId id = registry_->Find(key);
    if (id != ProtocolId::kNone && registry_->Info(id).key == key) {
      is_layer_[++depth_] = true;
      layer_level_ = depth_;
      uint32_t root = selection_->LayerRoot(id);
      active_ = root != formats::FieldSelection::kNone;
      if (active_) c_->Enter(root);
      return;
    }
  }
  is_layer_[++depth_] = false;
  if (active_) c_->BeginObject(key);
}

void LayerScoper::BeginArray(std::string_view key) {
  if (depth_ >= kMaxDepth) return;
  is_layer_[++depth_] = false;
  if (active_) c_->BeginArray(key);
}

// A layer closes once the layers inside it have: nothing of its own follows them.
void LayerScoper::Close(bool array) {
  if (depth_ == 0) return;
  if (is_layer_[depth_--]) {
    active_ = false;
    return;
  }
  if (!active_) return;
  if (array)
    c_->EndArray();
  else
    c_->EndObject();
}

}  // namespace pcapkit::stages::foreign
