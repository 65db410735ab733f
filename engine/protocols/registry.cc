#include "engine/protocols/registry.h"

#include <strings.h>

#include "engine/protocols/builtin.h"

namespace pcapkit::protocols {

Registry::Registry() {
  protocols_.resize(size_t(ProtocolId::kBuiltinCount));
  tables_[size_t(Table::kLinkType)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kEtherType)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kLlcSap)].assign(1 << 8, ProtocolId::kNone);
  tables_[size_t(Table::kIpVersion)].assign(1 << 4, ProtocolId::kNone);
  tables_[size_t(Table::kIpProto)].assign(1 << 8, ProtocolId::kNone);
  tables_[size_t(Table::kBsdFamily)].assign(1 << 8, ProtocolId::kNone);
  tables_[size_t(Table::kTcpPort)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kUdpPort)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kPppProto)].assign(1 << 16, ProtocolId::kNone);
}

const Registry& Registry::Builtin() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    RegisterBuiltinProtocols(*r);
    return r;
  }();
  return *registry;
}

void Registry::Add(const ProtocolInfo& info, std::initializer_list<Binding> bindings) {
  size_t index = size_t(info.id);
  if (index >= protocols_.size()) protocols_.resize(index + 1);
  protocols_[index] = info;
  for (const Binding& b : bindings) Bind(b.table, b.key, info.id);
}

void Registry::Bind(Table table, uint32_t key, ProtocolId id) {
  std::vector<ProtocolId>& t = tables_[size_t(table)];
  if (key < t.size()) t[key] = id;
}

ProtocolId Registry::Find(std::string_view name) const {
  for (const ProtocolInfo& p : protocols_) {
    if (p.id == ProtocolId::kNone) continue;
    auto same = [&](const char* s) {
      return std::string_view(s).size() == name.size() &&
             strncasecmp(s, name.data(), name.size()) == 0;
    };
    if (same(p.name) || same(p.key)) return p.id;
  }
  return ProtocolId::kNone;
}

std::vector<Binding> Registry::BindingsOf(ProtocolId id) const {
  std::vector<Binding> out;
  for (size_t t = 1; t < size_t(Table::kCount); ++t)
    for (size_t k = 0; k < tables_[t].size(); ++k)
      if (tables_[t][k] == id) out.push_back({Table(t), uint32_t(k)});
  return out;
}

const char* TableName(Table table) {
  switch (table) {
    case Table::kLinkType:
      return "linktype";
    case Table::kEtherType:
      return "ethertype";
    case Table::kLlcSap:
      return "llc.dsap";
    case Table::kIpVersion:
      return "ip.version";
    case Table::kIpProto:
      return "ip.proto";
    case Table::kBsdFamily:
      return "null.family";
    case Table::kTcpPort:
      return "tcp.port";
    case Table::kUdpPort:
      return "udp.port";
    case Table::kPppProto:
      return "ppp.protocol";
    default:
      return "none";
  }
}

}  // namespace pcapkit::protocols

namespace pcapkit {
const char* ProtocolName(ProtocolId id) {
  const auto& all = protocols::Registry::Builtin().All();
  return size_t(id) < all.size() && all[size_t(id)].id == id ? all[size_t(id)].name : "?";
}
}  // namespace pcapkit
