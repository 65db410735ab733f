// The dissector registry: every protocol describes itself once (names, layer, dissect and
// write functions, the fields it writes) and binds itself into dense dispatch tables keyed
// by (namespace, identifier) — link type, EtherType, IP protocol, port. A parent only says
// which table and key its payload is found under; it never names its children (Zeek's
// analyzer tags, not PcapPlusPlus's if/else chains).
//
// A protocol is one source file that registers itself, at namespace scope:
//
//   const Registration kRegistration("hip", [](Registry& r) {
//     r.Add({.name = "HIP", .key = "hip", .layer = LayerLevel::kInternet,
//            .dissect = Dissect, .write = Write, .fields = kFields},
//           {{Table::kIpProto, 139}});
//   });
//
// Registrations run when the built-in registry is first used, in the order of their names,
// so ids come out the same in every build. docs/schema.md "Adding a protocol" walks
// through one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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
  kPppProto,     // PPP protocol field (PPP, PPPoE sessions)
  kMplsPayload,  // first nibble below an MPLS stack that is not IP (0: a PW control word)
  kGtpcVersion,  // GTP version (the first byte's top 3 bits) on the control-plane port
  kRadioFrame,   // the 802.11 frame a radio header (radiotap, PPI) carries: 1 when it ends
                 // in its FCS, as the header's flags say; 0 when not
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
  // Set by IPv4 and the IPv6 Fragment header when the payload is the first fragment of a
  // larger datagram (offset 0, more fragments): what follows is cut at its end.
  bool payload_is_first_fragment = false;
  // Set by the walker before dissecting, the one input here: these bytes lie inside a
  // first fragment, so a header they cut short was cut by fragmentation, not damaged.
  // Transports dissect what is there and mark their layer (tshark without defragmenting).
  bool within_first_fragment = false;
};

// Dissects the header at p[0, len) (len is what is captured, already bounded by the parent).
// Must not read past len. On success fills hdr_len/payload_len/next*; on failure sets error.
using DissectFn = void (*)(const uint8_t* p, uint32_t len, DissectResult& out);

// Content detection for payloads no number names (HTTP, TLS on any port): true when the
// bytes at p[0, len) start like this protocol. Must be cheap and never read past len.
using DetectFn = bool (*)(const uint8_t* p, uint32_t len);

// What a field's value may be, as a writer emits it (a field may take several: a DNS
// answer's `data` is an address, a name or hex).
enum FieldType : uint16_t {
  kInt = 1 << 0,  // Uint or Int
  kBool = 1 << 1,
  kText = 1 << 2,
  kHex = 1 << 3,
  kMac = 1 << 4,
  kIpv4 = 1 << 5,
  kIpv6 = 1 << 6,
  kNumber = 1 << 7,  // a decimal number (time_epoch)
  kObject = 1 << 8,
  kList = 1 << 9,
};

// A layer as the writer sees it.
struct LayerContext {
  const uint8_t* p;  // start of the header
  uint32_t length;   // header + payload bytes of this layer
  uint32_t hdr_len;
  uint32_t aux;
};
// Writes the layer's own fields (not its child) into the open object of the layer.
using WriteFn = void (*)(const LayerContext& layer, Emitter& out);

// One field a protocol's writer emits: docs/schema.md's tables are generated from these,
// `pcapkit fields` lists them, and the tests check that writers emit nothing else.
struct FieldSpec {
  // "srcport"; "flags.syn" inside an object; "options[].mss" in the objects of a list;
  // "headers[][]" for the items of a list of lists.
  const char* path;
  uint16_t types;  // FieldType bits
  const char* meaning;
  // tshark's field holding the same value, for the differential test (several, comma-
  // separated, when tshark fills each); a suffix says how the two relate when they are
  // not equal: " /8" (tshark counts 8-byte units), " /8-1" (8-byte units minus one),
  // " =control" (tshark's flag is set when the value is "control"; any other word the same
  // way), " =len" (tshark's field holds the bytes, pcapkit their number). With several
  // names, a suffix belongs to the name before it: "http.request =request, http.response
  // =response".
  const char* tshark = nullptr;
  // Writes this member alone, as the layer's writer does (WriteMembers): a flat report
  // (-e) that selects only members having one calls those instead of the whole writer.
  // Set on the top-level members of the busiest headers (IP, TCP, UDP).
  WriteFn member = nullptr;
};

// Calls the `member` writer of every spec having one, in the table's order.
inline void WriteMembers(std::span<const FieldSpec> specs, const LayerContext& l, Emitter& out) {
  for (const FieldSpec& f : specs)
    if (f.member != nullptr) f.member(l, out);
}

struct ProtocolInfo {
  // Protocols with a typed view (pcapkit/layers.h) register under their pinned id; every
  // other one leaves it kNone and is given one by the registry.
  ProtocolId id = ProtocolId::kNone;
  const char* name = "";  // display name in the chain: "IPv4"
  const char* key = "";   // record key: "ipv4"
  LayerLevel layer = LayerLevel::kNone;
  DissectFn dissect = nullptr;
  WriteFn write = nullptr;
  std::span<const FieldSpec> fields;  // what `write` emits
  const char* summary = "";           // a paragraph for docs/schema.md
  // Transparent protocols dispatch without adding a layer (raw-IP link types pick IPv4
  // or IPv6 by version nibble, and show nothing of their own).
  bool transparent = false;
  // A link header whose frame's bytes after the payload are its own: `padding` up to
  // Ethernet's 60-byte minimum, then `trailer` (Ethernet; the Linux cooked headers, whose
  // payload tshark reads the same way). The dissector finds where the payload ends once
  // the stack is dissected, and says so in the layer's aux (ethernet.h).
  bool pads = false;
  // Tried on a port-table payload whose ports name no protocol, lowest `detect_order`
  // first: the loosest test last.
  DetectFn detect = nullptr;
  int detect_order = 0;
};

struct Binding {
  Table table;
  uint32_t key;
};

class Registry {
 public:
  // The registry with every built-in protocol; built on first use, immutable after.
  static const Registry& Builtin();

  // Registers a protocol and binds it to its keys; returns its id. Two protocols bound to
  // one key, or two under one pinned id, are a programming error: the registry aborts
  // with both names (every test run meets it).
  ProtocolId Add(const ProtocolInfo& info, std::initializer_list<Binding> bindings);
  // A protocol found by content only (info.detect set): tried on payloads of `table`
  // that no key names, in info.detect_order.
  ProtocolId AddDetected(const ProtocolInfo& info, Table table);
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
  void Bind(Table table, uint32_t key, ProtocolId id);
  std::vector<ProtocolInfo> protocols_;  // by id; kNone where no protocol has that id
  // Every key bound, with its protocol: BindingsOf reads these, not the dense tables
  // (a scan of those costs milliseconds per protocol, at every `import pcapkit`).
  std::vector<std::pair<ProtocolId, Binding>> bound_;
  uint16_t next_id_;
  std::vector<ProtocolId> tables_[size_t(Table::kCount)];
  std::vector<ProtocolId> heuristics_[size_t(Table::kCount)];
};

const char* TableName(Table table);

// How a protocol file puts itself in the built-in registry (see the top of this file).
class Registration {
 public:
  using Fn = void (*)(Registry&);
  Registration(const char* name, Fn fn);
};

}  // namespace pcapkit::protocols
