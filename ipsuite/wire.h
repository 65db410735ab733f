// What the layer encoders share: appending fields in network order, the Internet checksum,
// and what a layer is told of its surroundings when it is encoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "pcapkit/ipsuite.h"

namespace pcapkit::ipsuite::wire {

inline void Set16(Bytes& b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}
inline void Set32(Bytes& b, size_t at, uint32_t v) {
  Set16(b, at, uint16_t(v >> 16));
  Set16(b, at + 2, uint16_t(v));
}

// std::visit over lambdas, one per type.
template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;  // clang 14 deduces no aggregate's arguments by itself

// One's-complement sum of 16-bit words (RFC 1071), to be folded and complemented.
uint32_t Sum16(const uint8_t* p, size_t n, uint32_t sum = 0);
uint16_t Fold(uint32_t sum);

// Where a transport checksum's pseudo-header comes from: the nearest IP layer outside it.
struct PseudoHeader {
  bool v6 = false;
  const uint8_t* src = nullptr;
  const uint8_t* dst = nullptr;  // IPv6: the final destination when a routing header says
};

// A layer's surroundings while it is encoded: the bytes already built inside it and the
// layer that starts them.
struct Context {
  const Bytes& payload;
  const Layer* next;               // nullptr: nothing follows
  std::optional<PseudoHeader> ip;  // for TCP, UDP, ICMPv6
};

// The checksum of a transport header and its payload over the pseudo-header; 0 when no IP
// layer is outside it.
uint16_t TransportChecksum(const Context& c, uint8_t protocol, const Bytes& header);

// The type field a layer writes for what follows, or BuildError naming `who`.
uint16_t EtherTypeOf(const Context& c, const char* who);
uint8_t IpProtocolOf(const Context& c, const char* who);

// An option list as written: `single` says which kinds are the kind byte alone;
// `counted` how many bytes of kind and length the length counts (IPv4 and TCP: 2, the
// whole option; IPv6: 0, the data alone). Padding is the caller's.
Bytes EncodeOptions(const std::vector<Option>& options, bool (*single)(uint8_t kind),
                    uint8_t counted);

// One encoder per layer: the layer's header (and trailer, for none yet) given its payload.
Bytes Encode(const Ethernet&, const Context&);
Bytes Encode(const Vlan&, const Context&);
Bytes Encode(const Arp&, const Context&);
Bytes Encode(const Mpls&, const Context&);
Bytes Encode(const Pppoe&, const Context&);
Bytes Encode(const Ipv4&, const Context&);
Bytes Encode(const Ipv6&, const Context&);
Bytes Encode(const Ipv6HopByHop&, const Context&);
Bytes Encode(const Ipv6DestOptions&, const Context&);
Bytes Encode(const Ipv6Routing&, const Context&);
Bytes Encode(const Ipv6Fragment&, const Context&);
Bytes Encode(const Gre&, const Context&);
Bytes Encode(const Tcp&, const Context&);
Bytes Encode(const Udp&, const Context&);
Bytes Encode(const Sctp&, const Context&);
Bytes Encode(const Icmp&, const Context&);
Bytes Encode(const Icmpv6&, const Context&);
Bytes Encode(const Vxlan&, const Context&);
Bytes Encode(const Geneve&, const Context&);
Bytes Encode(const Dns&, const Context&);
Bytes Encode(const HttpRequest&, const Context&);
Bytes Encode(const HttpResponse&, const Context&);
Bytes Encode(const Raw&, const Context&);

}  // namespace pcapkit::ipsuite::wire
