// Typed, zero-copy views of the core layers. A view reads the wire bytes on demand; it is
// only as long-lived as the Frame it came from. Multi-byte fields are returned in host
// order. Every accessor stays inside the header the dissector validated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "pcapkit/protocol_id.h"

namespace pcapkit {

namespace wire {
inline uint16_t Be16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t Be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
}  // namespace wire

// Text forms used in records: "aa:bb:cc:dd:ee:ff", dotted quad, RFC 5952.
std::string FormatMac(const uint8_t* mac);
std::string FormatIpv4(const uint8_t* addr);
std::string FormatIpv6(const uint8_t* addr);

class LayerView {
 public:
  LayerView(const uint8_t* data, size_t length, size_t hdr_len)
      : p_(data), length_(length), hdr_len_(hdr_len) {}
  std::span<const uint8_t> bytes() const { return {p_, length_}; }
  std::span<const uint8_t> header() const { return {p_, hdr_len_}; }
  std::span<const uint8_t> payload() const { return {p_ + hdr_len_, length_ - hdr_len_}; }

 protected:
  const uint8_t* p_;
  size_t length_;
  size_t hdr_len_;
};

class Ethernet : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kEthernet;
  using LayerView::LayerView;
  const uint8_t* dst() const { return p_; }
  const uint8_t* src() const { return p_ + 6; }
  // EtherType, or the 802.3 length when <= 1500.
  uint16_t type() const { return wire::Be16(p_ + 12); }
};

class Vlan : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kVlan;
  using LayerView::LayerView;
  uint8_t pcp() const { return p_[0] >> 5; }
  bool dei() const { return (p_[0] & 0x10) != 0; }
  uint16_t vid() const { return wire::Be16(p_) & 0x0fff; }
  uint16_t type() const { return wire::Be16(p_ + 2); }
};

class Arp : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kArp;
  using LayerView::LayerView;
  uint16_t htype() const { return wire::Be16(p_); }
  uint16_t ptype() const { return wire::Be16(p_ + 2); }
  uint8_t hlen() const { return p_[4]; }
  uint8_t plen() const { return p_[5]; }
  uint16_t oper() const { return wire::Be16(p_ + 6); }
  const uint8_t* sha() const { return p_ + 8; }
  const uint8_t* spa() const { return p_ + 8 + hlen(); }
  const uint8_t* tha() const { return p_ + 8 + hlen() + plen(); }
  const uint8_t* tpa() const { return p_ + 8 + 2 * hlen() + plen(); }
};

class Ipv4 : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kIpv4;
  using LayerView::LayerView;
  uint8_t version() const { return p_[0] >> 4; }
  uint8_t hdr_len() const { return uint8_t((p_[0] & 0x0f) * 4); }
  uint8_t dscp() const { return p_[1] >> 2; }
  uint8_t ecn() const { return p_[1] & 3; }
  uint16_t total_length() const { return wire::Be16(p_ + 2); }
  uint16_t id() const { return wire::Be16(p_ + 4); }
  bool rf() const { return (p_[6] & 0x80) != 0; }
  bool df() const { return (p_[6] & 0x40) != 0; }
  bool mf() const { return (p_[6] & 0x20) != 0; }
  // Fragment offset in bytes (the wire counts 8-byte units).
  uint32_t offset() const { return uint32_t(wire::Be16(p_ + 6) & 0x1fff) * 8; }
  uint8_t ttl() const { return p_[8]; }
  uint8_t protocol() const { return p_[9]; }
  uint16_t checksum() const { return wire::Be16(p_ + 10); }
  const uint8_t* src() const { return p_ + 12; }
  const uint8_t* dst() const { return p_ + 16; }
  std::span<const uint8_t> options() const {
    return hdr_len_ > 20 ? std::span<const uint8_t>(p_ + 20, hdr_len_ - 20)
                         : std::span<const uint8_t>();
  }
};

class Ipv6 : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kIpv6;
  using LayerView::LayerView;
  uint8_t version() const { return p_[0] >> 4; }
  uint8_t traffic_class() const { return uint8_t((wire::Be16(p_) >> 4) & 0xff); }
  uint32_t flow_label() const { return wire::Be32(p_) & 0xfffff; }
  uint16_t payload_length() const { return wire::Be16(p_ + 4); }
  uint8_t next_header() const { return p_[6]; }
  uint8_t hop_limit() const { return p_[7]; }
  const uint8_t* src() const { return p_ + 8; }
  const uint8_t* dst() const { return p_ + 24; }
};

class Ipv6Frag : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kIpv6Frag;
  using LayerView::LayerView;
  uint8_t next_header() const { return p_[0]; }
  // Fragment offset in bytes (the wire counts 8-byte units).
  uint32_t offset() const { return uint32_t(wire::Be16(p_ + 2) >> 3) * 8; }
  bool mf() const { return (p_[3] & 1) != 0; }
  uint32_t id() const { return wire::Be32(p_ + 4); }
};

class Tcp : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kTcp;
  static constexpr size_t kFixedHeader = 20;  // below it, Frame::get gives no view
  using LayerView::LayerView;
  uint16_t srcport() const { return wire::Be16(p_); }
  uint16_t dstport() const { return wire::Be16(p_ + 2); }
  uint32_t seq() const { return wire::Be32(p_ + 4); }
  uint32_t ack() const { return wire::Be32(p_ + 8); }
  uint8_t hdr_len() const { return uint8_t((p_[12] >> 4) * 4); }
  uint8_t flags() const { return p_[13]; }
  bool cwr() const { return (p_[13] & 0x80) != 0; }
  bool ece() const { return (p_[13] & 0x40) != 0; }
  bool urg() const { return (p_[13] & 0x20) != 0; }
  bool ack_flag() const { return (p_[13] & 0x10) != 0; }
  bool psh() const { return (p_[13] & 0x08) != 0; }
  bool rst() const { return (p_[13] & 0x04) != 0; }
  bool syn() const { return (p_[13] & 0x02) != 0; }
  bool fin() const { return (p_[13] & 0x01) != 0; }
  uint16_t window_size() const { return wire::Be16(p_ + 14); }
  uint16_t checksum() const { return wire::Be16(p_ + 16); }
  uint16_t urgent_pointer() const { return wire::Be16(p_ + 18); }
  std::span<const uint8_t> options() const { return {p_ + 20, hdr_len_ - 20}; }
};

class Udp : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kUdp;
  using LayerView::LayerView;
  uint16_t srcport() const { return wire::Be16(p_); }
  uint16_t dstport() const { return wire::Be16(p_ + 2); }
  uint16_t length() const { return wire::Be16(p_ + 4); }
  uint16_t checksum() const { return wire::Be16(p_ + 6); }
};

class Icmp : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kIcmp;
  using LayerView::LayerView;
  uint8_t type() const { return p_[0]; }
  uint8_t code() const { return p_[1]; }
  uint16_t checksum() const { return wire::Be16(p_ + 2); }
};

class Icmpv6 : public LayerView {
 public:
  static constexpr ProtocolId kId = ProtocolId::kIcmpv6;
  using LayerView::LayerView;
  uint8_t type() const { return p_[0]; }
  uint8_t code() const { return p_[1]; }
  uint16_t checksum() const { return wire::Be16(p_ + 2); }
};

}  // namespace pcapkit
