// A packet is built from its innermost layer out, so every layer sees the bytes it carries
// (lengths, checksums) and the layer that starts them (type fields). A transport checksum
// also needs the addresses of the IP layer outside it: the nearest one, with an IPv6
// routing header's final destination.
#include <arpa/inet.h>

#include "ipsuite/wire.h"

namespace pcapkit::ipsuite {

namespace {

template <size_t N>
std::array<uint8_t, N> ParseAddress(int family, const char* text, const char* what) {
  std::array<uint8_t, N> b{};
  if (text == nullptr || inet_pton(family, text, b.data()) != 1)
    throw BuildError(std::string("ipsuite: not an ") + what +
                     " address: " + (text ? text : "(null)"));
  return b;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Mac::Mac(const char* text) {
  std::string_view t = text ? text : "";
  bool ok = t.size() == 17;
  for (size_t i = 0; ok && i < 6; ++i) {
    int hi = HexDigit(t[3 * i]), lo = HexDigit(t[3 * i + 1]);
    ok = hi >= 0 && lo >= 0 && (i == 5 || t[3 * i + 2] == ':' || t[3 * i + 2] == '-');
    bytes[i] = uint8_t(hi << 4 | lo);
  }
  if (!ok) throw BuildError("ipsuite: not a MAC address: " + std::string(t));
}

Ipv4Address::Ipv4Address(const char* text) : bytes(ParseAddress<4>(AF_INET, text, "IPv4")) {}
Ipv4Address::Ipv4Address(const std::string& text) : Ipv4Address(text.c_str()) {}
Ipv6Address::Ipv6Address(const char* text) : bytes(ParseAddress<16>(AF_INET6, text, "IPv6")) {}
Ipv6Address::Ipv6Address(const std::string& text) : Ipv6Address(text.c_str()) {}

namespace wire {

uint32_t Sum16(const uint8_t* p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += uint32_t(p[n - 1] << 8);
  return sum;
}

uint16_t Fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

uint16_t TransportChecksum(const Context& c, uint8_t protocol, const Bytes& header) {
  if (!c.ip) return 0;
  size_t length = header.size() + c.payload.size();
  size_t address_size = c.ip->v6 ? 16 : 4;
  uint32_t sum = Sum16(c.ip->src, address_size);
  sum = Sum16(c.ip->dst, address_size, sum);
  sum += protocol;
  sum += uint32_t(length >> 16) + uint32_t(length & 0xffff);
  if (header.size() % 2 == 0) {
    sum = Sum16(header.data(), header.size(), sum);
    sum = Sum16(c.payload.data(), c.payload.size(), sum);
  } else {  // the payload's words start mid-word: sum the bytes as one run
    Bytes whole = header;
    PutBytes(whole, c.payload);
    sum = Sum16(whole.data(), whole.size(), sum);
  }
  return Fold(sum);
}

uint16_t EtherTypeOf(const Context& c, const char* who) {
  std::optional<uint16_t> type;
  if (c.next != nullptr)
    type = std::visit(Overload{[](const Ipv4&) -> std::optional<uint16_t> { return 0x0800; },
                               [](const Ipv6&) -> std::optional<uint16_t> { return 0x86dd; },
                               [](const Arp&) -> std::optional<uint16_t> { return 0x0806; },
                               [](const Vlan&) -> std::optional<uint16_t> { return 0x8100; },
                               [](const Mpls&) -> std::optional<uint16_t> { return 0x8847; },
                               [](const Ethernet&) -> std::optional<uint16_t> { return 0x6558; },
                               [](const Pppoe& p) -> std::optional<uint16_t> {
                                 return p.code == 0 ? 0x8864 : 0x8863;
                               },
                               [](const auto&) -> std::optional<uint16_t> { return std::nullopt; }},
                      *c.next);
  if (!type)
    throw BuildError(std::string("ipsuite: ") + who +
                     ": the type of its payload cannot be computed; give it");
  return *type;
}

uint8_t IpProtocolOf(const Context& c, const char* who) {
  std::optional<uint8_t> protocol;
  if (c.next != nullptr)
    protocol =
        std::visit(Overload{[](const Tcp&) -> std::optional<uint8_t> { return 6; },
                            [](const Udp&) -> std::optional<uint8_t> { return 17; },
                            [](const Sctp&) -> std::optional<uint8_t> { return 132; },
                            [](const Icmp&) -> std::optional<uint8_t> { return 1; },
                            [](const Icmpv6&) -> std::optional<uint8_t> { return 58; },
                            [](const Gre&) -> std::optional<uint8_t> { return 47; },
                            [](const Ipv4&) -> std::optional<uint8_t> { return 4; },
                            [](const Ipv6&) -> std::optional<uint8_t> { return 41; },
                            [](const Ipv6HopByHop&) -> std::optional<uint8_t> { return 0; },
                            [](const Ipv6Routing&) -> std::optional<uint8_t> { return 43; },
                            [](const Ipv6Fragment&) -> std::optional<uint8_t> { return 44; },
                            [](const Ipv6DestOptions&) -> std::optional<uint8_t> { return 60; },
                            [](const auto&) -> std::optional<uint8_t> { return std::nullopt; }},
                   *c.next);
  else
    protocol = 59;  // IPv6's "no next header"; IPv4 with nothing inside says the same
  if (!protocol)
    throw BuildError(std::string("ipsuite: ") + who +
                     ": the protocol of its payload cannot be computed; give it");
  return *protocol;
}

Bytes EncodeOptions(const std::vector<Option>& options, bool (*single)(uint8_t kind),
                    uint8_t counted) {
  Bytes b;
  for (const Option& o : options) {
    Put8(b, o.kind);
    if (o.truncated || (single(o.kind) && o.data.empty() && !o.length)) continue;
    Put8(b, o.length ? *o.length : uint8_t(counted + o.data.size()));
    PutBytes(b, o.data);
  }
  return b;
}

Bytes Encode(const Raw& r, const Context&) {
  return r.data;
}

}  // namespace wire

namespace {

// The pseudo-header for the transport layer at `at`: the nearest IP layer outside it.
std::optional<wire::PseudoHeader> PseudoHeaderFor(const std::vector<Layer>& layers, size_t at) {
  const uint8_t* final_destination = nullptr;
  for (size_t i = at; i-- > 0;) {
    if (const auto* r = std::get_if<Ipv6Routing>(&layers[i]);
        r != nullptr && r->segments_left > 0 && !r->addresses.empty())
      final_destination = r->addresses.back().bytes.data();
    if (const auto* v4 = std::get_if<Ipv4>(&layers[i]))
      return wire::PseudoHeader{false, v4->src.bytes.data(), v4->dst.bytes.data()};
    if (const auto* v6 = std::get_if<Ipv6>(&layers[i]))
      return wire::PseudoHeader{true, v6->src.bytes.data(),
                                final_destination ? final_destination : v6->dst.bytes.data()};
  }
  return std::nullopt;
}

}  // namespace

// Inside a fragment, a checksum covers bytes other frames hold: it is kept.
Packet& Packet::RecomputeChecksums() {
  bool in_fragment = false;
  for (Layer& l : layers_) {
    std::visit(
        [in_fragment](auto& layer) {
          if constexpr (requires { layer.checksum.reset(); })
            if (!in_fragment) layer.checksum.reset();
        },
        l);
    if (const auto* v4 = std::get_if<Ipv4>(&l)) in_fragment |= v4->mf || v4->offset != 0;
    in_fragment |= std::holds_alternative<Ipv6Fragment>(l);
  }
  return *this;
}

Packet& Packet::RecomputeLengths() {
  auto reset = [](auto&... lengths) { (lengths.reset(), ...); };
  for (Layer& l : layers_)
    std::visit(wire::Overload{
                   [&](Ipv4& x) { reset(x.hdr_len, x.len); },
                   [&](Ipv6& x) { reset(x.payload_length); },
                   [&](Ipv6HopByHop& x) { reset(x.length); },
                   [&](Ipv6DestOptions& x) { reset(x.length); },
                   [&](Ipv6Routing& x) { reset(x.length); },
                   [&](Pppoe& x) { reset(x.payload_len); },
                   [&](Tcp& x) { reset(x.hdr_len); },
                   [&](Udp& x) { reset(x.len); },
                   [&](Geneve& x) { reset(x.opt_len); },
                   [&](Dns& x) {
                     reset(x.qdcount, x.ancount, x.nscount, x.arcount);
                     for (auto* list : {&x.answers, &x.authorities, &x.additionals})
                       for (DnsResource& r : *list) r.rdlength.reset();
                   },
                   [](auto&) {},
               },
               l);
  return *this;
}

Bytes Packet::Build() const {
  Bytes payload;
  for (size_t i = layers_.size(); i-- > 0;) {
    const Layer* next = i + 1 < layers_.size() ? &layers_[i + 1] : nullptr;
    wire::Context context{payload, next, PseudoHeaderFor(layers_, i)};
    Bytes header = std::visit([&](const auto& l) { return wire::Encode(l, context); }, layers_[i]);
    PutBytes(header, payload);
    if (i < trailing_.size()) PutBytes(header, trailing_[i]);
    // Ethernet's padding and trailer end the frame, after every layer's trailing bytes.
    if (const auto* e = std::get_if<Ethernet>(&layers_[i])) {
      PutBytes(header, e->padding);
      PutBytes(header, e->trailer);
    }
    payload = std::move(header);
  }
  return payload;
}

}  // namespace pcapkit::ipsuite
