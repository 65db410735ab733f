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

void Write(const LayerContext& l, Emitter& out) {
  Ipv6 ip(l.p, l.length, l.hdr_len);
  out.Uint("version", ip.version());
  out.Uint("class", ip.traffic_class());
  out.Uint("label", ip.flow_label());
  out.Uint("payload", ip.payload_length());
  out.Uint("next", ip.next_header());
  out.Uint("limit", ip.hop_limit());
  out.Ipv6("src", ip.src());
  out.Ipv6("dst", ip.dst());
}

}  // namespace

const Registration kRegistration("ipv6", [](Registry& r) {
  r.Add({.id = ProtocolId::kIpv6,
         .name = "IPv6",
         .key = "ipv6",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write},
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
