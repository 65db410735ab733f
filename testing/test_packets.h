// The packets most tests are made of, built with the public builder: one TCP segment or
// UDP datagram over IPv4 between two addresses, every other field the builder's default.
#pragma once

#include "pcapkit/ipsuite.h"

namespace testutil {

inline pcapkit::ipsuite::Packet Ipv4Tcp(const char* src, const char* dst, uint16_t sport,
                                        uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                                        const pcapkit::ipsuite::Bytes& payload = {}) {
  using namespace pcapkit::ipsuite;
  Packet p = Ipv4{.src = src, .dst = dst} /
             Tcp{.srcport = sport, .dstport = dport, .seq = seq, .ack = ack, .flags = flags};
  if (!payload.empty()) p.Append(Raw{payload});
  return p;
}

inline pcapkit::ipsuite::Packet Ipv4Udp(const char* src, const char* dst, uint16_t sport,
                                        uint16_t dport, const pcapkit::ipsuite::Bytes& payload) {
  using namespace pcapkit::ipsuite;
  return Ipv4{.src = src, .dst = dst} / Udp{.srcport = sport, .dstport = dport} / payload;
}

}  // namespace testutil
