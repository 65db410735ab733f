#include "formats/record_schema.h"

#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "formats/analysis_record.h"
#include "formats/flow_record.h"
#include "formats/json_tree.h"
#include "formats/reassembly_record.h"
#include "formats/record.h"

namespace pcapkit::formats {

namespace {

using protocols::FieldSpec;
using namespace protocols;  // FieldType bits

constexpr std::string_view kDefs = "#/$defs/";

// A table's paths as a tree: "options[].mss" is the member `mss` of the items of the
// member `options`.
struct PathNode {
  std::string key;  // its name in the object holding it
  uint16_t types = 0;
  std::string title;  // a record's or layer's name
  std::string meaning;
  // In table order. (A vector of the node itself, not of (key, node) pairs: a pair may
  // not hold the incomplete type, which clang's library checks.)
  std::vector<PathNode> members;
  std::unique_ptr<PathNode> items;

  PathNode& Member(std::string_view name) {
    for (PathNode& node : members)
      if (node.key == name) return node;
    members.emplace_back().key = name;
    return members.back();
  }
  PathNode& Items() {
    if (!items) items = std::make_unique<PathNode>();
    return *items;
  }
};

PathNode PathTree(std::span<const FieldSpec> fields) {
  PathNode root;
  for (const FieldSpec& f : fields) {
    PathNode* node = &root;
    std::string_view path = f.path;
    while (!path.empty()) {
      size_t end = path.find_first_of(".[");
      node = &node->Member(path.substr(0, end));
      path.remove_prefix(end == std::string_view::npos ? path.size() : end);
      while (path.starts_with("[]")) {
        node = &node->Items();
        path.remove_prefix(2);
      }
      if (path.starts_with(".")) path.remove_prefix(1);
    }
    node->types |= f.types;
    node->meaning = f.meaning;
  }
  return root;
}

JsonTree Ref(std::string_view def) {
  JsonTree ref = JsonTree::Object();
  ref["$ref"] = std::string(kDefs) + std::string(def);
  return ref;
}

// What a string of each textual FieldType looks like (docs/schema.md "Conventions").
// Formats are annotations unless the validator asserts them (the test does).
JsonTree StringShape(uint16_t type) {
  JsonTree shape = JsonTree::Object();
  if (type == kHex) shape["pattern"] = "^([0-9a-f]{2})*$";
  if (type == kMac) shape["pattern"] = "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$";
  if (type == kIpv4) shape["format"] = "ipv4";
  if (type == kIpv6) shape["format"] = "ipv6";
  return shape;
}

// `type` (one name, or a list when the FieldType bits allow several) and the shape of its
// strings, into `schema`.
void AddType(uint16_t types, JsonTree& schema) {
  static constexpr std::pair<uint16_t, const char*> kJsonTypes[] = {
      {kInt, "integer"},   {kNumber, "number"},
      {kBool, "boolean"},  {kText | kHex | kMac | kIpv4 | kIpv6, "string"},
      {kObject, "object"}, {kList, "array"},
  };
  JsonTree names = JsonTree::Array();
  std::string single;
  size_t count = 0;
  for (const auto& [bits, name] : kJsonTypes)
    if (types & bits) {
      names.Push(name);
      single = name;
      ++count;
    }
  if (count == 1) schema["type"] = single;
  if (count > 1) schema["type"] = std::move(names);
  if (types & kText) return;  // any text: no shape to check
  std::vector<JsonTree> shapes;
  for (uint16_t bit : {kHex, kMac, kIpv4, kIpv6})
    if (types & bit) shapes.push_back(StringShape(bit));
  if (shapes.size() == 1) {
    for (const char* key : {"pattern", "format"})
      if (shapes[0].Has(key)) schema[key] = shapes[0][key];
  } else if (shapes.size() > 1) {
    JsonTree& any = schema["anyOf"];
    for (JsonTree& shape : shapes) any.Push(std::move(shape));
  }
}

// `strict`: members the table does not declare are refused.
JsonTree NodeSchema(const PathNode& node, bool strict) {
  JsonTree schema = JsonTree::Object();
  if (!node.title.empty()) schema["title"] = node.title;
  if (!node.meaning.empty()) schema["description"] = node.meaning;
  uint16_t types = node.types;
  if (!node.members.empty()) types |= kObject;
  if (node.items) types |= kList;
  AddType(types, schema);
  if (types & kObject) {
    JsonTree& properties = schema["properties"];
    properties = JsonTree::Object();
    for (const PathNode& member : node.members) properties[member.key] = NodeSchema(member, strict);
    if (strict) schema["additionalProperties"] = false;
  }
  if (node.items) schema["items"] = NodeSchema(*node.items, strict);
  return schema;
}

// A record or layer object: its table's members, and nothing else when `strict`.
JsonTree ObjectSchema(std::string_view title, std::string_view description,
                      std::span<const FieldSpec> fields, bool strict) {
  PathNode root = PathTree(fields);
  root.title = title;
  root.meaning = description;
  root.types = kObject;
  return NodeSchema(root, strict);
}

// Every protocol that shows a layer, once per key (DNS registers twice: one record shape).
std::vector<const protocols::ProtocolInfo*> LayerProtocols(const protocols::Registry& registry) {
  std::vector<const protocols::ProtocolInfo*> out;
  std::set<std::string_view> keys;
  for (const protocols::ProtocolInfo& p : registry.All())
    if (p.id != ProtocolId::kNone && !p.transparent && keys.insert(p.key).second) out.push_back(&p);
  return out;
}

// An object that holds the next layer under its protocol's key: every key is listed
// beside the object's own members, and nothing else is allowed. (A shared definition
// with unevaluatedProperties would be shorter, but validates ten times slower in Debian's
// jsonschema, and validators and code generators that know only plain properties abound.)
void HoldLayers(const std::vector<std::string>& layer_keys, JsonTree& schema) {
  JsonTree& properties = schema["properties"];
  for (const std::string& key : layer_keys)
    if (!properties.Has(key)) properties[key] = Ref("layer." + key);
  schema["additionalProperties"] = false;
}

}  // namespace

namespace {

void AddLayerDefs(const protocols::Registry& registry, const std::vector<std::string>& layer_keys,
                  JsonTree& defs) {
  for (const protocols::ProtocolInfo* p : LayerProtocols(registry)) {
    // The protocol's own members, then what the record writer adds to any layer but raw.
    std::vector<FieldSpec> fields(p->fields.begin(), p->fields.end());
    if (p->id != ProtocolId::kRaw)
      fields.insert(fields.end(), LayerFields().begin(), LayerFields().end());
    JsonTree layer = ObjectSchema(p->name, p->summary, fields, true);
    HoldLayers(layer_keys, layer);
    defs[std::string("layer.") + p->key] = std::move(layer);
  }
}

void AddFrameDef(const std::vector<std::string>& layer_keys, JsonTree& defs) {
  JsonTree frame = ObjectSchema(
      "frame record",
      "A frame record (docs/schema.md \"Frame record\"): an `extract` ndjson line, or a "
      "\"Frame N\" member of its json report. Its own members, then its outermost layer "
      "under its protocol's key.",
      FrameFields(), true);
  // `extract --flow-id` adds the flow's own members.
  for (const FieldSpec& spec : FrameFlowFields()) {
    JsonTree member = JsonTree::Object();
    member["description"] = spec.meaning;
    AddType(spec.types, member);
    frame["properties"][spec.path] = std::move(member);
  }
  frame["required"].Push("number");
  HoldLayers(layer_keys, frame);
  defs["frame"] = std::move(frame);
}

void AddFlowDef(JsonTree& defs) {
  JsonTree flow =
      ObjectSchema("flow record",
                   "A flow record (docs/schema.md \"Flow records\"): a `flows` ndjson line, or a "
                   "\"Flow N\" member of its json report.",
                   FlowFields(), true);
  flow["required"].Push("flow");
  defs["flow"] = std::move(flow);
}

// Each kind's record: the members every record shares, then its analyser's own.
void AddAnalysisDefs(JsonTree& defs) {
  defs["analysis"];  // its place, before its kinds; filled last (defs' members move as it grows)
  JsonTree any = JsonTree::Object();
  any["title"] = "analysis record";
  any["description"] =
      "An analysis record (docs/schema.md \"Analysis records\"): an `analyse` ndjson line, or "
      "a \"Transaction N\" member of its json report; `kind` names the analyser.";
  for (int k = 0; k <= int(analysis::Kind::kUnknown); ++k) {
    std::string kind = analysis::KindName(analysis::Kind(k));
    any["oneOf"].Push(Ref("analysis." + kind));
    std::vector<FieldSpec> fields(AnalysisFields().begin(), AnalysisFields().end());
    std::span<const FieldSpec> own = analysis::FieldsOf(analysis::Kind(k));
    fields.insert(fields.end(), own.begin(), own.end());
    JsonTree record = ObjectSchema(kind + " analysis record",
                                   "A `" + kind +
                                       "` analysis record: the members every analysis record "
                                       "has, then its analyser's (docs/schema.md \"Analysis "
                                       "records\", `" +
                                       kind + "`).",
                                   fields, true);
    record["properties"]["kind"]["const"] = kind;
    record["required"].Push("kind");
    defs["analysis." + kind] = std::move(record);
  }
  defs["analysis"] = std::move(any);
}

void AddReassemblyDefs(const std::vector<std::string>& layer_keys, JsonTree& defs) {
  defs["reassembly"];  // as analysis's
  JsonTree any = JsonTree::Object();
  any["title"] = "reassembly record";
  any["description"] =
      "A reassembly record (docs/schema.md \"Reassembly records\"): a `reassemble` ndjson "
      "line, or a \"Datagram N\", \"Stream N\" or \"Summary\" member of its json report; "
      "`record` says which.";
  for (const ReassemblyCatalogue& c : ReassemblyCatalogues()) {
    std::string name = std::string("reassembly.") + c.record;
    any["oneOf"].Push(Ref(name));
    JsonTree record =
        ObjectSchema(std::string(c.record) + " record", c.description, c.fields, true);
    record["properties"]["record"]["const"] = c.record;
    record["required"].Push("record");
    if (c.layers_member != nullptr) HoldLayers(layer_keys, record["properties"][c.layers_member]);
    defs[name] = std::move(record);
  }
  defs["reassembly"] = std::move(any);
}

constexpr const char* kDescription =
    "pcapkit's records, generated by `pcapkit schema` from the field tables docs/schema.md "
    "lists (the writers are tested against them). A record is one ndjson line, or the value "
    "of one member of a json report (the file records of a json report, \"Global Header\" "
    "and pcapng's blocks, are not described). Strict: a frame record, its layers, flow, analysis "
    "and reassembly records refuse members their tables do not declare. A frame "
    "record, a layer and a reassembled packet hold the next layer under its protocol's key "
    "({\"ethernet\": {..., \"ipv4\": {..., \"tcp\": {...}}}}): each lists every key as a "
    "member it may have (a record fills one at most). `required` names only the member "
    "that tells a record's kind (`number`, `flow`, `kind`, `record`): the others are absent "
    "when the wire or the case has none. Formats (ipv4, ipv6) are annotations unless the "
    "validator asserts them.";

}  // namespace

std::string RecordSchema(SchemaKind kind, const protocols::Registry& registry) {
  JsonTree doc = JsonTree::Object();
  doc["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  doc["title"] = "pcapkit records";
  doc["description"] = kDescription;
  bool all = kind == SchemaKind::kAll;
  std::vector<std::string> layer_keys;
  for (const protocols::ProtocolInfo* p : LayerProtocols(registry)) layer_keys.push_back(p->key);
  JsonTree defs = JsonTree::Object();
  if (all || kind == SchemaKind::kFrame) AddFrameDef(layer_keys, defs);
  if (all || kind == SchemaKind::kFlow) AddFlowDef(defs);
  if (all || kind == SchemaKind::kAnalysis) AddAnalysisDefs(defs);
  if (all || kind == SchemaKind::kReassembly) AddReassemblyDefs(layer_keys, defs);
  if (all || kind == SchemaKind::kFrame || kind == SchemaKind::kReassembly)
    AddLayerDefs(registry, layer_keys, defs);
  static constexpr std::pair<SchemaKind, const char*> kRoots[] = {
      {SchemaKind::kFrame, "frame"},
      {SchemaKind::kFlow, "flow"},
      {SchemaKind::kAnalysis, "analysis"},
      {SchemaKind::kReassembly, "reassembly"},
  };
  for (const auto& [root, name] : kRoots) {
    if (kind == root) doc["$ref"] = std::string(kDefs) + name;
    if (all) doc["anyOf"].Push(Ref(name));
  }
  doc["$defs"] = std::move(defs);
  return doc.Dump();
}

}  // namespace pcapkit::formats
