// Fragments of a datagram and the segments of a TCP connection, for reassembly tests and
// anyone who wants such traffic built.
#include <algorithm>

#include "ipsuite/wire.h"

namespace pcapkit::ipsuite {
namespace {

size_t FirstIpLayer(const std::vector<Layer>& layers) {
  for (size_t i = 0; i < layers.size(); ++i)
    if (std::holds_alternative<Ipv4>(layers[i]) || std::holds_alternative<Ipv6>(layers[i]))
      return i;
  throw BuildError("ipsuite: Fragment: the packet has no IP layer");
}

// Past the IPv6 header: the extension headers every fragment repeats (RFC 8200 §4.5).
size_t UnfragmentableEnd(const std::vector<Layer>& layers, size_t ip) {
  size_t end = ip + 1;
  if (std::holds_alternative<Ipv4>(layers[ip])) return end;
  while (end < layers.size() && (std::holds_alternative<Ipv6HopByHop>(layers[end]) ||
                                 std::holds_alternative<Ipv6Routing>(layers[end])))
    ++end;
  return end;
}

}  // namespace

std::vector<Packet> Fragment(const Packet& datagram, const std::vector<FragmentSlice>& slices,
                             uint32_t id) {
  const std::vector<Layer>& layers = datagram.layers();
  size_t ip = FirstIpLayer(layers);
  size_t keep = UnfragmentableEnd(layers, ip);
  // The fragmentable part, built whole in the datagram's context: the packet as far as it
  // goes, less the headers before it.
  Bytes whole = datagram.Build();
  Bytes outer = Packet({layers.begin(), layers.begin() + long(keep)}).Build();
  // `outer` was built with nothing inside, so only its length is right: what follows it in
  // `whole` is the fragmentable part.
  Bytes part(whole.begin() + long(outer.size()), whole.end());
  std::optional<uint8_t> inner_protocol;
  if (keep < layers.size()) {
    Bytes empty;
    wire::Context c{empty, &layers[keep], std::nullopt};
    inner_protocol = wire::IpProtocolOf(c, "Fragment");
  }
  std::vector<Packet> fragments;
  for (const FragmentSlice& s : slices) {
    if (s.offset > part.size() || s.length > part.size() - s.offset)
      throw BuildError("ipsuite: Fragment: a slice runs past the datagram's payload");
    bool more = s.offset + s.length < part.size();
    std::vector<Layer> f(layers.begin(), layers.begin() + long(keep));
    if (auto* v4 = std::get_if<Ipv4>(&f[ip])) {
      v4->offset = uint16_t(s.offset);
      v4->mf = more;
      v4->len.reset();
      v4->checksum.reset();
      if (!v4->protocol) v4->protocol = inner_protocol;
    } else {
      std::get<Ipv6>(f[ip]).payload_length.reset();
      // The header before the fragment header now says 44, whatever the datagram said.
      std::visit(
          [](auto& l) {
            if constexpr (requires { l.next.reset(); }) l.next.reset();
          },
          f.back());
      f.push_back(
          Ipv6Fragment{.offset = uint16_t(s.offset), .mf = more, .id = id, .next = inner_protocol});
    }
    f.push_back(Raw{Bytes(part.begin() + s.offset, part.begin() + s.offset + s.length)});
    fragments.emplace_back(std::move(f));
  }
  return fragments;
}

std::vector<Packet> Fragment(const Packet& datagram, uint32_t size, uint32_t id) {
  if (size == 0 || size % 8 != 0)
    throw BuildError("ipsuite: Fragment: the size is not a positive multiple of 8");
  const std::vector<Layer>& layers = datagram.layers();
  size_t keep = UnfragmentableEnd(layers, FirstIpLayer(layers));
  Packet outer({layers.begin(), layers.begin() + long(keep)});
  size_t total = datagram.Build().size() - outer.Build().size();
  std::vector<FragmentSlice> slices;
  for (uint32_t at = 0; at < total; at += size)
    slices.push_back({at, uint32_t(std::min<size_t>(size, total - at))});
  return Fragment(datagram, slices, id);
}

TcpConversation::TcpConversation(Endpoint client, Endpoint server, uint32_t client_isn,
                                 uint32_t server_isn)
    : end_{std::move(client), std::move(server)},
      isn_{client_isn, server_isn},
      next_{client_isn, server_isn},
      v6_(end_[0].address.find(':') != std::string::npos) {}

Packet TcpConversation::Make(Side from, uint32_t seq, uint8_t flags, const Bytes& data) const {
  Side to = from == kClient ? kServer : kClient;
  const Endpoint &src = end_[from], &dst = end_[to];
  Packet p(
      {Ethernet{.dst = from == kClient ? kMacB : kMacA, .src = from == kClient ? kMacA : kMacB}});
  if (v6_)
    p.Append(Ipv6{.src = src.address, .dst = dst.address});
  else
    p.Append(Ipv4{.src = src.address, .dst = dst.address});
  // Before the other side's SYN is seen there is nothing to acknowledge.
  bool acking = (flags & kAck) != 0;
  p.Append(Tcp{.srcport = src.port,
               .dstport = dst.port,
               .seq = seq,
               .ack = acking ? next_[to] : 0,
               .flags = flags});
  if (!data.empty()) p.Append(Raw{data});
  return p;
}

std::vector<Packet> TcpConversation::Handshake() {
  std::vector<Packet> p;
  p.push_back(Make(kClient, next_[kClient], kSyn, {}));
  ++next_[kClient];
  p.push_back(Make(kServer, next_[kServer], kSyn | kAck, {}));
  ++next_[kServer];
  p.push_back(Make(kClient, next_[kClient], kAck, {}));
  return p;
}

std::vector<Packet> TcpConversation::Send(Side from, const Bytes& data, size_t mss) {
  std::vector<Packet> p;
  for (size_t at = 0; at < data.size(); at += mss) {
    size_t n = std::min(mss, data.size() - at);
    bool last = at + n == data.size();
    p.push_back(Make(from, next_[from], last ? kAck | kPsh : kAck,
                     Bytes(data.begin() + long(at), data.begin() + long(at + n))));
    next_[from] += uint32_t(n);
  }
  return p;
}

Packet TcpConversation::Segment(Side from, uint32_t offset, const Bytes& data,
                                uint8_t flags) const {
  return Make(from, isn_[from] + 1 + offset, flags, data);
}

Packet TcpConversation::Ack(Side from) const {
  return Make(from, next_[from], kAck, {});
}

std::vector<Packet> TcpConversation::Close(Side first) {
  Side second = first == kClient ? kServer : kClient;
  std::vector<Packet> p;
  p.push_back(Make(first, next_[first], kFin | kAck, {}));
  ++next_[first];
  p.push_back(Make(second, next_[second], kFin | kAck, {}));
  ++next_[second];
  p.push_back(Make(first, next_[first], kAck, {}));
  return p;
}

Packet TcpConversation::Reset(Side from) {
  return Make(from, next_[from], kRst | kAck, {});
}

}  // namespace pcapkit::ipsuite
