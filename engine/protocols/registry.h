// The dissector registry: every protocol describes itself once (names, layer, dissect and
// write functions) and binds itself into dense dispatch tables keyed by (namespace,
// identifier) — link type, EtherType, IP protocol, port. A parent only says which table
// and key its payload is found under; it never names its children (Zeek's analyzer tags,
// not PcapPlusPlus's if/else chains).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pcapkit/options.h"
#include "pcapkit/protocol_id.h"

namespace pcapkit {
class Emitter;
}

namespace pcapkit::protocols {

// Namespaces of the dispatch tables.
enum class Table : uint8_t {
  kNone = 0,   // the payload is not dispatched (data, or the end of the chain)
  kLinkType,   // LINKTYPE_* of the frame's interface
  kEtherType,  // Ethernet, VLAN, SLL, SNAP
  kLlcSap,     // IEEE 802.2 DSAP
  kIpVersion,  // first nibble of a raw IP packet
  kIpProto,    // IPv4 protocol / IPv6 next header
  kBsdFamily,  // BSD loopback address family
  kTcpPort,
  kUdpPort,
  kPppProto,  // PPP protocol field (PPP, PPPoE sessions)
  kCount,
};

// What a dissector found in one header.
struct DissectResult {
  uint32_t hdr_len = 0;      // bytes of this layer's own header
  uint32_t payload_len = 0;  // bytes after the header that belong to this layer
  Table next_table = Table::kNone;
  uint32_t next_key = 0;   // tried first
  uint32_t next_key2 = 0;  // tried second when has_key2 (ports: lower first)
  bool has_key2 = false;
  uint32_t aux = 0;             // kept on the layer for its writer
  const char* error = nullptr;  // set when the header is malformed: the layer becomes raw
};

// Dissects the header at p[0, len) (len is what is captured, already bounded by the parent).
// Must not read past len. On success fills hdr_len/payload_len/next*; on failure sets error.
using DissectFn = void (*)(const uint8_t* p, uint32_t len, DissectResult& out);

// Content detection for payloads no number names (HTTP, TLS on any port): true when the
// bytes at p[0, len) start like this protocol. Must be cheap and never read past len.
using DetectFn = bool (*)(const uint8_t* p, uint32_t len);

// A layer as the writer sees it.
struct LayerContext {
  const uint8_t* p;  // start of the header
  uint32_t length;   // header + payload bytes of this layer
  uint32_t hdr_len;
  uint32_t aux;
};
// Writes the layer's own fields (not its child) into the open object of the layer.
using WriteFn = void (*)(const LayerContext& layer, Emitter& out);

struct ProtocolInfo {
  ProtocolId id = ProtocolId::kNone;
  const char* name = "";  // display name in the chain: "IPv4"
  const char* key = "";   // record key: "ipv4"
  LayerLevel layer = LayerLevel::kNone;
  DissectFn dissect = nullptr;
  WriteFn write = nullptr;
  // Transparent protocols dispatch without adding a layer (raw-IP link types pick IPv4
  // or IPv6 by version nibble, and show nothing of their own).
  bool transparent = false;
  // Tried, in registration order, on a port-table payload whose ports name no protocol.
  DetectFn detect = nullptr;
};

struct Binding {
  Table table;
  uint32_t key;
};

class Registry {
 public:
  // The registry with every built-in protocol; built on first use, immutable after.
  static const Registry& Builtin();

  void Add(const ProtocolInfo& info, std::initializer_list<Binding> bindings);
  void Bind(Table table, uint32_t key, ProtocolId id);
  // Registers `id`'s detect function for payloads of `table` that no key names.
  void AddHeuristic(Table table, ProtocolId id) { heuristics_[size_t(table)].push_back(id); }
  // A protocol found by content only: registered with `detect` and tried on `table`.
  void AddDetected(ProtocolInfo info, DetectFn detect, Table table) {
    info.detect = detect;
    Add(info, {});
    AddHeuristic(table, info.id);
  }
  const std::vector<ProtocolId>& Heuristics(Table table) const {
    return heuristics_[size_t(table)];
  }

  const ProtocolInfo& Info(ProtocolId id) const { return protocols_[size_t(id)]; }
  ProtocolId Lookup(Table table, uint32_t key) const {
    const std::vector<ProtocolId>& t = tables_[size_t(table)];
    return key < t.size() ? t[key] : ProtocolId::kNone;
  }
  // By display name or key, any case; kNone when unknown.
  ProtocolId Find(std::string_view name) const;
  const std::vector<ProtocolInfo>& All() const { return protocols_; }
  // Every (table, key) bound to `id`, for `pcapkit protocols`.
  std::vector<Binding> BindingsOf(ProtocolId id) const;

 private:
  Registry();
  std::vector<ProtocolInfo> protocols_;
  std::vector<ProtocolId> tables_[size_t(Table::kCount)];
  std::vector<ProtocolId> heuristics_[size_t(Table::kCount)];
};

const char* TableName(Table table);

}  // namespace pcapkit::protocols
