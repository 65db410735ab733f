// Link-layer encoders: Ethernet II, 802.1Q tags, ARP, MPLS labels, PPPoE.
#include "ipsuite/wire.h"

namespace pcapkit::ipsuite::wire {
Bytes Encode(const Ethernet& e, const Context& c) {
  Bytes b;
  PutBytes(b, e.dst);
  PutBytes(b, e.src);
  Put16(b, e.type ? *e.type : EtherTypeOf(c, "Ethernet"));
  return b;
}

Bytes Encode(const Vlan& v, const Context& c) {
  if (v.pcp > 7 || v.vid > 0xfff) throw BuildError("ipsuite: VLAN: pcp or vid out of range");
  Bytes b;
  Put16(b, uint16_t(v.pcp << 13 | (v.dei ? 0x1000 : 0) | v.vid));
  Put16(b, v.type ? *v.type : EtherTypeOf(c, "VLAN"));
  return b;
}

Bytes Encode(const Arp& a, const Context&) {
  Bytes b;
  Put16(b, a.htype);
  Put16(b, a.ptype);
  Put8(b, 6);
  Put8(b, 4);
  Put16(b, a.oper);
  PutBytes(b, a.sha);
  PutBytes(b, a.spa);
  PutBytes(b, a.tha);
  PutBytes(b, a.tpa);
  return b;
}

Bytes Encode(const Mpls& m, const Context& c) {
  if (m.label > 0xfffff || m.tc > 7) throw BuildError("ipsuite: MPLS: label or tc out of range");
  bool bottom = m.bottom ? *m.bottom : !(c.next && std::holds_alternative<Mpls>(*c.next));
  Bytes b;
  Put32(b, m.label << 12 | uint32_t(m.tc) << 9 | (bottom ? 0x100u : 0u) | m.ttl);
  return b;
}

Bytes Encode(const Pppoe& p, const Context& c) {
  Bytes b;
  Put8(b, uint8_t(p.version << 4 | (p.type & 15)));
  Put8(b, p.code);
  Put16(b, p.session_id);
  bool session = p.code == 0;
  size_t ppp = session ? 2 : 0;
  Put16(b, p.payload_len ? *p.payload_len : uint16_t(ppp + c.payload.size()));
  if (!session) return b;
  std::optional<uint16_t> protocol = p.ppp_protocol;
  if (!protocol && c.next && std::holds_alternative<Ipv4>(*c.next)) protocol = 0x0021;
  if (!protocol && c.next && std::holds_alternative<Ipv6>(*c.next)) protocol = 0x0057;
  if (!protocol)
    throw BuildError("ipsuite: PPPoE: the PPP protocol of its payload cannot be computed; give it");
  Put16(b, *protocol);
  return b;
}

}  // namespace pcapkit::ipsuite::wire
