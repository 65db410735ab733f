// What radiotap, PPI and IEEE 802.11 share: little-endian loads (all three headers are in
// little-endian order) and the link-table key under which an 802.11 frame ending in its
// FCS is found.
#pragma once

#include <cstdint>

namespace pcapkit::protocols {

// LINKTYPE_IEEE802_11: an 802.11 frame without its FCS (tshark's default for the link type).
constexpr uint32_t kLinkTypeWlan = 105;

inline uint16_t Le16(const uint8_t* p) {
  return uint16_t(p[0] | p[1] << 8);
}

inline uint32_t Le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

inline uint64_t Le64(const uint8_t* p) {
  return uint64_t(Le32(p)) | uint64_t(Le32(p + 4)) << 32;
}

}  // namespace pcapkit::protocols
