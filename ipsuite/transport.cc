// Transport-layer encoders: TCP with options, UDP, ICMP, ICMPv6 with NDP options.
#include <boost/crc.hpp>

#include "ipsuite/wire.h"

namespace pcapkit::ipsuite::wire {
namespace {

bool TcpSingleByte(uint8_t kind) {
  return kind == 0 || kind == 1;
}

// The well-known port of what a transport layer carries, for a destination port not given.
std::optional<uint16_t> WellKnownPort(const Context& c) {
  if (c.next == nullptr) return std::nullopt;
  if (std::holds_alternative<Dns>(*c.next)) return 53;
  if (std::holds_alternative<Vxlan>(*c.next)) return 4789;
  if (std::holds_alternative<Geneve>(*c.next)) return 6081;
  if (std::holds_alternative<HttpRequest>(*c.next) || std::holds_alternative<HttpResponse>(*c.next))
    return 80;
  return std::nullopt;
}

uint16_t DestinationPort(std::optional<uint16_t> given, const Context& c, const char* who) {
  if (given) return *given;
  if (std::optional<uint16_t> port = WellKnownPort(c)) return *port;
  throw BuildError(std::string("ipsuite: ") + who +
                   ": dstport not given and its payload has no well-known port");
}

}  // namespace

Bytes Encode(const Tcp& t, const Context& c) {
  Bytes options = EncodeOptions(t.options, TcpSingleByte, 2);
  options.resize((options.size() + 3) / 4 * 4, 0);  // EOL
  if (options.size() > 40) throw BuildError("ipsuite: TCP: options longer than 40 bytes");
  Bytes b;
  Put16(b, t.srcport);
  Put16(b, DestinationPort(t.dstport, c, "TCP"));
  Put32(b, t.seq);
  Put32(b, t.ack);
  uint8_t hdr_len = t.hdr_len ? *t.hdr_len : uint8_t(20 + options.size());
  Put8(b, uint8_t((hdr_len / 4) << 4 | (t.reserved & 15)));
  Put8(b, t.flags);
  Put16(b, t.window_size);
  Put16(b, 0);
  Put16(b, t.urgent_pointer);
  PutBytes(b, options);
  Set16(b, 16, t.checksum ? *t.checksum : TransportChecksum(c, 6, b));
  return b;
}

Bytes Encode(const Udp& u, const Context& c) {
  Bytes b;
  Put16(b, u.srcport);
  Put16(b, DestinationPort(u.dstport, c, "UDP"));
  Put16(b, u.len ? *u.len : uint16_t(8 + c.payload.size()));
  Put16(b, 0);
  uint16_t checksum = 0;
  if (u.checksum) {
    checksum = *u.checksum;
  } else if (c.ip) {
    checksum = TransportChecksum(c, 17, b);
    if (checksum == 0) checksum = 0xffff;  // 0 would say "no checksum" (RFC 768)
  }
  Set16(b, 6, checksum);
  return b;
}

Bytes Encode(const Sctp& s, const Context& c) {
  Bytes b;
  Put16(b, s.srcport);
  Put16(b, s.dstport);
  Put32(b, s.verification_tag);
  Put32(b, 0);
  PutBytes(b, s.chunks);
  if (s.checksum) {
    Set32(b, 8, *s.checksum);
  } else {
    // CRC32c (Castagnoli, reflected) over the packet with a zero checksum field, what
    // follows the chunks included; its low byte goes first on the wire (RFC 9260 App. B).
    boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
    crc.process_bytes(b.data(), b.size());
    crc.process_bytes(c.payload.data(), c.payload.size());
    uint32_t v = crc.checksum();
    for (int i = 0; i < 4; ++i) b[8 + i] = uint8_t(v >> (8 * i));
  }
  return b;
}

Bytes Encode(const Icmp& i, const Context& c) {
  Bytes b;
  Put8(b, i.type);
  Put8(b, i.code);
  Put16(b, 0);
  Put32(b, i.rest);
  Set16(b, 2,
        i.checksum ? *i.checksum
                   : Fold(Sum16(c.payload.data(), c.payload.size(), Sum16(b.data(), b.size()))));
  return b;
}

Bytes Encode(const Icmpv6& i, const Context& c) {
  Bytes b;
  b.reserve(64 + i.body.size());  // also spares GCC 12 a false -Wstringop-overflow below
  Put8(b, i.type);
  Put8(b, i.code);
  Put16(b, 0);
  PutBytes(b, i.body);
  for (const NdpOption& o : i.options) {
    size_t units = (o.data.size() + 2 + 7) / 8;
    Put8(b, o.type);
    Put8(b, o.length ? *o.length : uint8_t(units));
    PutBytes(b, o.data);
    for (size_t pad = units * 8 - 2 - o.data.size(); pad > 0; --pad) b.push_back(0);
  }
  Set16(b, 2, i.checksum ? *i.checksum : TransportChecksum(c, 58, b));
  return b;
}

}  // namespace pcapkit::ipsuite::wire
