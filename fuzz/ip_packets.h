// IP packets built from a fuzzer's input (flows_fuzz, trace_fuzz): IPv4 or IPv6, carrying
// TCP, UDP, ICMP, ICMPv6, SCTP or GRE, sometimes a fragment, sometimes inside an IPv4
// tunnel, their addresses, ports, sequence numbers and flags drawn from small sets so that
// flows collide, reuse their 5-tuples and time out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/byte_reader.h"

namespace pcapkit::fuzz {

inline constexpr uint8_t kProtocols[] = {6, 6, 17, 1, 58, 132, 47, 6};

// The IP header (and the transport's first 20 bytes) of one frame from `in`.
inline std::vector<uint8_t> MakePacket(ByteReader& in, uint8_t kind) {
  bool v6 = kind & 1;
  uint8_t proto = kProtocols[kind >> 1 & 7];
  uint8_t len = in.U8() & 0x3f;
  size_t ip_hdr = v6 ? 40 : 20;
  std::vector<uint8_t> p(ip_hdr + 20 + len, 0);
  uint8_t a = in.U8();
  if (v6) {
    p[0] = 0x60;
    Put16(p, 4, uint16_t(20 + len));
    p[6] = proto;
    p[8] = p[24] = 0x20;
    p[23] = uint8_t(1 + (a & 3));
    p[39] = uint8_t(1 + (a >> 2 & 3));
  } else {
    p[0] = 0x45;
    Put16(p, 2, uint16_t(ip_hdr + 20 + len));
    Put16(p, 4, uint16_t(a >> 4 & 3));
    if (kind & 0x80) Put16(p, 6, uint16_t((a & 0x40) ? 0x2000 : 0) | uint16_t(a >> 7) * 2);
    p[8] = 64;
    p[9] = proto;
    p[12] = p[16] = 10;
    p[15] = uint8_t(1 + (a & 3));
    p[19] = uint8_t(1 + (a >> 2 & 3));
  }
  size_t t = ip_hdr;
  uint8_t ports = in.U8();
  Put16(p, t, uint16_t(1000 + (ports & 3)));
  Put16(p, t + 2, uint16_t(80 + (ports >> 2 & 1)));
  if (proto == 1 || proto == 58) {  // types from the counterpart tables, and others
    static const uint8_t kTypes[] = {8, 0, 3, 11, 128, 129, 135, 136};
    p[t] = kTypes[ports >> 3 & 7];
    p[t + 1] = ports >> 6;
  }
  static const uint32_t kBases[] = {0, 1000, 0xffffff00u, 0x7fffffffu};
  uint32_t seq = kBases[ports >> 3 & 3] + in.U16();
  uint32_t ack = kBases[ports >> 5 & 3] + in.U16();
  for (int i = 0; i < 4; ++i) {
    p[t + 4 + i] = uint8_t(seq >> (24 - 8 * i));
    p[t + 8 + i] = uint8_t(ack >> (24 - 8 * i));
  }
  p[t + 12] = 0x50;
  p[t + 13] = in.U8() & 0x3f;
  for (size_t i = t + 20; i < p.size(); ++i) p[i] = in.U8();
  return p;
}

// The packet inside an IPv4 tunnel (protocol 4 or 41).
inline std::vector<uint8_t> Tunnel(const std::vector<uint8_t>& inner) {
  std::vector<uint8_t> p(20, 0);
  p[0] = 0x45;
  Put16(p, 2, uint16_t(20 + inner.size()));
  p[8] = 64;
  p[9] = (inner[0] >> 4) == 6 ? 41 : 4;
  p[12] = p[16] = 192;
  p[15] = 1;
  p[19] = 2;
  p.insert(p.end(), inner.begin(), inner.end());
  return p;
}

}  // namespace pcapkit::fuzz
