// Internet-layer encoders: IPv4 with options, IPv6 and its extension headers, GRE.
#include "ipsuite/wire.h"

namespace pcapkit::ipsuite::wire {
namespace {

bool Ipv4SingleByte(uint8_t kind) {
  return kind == 0 || kind == 1;
}
bool Ipv6SingleByte(uint8_t kind) {
  return kind == 0;  // Pad1
}

// Pads an IPv6 options header's options (after next and length) to a multiple of 8 bytes
// with Pad1 or a PadN option, as RFC 8200 §4.2 wants.
void PadIpv6Options(Bytes& b) {
  size_t missing = (8 - b.size() % 8) % 8;
  if (missing == 1) {
    Put8(b, 0);
  } else if (missing > 1) {
    Put8(b, 1);
    Put8(b, uint8_t(missing - 2));
    b.resize(b.size() + missing - 2, 0);
  }
}

template <class Header>
Bytes EncodeOptionsHeader(const Header& h, const Context& c, const char* who) {
  Bytes b;
  Put8(b, h.next ? *h.next : IpProtocolOf(c, who));
  Put8(b, 0);
  PutBytes(b, EncodeOptions(h.options, Ipv6SingleByte, 0));
  PadIpv6Options(b);
  b[1] = h.length ? *h.length : uint8_t(b.size() / 8 - 1);
  return b;
}

}  // namespace

Bytes Encode(const Ipv4& ip, const Context& c) {
  if (ip.offset % 8 != 0 || ip.offset / 8 > 0x1fff)
    throw BuildError("ipsuite: IPv4: offset is not a multiple of 8 below 65536");
  Bytes options = EncodeOptions(ip.options, Ipv4SingleByte, 2);
  options.resize((options.size() + 3) / 4 * 4, 0);  // EOL
  size_t header = 20 + options.size();
  if (header > 60) throw BuildError("ipsuite: IPv4: options longer than 40 bytes");
  uint8_t hdr_len = ip.hdr_len ? *ip.hdr_len : uint8_t(header);
  Bytes b;
  Put8(b, uint8_t(ip.version << 4 | (hdr_len / 4 & 15)));
  Put8(b, uint8_t(ip.dscp << 2 | (ip.ecn & 3)));
  Put16(b, ip.len ? *ip.len : uint16_t(header + c.payload.size()));
  Put16(b, ip.id);
  Put16(b, uint16_t((ip.rf ? 0x8000 : 0) | (ip.df ? 0x4000 : 0) | (ip.mf ? 0x2000 : 0) |
                    ip.offset / 8));
  Put8(b, ip.ttl);
  Put8(b, ip.protocol ? *ip.protocol : IpProtocolOf(c, "IPv4"));
  Put16(b, 0);
  PutBytes(b, ip.src);
  PutBytes(b, ip.dst);
  PutBytes(b, options);
  Set16(b, 10, ip.checksum ? *ip.checksum : Fold(Sum16(b.data(), b.size())));
  return b;
}

Bytes Encode(const Ipv6& ip, const Context& c) {
  if (ip.flow_label > 0xfffff) throw BuildError("ipsuite: IPv6: flow label above 20 bits");
  Bytes b;
  Put32(b, uint32_t(ip.version) << 28 | uint32_t(ip.traffic_class) << 20 | ip.flow_label);
  Put16(b, ip.payload_length ? *ip.payload_length : uint16_t(c.payload.size()));
  Put8(b, ip.next ? *ip.next : IpProtocolOf(c, "IPv6"));
  Put8(b, ip.hop_limit);
  PutBytes(b, ip.src);
  PutBytes(b, ip.dst);
  return b;
}

Bytes Encode(const Ipv6HopByHop& h, const Context& c) {
  return EncodeOptionsHeader(h, c, "IPv6 hop-by-hop options");
}

Bytes Encode(const Ipv6DestOptions& h, const Context& c) {
  return EncodeOptionsHeader(h, c, "IPv6 destination options");
}

Bytes Encode(const Ipv6Routing& r, const Context& c) {
  Bytes b;
  Put8(b, r.next ? *r.next : IpProtocolOf(c, "IPv6 routing"));
  Put8(b, r.length ? *r.length : uint8_t(r.addresses.size() * 2));
  Put8(b, r.routing_type);
  Put8(b, r.segments_left);
  PutBytes(b, r.data.data(), r.data.size());
  for (const Ipv6Address& a : r.addresses) PutBytes(b, a);
  return b;
}

Bytes Encode(const Ipv6Fragment& f, const Context& c) {
  if (f.offset % 8 != 0) throw BuildError("ipsuite: IPv6 fragment: offset is not a multiple of 8");
  Bytes b;
  Put8(b, f.next ? *f.next : IpProtocolOf(c, "IPv6 fragment"));
  Put8(b, f.reserved);
  Put16(b, uint16_t(f.offset / 8 << 3 | (f.res & 3) << 1 | (f.mf ? 1 : 0)));
  Put32(b, f.id);
  return b;
}

Bytes Encode(const Gre& g, const Context& c) {
  Bytes b;
  Put16(b, uint16_t((g.checksum_present ? 0x8000 : 0) | (g.key ? 0x2000 : 0) |
                    (g.sequence ? 0x1000 : 0) | (g.version & 7)));
  Put16(b, g.protocol ? *g.protocol : EtherTypeOf(c, "GRE"));
  size_t checksum_at = b.size();
  if (g.checksum_present) Put32(b, 0);  // checksum and reserved
  if (g.key) Put32(b, *g.key);
  if (g.sequence) Put32(b, *g.sequence);
  if (g.checksum_present) {
    uint32_t sum = Sum16(b.data(), b.size());
    if (b.size() % 2 == 0) sum = Sum16(c.payload.data(), c.payload.size(), sum);
    Set16(b, checksum_at, g.checksum ? *g.checksum : Fold(sum));
  }
  return b;
}

}  // namespace pcapkit::ipsuite::wire
