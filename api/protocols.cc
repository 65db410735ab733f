#include "pcapkit/protocols.h"

#include <algorithm>
#include <cstdio>

#include "engine/protocols/registry.h"

namespace pcapkit {

namespace {

std::vector<std::string> BoundTo(const protocols::Registry& registry, ProtocolId id) {
  using protocols::Table;
  std::vector<std::string> out;
  for (const protocols::Binding& b : registry.BindingsOf(id)) {
    char item[48];
    const char* format =
        b.table == Table::kEtherType || b.table == Table::kPppProto ? "%s=0x%x" : "%s=%u";
    std::snprintf(item, sizeof item, format, protocols::TableName(b.table), b.key);
    out.push_back(item);
  }
  for (size_t t = 0; t < size_t(Table::kCount); ++t)
    for (ProtocolId h : registry.Heuristics(Table(t)))
      if (h == id) out.push_back(std::string(protocols::TableName(Table(t))) + "=(content)");
  return out;
}

}  // namespace

std::vector<ProtocolDescription> ListProtocols() {
  const auto& registry = protocols::Registry::Builtin();
  std::vector<ProtocolDescription> out;
  for (const auto& p : registry.All()) {
    if (p.id == ProtocolId::kNone) continue;
    out.push_back({p.name, p.key, p.layer, BoundTo(registry, p.id)});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.layer != b.layer ? a.layer < b.layer : a.key < b.key;
  });
  return out;
}

}  // namespace pcapkit
