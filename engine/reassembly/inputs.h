// What the reassemblers take from a dissected frame: its first IP fragment and its first
// TCP segment, as pointers into the frame's bytes. Finding them is cheap and stateless,
// so the parallel stage does it; the serial stateful stage only consumes them.
#pragma once

#include <cstdint>

#include "pcapkit/frame.h"

namespace pcapkit::reassembly {

// Capture time in nanoseconds since the epoch: what timeouts compare.
int64_t ToNanos(const Timestamp& t);

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

struct TcpSegment {
  uint64_t frame = 0;
  Timestamp time;
  bool ipv6 = false;
  // The addresses are copied (4 or 16 bytes used): the serial stage then finds the
  // connection without touching the frame's headers again, long after they left the cache.
  uint8_t src[16] = {};
  uint8_t dst[16] = {};
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
