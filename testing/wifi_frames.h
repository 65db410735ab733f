// 802.11 frames and radiotap headers built byte by byte for the Wi-Fi unit tests
// (radiotap_test.cc, wlan_test.cc, ppi_test.cc).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>

#include "pcapkit/ipsuite.h"

namespace testutil {

using pcapkit::ipsuite::Bytes;
using pcapkit::ipsuite::Concat;

inline void PutLe(Bytes& b, uint64_t v, int size) {
  for (int i = 0; i < size; ++i) b.push_back(uint8_t(v >> (8 * i)));
}

inline const Bytes kAp{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
inline const Bytes kSta{0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
inline const Bytes kHost{0x02, 0x00, 0x5e, 0x10, 0x00, 0x03};
inline const Bytes kPeer{0x02, 0x00, 0x5e, 0x10, 0x00, 0x04};

// Frame control, duration, addresses 1-3, sequence control (sequence `seq`, fragment 0).
inline Bytes MacHeader(uint8_t type, uint8_t subtype, uint8_t flags, uint16_t seq = 1) {
  Bytes b{uint8_t(subtype << 4 | type << 2), flags};
  PutLe(b, 44, 2);
  for (const Bytes* a : {&kAp, &kSta, &kHost}) pcapkit::ipsuite::PutBytes(b, *a);
  PutLe(b, uint64_t(seq) << 4, 2);
  return b;
}

// A SNAP header for `ethertype`, then the payload.
inline Bytes Snap(uint16_t ethertype, const Bytes& payload) {
  Bytes b{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, uint8_t(ethertype >> 8), uint8_t(ethertype)};
  pcapkit::ipsuite::PutBytes(b, payload);
  return b;
}

inline Bytes UdpPacket() {
  using namespace pcapkit::ipsuite;
  return (Ipv4{} / Udp{.srcport = 4000, .dstport = 4001} / Bytes{1, 2, 3}).Build();
}

// A radiotap header of the given present words, the fields' bytes (already aligned by the
// caller) after them.
inline Bytes Radiotap(std::initializer_list<uint32_t> words, const Bytes& fields) {
  Bytes b{0, 0, 0, 0};
  for (uint32_t w : words) PutLe(b, w, 4);
  pcapkit::ipsuite::PutBytes(b, fields);
  uint32_t n = uint32_t(b.size());
  b[2] = uint8_t(n);
  b[3] = uint8_t(n >> 8);
  return b;
}

}  // namespace testutil
