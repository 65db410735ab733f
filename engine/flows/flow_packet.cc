#include "engine/flows/flow_packet.h"

#include <algorithm>
#include <cstring>

#include "engine/flows/community_id.h"
#include "engine/reassembly/inputs.h"
#include "pcapkit/layers.h"

namespace pcapkit::flows {

namespace {

constexpr uint8_t kTcp = 6, kUdp = 17, kSctp = 132, kIcmp = 1, kIcmpv6 = 58;

// The flow's IP layer: the innermost one, not counting what an ICMP error quotes.
int FlowIpLayer(const Frame& frame) {
  int ip = -1;
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    ProtocolId p = frame.layer(i).proto;
    if (p == ProtocolId::kIcmp || p == ProtocolId::kIcmpv6) break;
    if (p == ProtocolId::kIpv4 || p == ProtocolId::kIpv6) ip = int(i);
  }
  return ip;
}

// Where the transport header starts and which protocol it is; for IPv6 past the
// extension headers (walked on the bytes, within what was captured), noting a Fragment
// header on the way.
struct Transport {
  uint32_t offset = 0;  // in the frame
  uint8_t proto = 0;
  uint32_t ip_end = 0;  // where the IP packet ends on the wire (may pass the capture)
};

Transport OfIpv4(const Frame& frame, const LayerSpan& ip, FlowPacket& out) {
  Ipv4 v4(frame.data().data() + ip.offset, ip.length, ip.hdr_len);
  out.fragment = v4.mf() || v4.offset() != 0;
  out.first_fragment = out.fragment && v4.offset() == 0;
  out.fragment_id = v4.id();
  uint32_t length = v4.total_length() != 0 ? v4.total_length() : ip.length;
  return {ip.offset + ip.hdr_len, v4.protocol(), ip.offset + length};
}

Transport OfIpv6(const Frame& frame, const LayerSpan& ip, FlowPacket& out) {
  const uint8_t* data = frame.data().data();
  Ipv6 v6(data + ip.offset, ip.length, ip.hdr_len);
  uint32_t end = ip.offset + ip.length;  // captured
  Transport t{ip.offset + 40, v6.next_header(),
              ip.offset + (v6.payload_length() != 0 ? 40u + v6.payload_length() : ip.length)};
  for (int n = 0; n < 16 && t.offset + 8 <= end; ++n) {
    const uint8_t* h = data + t.offset;
    if (t.proto == 44) {  // Fragment
      uint16_t word = wire::Be16(h + 2);
      bool more = word & 1;
      uint16_t offset = word >> 3;
      if (more || offset != 0) {
        out.fragment = true;
        out.first_fragment = offset == 0;
        out.fragment_id = wire::Be32(h + 4);
      }
      t.proto = h[0];
      t.offset += 8;
    } else if (t.proto == 0 || t.proto == 43 || t.proto == 60) {
      t.proto = h[0];
      t.offset += (uint32_t(h[1]) + 1) * 8;
    } else {
      break;
    }
  }
  return t;
}

// Ports (ICMP: type and code) and sizes from the transport header's bytes, when captured.
void ReadTransport(const Frame& frame, const Transport& t, FlowPacket& out) {
  const uint8_t* data = frame.data().data();
  uint32_t captured = frame.cap_len();
  uint32_t payload_at = t.offset;
  bool ports = t.proto == kTcp || t.proto == kUdp || t.proto == kSctp;
  bool icmp = t.proto == kIcmp || t.proto == kIcmpv6;
  bool header = !(out.fragment && !out.first_fragment);
  bool parsed = header && (ports || icmp) && t.offset + 4 <= captured;
  if (parsed) {
    const uint8_t* h = data + t.offset;
    out.srcport = ports ? wire::Be16(h) : h[0];
    out.dstport = ports ? wire::Be16(h + 2) : h[1];
    payload_at += t.proto == kTcp ? 20 : t.proto == kSctp ? 12 : 8;
    if (t.proto == kTcp && t.offset + 20 <= captured) {
      out.tcp = true;
      out.seq = wire::Be32(h + 4);
      out.ack = wire::Be32(h + 8);
      out.flags = h[13];
      out.window = wire::Be16(h + 14);
      payload_at = t.offset + std::max<uint32_t>(20, (h[12] >> 4) * 4u);
    }
  }
  out.payload_bytes = t.ip_end > payload_at ? t.ip_end - payload_at : 0;
  uint32_t captured_end = std::min(captured, t.ip_end);
  // Only past a transport header that was captured whole: a cut header is no payload.
  bool have = parsed && !out.fragment && payload_at <= captured_end;
  out.payload = have ? data + payload_at : nullptr;
  out.payload_captured = have ? captured_end - payload_at : 0;
}

// memcmp's order of two addresses, without a library call for 4 or 16 bytes.
int CompareAddresses(const uint8_t* x, const uint8_t* y, bool ipv6) {
  auto word = [](const uint8_t* p, int i) {
    uint64_t w = 0;
    std::memcpy(&w, p + 8 * i, 8);
    return __builtin_bswap64(w);
  };
  if (!ipv6) {
    uint32_t a, b;
    std::memcpy(&a, x, 4);
    std::memcpy(&b, y, 4);
    a = __builtin_bswap32(a), b = __builtin_bswap32(b);
    return a < b ? -1 : a > b;
  }
  for (int i = 0; i < 2; ++i) {
    uint64_t a = word(x, i), b = word(y, i);
    if (a != b) return a < b ? -1 : 1;
  }
  return 0;
}

// The key, with endpoint a the lower (address, port) unless the flow is one-way, and its
// hash (the words loaded where the addresses lie).
void FillKey(FlowPacket& p, bool ipv6, uint8_t proto) {
  CommunityIdPorts ports{p.srcport, p.dstport, false};
  if (proto == kIcmp || proto == kIcmpv6)
    ports = PortsOf({ipv6, p.src, p.dst, proto, p.srcport, p.dstport});
  p.one_way = ports.one_way;
  size_t n = ipv6 ? 16 : 4;
  int order = CompareAddresses(p.src, p.dst, ipv6);
  bool a = p.one_way || order < 0 || (order == 0 && ports.src <= ports.dst);
  FlowKey& k = p.key;
  k = FlowKey{};
  k.ipv6 = ipv6;
  k.proto = proto;
  k.port_a = a ? ports.src : ports.dst;
  k.port_b = a ? ports.dst : ports.src;
  std::memcpy(k.addr_a, a ? p.src : p.dst, n);
  std::memcpy(k.addr_b, a ? p.dst : p.src, n);
  p.src_is_a = a;
  uint64_t h = (uint64_t(k.port_a) << 24 | uint64_t(k.port_b) << 8 | proto) * 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < n; i += 4) {
    uint32_t wa, wb;
    std::memcpy(&wa, k.addr_a + i, 4);
    std::memcpy(&wb, k.addr_b + i, 4);
    h ^= (uint64_t(wa) << 32 | wb) + 0xa0761d6478bd642full + (h << 6) + (h >> 2);
    h *= 0xe7037ed1a0b428dbull;
  }
  h ^= h >> 32;
  p.hash = h * 0x9e3779b97f4a7c15ull ^ uint64_t(ipv6);
}

// VLAN, tunnel and service: what the layers around the flow's IP layer say.
void Describe(const Frame& frame, int ip, uint32_t transport_offset, FlowPacket& out) {
  out.vlan = -1;
  out.tunnel_count = 0;
  out.service = ProtocolId::kNone;
  bool tunnelled = false;
  for (int i = 0; i < ip; ++i) {
    const LayerSpan& l = frame.layer(size_t(i));
    if (l.proto == ProtocolId::kVlan && out.vlan < 0)
      out.vlan = Vlan(frame.data().data() + l.offset, l.length, l.hdr_len).vid();
    tunnelled = tunnelled || l.proto == ProtocolId::kIpv4 || l.proto == ProtocolId::kIpv6;
  }
  if (tunnelled) {
    out.tunnel_count = uint8_t(std::min(ip, kMaxTunnel));
    for (int i = 0; i < out.tunnel_count; ++i) out.tunnel[i] = frame.layer(size_t(i)).proto;
  }
  // The application protocol: the layer after the transport's, when one was recognised.
  for (size_t i = size_t(ip) + 1; i + 1 < frame.layer_count(); ++i) {
    if (frame.layer(i).offset != transport_offset) continue;
    ProtocolId next = frame.layer(i + 1).proto;
    if (next != ProtocolId::kRaw) out.service = next;
    break;
  }
}

}  // namespace

bool ExtractFlowPacket(const Frame& frame, FlowPacket& out) {
  int ip = FlowIpLayer(frame);
  if (ip < 0) return false;
  const LayerSpan& l = frame.layer(size_t(ip));
  bool ipv6 = l.proto == ProtocolId::kIpv6;
  const uint8_t* p = frame.data().data() + l.offset;
  out.frame = frame.number();
  out.time = frame.time();
  out.time_ns = reassembly::ToNanos(out.time);
  out.fragment = out.first_fragment = out.tcp = false;
  out.srcport = out.dstport = 0;
  out.flags = 0;
  Transport t = ipv6 ? OfIpv6(frame, l, out) : OfIpv4(frame, l, out);
  out.ip_bytes = t.ip_end - l.offset;
  out.src = ipv6 ? p + 8 : p + 12;
  out.dst = ipv6 ? p + 24 : p + 16;
  ReadTransport(frame, t, out);
  FillKey(out, ipv6, t.proto);
  Describe(frame, ip, t.offset, out);
  return true;
}

}  // namespace pcapkit::flows
