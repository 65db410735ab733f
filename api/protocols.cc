#include "pcapkit/protocols.h"

#include <algorithm>
#include <cstdio>

#include "engine/protocols/registry.h"
#include "formats/analysis_record.h"
#include "formats/field_selection.h"
#include "formats/flow_record.h"
#include "formats/record.h"

namespace pcapkit {

namespace {

std::vector<std::string> BoundTo(const protocols::Registry& registry, ProtocolId id) {
  using protocols::Table;
  std::vector<std::string> out;
  for (const protocols::Binding& b : registry.BindingsOf(id)) {
    char item[48];
    const char* format =
        b.table == Table::kEtherType || b.table == Table::kPppProto ? "%s=0x%x" : "%s=%u";
    // EtherType values below 0x600 are lengths on Ethernet: only SLL's protocol field
    // (LLC 0x4, Novell 802.3 0x1) names one there.
    const char* table = b.table == Table::kEtherType && b.key < 0x600
                            ? "sll.protocol"
                            : protocols::TableName(b.table);
    std::snprintf(item, sizeof item, format, table, b.key);
    out.push_back(item);
  }
  for (size_t t = 0; t < size_t(Table::kCount); ++t)
    for (ProtocolId h : registry.Heuristics(Table(t)))
      if (h == id) out.push_back(std::string(protocols::TableName(Table(t))) + "=(content)");
  return out;
}

std::string TypeName(uint16_t types) {
  static const char* const kNames[] = {"int",  "bool", "text",   "hex",    "mac",
                                       "ipv4", "ipv6", "number", "object", "list"};
  std::string out;
  for (size_t bit = 0; bit < std::size(kNames); ++bit)
    if (types & (1u << bit)) {
      if (!out.empty()) out += '|';
      out += kNames[bit];
    }
  return out;
}

std::vector<FieldDescription> FieldsOf(const protocols::ProtocolInfo& p) {
  std::vector<FieldDescription> out;
  for (const protocols::FieldSpec& f : p.fields)
    out.push_back({f.path, TypeName(f.types), f.meaning, f.tshark ? f.tshark : ""});
  return out;
}

}  // namespace

std::vector<SelectableField> SelectableFields(RecordKind kind) {
  formats::FieldCatalogue catalogue;
  const char* record = "frame";
  if (kind == RecordKind::kFrame) {
    catalogue = {formats::FrameFields(), &protocols::Registry::Builtin(), true,
                 formats::FrameFlowFields()};
  } else if (kind == RecordKind::kFlow) {
    catalogue = {formats::FlowFields(), nullptr, true};
    record = "flow";
  } else {
    catalogue = {formats::AnalysisRecordFields(), nullptr, true};
    record = "analysis";
  }
  std::vector<SelectableField> out;
  for (formats::SelectableField& f : formats::SelectableFields(catalogue))
    out.push_back({std::move(f.name), TypeName(f.types), f.protocol.empty() ? record : f.protocol,
                   std::move(f.meaning)});
  return out;
}

const char* LayerName(LayerLevel layer) {
  static const char* const kLayers[] = {"-", "link", "internet", "transport", "application"};
  return kLayers[size_t(layer)];
}

std::vector<ProtocolDescription> ListProtocols() {
  const auto& registry = protocols::Registry::Builtin();
  std::vector<ProtocolDescription> out;
  for (const auto& p : registry.All()) {
    if (p.id == ProtocolId::kNone) continue;
    std::vector<std::string> bound = BoundTo(registry, p.id);
    auto same = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.key == p.key; });
    if (same != out.end()) {
      same->bound_to.insert(same->bound_to.end(), bound.begin(), bound.end());
      continue;
    }
    out.push_back(
        {p.name, p.key, p.layer, std::move(bound), p.summary, FieldsOf(p), p.transparent});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.layer != b.layer ? a.layer < b.layer : a.key < b.key;
  });
  return out;
}

namespace {

std::string JsonText(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ProtocolsJson(const std::vector<ProtocolDescription>& protocols) {
  std::string out = "[\n";
  for (size_t i = 0; i < protocols.size(); ++i) {
    const ProtocolDescription& p = protocols[i];
    out += "{\"key\":" + JsonText(p.key) + ",\"name\":" + JsonText(p.name) +
           ",\"layer\":" + JsonText(LayerName(p.layer)) + ",\"summary\":" + JsonText(p.summary) +
           ",\"bound_to\":[";
    for (size_t b = 0; b < p.bound_to.size(); ++b) {
      if (b > 0) out += ',';
      out += JsonText(p.bound_to[b]);
    }
    out += "],\"fields\":[";
    for (size_t f = 0; f < p.fields.size(); ++f) {
      const FieldDescription& d = p.fields[f];
      out += std::string(f ? "," : "") + "{\"path\":" + JsonText(d.path) +
             ",\"type\":" + JsonText(d.type) + ",\"meaning\":" + JsonText(d.meaning) +
             ",\"tshark\":" + JsonText(d.tshark) + "}";
    }
    out += std::string("]}") + (i + 1 < protocols.size() ? "," : "") + "\n";
  }
  return out + "]\n";
}

}  // namespace pcapkit
