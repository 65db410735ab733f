// What the flow table takes from a dissected frame: the flow's key (both endpoints, the
// lower first, so both directions share it) and hash, the direction, the sizes and the
// TCP header fields the connection states follow. Finding them is stateless, so the
// parallel stage does it while the frame's bytes are in cache; the serial flow stage only
// probes and counts. Addresses point into the frame's bytes (valid while its batch is).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "pcapkit/frame.h"

namespace pcapkit::flows {

// A flow's identity: protocol and both endpoints, endpoint a the lower (address, port).
// ICMP "ports" are the type pair Community ID maps them to, so an echo request and its
// reply are one flow; a protocol without ports has them 0.
struct FlowKey {
  bool ipv6 = false;
  uint8_t proto = 0;
  uint16_t port_a = 0, port_b = 0;
  uint16_t zero = 0;                         // explicit padding, so keys compare as words
  uint8_t addr_a[16] = {}, addr_b[16] = {};  // 4 or 16 bytes used, the rest zero
  bool operator==(const FlowKey& o) const {
    // Word compares: the serial stage makes one per packet.
    return Word(0) == o.Word(0) && Word(1) == o.Word(1) && Word(2) == o.Word(2) &&
           Word(3) == o.Word(3) && Word(4) == o.Word(4);
  }

 private:
  uint64_t Word(int i) const {
    uint64_t w;
    std::memcpy(&w, reinterpret_cast<const uint8_t*>(this) + 8 * i, 8);
    return w;
  }
};
static_assert(sizeof(FlowKey) == 40, "FlowKey compares as five words, padding included");

// The protocols outside a tunnelled flow's IP layer, innermost last (at most this many).
constexpr int kMaxTunnel = 12;

struct FlowPacket {
  uint64_t frame = 0;
  // Where the frame is in its batch, and (filled by the parallel stage for the stages that
  // write it) where its record is: the splice points at which extract --flow-id inserts
  // its members (WorkItem::splices[splice_from, + splice_count)), and its trace record's
  // place in WorkItem::trace_records.
  uint32_t batch_index = 0;
  uint32_t splice_from = 0, splice_count = 0;
  uint32_t record_at = 0, record_len = 0;
  Timestamp time;
  int64_t time_ns = 0;  // capture time in nanoseconds: what the timeouts compare
  FlowKey key;
  uint64_t hash = 0;
  bool src_is_a = true;          // the sender is the key's endpoint a
  bool one_way = false;          // an ICMP type without a counterpart: never reordered
  const uint8_t* src = nullptr;  // the sender's address, 4 or 16 bytes (Community ID)
  const uint8_t* dst = nullptr;
  uint16_t srcport = 0, dstport = 0;  // as sent (ICMP: type and code)
  uint32_t ip_bytes = 0;              // the IP packet's length on the wire
  uint32_t payload_bytes = 0;         // the transport's payload on the wire
  // The transport's payload as captured (UDP datagrams for `analyse`); null when the
  // transport header itself was not captured or the packet is a later fragment.
  const uint8_t* payload = nullptr;
  uint32_t payload_captured = 0;

  // TCP (proto 6 with its header captured).
  bool tcp = false;
  uint8_t flags = 0;
  uint32_t seq = 0, ack = 0;
  uint16_t window = 0;

  // A fragment of an IPv4/IPv6 datagram. A non-first fragment carries no ports: the flow
  // table finds its flow by (addresses, protocol, id), from the first fragment.
  bool fragment = false, first_fragment = false;
  uint32_t fragment_id = 0;

  int32_t vlan = -1;                       // outermost VLAN id, -1: none
  ProtocolId service = ProtocolId::kNone;  // the application protocol found on it
  uint8_t tunnel_count = 0;                // 0: not tunnelled
  ProtocolId tunnel[kMaxTunnel] = {};

  bool syn() const { return flags & 0x02; }
  bool fin() const { return flags & 0x01; }
  bool rst() const { return flags & 0x04; }
  bool ack_flag() const { return flags & 0x10; }
};

// Fills `out` from `frame`'s IP flow: its innermost IP layer outside any ICMP error's
// quote. False when the frame has no IP layer.
bool ExtractFlowPacket(const Frame& frame, FlowPacket& out);

}  // namespace pcapkit::flows
