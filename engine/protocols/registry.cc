#include "engine/protocols/registry.h"

#include <strings.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace pcapkit::protocols {

namespace {

// Every protocol file's registration, gathered by static initialisers before main (a
// function-local list, so its order of construction does not matter).
std::vector<std::pair<const char*, Registration::Fn>>& Registrations() {
  static std::vector<std::pair<const char*, Registration::Fn>> list;
  return list;
}

[[noreturn]] void Conflict(const char* what, const ProtocolInfo& a, const ProtocolInfo& b) {
  std::fprintf(stderr, "pcapkit: internal error: %s: %s and %s\n", what, a.name, b.name);
  std::abort();
}

}  // namespace

Registration::Registration(const char* name, Fn fn) {
  Registrations().emplace_back(name, fn);
}

Registry::Registry() : next_id_(uint16_t(ProtocolId::kFirstAssigned)) {
  protocols_.resize(size_t(ProtocolId::kFirstAssigned));
  tables_[size_t(Table::kLinkType)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kEtherType)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kLlcSap)].assign(1 << 8, ProtocolId::kNone);
  tables_[size_t(Table::kIpVersion)].assign(1 << 4, ProtocolId::kNone);
  tables_[size_t(Table::kIpProto)].assign(1 << 8, ProtocolId::kNone);
  tables_[size_t(Table::kBsdFamily)].assign(1 << 8, ProtocolId::kNone);
  tables_[size_t(Table::kTcpPort)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kUdpPort)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kPppProto)].assign(1 << 16, ProtocolId::kNone);
  tables_[size_t(Table::kMplsPayload)].assign(1 << 4, ProtocolId::kNone);
  tables_[size_t(Table::kGtpcVersion)].assign(1 << 3, ProtocolId::kNone);
  tables_[size_t(Table::kRadioFrame)].assign(2, ProtocolId::kNone);
}

const Registry& Registry::Builtin() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    auto list = Registrations();
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return std::string_view(a.first) < std::string_view(b.first);
    });
    for (const auto& [name, fn] : list) fn(*r);
    for (auto& heuristics : r->heuristics_)
      std::stable_sort(heuristics.begin(), heuristics.end(), [r](ProtocolId a, ProtocolId b) {
        return r->Info(a).detect_order < r->Info(b).detect_order;
      });
    return r;
  }();
  return *registry;
}

ProtocolId Registry::Add(const ProtocolInfo& info, std::initializer_list<Binding> bindings) {
  ProtocolId id = info.id == ProtocolId::kNone ? ProtocolId(next_id_++) : info.id;
  if (size_t(id) >= protocols_.size()) protocols_.resize(size_t(id) + 1);
  ProtocolInfo& slot = protocols_[size_t(id)];
  if (slot.id != ProtocolId::kNone) Conflict("two protocols under one id", slot, info);
  slot = info;
  slot.id = id;
  for (const Binding& b : bindings) Bind(b.table, b.key, id);
  return id;
}

ProtocolId Registry::AddDetected(const ProtocolInfo& info, Table table) {
  ProtocolId id = Add(info, {});
  heuristics_[size_t(table)].push_back(id);
  return id;
}

void Registry::Bind(Table table, uint32_t key, ProtocolId id) {
  std::vector<ProtocolId>& t = tables_[size_t(table)];
  if (key >= t.size()) return;
  if (t[key] != ProtocolId::kNone && t[key] != id)
    Conflict("two protocols bound to one key", Info(t[key]), Info(id));
  if (t[key] == ProtocolId::kNone) bound_.push_back({id, {table, key}});
  t[key] = id;
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
  for (const auto& [bound, binding] : bound_)
    if (bound == id) out.push_back(binding);
  std::sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) {
    return std::pair(a.table, a.key) < std::pair(b.table, b.key);
  });
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
    case Table::kMplsPayload:
      return "mpls.payload";
    case Table::kGtpcVersion:
      return "gtpc.version";
    case Table::kRadioFrame:
      return "radio.fcs";
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
