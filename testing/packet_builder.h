// ipsuite: builds packets and capture files for tests, byte by byte, so every test says
// exactly what is on the wire. Multi-byte fields are written big-endian (network order)
// unless a capture writer's byte order says otherwise.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ipsuite {

using Bytes = std::vector<uint8_t>;

struct Mac {
  uint8_t b[6];
};
constexpr Mac kMacA{{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}};
constexpr Mac kMacB{{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}};

// Appends in network order.
void Put8(Bytes& b, uint8_t v);
void Put16(Bytes& b, uint16_t v);
void Put32(Bytes& b, uint32_t v);
void PutBytes(Bytes& b, const Bytes& v);
Bytes Concat(std::initializer_list<Bytes> parts);
Bytes Ipv4Addr(const char* dotted);
Bytes Ipv6Addr(const char* text);

Bytes Ethernet(Mac dst, Mac src, uint16_t type, const Bytes& payload);
Bytes Vlan(uint8_t pcp, bool dei, uint16_t vid, uint16_t type, const Bytes& payload);
Bytes Arp(uint16_t oper, Mac sha, const char* spa, Mac tha, const char* tpa);

struct Ipv4Spec {
  const char* src = "10.0.0.1";
  const char* dst = "10.0.0.2";
  uint8_t protocol = 17;
  uint8_t ttl = 64;
  uint16_t id = 0x1234;
  bool df = false, mf = false;
  uint16_t offset_bytes = 0;
  uint8_t dscp = 0, ecn = 0;
  Bytes options;          // padded to 4 bytes by the caller
  int total_length = -1;  // -1: computed
  int ihl_words = -1;     // -1: computed
};
Bytes Ipv4(const Ipv4Spec& spec, const Bytes& payload);

struct Ipv6Spec {
  const char* src = "2001:db8::1";
  const char* dst = "2001:db8::2";
  uint8_t next = 17;
  uint8_t hop_limit = 64;
  uint8_t traffic_class = 0;
  uint32_t flow_label = 0;
  int payload_length = -1;
};
Bytes Ipv6(const Ipv6Spec& spec, const Bytes& payload);
// Generic extension header with 8-octet length: next, then `body` padded to 8n-2 bytes.
Bytes Ipv6Ext(uint8_t next, const Bytes& body, const Bytes& payload);
Bytes Ipv6Fragment(uint8_t next, uint16_t offset_bytes, bool mf, uint32_t id, const Bytes& payload);

struct TcpSpec {
  uint16_t sport = 40000, dport = 80;
  uint32_t seq = 1000, ack = 0;
  uint8_t flags = 0x02;  // SYN
  uint16_t window = 65535;
  uint16_t urgent = 0;
  Bytes options;  // padded to 4 bytes by the caller
  int data_offset_words = -1;
};
Bytes Tcp(const TcpSpec& spec, const Bytes& payload);
Bytes Udp(uint16_t sport, uint16_t dport, const Bytes& payload, int length = -1);
// IPv4 packets of a TCP segment or a UDP datagram between two addresses (the flow tests'
// usual packet), every other field the builder's default.
Bytes Ipv4Tcp(const char* src, const char* dst, uint16_t sport, uint16_t dport, uint32_t seq,
              uint32_t ack, uint8_t flags, const Bytes& payload = {});
Bytes Ipv4Udp(const char* src, const char* dst, uint16_t sport, uint16_t dport,
              const Bytes& payload);
Bytes Icmp(uint8_t type, uint8_t code, uint32_t rest, const Bytes& payload);
// A TLS record (content type 22, version 0x0301) holding one handshake message.
Bytes TlsHandshakeRecord(uint8_t type, const Bytes& body);
Bytes Icmpv6(uint8_t type, uint8_t code, const Bytes& body);

// A frame in a capture.
struct Record {
  Bytes data;
  uint32_t sec = 1500000000;
  uint32_t frac = 0;  // µs or ns per the file
  int orig_len = -1;  // -1: data.size()
  uint32_t interface = 0;
};

enum class Endian { kLittle, kBig };

struct PcapSpec {
  Endian endian = Endian::kLittle;
  bool nanosecond = false;
  bool modified = false;  // Kuznetzov's a1b2cd34 format
  uint32_t linktype = 1;
  uint32_t snaplen = 65535;
};
Bytes PcapFile(const PcapSpec& spec, const std::vector<Record>& records);
// `n` Ethernet/IPv4/TCP frames of one data byte each, sequence numbers 0..n-1, one second
// apart from `first_second`.
std::vector<Record> TcpFrames(int n, uint32_t first_second = 1600000000);

// pcapng, block by block.
class PcapngWriter {
 public:
  explicit PcapngWriter(Endian endian = Endian::kLittle) : endian_(endian) {}
  PcapngWriter& Section(Endian endian, const std::vector<std::pair<uint16_t, Bytes>>& options = {});
  // tsresol: the if_tsresol byte, or -1 for none (µs).
  PcapngWriter& Interface(uint16_t linktype, uint32_t snaplen = 0, int tsresol = -1,
                          int64_t tsoffset = 0, const std::string& name = "",
                          const std::string& description = "");
  // `options`: (code, value) pairs after the data, then the end of options.
  PcapngWriter& Enhanced(uint32_t if_id, uint64_t ticks, const Bytes& data, int orig_len = -1,
                         const std::vector<std::pair<uint16_t, Bytes>>& options = {});
  PcapngWriter& Simple(const Bytes& data, int orig_len = -1);
  PcapngWriter& ObsoletePacket(uint16_t if_id, uint64_t ticks, const Bytes& data);
  PcapngWriter& NameResolution(const char* ipv4, const char* name);
  PcapngWriter& Statistics(uint32_t if_id, uint64_t ifrecv);
  PcapngWriter& DecryptionSecrets(uint32_t type, const Bytes& secret);
  PcapngWriter& Custom(uint32_t pen, const Bytes& data, bool copyable = true);
  PcapngWriter& Block(uint32_t type, const Bytes& body);  // any block, e.g. unknown types
  const Bytes& bytes() const { return out_; }

 private:
  void P16(Bytes& b, uint16_t v) const;
  void P32(Bytes& b, uint32_t v) const;
  Bytes Option(uint16_t code, const Bytes& value) const;
  Endian endian_;
  Bytes out_;
};

Bytes SnoopFile(const std::vector<Record>& records, uint32_t datalink = 4);

// Compression, for the transparent-decompression tests.
Bytes Gzip(const Bytes& data);
Bytes Zstd(const Bytes& data);

std::string WriteTemp(const Bytes& data, const std::string& suffix);

}  // namespace ipsuite
