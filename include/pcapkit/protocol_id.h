// Identifiers of the protocols that have a typed view in pcapkit/layers.h, with values
// that never change (code may store them). Every other protocol is identified by the
// registry when it registers, with an id from kFirstAssigned on; ask for those by name
// (Frame::has("dns"), ProtocolName).
#pragma once

#include <cstdint>

namespace pcapkit {

enum class ProtocolId : uint16_t {
  kNone = 0,
  kRaw = 1,  // bytes no dissector claimed, or a header that failed to parse
  kEthernet = 2,
  kVlan = 3,
  kArp = 4,
  kIpv4 = 5,
  kIpv6 = 6,
  kIpv6Frag = 7,
  kTcp = 8,
  kUdp = 9,
  kIcmp = 10,
  kIcmpv6 = 11,
  kFirstAssigned = 64,
};

// Display name ("IPv4") of a registered protocol; "?" when unknown.
const char* ProtocolName(ProtocolId id);

}  // namespace pcapkit
