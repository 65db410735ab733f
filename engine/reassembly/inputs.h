// What the reassemblers take from a dissected frame: its first IP fragment and its first
// TCP segment, as pointers into the frame's bytes. Finding them is cheap and stateless,
// so the parallel stage does it; the serial stateful stage only consumes them.
#pragma once

#include <climits>
#include <cstdint>

#include "pcapkit/frame.h"

namespace pcapkit::reassembly {

// Capture time in nanoseconds since the epoch: what timeouts compare. Saturates for
// times more than ±292 years from 1970.
int64_t ToNanos(const Timestamp& t);

// now - then, saturated (hostile timestamps must not overflow a comparison).
inline int64_t Elapsed(int64_t now, int64_t then) {
  int64_t d;
  if (__builtin_sub_overflow(now, then, &d)) return now > then ? INT64_MAX : INT64_MIN;
  return d;
}

struct IpFragment {
  uint64_t frame = 0;
  Timestamp time;
  bool ipv6 = false;
  const uint8_t* src = nullptr;  // 4 or 16 bytes
  const uint8_t* dst = nullptr;
  uint32_t id = 0;
  uint8_t protocol = 0;  // IPv4 protocol / the Fragment header's next header
  uint32_t offset = 0;   // bytes
  bool mf = false;
  const uint8_t* header = nullptr;  // IPv4 header; IPv6: fixed + extension headers before
  uint32_t header_len = 0;          // the Fragment header
  const uint8_t* data = nullptr;    // fragment bytes as captured
  uint32_t data_len = 0;
  uint32_t wire_len = 0;  // fragment bytes on the wire (more when the capture cut them)
};

// A TCP connection's key: both endpoints, the lower (address, port) first, so the two
// directions share it. Compared in full; the hash only picks a slot.
struct FlowKey {
  bool ipv6 = false;
  uint16_t port_a = 0, port_b = 0;
  uint8_t addr_a[16] = {}, addr_b[16] = {};  // 4 or 16 bytes used, the rest zero
  bool operator==(const FlowKey& o) const;
};

struct TcpSegment {
  uint64_t frame = 0;
  Timestamp time;
  bool ipv6 = false;
  // The connection's key and its hash are made here, in the parallel stage, while the
  // headers are in cache: the serial stage only compares and probes.
  FlowKey key;
  uint64_t hash = 0;
  bool src_is_a = true;  // the sender is the key's endpoint a
  uint16_t srcport = 0, dstport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;  // the TCP flags byte
  const uint8_t* payload = nullptr;
  uint32_t len = 0;       // payload bytes captured
  uint32_t wire_len = 0;  // payload bytes on the wire

  bool syn() const { return flags & 0x02; }
  bool fin() const { return flags & 0x01; }
  bool rst() const { return flags & 0x04; }
  bool ack_flag() const { return flags & 0x10; }
};

struct FrameInputs {
  bool has_fragment = false;
  bool has_segment = false;
  IpFragment fragment;
  TcpSegment segment;
};

struct Wanted {
  bool ipv4 = false, ipv6 = false, tcp = false;
};

// Fills `out` from `frame`: the first IPv4/IPv6 fragment when wanted, and the first TCP
// segment when wanted and not inside a fragment (a fragment's TCP bytes come from its
// reassembled datagram). False when the frame offers nothing.
bool ExtractInputs(const Frame& frame, const Wanted& wanted, FrameInputs& out);

// The TCP segment of a dissected payload that starts with its TCP header (a reassembled
// datagram): addresses from the datagram. False when layer 0 is not TCP.
bool SegmentOfPayload(const Frame& packet, bool ipv6, const uint8_t* src, const uint8_t* dst,
                      TcpSegment& out);

}  // namespace pcapkit::reassembly
