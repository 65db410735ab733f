// Identifiers of the built-in protocols. Protocols registered later get ids past
// kBuiltinCount; names and record keys come from the registry.
#pragma once

#include <cstdint>

namespace pcapkit {

enum class ProtocolId : uint16_t {
  kNone = 0,
  kRaw,
  // link
  kEthernet,
  kLlc,
  kVlan,
  kArp,
  kSll,
  kSll2,
  kNull,
  kRawIp,
  // internet
  kIpv4,
  kIpv6,
  kHopopt,
  kIpv6Opts,
  kIpv6Route,
  kIpv6Frag,
  kAh,
  kEsp,
  kIcmp,
  kIcmpv6,
  // transport
  kTcp,
  kUdp,
  // tunnels and link encapsulations found inside other layers
  kGre,
  kMpls,
  kPppoe,
  kPpp,
  kPppHdlc,  // LINKTYPE_PPP_HDLC: PPP whose address/control bytes are always present
  kChdlc,
  kFddi,
  kVxlan,
  kGeneve,
  kL2tp,
  kL2tpIp,  // L2TPv3 over IP
  kOspf,
  kIpx,
  kHip,
  kMh,
  // application
  kDns,
  kDnsTcp,  // DNS over TCP: the same record, after a 2-byte length
  kHttp,
  kHttp2,
  kTls,
  kDhcp,
  kFtp,
  kDhcpv6,
  kBuiltinCount,
};

// Display name ("IPv4") of a registered protocol; "?" when unknown.
const char* ProtocolName(ProtocolId id);

}  // namespace pcapkit
