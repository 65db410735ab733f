#include "engine/reassembly/inputs.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "pcapkit/layers.h"

namespace pcapkit::reassembly {

int64_t ToNanos(const Timestamp& t) {
  static constexpr uint64_t kPow10[] = {1,         10,         100,         1000,
                                        10000,     100000,     1000000,     10000000,
                                        100000000, 1000000000, 10000000000, 100000000000};
  // Seconds beyond ±292 years from 1970 (a corrupt or hostile timestamp) saturate: they
  // only need to order, never to wrap.
  constexpr int64_t kLimit = INT64_MAX / 1000000000 - 1;
  if (t.sec > kLimit) return INT64_MAX;
  if (t.sec < -kLimit) return INT64_MIN;
  int64_t ns = t.sec * 1000000000;
  uint64_t frac = 0;
  if (t.digits <= 9)
    frac = t.frac * kPow10[9 - t.digits];
  else if (t.digits <= 11)
    frac = t.frac / kPow10[t.digits - 9];
  else
    frac = t.frac / 1000;
  return ns + int64_t(std::min<uint64_t>(frac, 999999999));
}

bool FlowKey::operator==(const FlowKey& o) const {
  return port_a == o.port_a && port_b == o.port_b && ipv6 == o.ipv6 &&
         std::memcmp(addr_a, o.addr_a, 16) == 0 && std::memcmp(addr_b, o.addr_b, 16) == 0;
}

namespace {

uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint64_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Fills the segment's key, direction and hash from the addresses where they lie (the
// words are loaded from there, not from the key just written: no store-forwarding stall).
void FillFlow(TcpSegment& s, const uint8_t* src, const uint8_t* dst) {
  size_t n = s.ipv6 ? 16 : 4;
  int order = std::memcmp(src, dst, n);
  bool a = order < 0 || (order == 0 && s.srcport <= s.dstport);
  const uint8_t* pa = a ? src : dst;
  const uint8_t* pb = a ? dst : src;
  FlowKey& k = s.key;
  k = FlowKey{};
  k.ipv6 = s.ipv6;
  k.port_a = a ? s.srcport : s.dstport;
  k.port_b = a ? s.dstport : s.srcport;
  std::memcpy(k.addr_a, pa, n);
  std::memcpy(k.addr_b, pb, n);
  s.src_is_a = a;
  uint64_t w0, w1 = 0, w2, w3 = 0;
  if (s.ipv6) {
    w0 = Load64(pa);
    w1 = Load64(pa + 8);
    w2 = Load64(pb);
    w3 = Load64(pb + 8);
  } else {
    w0 = Load32(pa);
    w2 = Load32(pb);
  }
  uint64_t h = (uint64_t(k.port_a) << 17 | uint64_t(k.port_b) << 1 | uint64_t(k.ipv6)) *
               0x9e3779b97f4a7c15ull;
  h ^= (w0 ^ 0xa0761d6478bd642full) * 0xe7037ed1a0b428dbull;
  h ^= (w1 ^ 0x8ebc6af09c88c6e3ull) * 0x589965cc75374cc3ull;
  h ^= (w2 ^ 0x1d8e4e27c47d124full) * 0xa0761d6478bd642full;
  h ^= (w3 ^ 0xe7037ed1a0b428dbull) * 0x8ebc6af09c88c6e3ull;
  h ^= h >> 32;
  h *= 0x9e3779b97f4a7c15ull;
  s.hash = h ^ (h >> 29);
}

// Where the IP layer at `ip` ends on the wire: its length field, or what was captured
// when the field says "as captured" (0: TSO, jumbograms).
uint32_t WireEnd(const Frame& frame, const LayerSpan& ip) {
  const uint8_t* p = frame.data().data() + ip.offset;
  uint32_t length = ip.proto == ProtocolId::kIpv4 ? wire::Be16(p + 2) : 40u + wire::Be16(p + 4);
  bool as_captured = ip.proto == ProtocolId::kIpv4 ? length == 0 : length == 40;
  return ip.offset + (as_captured ? ip.length : length);
}

// Where a fragment lies: its IP header from `ip` up to `header_end`, its data after the
// own header of `carrier` (IPv4 itself, or IPv6's Fragment header), as captured and as on
// the wire.
void Locate(IpFragment& f, const Frame& frame, const LayerSpan& ip, uint32_t header_end,
            const LayerSpan& carrier) {
  const uint8_t* data = frame.data().data();
  f.frame = frame.number();
  f.time = frame.time();
  f.header = data + ip.offset;
  f.header_len = header_end - ip.offset;
  uint32_t at = carrier.offset + carrier.hdr_len;
  f.data = data + at;
  f.data_len = carrier.length - carrier.hdr_len;
  uint32_t end = WireEnd(frame, ip);
  f.wire_len = std::max(end > at ? end - at : 0u, f.data_len);
}

// The TCP segment of layer `l`, carried by the IP layer `ip`.
void FillSegment(const Frame& frame, const LayerSpan& ip, const LayerSpan& l, TcpSegment& s) {
  const uint8_t* data = frame.data().data();
  Tcp tcp(data + l.offset, l.length, l.hdr_len);
  s.frame = frame.number();
  s.time = frame.time();
  s.ipv6 = ip.proto == ProtocolId::kIpv6;
  const uint8_t* ipp = data + ip.offset;
  s.srcport = tcp.srcport();
  s.dstport = tcp.dstport();
  FillFlow(s, s.ipv6 ? ipp + 8 : ipp + 12, s.ipv6 ? ipp + 24 : ipp + 16);
  s.seq = tcp.seq();
  s.ack = tcp.ack();
  s.flags = tcp.flags();
  s.payload = data + l.offset + l.hdr_len;
  s.len = l.length - l.hdr_len;
  uint32_t end = WireEnd(frame, ip);
  s.wire_len = end > l.offset + l.hdr_len ? end - l.offset - l.hdr_len : 0;
  if (s.wire_len < s.len) s.wire_len = s.len;
}

}  // namespace

bool ExtractInputs(const Frame& frame, const Wanted& wanted, FrameInputs& out) {
  out.has_fragment = out.has_segment = false;
  const uint8_t* data = frame.data().data();
  const LayerSpan* ip = nullptr;  // the nearest IP layer so far
  bool in_fragment = false;
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    const LayerSpan& l = frame.layer(i);
    if (l.proto == ProtocolId::kIpv4) {
      ip = &l;
      Ipv4 v4(data + l.offset, l.length, l.hdr_len);
      if (!v4.mf() && v4.offset() == 0) continue;
      in_fragment = true;
      if (!wanted.ipv4 || out.has_fragment) break;
      IpFragment& f = out.fragment;
      f.ipv6 = false;
      f.src = v4.src();
      f.dst = v4.dst();
      f.id = v4.id();
      f.protocol = v4.protocol();
      f.offset = v4.offset();
      f.mf = v4.mf();
      Locate(f, frame, l, l.offset + l.hdr_len, l);
      out.has_fragment = true;
      break;
    }
    if (l.proto == ProtocolId::kIpv6) {
      ip = &l;
      continue;
    }
    if (l.proto == ProtocolId::kIpv6Frag && ip && ip->proto == ProtocolId::kIpv6) {
      Ipv6Frag fh(data + l.offset, l.length, l.hdr_len);
      // An atomic fragment (offset 0, no more) is a whole datagram: RFC 6946 has it
      // processed as such, apart from any fragment queue.
      if (fh.offset() == 0 && !fh.mf()) continue;
      in_fragment = true;
      if (!wanted.ipv6 || out.has_fragment) break;
      Ipv6 v6(data + ip->offset, ip->length, ip->hdr_len);
      IpFragment& f = out.fragment;
      f.ipv6 = true;
      f.src = v6.src();
      f.dst = v6.dst();
      f.id = fh.id();
      f.protocol = fh.next_header();
      f.offset = fh.offset();
      f.mf = fh.mf();
      Locate(f, frame, *ip, l.offset, l);  // the header stops before the Fragment header
      out.has_fragment = true;
      break;
    }
    if (l.proto == ProtocolId::kIpv6Frag) {  // under an IPv4 header (protocol 44): no key
      Ipv6Frag fh(data + l.offset, l.length, l.hdr_len);
      in_fragment |= fh.offset() != 0 || fh.mf();
      continue;
    }
    if (l.proto == ProtocolId::kTcp) {
      if (!wanted.tcp || in_fragment || ip == nullptr) break;
      // A header cut short (a first fragment's, however the fragment was marked) is no
      // segment: its fields past the cut are not there.
      if (l.hdr_len < Tcp::kFixedHeader ||
          Tcp(data + l.offset, l.length, l.hdr_len).hdr_len() != l.hdr_len)
        break;
      FillSegment(frame, *ip, l, out.segment);
      out.has_segment = true;
      break;
    }
  }
  return out.has_fragment || out.has_segment;
}

bool SegmentOfPayload(const Frame& packet, bool ipv6, const uint8_t* src, const uint8_t* dst,
                      TcpSegment& s) {
  if (packet.layer_count() == 0 || packet.layer(0).proto != ProtocolId::kTcp) return false;
  const LayerSpan& l = packet.layer(0);
  const uint8_t* data = packet.data().data();
  Tcp tcp(data + l.offset, l.length, l.hdr_len);
  s.frame = packet.number();
  s.time = packet.time();
  s.ipv6 = ipv6;
  s.srcport = tcp.srcport();
  s.dstport = tcp.dstport();
  FillFlow(s, src, dst);
  s.seq = tcp.seq();
  s.ack = tcp.ack();
  s.flags = tcp.flags();
  s.payload = data + l.offset + l.hdr_len;
  s.len = s.wire_len = l.length - l.hdr_len;
  return true;
}

}  // namespace pcapkit::reassembly
