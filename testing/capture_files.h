// Capture files byte by byte, for the reader's tests: pcapng block by block (any block,
// any option, either byte order, the obsolete and the odd ones), the modified pcap
// format, snoop, and compressed inputs. Well-formed pcap and pcapng files of built frames
// come from the public builder (pcapkit/ipsuite.h); these make the files it would not.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pcapkit/ipsuite.h"

namespace testutil {

using pcapkit::ipsuite::Bytes;
using pcapkit::ipsuite::CapturedFrame;

enum class Endian { kLittle, kBig };

class PcapngBlocks {
 public:
  explicit PcapngBlocks(Endian endian = Endian::kLittle) : endian_(endian) {}
  PcapngBlocks& Section(Endian endian, const std::vector<std::pair<uint16_t, Bytes>>& options = {});
  // tsresol: the if_tsresol byte, or -1 for none (µs).
  PcapngBlocks& Interface(uint16_t linktype, uint32_t snaplen = 0, int tsresol = -1,
                          int64_t tsoffset = 0, const std::string& name = "",
                          const std::string& description = "");
  // `options`: (code, value) pairs after the data, then the end of options.
  PcapngBlocks& Enhanced(uint32_t if_id, uint64_t ticks, const Bytes& data, int orig_len = -1,
                         const std::vector<std::pair<uint16_t, Bytes>>& options = {});
  PcapngBlocks& Simple(const Bytes& data, int orig_len = -1);
  PcapngBlocks& ObsoletePacket(uint16_t if_id, uint64_t ticks, const Bytes& data);
  PcapngBlocks& NameResolution(const char* ipv4, const char* name);
  PcapngBlocks& Statistics(uint32_t if_id, uint64_t ifrecv);
  PcapngBlocks& DecryptionSecrets(uint32_t type, const Bytes& secret);
  PcapngBlocks& Custom(uint32_t pen, const Bytes& data, bool copyable = true);
  PcapngBlocks& Block(uint32_t type, const Bytes& body);  // any block, e.g. unknown types
  const Bytes& bytes() const { return out_; }

 private:
  void P16(Bytes& b, uint16_t v) const;
  void P32(Bytes& b, uint32_t v) const;
  Bytes Option(uint16_t code, const Bytes& value) const;
  Endian endian_;
  Bytes out_;
};

// A pcap file of `frames` in any byte order and either timestamp resolution, with the
// snaplen and link type given; `modified`: Kuznetzov's a1b2cd34 format, whose records
// carry more fields. Timestamps are written from `nsec` in the file's resolution.
struct RawPcapSpec {
  Endian endian = Endian::kLittle;
  bool nanosecond = false;
  bool modified = false;
  uint32_t linktype = 1;
  uint32_t snaplen = 65535;
};
Bytes RawPcapFile(const RawPcapSpec& spec, const std::vector<CapturedFrame>& frames);

Bytes SnoopFile(const std::vector<CapturedFrame>& frames, uint32_t datalink = 4);

// Compression, for the transparent-decompression tests.
Bytes Gzip(const Bytes& data);
Bytes Zstd(const Bytes& data);

// `data` in a new temporary file named with `suffix`; its path.
std::string WriteTemp(const Bytes& data, const std::string& suffix);

// `n` Ethernet/IPv4/TCP frames of one data byte each, sequence numbers 0..n-1, one second
// apart from `first_second`.
std::vector<CapturedFrame> TcpFrames(int n, uint32_t first_second = 1600000000);

// A TLS record (content type 22, version 0x0301) holding one handshake message.
Bytes TlsHandshakeRecord(uint8_t type, const Bytes& body);

}  // namespace testutil
