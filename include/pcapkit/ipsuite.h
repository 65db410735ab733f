// ipsuite: packets built from their fields, layer by layer, and written as captures.
//
//   using namespace pcapkit::ipsuite;
//   Bytes frame = (Ethernet{} / Ipv4{.src = "10.0.0.1", .dst = "10.0.0.2"} /
//                  Tcp{.dstport = 80, .flags = kSyn})
//                     .Build();
//
// Members are named after the record fields `extract` writes (docs/schema.md), but where
// a record's name would not read well in C++ (the struct says so).
// A member that is a `std::optional` is computed when left empty: lengths, counts, header
// lengths, the next layer's type or protocol number (EtherType, IP protocol, next header,
// well-known UDP port) and checksums (the IPv4 header; TCP, UDP and ICMPv6 over their IP
// pseudo-header; ICMP; GRE's when present). Set it to write that value instead, right or
// wrong: tests of malformed input set wrong ones on purpose. A layer whose type field
// cannot be computed (its payload is raw bytes) and is not given throws BuildError.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "pcapkit/errors.h"

namespace pcapkit {

// A packet or capture cannot be built as described (a value out of range, a type that
// cannot be computed, an address that does not parse).
class BuildError : public Error {
 public:
  using Error::Error;
};

namespace ipsuite {

using Bytes = std::vector<uint8_t>;

// Addresses, written as text where a packet is described ("10.0.0.1", "2001:db8::1",
// "00:11:22:33:44:55"); text that does not parse throws BuildError.
struct Mac {
  Mac() = default;
  Mac(const char* text);  // NOLINT: implicit, so `.dst = "00:11:22:33:44:55"` reads well
  constexpr explicit Mac(std::array<uint8_t, 6> b) : bytes(b) {}
  std::array<uint8_t, 6> bytes{};
};
struct Ipv4Address {
  Ipv4Address() = default;
  Ipv4Address(const char* text);         // NOLINT: implicit, as for Mac
  Ipv4Address(const std::string& text);  // NOLINT
  std::array<uint8_t, 4> bytes{};
};
struct Ipv6Address {
  Ipv6Address() = default;
  Ipv6Address(const char* text);         // NOLINT
  Ipv6Address(const std::string& text);  // NOLINT
  std::array<uint8_t, 16> bytes{};
};

inline constexpr Mac kMacA{{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}};
inline constexpr Mac kMacB{{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}};

// Fields appended in network order: payloads of protocols the builder has no layer for,
// or headers made wrong in ways its members cannot say.
void Put8(Bytes& b, uint8_t v);
void Put16(Bytes& b, uint16_t v);
void Put32(Bytes& b, uint32_t v);
void PutBytes(Bytes& b, const uint8_t* p, size_t n);
void PutBytes(Bytes& b, const Bytes& v);
void PutBytes(Bytes& b, const Mac& v);
void PutBytes(Bytes& b, const Ipv4Address& v);
void PutBytes(Bytes& b, const Ipv6Address& v);
void PutText(Bytes& b, std::string_view text);
Bytes Concat(std::initializer_list<Bytes> parts);

// A type-length-value option (IPv4, TCP, IPv6 hop-by-hop and destination options).
// `length` is computed as the wire counts it: the whole option in IPv4 and TCP, the data
// alone in IPv6. The single-byte kinds (IPv4/TCP 0 and 1, IPv6 Pad1) are written as the
// kind alone.
struct Option {
  uint8_t kind = 1;
  Bytes data;
  std::optional<uint8_t> length;
  bool truncated = false;  // the kind byte alone, cut before its length (malformed)
};

// ---- Link layer ----
// `padding` and `trailer` follow everything the frame carries, as on the wire: bytes up to
// the 60-byte minimum frame, then an FCS or a capture device's trailer. Neither is added
// unless given. An 802.3 frame's length goes in `type` (a value up to 1500).
struct Ethernet {
  Mac dst = kMacB;
  Mac src = kMacA;
  std::optional<uint16_t> type;
  Bytes padding;
  Bytes trailer;
};
// An 802.1Q tag; QinQ is two, the outer Ethernet's type set to 0x88a8 when wanted.
struct Vlan {
  uint8_t pcp = 0;
  bool dei = false;
  uint16_t vid = 0;
  std::optional<uint16_t> type;
};
struct Arp {
  uint16_t htype = 1;
  uint16_t ptype = 0x0800;
  uint16_t oper = 1;
  Mac sha = kMacA;
  Ipv4Address spa = "10.0.0.1";
  Mac tha;
  Ipv4Address tpa = "10.0.0.2";
};
struct Mpls {
  uint32_t label = 16;
  uint8_t tc = 0;
  std::optional<bool> bottom;  // computed: set on the last label of the stack
  uint8_t ttl = 64;
};
// PPPoE; a session frame (code 0) carries the PPP protocol number of its payload.
struct Pppoe {
  uint8_t version = 1, type = 1;
  uint8_t code = 0;
  uint16_t session_id = 1;
  std::optional<uint16_t> payload_len;
  std::optional<uint16_t> ppp_protocol;
};

// ---- Internet layer ----
struct Ipv4 {
  Ipv4Address src = "10.0.0.1";
  Ipv4Address dst = "10.0.0.2";
  uint8_t dscp = 0, ecn = 0;
  uint16_t id = 0;
  bool rf = false, df = false, mf = false;
  uint16_t offset = 0;  // bytes; a multiple of 8
  uint8_t ttl = 64;
  std::vector<Option> options;  // padded with EOL to 4 bytes
  uint8_t version = 4;
  std::optional<uint8_t> hdr_len;  // bytes
  std::optional<uint16_t> len;
  std::optional<uint8_t> protocol;
  std::optional<uint16_t> checksum;
};
// Records name four of these differently: class, label, payload and limit.
struct Ipv6 {
  Ipv6Address src = "2001:db8::1";
  Ipv6Address dst = "2001:db8::2";
  uint8_t traffic_class = 0;
  uint32_t flow_label = 0;
  uint8_t hop_limit = 64;
  uint8_t version = 6;
  std::optional<uint16_t> payload_length;
  std::optional<uint8_t> next;  // 59 (no next header) when nothing follows
};
// Hop-by-hop and destination options: padded with Pad1/PadN to 8n bytes.
struct Ipv6HopByHop {
  std::vector<Option> options;
  std::optional<uint8_t> next;
  std::optional<uint8_t> length;  // the Hdr Ext Len field: 8-byte units past the first 8
};
struct Ipv6DestOptions {
  std::vector<Option> options;
  std::optional<uint8_t> next;
  std::optional<uint8_t> length;
};
// A routing header (records: type, seg_left, ip): `data` is the 4 type-specific bytes after
// segments left (reserved for types 0 and 2; last entry, flags and tag for a segment routing
// header), then the addresses.
struct Ipv6Routing {
  uint8_t routing_type = 0;
  uint8_t segments_left = 0;
  std::array<uint8_t, 4> data{};
  std::vector<Ipv6Address> addresses;
  std::optional<uint8_t> next;
  std::optional<uint8_t> length;
};
struct Ipv6Fragment {
  uint16_t offset = 0;  // bytes; a multiple of 8
  bool mf = false;
  uint32_t id = 0;
  uint8_t reserved = 0;
  uint8_t res = 0;  // the two reserved bits beside M
  std::optional<uint8_t> next;
};
struct Gre {
  bool checksum_present = false;
  std::optional<uint32_t> key;
  std::optional<uint32_t> sequence;
  uint8_t version = 0;
  std::optional<uint16_t> protocol;
  std::optional<uint16_t> checksum;  // computed when checksum_present
};

// ---- Transport layer ----
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                         kUrg = 0x20, kEce = 0x40, kCwr = 0x80;
struct Tcp {
  uint16_t srcport = 40000;
  std::optional<uint16_t> dstport;  // computed from an HTTP payload (80)
  uint32_t seq = 1000, ack = 0;
  uint8_t flags = kSyn;
  uint8_t reserved = 0;  // the 4 bits before the flags
  uint16_t window_size = 65535;
  uint16_t urgent_pointer = 0;
  std::vector<Option> options;  // padded with EOL to 4 bytes
  std::optional<uint8_t> hdr_len;
  std::optional<uint16_t> checksum;
};
struct Udp {
  uint16_t srcport = 40000;
  std::optional<uint16_t> dstport;  // computed from the payload: DNS 53, VXLAN 4789, Geneve 6081
  std::optional<uint16_t> len;
  std::optional<uint16_t> checksum;
};
// SCTP (RFC 9260): the common header, then `chunks`, the chunks' bytes as they go on the
// wire (each padded to 4 bytes). The checksum is the CRC32c of the packet, stored as the
// wire has it; given, it is the wire's 4 bytes read in network order, as records write it.
struct Sctp {
  uint16_t srcport = 40000;
  uint16_t dstport = 5000;
  uint32_t verification_tag = 0;
  Bytes chunks;
  std::optional<uint32_t> checksum;
};
// ICMP: `rest` is the header's second word (identifier and sequence of an echo, the
// gateway of a redirect, the MTU of a "fragmentation needed").
struct Icmp {
  uint8_t type = 8, code = 0;
  uint32_t rest = 0;
  std::optional<uint16_t> checksum;
};
// An NDP option: `length` in 8-byte units is computed, `data` padded to fill them.
struct NdpOption {
  uint8_t type = 1;
  Bytes data;
  std::optional<uint8_t> length;
};
// ICMPv6: `body` follows the checksum (an echo's identifier and sequence, NDP's reserved
// word and target); NDP options come after it.
struct Icmpv6 {
  uint8_t type = 128, code = 0;
  Bytes body;
  std::vector<NdpOption> options;
  std::optional<uint16_t> checksum;
};

// ---- Tunnels ----
struct Vxlan {
  uint32_t vni = 1;
  uint8_t flags = 0x08;
};
struct Geneve {
  uint32_t vni = 1;
  bool oam = false, critical = false;
  Bytes options;  // whole option TLVs, a multiple of 4 bytes
  uint8_t version = 0;
  std::optional<uint8_t> opt_len;  // bytes: the wire's 4-byte units × 4
  std::optional<uint16_t> protocol;
};

// ---- Application layer ----
struct DnsQuestion {
  std::string name;
  uint16_t type = 1;
  uint16_t qclass = 1;
};
// A resource record: `rdata`, then `target` (when set) as a domain name compressed like the
// others: CNAME, NS and PTR are a target alone, MX its preference in `rdata` then a target.
struct DnsResource {
  std::string name;
  uint16_t type = 1;
  uint16_t rclass = 1;
  uint32_t ttl = 300;
  Bytes rdata;
  std::optional<std::string> target;
  std::optional<uint16_t> rdlength;

  static DnsResource A(std::string name, Ipv4Address address, uint32_t ttl = 300);
  static DnsResource Aaaa(std::string name, Ipv6Address address, uint32_t ttl = 300);
  static DnsResource Name(std::string name, uint16_t type, std::string target, uint32_t ttl = 300);
};
// A DNS message; names are compressed (RFC 1035 §4.1.4) unless `compress` is false.
struct Dns {
  uint16_t id = 0;
  bool qr = false;
  uint8_t opcode = 0;
  bool aa = false, tc = false, rd = true, ra = false, z = false, ad = false, cd = false;
  uint8_t rcode = 0;
  std::vector<DnsQuestion> questions;
  std::vector<DnsResource> answers, authorities, additionals;
  bool compress = true;
  std::optional<uint16_t> qdcount, ancount, nscount, arcount;
};
// HTTP/1.x messages: headers written in order as given; a Content-Length header is added
// for a body unless the headers carry Content-Length or Transfer-Encoding.
struct HttpRequest {
  std::string method = "GET";
  std::string uri = "/";
  std::string version = "HTTP/1.1";
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;
};
struct HttpResponse {
  std::string version = "HTTP/1.1";
  int status = 200;
  std::string reason = "OK";
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;
};
// A chunked body (RFC 9112 §7.1): the chunks, the last chunk and the trailer fields.
Bytes HttpChunked(const std::vector<Bytes>& chunks,
                  const std::vector<std::pair<std::string, std::string>>& trailers = {});

// Bytes as they are: a payload, a layer pcapkit does not build, a malformed header.
struct Raw {
  Bytes data;
};

using Layer = std::variant<Ethernet, Vlan, Arp, Mpls, Pppoe, Ipv4, Ipv6, Ipv6HopByHop, Ipv6Routing,
                           Ipv6Fragment, Ipv6DestOptions, Gre, Tcp, Udp, Sctp, Icmp, Icmpv6, Vxlan,
                           Geneve, Dns, HttpRequest, HttpResponse, Raw>;

template <class T, class V>
struct IsAlternative;
template <class T, class... A>
struct IsAlternative<T, std::variant<A...>> : std::bool_constant<(std::is_same_v<T, A> || ...)> {};
template <class T>
concept LayerType = IsAlternative<std::decay_t<T>, Layer>::value;

// A stack of layers, outermost first.
class Packet {
 public:
  Packet() = default;
  explicit Packet(std::vector<Layer> layers) : layers_(std::move(layers)) {}

  // The wire bytes, computed members filled in from the innermost layer out.
  Bytes Build() const;

  const std::vector<Layer>& layers() const { return layers_; }
  std::vector<Layer>& layers() { return layers_; }
  // The `nth` layer of type T (0: the outermost); throws BuildError when there is none.
  template <LayerType T>
  T& Get(size_t nth = 0) {
    for (Layer& l : layers_)
      if (T* t = std::get_if<T>(&l); t != nullptr && nth-- == 0) return *t;
    throw BuildError("ipsuite: the packet has no such layer");
  }

  // Forget every given checksum, or every given length, count and header length, so that
  // Build() computes them: after an edit, the packet is consistent again. The checksums
  // inside an IP fragment are kept: they cover bytes that other fragments hold.
  Packet& RecomputeChecksums();
  Packet& RecomputeLengths();

  Packet& Append(Layer l) {
    layers_.push_back(std::move(l));
    return *this;
  }
  // Bytes after the last layer appended and everything inside it, within its parent (or
  // ending the frame): what a layer's own length leaves of its parent's payload (a UDP
  // length shorter than the IP payload, an 802.11 FCS, a Linux cooked header's padding).
  // Kept by layer index. No length or checksum of the layer covers them; its parents'
  // do.
  Packet& Trailing(Bytes bytes) {
    return layers_.empty() ? *this : Trailing(layers_.size() - 1, std::move(bytes));
  }
  // The same for layer `index` (0: the outermost), after any given to it already.
  Packet& Trailing(size_t index, Bytes bytes) {
    if (index >= layers_.size()) return *this;
    if (trailing_.size() <= index) trailing_.resize(index + 1);
    trailing_[index].insert(trailing_[index].end(), bytes.begin(), bytes.end());
    return *this;
  }

 private:
  std::vector<Layer> layers_;
  std::vector<Bytes> trailing_;  // by layer index; shorter when the last have none
};

inline Packet operator/(Packet p, Layer next) {
  return std::move(p.Append(std::move(next)));
}
inline Packet operator/(Packet p, Bytes payload) {
  return std::move(p.Append(Raw{std::move(payload)}));
}
inline Packet operator/(Packet outer, const Packet& inner) {
  for (const Layer& l : inner.layers()) outer.Append(l);
  return outer;
}
template <LayerType A>
Packet operator/(A first, Layer next) {
  return Packet({Layer(std::move(first)), std::move(next)});
}
template <LayerType A>
Packet operator/(A first, const Packet& rest) {
  return Packet({Layer(std::move(first))}) / rest;
}
template <LayerType A>
Packet operator/(A first, Bytes payload) {
  return Packet({Layer(std::move(first)), Raw{std::move(payload)}});
}

}  // namespace ipsuite
}  // namespace pcapkit

#include "pcapkit/ipsuite_captures.h"
#include "pcapkit/ipsuite_sessions.h"
