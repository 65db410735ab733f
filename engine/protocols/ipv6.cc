// IPv6 (RFC 8200) fixed header. Extension headers are protocols of their own, found
// through the same IP-protocol table, so the chain nests ipv6 → hopopt → ipv6_frag → ….
// A payload length of 0 (jumbograms) means "as captured".
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 40) {
    out.error = "IPv6: header truncated";
    return;
  }
  if (p[0] >> 4 != 6) {
    out.error = "IPv6: version is not 6";
    return;
  }
  uint32_t payload = Be16(p + 4);
  uint32_t end = (payload == 0 || 40 + payload > len) ? len : 40 + payload;
  Carry(out, 40, end, Table::kIpProto, p[6]);
}

Ipv6 View(const LayerContext& l) {
  return Ipv6(l.p, l.length, l.hdr_len);
}

constexpr FieldSpec kFields[] = {
    // tshark's IPv6 dissector fills ip.version too, so IPv4 and IPv6 headers of one frame
    // (tunnels, ICMP quotes) line up in that field only when both are mapped to it.
    {"version", kInt, "6", "ipv6.version, ip.version",
     [](const LayerContext& l, Emitter& out) { out.Uint("version", View(l).version()); }},
    {"class", kInt, "traffic class", "ipv6.tclass",
     [](const LayerContext& l, Emitter& out) { out.Uint("class", View(l).traffic_class()); }},
    {"label", kInt, "flow label", "ipv6.flow",
     [](const LayerContext& l, Emitter& out) { out.Uint("label", View(l).flow_label()); }},
    {"payload", kInt, "payload length field (0 for jumbograms: the payload is what was captured)",
     "ipv6.plen",
     [](const LayerContext& l, Emitter& out) { out.Uint("payload", View(l).payload_length()); }},
    {"next", kInt, "next header", "ipv6.nxt",
     [](const LayerContext& l, Emitter& out) {
       out.Enum("next", View(l).next_header(), IpProtocolName);
     }},
    {"next_name", kText, "the protocol pcapkit dissects under that number (with --names)"},
    {"limit", kInt, "hop limit", "ipv6.hlim",
     [](const LayerContext& l, Emitter& out) { out.Uint("limit", View(l).hop_limit()); }},
    {"src", kIpv6, "source address", "ipv6.src",
     [](const LayerContext& l, Emitter& out) { out.Ipv6("src", View(l).src()); }},
    {"dst", kIpv6, "destination address", "ipv6.dst",
     [](const LayerContext& l, Emitter& out) { out.Ipv6("dst", View(l).dst()); }},
};

void Write(const LayerContext& l, Emitter& out) {
  WriteMembers(kFields, l, out);
}

}  // namespace

const Registration kRegistration("ipv6", [](Registry& r) {
  r.Add({.id = ProtocolId::kIpv6,
         .name = "IPv6",
         .key = "ipv6",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Extension headers follow as layers of their own, nested in wire order "
                    "(`hopopt`, `ipv6_route`, `ipv6_frag`, …). IPv6-in-IPv4 and IPv6-in-IPv6 "
                    "(protocol 41) nest the inner `ipv6` under the outer layer; an ICMPv6 error "
                    "nests the quoted packet the same way."},
        {{Table::kEtherType, 0x86dd},
         {Table::kLinkType, 229},
         {Table::kIpVersion, 6},
         {Table::kIpProto, 41},
         {Table::kBsdFamily, 24},
         {Table::kBsdFamily, 28},
         {Table::kBsdFamily, 30},
         {Table::kPppProto, 0x0057}});
});

}  // namespace pcapkit::protocols
