// Community ID v1 (corelight/community-id-spec): a flow's identifier that Zeek, Suricata,
// Wireshark and Arkime compute alike, so records of different tools join on it.
//
//   "1:" + base64(SHA-1(seed . src . dst . proto . 0 . srcport . dstport))
//
// with the endpoints ordered (lower address first, then lower port), and ICMP/ICMPv6
// type and code standing in for the ports: a message with a counterpart (echo request and
// reply, ...) is a two-way flow keyed by both types; any other is one-way, keyed by type
// and code as sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pcapkit::flows {

// A flow's endpoints as one packet shows them, sender first.
struct CommunityIdInput {
  bool ipv6 = false;
  const uint8_t* src = nullptr;  // 4 or 16 bytes
  const uint8_t* dst = nullptr;
  uint8_t proto = 0;  // IP protocol number
  // TCP, UDP, SCTP: the ports. ICMP (1) and ICMPv6 (58): the type and the code. Ignored
  // for every other protocol, which is keyed by the address pair alone.
  uint16_t srcport = 0, dstport = 0;
};

// The port pair Community ID hashes for `in` (ICMP: the mapped type pair, or type and
// code), sender first, and whether the flow is one-way (an ICMP type without a
// counterpart: its endpoints are then not reordered). The flow table keys flows by the
// same pair, so echo request and reply are one flow, as they are one Community ID.
struct CommunityIdPorts {
  uint16_t src = 0, dst = 0;
  bool one_way = false;
};
CommunityIdPorts PortsOf(const CommunityIdInput& in);

// The 20-byte SHA-1 digest behind the identifier.
void CommunityIdDigest(const CommunityIdInput& in, uint16_t seed, uint8_t digest[20]);

// "1:" and the base64 digest: 30 characters, written to `out` (at least 31 bytes with
// the terminating NUL); returns 30.
size_t CommunityId(const CommunityIdInput& in, uint16_t seed, char* out);

// The spec's alternative form: "1:" and the digest in lowercase hex (42 characters).
std::string CommunityIdHex(const CommunityIdInput& in, uint16_t seed);

}  // namespace pcapkit::flows
