// ARP and RARP (RFC 826, RFC 903): one layout; `oper` tells them apart (3/4 are RARP).
// Addresses are typed when their lengths say what they are, hex otherwise.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "ARP: header truncated";
    return;
  }
  uint32_t need = 8 + 2 * (uint32_t(p[4]) + p[5]);
  if (len < need) {
    out.error = "ARP: addresses truncated";
    return;
  }
  // Nothing follows the addresses: the rest of a frame is its padding (Ethernet's).
  Carry(out, need, need, Table::kNone, 0);
}

void Address(Emitter& out, const char* key, const uint8_t* a, uint8_t n, bool protocol,
             uint16_t ptype) {
  if (!protocol && n == 6) {
    out.Mac(key, a);
  } else if (protocol && n == 4 && ptype == 0x0800) {
    out.Ipv4(key, a);
  } else if (protocol && n == 16 && ptype == 0x86dd) {
    out.Ipv6(key, a);
  } else {
    out.Hex(key, a, n);
  }
}

void Write(const LayerContext& l, Emitter& out) {
  Arp a(l.p, l.length, l.hdr_len);
  out.Uint("htype", a.htype());
  out.Uint("ptype", a.ptype());
  out.Uint("hlen", a.hlen());
  out.Uint("plen", a.plen());
  out.Enum("oper", a.oper(), ArpOperationName);
  Address(out, "sha", a.sha(), a.hlen(), false, a.ptype());
  Address(out, "spa", a.spa(), a.plen(), true, a.ptype());
  Address(out, "tha", a.tha(), a.hlen(), false, a.ptype());
  Address(out, "tpa", a.tpa(), a.plen(), true, a.ptype());
}

constexpr FieldSpec kFields[] = {
    {"htype", kInt, "hardware type", "arp.hw.type"},
    {"ptype", kInt, "protocol type (an EtherType)", "arp.proto.type"},
    {"hlen", kInt, "hardware address length, bytes", "arp.hw.size"},
    {"plen", kInt, "protocol address length, bytes", "arp.proto.size"},
    {"oper", kInt, "operation (1 request, 2 reply, 3/4 RARP request/reply, …)", "arp.opcode"},
    {"oper_name", kText, "`request`, `reply`, `RARP request`, … (with --names)"},
    {"sha", kMac | kHex, "sender hardware address (MAC when `hlen` = 6)", "arp.src.hw_mac"},
    {"spa", kIpv4 | kIpv6 | kHex,
     "sender protocol address (typed when `ptype` and `plen` say IPv4 or IPv6)",
     "arp.src.proto_ipv4"},
    {"tha", kMac | kHex, "target hardware address (MAC when `hlen` = 6)", "arp.dst.hw_mac"},
    {"tpa", kIpv4 | kIpv6 | kHex,
     "target protocol address (typed when `ptype` and `plen` say IPv4 or IPv6)",
     "arp.dst.proto_ipv4"},
};

}  // namespace

const Registration kRegistration("arp", [](Registry& r) {
  r.Add({.id = ProtocolId::kArp,
         .name = "ARP",
         .key = "arp",
         .layer = LayerLevel::kLink,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "ARP and RARP share one layout; `oper` tells them apart."},
        {{Table::kEtherType, 0x0806}, {Table::kEtherType, 0x8035}});
});

}  // namespace pcapkit::protocols
