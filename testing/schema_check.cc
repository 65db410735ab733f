#include "testing/schema_check.h"

#include <tuple>

#include "pcapkit/emitter.h"

namespace testutil {

using pcapkit::protocols::FieldSpec;
using pcapkit::protocols::FieldType;

namespace {

// Records the path and type of every field written to it, in FieldSpec's path syntax.
class PathEmitter final : public pcapkit::Emitter {
 public:
  PathEmitter(std::string key, std::set<EmittedField>& out) : key_(std::move(key)), out_(out) {}

  void BeginObject(std::string_view key) override { Open(key, FieldType::kObject, false); }
  void EndObject() override { stack_.pop_back(); }
  void BeginArray(std::string_view key) override { Open(key, FieldType::kList, true); }
  void EndArray() override { stack_.pop_back(); }
  void Uint(std::string_view key, uint64_t) override { Add(key, FieldType::kInt); }
  void Int(std::string_view key, int64_t) override { Add(key, FieldType::kInt); }
  void Bool(std::string_view key, bool) override { Add(key, FieldType::kBool); }
  void Text(std::string_view key, std::string_view) override { Add(key, FieldType::kText); }
  void Plain(std::string_view key, std::string_view) override { Add(key, FieldType::kText); }
  void Number(std::string_view key, std::string_view) override { Add(key, FieldType::kNumber); }
  void Hex(std::string_view key, const uint8_t*, size_t) override { Add(key, FieldType::kHex); }
  void Mac(std::string_view key, const uint8_t*) override { Add(key, FieldType::kMac); }
  void Ipv4(std::string_view key, const uint8_t*) override { Add(key, FieldType::kIpv4); }
  void Ipv6(std::string_view key, const uint8_t*) override { Add(key, FieldType::kIpv6); }

 private:
  struct Level {
    std::string path;  // of this container
    bool list;
  };
  // A member of an object is "<object path>.<key>"; an item of a list "<list path>[]".
  std::string PathOf(std::string_view key) const {
    if (stack_.empty()) return std::string(key);
    const Level& top = stack_.back();
    if (top.list) return top.path + "[]";
    return top.path.empty() ? std::string(key) : top.path + "." + std::string(key);
  }
  void Add(std::string_view key, uint16_t type) { out_.insert({key_, PathOf(key), type}); }
  void Open(std::string_view key, uint16_t type, bool list) {
    std::string path = PathOf(key);
    // The layer's own object is the root; a container inside a list is described by the
    // list's row and its items' rows.
    bool item = !stack_.empty() && stack_.back().list;
    if (!stack_.empty() && !item) out_.insert({key_, path, type});
    stack_.push_back({stack_.empty() ? "" : path, list});
  }

  std::string key_;
  std::set<EmittedField>& out_;
  std::vector<Level> stack_;
};

const char* TypeName(uint16_t type) {
  static const char* const kNames[] = {"int",  "bool", "text",   "hex",    "mac",
                                       "ipv4", "ipv6", "number", "object", "list"};
  for (size_t bit = 0; bit < std::size(kNames); ++bit)
    if (type & (1u << bit)) return kNames[bit];
  return "?";
}

}  // namespace

std::set<EmittedField> EmittedFields(const pcapkit::Frame& frame,
                                     const pcapkit::protocols::Registry& registry) {
  std::set<EmittedField> out;
  const uint8_t* data = frame.data().data();
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    const pcapkit::LayerSpan& l = frame.layer(i);
    const auto& info = registry.Info(l.proto);
    if (info.write == nullptr) continue;  // raw: written by the record writer itself
    PathEmitter e(info.key, out);
    e.BeginObject(info.key);
    info.write({data + l.offset, l.length, l.hdr_len, l.aux}, e);
    e.EndObject();
  }
  return out;
}

namespace {

// `f` against the spec declaring its path (null: none does), into `problems`.
void Check(const EmittedField& f, const FieldSpec* spec, std::vector<std::string>& problems) {
  std::string what = f.key + ": " + f.path + " (" + TypeName(f.type) + ")";
  if (spec == nullptr)
    problems.push_back(what + " is written but not declared");
  else if ((spec->types & f.type) == 0)
    problems.push_back(what + " is written with a type its declaration does not allow");
}

const FieldSpec* SpecOf(std::span<const FieldSpec> specs, const std::string& path) {
  for (const FieldSpec& s : specs)
    if (s.path == path) return &s;
  return nullptr;
}

}  // namespace

std::vector<std::string> UndeclaredFields(const std::set<EmittedField>& fields,
                                          const pcapkit::protocols::Registry& registry) {
  std::vector<std::string> problems;
  for (const EmittedField& f : fields) {
    const FieldSpec* spec = nullptr;
    for (const auto& p : registry.All())
      if (p.key == f.key && spec == nullptr) spec = SpecOf(p.fields, f.path);
    Check(f, spec, problems);
  }
  return problems;
}

std::vector<std::string> UndeclaredAnalysisFields(
    pcapkit::analysis::Kind kind, const std::function<void(pcapkit::Emitter&)>& fields) {
  std::string name = pcapkit::analysis::KindName(kind);
  std::set<EmittedField> emitted;
  PathEmitter e(name, emitted);
  e.BeginObject(name);
  fields(e);
  e.EndObject();
  std::vector<std::string> problems;
  for (const EmittedField& f : emitted)
    Check(f, SpecOf(pcapkit::analysis::FieldsOf(kind), f.path), problems);
  return problems;
}

void (*g_on_undeclared_field)(const std::string& problem) = nullptr;

std::vector<std::string> UndeclaredFields(const pcapkit::Frame& frame) {
  const auto& registry = pcapkit::protocols::Registry::Builtin();
  return UndeclaredFields(EmittedFields(frame, registry), registry);
}

}  // namespace testutil
