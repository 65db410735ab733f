// Flows: one record per connection (TCP) or conversation (UDP, SCTP, ICMP, other IP
// protocols by address pair), with its Community ID, written when the flow ends. What
// `pcapkit flows` writes, and what the C++ API hands to its callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "pcapkit/frame.h"

namespace pcapkit {

struct FlowOptions {
  bool enabled = false;            // the `flows` verb, extract --flows FILE
  uint16_t community_id_seed = 0;  // --community-id-seed
  // --flow-timeout: seconds of idleness (capture time) after which a flow ends; 0 gives
  // each protocol Zeek's: TCP 300 s, UDP, ICMP and the others 60 s.
  double timeout = 0;
  size_t memory = 32 << 20;  // --flow-memory: bytes the flow table holds at most
};

// How a flow ended.
enum class FlowEnd : uint8_t {
  kFin,      // both sides sent a FIN (and the last ACK came, or the linger time passed)
  kRst,      // a RST
  kTimeout,  // idle longer than the timeout
  kEvicted,  // the oldest idle flow when the memory budget was full
  kReused,   // a new SYN opened another connection on the same 5-tuple
  kEof,      // still open when the capture ended
};
const char* FlowEndName(FlowEnd end);  // "fin", "rst", "timeout", ...

struct FlowRecord {
  uint64_t flow = 0;  // number in order of first appearance, from 0
  char community_id[31] = {};
  bool ipv6 = false;
  uint8_t proto = 0;
  // The originator: the SYN's sender (TCP), else the first packet's.
  uint8_t src[16] = {}, dst[16] = {};
  uint16_t srcport = 0, dstport = 0;  // ICMP: type and code as the spec maps them
  bool has_ports = false;             // TCP, UDP, SCTP, ICMP, ICMPv6
  Timestamp first, last;
  uint64_t first_frame = 0, last_frame = 0;
  uint64_t orig_packets = 0, orig_bytes = 0, resp_packets = 0, resp_bytes = 0;  // IP bytes
  uint64_t orig_payload = 0, resp_payload = 0;  // transport payload bytes
  bool tcp = false;
  std::string history;        // TCP: Zeek's history letters
  const char* state = "";     // TCP: Zeek's conn_state code
  uint64_t missed_bytes = 0;  // TCP: bytes acknowledged (or skipped) but never captured
  FlowEnd end = FlowEnd::kEof;
  int32_t vlan = -1;  // outermost VLAN id; -1: none
  // The protocol chain outside the flow's IP layer ("Ethernet:IPv4:UDP:VXLAN:Ethernet"),
  // empty when not tunnelled; the application protocol recognised on it ("" if none).
  std::string tunnel;
  std::string service;
};

}  // namespace pcapkit
