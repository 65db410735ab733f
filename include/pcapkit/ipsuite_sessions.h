// ipsuite: what reassembly tests need built — a datagram cut into fragments, a TCP
// connection's byte streams cut into segments with their sequence numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcapkit/ipsuite.h"

namespace pcapkit::ipsuite {

// Bytes [offset, offset + length) of a datagram's IP payload.
struct FragmentSlice {
  uint32_t offset = 0;  // a multiple of 8 but in the last slice, as the wire wants
  uint32_t length = 0;
};

// `datagram`'s first IP layer cut into one packet per slice, in the slices' order —
// reordered, overlapping, duplicated or leaving holes as they say. Its payload is built
// whole first (transport checksums as for the unfragmented datagram); the layers before
// the IP layer are copied into every fragment. IPv4 fragments keep the header's id and
// options; IPv6 fragments get a fragment header with `id` after the unfragmentable
// extension headers (hop-by-hop, routing).
std::vector<Packet> Fragment(const Packet& datagram, const std::vector<FragmentSlice>& slices,
                             uint32_t id = 0x1234);
// Cut into pieces of `size` bytes (a multiple of 8), in order.
std::vector<Packet> Fragment(const Packet& datagram, uint32_t size, uint32_t id = 0x1234);

// One TCP connection between a client and a server over Ethernet and IPv4 or IPv6 (by the
// addresses' form), each side's sequence numbers kept: every packet acknowledges what the
// other side has sent so far.
class TcpConversation {
 public:
  enum Side { kClient, kServer };
  struct Endpoint {
    std::string address;
    uint16_t port;
  };

  TcpConversation(Endpoint client, Endpoint server, uint32_t client_isn = 1000,
                  uint32_t server_isn = 5000);

  // SYN, SYN-ACK, ACK.
  std::vector<Packet> Handshake();
  // `data` from one side in segments of at most `mss` bytes (PSH on the last).
  std::vector<Packet> Send(Side from, const Bytes& data, size_t mss = 1460);
  // A segment at `offset` bytes into the side's stream (0: the first data byte) that
  // changes nothing: a retransmission, an overlap, or data beyond a hole.
  Packet Segment(Side from, uint32_t offset, const Bytes& data, uint8_t flags = kAck | kPsh) const;
  // An empty ACK.
  Packet Ack(Side from) const;
  // FIN from `first`, FIN from the other side, and the last ACK.
  std::vector<Packet> Close(Side first = kClient);
  Packet Reset(Side from);

  // The sequence number the side sends next.
  uint32_t next_seq(Side side) const { return next_[side]; }

 private:
  Packet Make(Side from, uint32_t seq, uint8_t flags, const Bytes& data) const;

  Endpoint end_[2];
  uint32_t isn_[2];
  uint32_t next_[2];
  bool v6_;
};

}  // namespace pcapkit::ipsuite
