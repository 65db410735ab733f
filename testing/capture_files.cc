#include "testing/capture_files.h"

// GCC 12 at -O3 reports false out-of-bounds memcpy inside std::vector growth when small
// vectors are appended (GCC bug 107852); this file only builds test fixtures.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace testutil {

using namespace pcapkit::ipsuite;

namespace {
void P32E(Bytes& b, uint32_t v, Endian e) {
  if (e == Endian::kBig) {
    Put32(b, v);
  } else {
    for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
  }
}
void P16E(Bytes& b, uint16_t v, Endian e) {
  if (e == Endian::kBig) {
    Put16(b, v);
  } else {
    b.push_back(uint8_t(v));
    b.push_back(uint8_t(v >> 8));
  }
}
}  // namespace

void PcapngBlocks::P16(Bytes& b, uint16_t v) const {
  P16E(b, v, endian_);
}
void PcapngBlocks::P32(Bytes& b, uint32_t v) const {
  P32E(b, v, endian_);
}

Bytes PcapngBlocks::Option(uint16_t code, const Bytes& value) const {
  Bytes b;
  P16(b, code);
  P16(b, uint16_t(value.size()));
  PutBytes(b, value);
  b.resize((b.size() + 3) / 4 * 4, 0);
  return b;
}

PcapngBlocks& PcapngBlocks::Block(uint32_t type, const Bytes& body) {
  Bytes padded = body;
  padded.resize((padded.size() + 3) / 4 * 4, 0);
  uint32_t len = uint32_t(12 + padded.size());
  P32(out_, type);
  P32(out_, len);
  PutBytes(out_, padded);
  P32(out_, len);
  return *this;
}

PcapngBlocks& PcapngBlocks::Section(Endian endian,
                                    const std::vector<std::pair<uint16_t, Bytes>>& options) {
  endian_ = endian;
  Bytes body;
  P32(body, 0x1A2B3C4D);
  P16(body, 1);
  P16(body, 0);
  P32(body, 0xffffffff);
  P32(body, 0xffffffff);
  for (const auto& [code, value] : options) PutBytes(body, Option(code, value));
  if (!options.empty()) PutBytes(body, Option(0, {}));
  return Block(0x0A0D0D0A, body);
}

PcapngBlocks& PcapngBlocks::Interface(uint16_t linktype, uint32_t snaplen, int tsresol,
                                      int64_t tsoffset, const std::string& name,
                                      const std::string& description) {
  Bytes body;
  P16(body, linktype);
  P16(body, 0);
  P32(body, snaplen);
  bool any = false;
  if (!name.empty()) {
    PutBytes(body, Option(2, Bytes(name.begin(), name.end())));
    any = true;
  }
  if (!description.empty()) {
    PutBytes(body, Option(3, Bytes(description.begin(), description.end())));
    any = true;
  }
  if (tsresol >= 0) {
    PutBytes(body, Option(9, Bytes{uint8_t(tsresol)}));
    any = true;
  }
  if (tsoffset != 0) {
    Bytes v;
    if (endian_ == Endian::kBig) {
      Put32(v, uint32_t(uint64_t(tsoffset) >> 32));
      Put32(v, uint32_t(tsoffset));
    } else {
      P32E(v, uint32_t(tsoffset), endian_);
      P32E(v, uint32_t(uint64_t(tsoffset) >> 32), endian_);
    }
    PutBytes(body, Option(14, v));
    any = true;
  }
  if (any) PutBytes(body, Option(0, {}));
  return Block(1, body);
}

PcapngBlocks& PcapngBlocks::Enhanced(uint32_t if_id, uint64_t ticks, const Bytes& data,
                                     int orig_len,
                                     const std::vector<std::pair<uint16_t, Bytes>>& options) {
  Bytes body;
  P32(body, if_id);
  P32(body, uint32_t(ticks >> 32));
  P32(body, uint32_t(ticks));
  P32(body, uint32_t(data.size()));
  P32(body, uint32_t(orig_len >= 0 ? orig_len : int(data.size())));
  PutBytes(body, data);
  if (!options.empty()) {
    body.resize((body.size() + 3) / 4 * 4, 0);
    for (const auto& [code, value] : options) PutBytes(body, Option(code, value));
    PutBytes(body, Option(0, {}));
  }
  return Block(6, body);
}

PcapngBlocks& PcapngBlocks::Simple(const Bytes& data, int orig_len) {
  Bytes body;
  P32(body, uint32_t(orig_len >= 0 ? orig_len : int(data.size())));
  PutBytes(body, data);
  return Block(3, body);
}

PcapngBlocks& PcapngBlocks::ObsoletePacket(uint16_t if_id, uint64_t ticks, const Bytes& data) {
  Bytes body;
  P16(body, if_id);
  P16(body, 0);
  P32(body, uint32_t(ticks >> 32));
  P32(body, uint32_t(ticks));
  P32(body, uint32_t(data.size()));
  P32(body, uint32_t(data.size()));
  PutBytes(body, data);
  return Block(2, body);
}

PcapngBlocks& PcapngBlocks::NameResolution(const char* ipv4, const char* name) {
  Bytes body, value;
  PutBytes(value, Ipv4Address(ipv4));
  for (const char* c = name;; ++c) {
    value.push_back(uint8_t(*c));
    if (*c == 0) break;
  }
  P16(body, 1);
  P16(body, uint16_t(value.size()));
  PutBytes(body, value);
  body.resize((body.size() + 3) / 4 * 4, 0);
  P16(body, 0);
  P16(body, 0);
  return Block(4, body);
}

PcapngBlocks& PcapngBlocks::Statistics(uint32_t if_id, uint64_t ifrecv) {
  Bytes body, v;
  P32(body, if_id);
  P32(body, 0);
  P32(body, 0);
  P32E(v, uint32_t(endian_ == Endian::kBig ? ifrecv >> 32 : ifrecv), endian_);
  P32E(v, uint32_t(endian_ == Endian::kBig ? ifrecv : ifrecv >> 32), endian_);
  PutBytes(body, Option(4, v));
  PutBytes(body, Option(0, {}));
  return Block(5, body);
}

PcapngBlocks& PcapngBlocks::DecryptionSecrets(uint32_t type, const Bytes& secret) {
  Bytes body;
  P32(body, type);
  P32(body, uint32_t(secret.size()));
  PutBytes(body, secret);
  return Block(0x0A, body);
}

PcapngBlocks& PcapngBlocks::Custom(uint32_t pen, const Bytes& data, bool copyable) {
  Bytes body;
  P32(body, pen);
  PutBytes(body, data);
  return Block(copyable ? 0x00000BAD : 0x40000BAD, body);
}

Bytes RawPcapFile(const RawPcapSpec& s, const std::vector<CapturedFrame>& frames) {
  Bytes b;
  uint32_t magic = s.modified ? 0xa1b2cd34 : s.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4;
  P32E(b, magic, s.endian);
  P16E(b, 2, s.endian);
  P16E(b, 4, s.endian);
  P32E(b, 0, s.endian);
  P32E(b, 0, s.endian);
  P32E(b, s.snaplen, s.endian);
  P32E(b, s.linktype, s.endian);
  for (const CapturedFrame& f : frames) {
    P32E(b, uint32_t(f.sec), s.endian);
    P32E(b, s.nanosecond ? f.nsec : f.nsec / 1000, s.endian);
    P32E(b, uint32_t(f.data.size()), s.endian);
    P32E(b, f.len ? *f.len : uint32_t(f.data.size()), s.endian);
    if (s.modified) {
      P32E(b, 7, s.endian);  // ifindex
      P16E(b, 0x0800, s.endian);
      b.push_back(0);
      b.push_back(0);
    }
    PutBytes(b, f.data);
  }
  return b;
}

Bytes SnoopFile(const std::vector<CapturedFrame>& frames, uint32_t datalink) {
  Bytes b{'s', 'n', 'o', 'o', 'p', 0, 0, 0};
  Put32(b, 2);
  Put32(b, datalink);
  for (const CapturedFrame& f : frames) {
    uint32_t rec_len = uint32_t(24 + (f.data.size() + 3) / 4 * 4);
    Put32(b, f.len ? *f.len : uint32_t(f.data.size()));
    Put32(b, uint32_t(f.data.size()));
    Put32(b, rec_len);
    Put32(b, 0);
    Put32(b, uint32_t(f.sec));
    Put32(b, f.nsec / 1000);
    PutBytes(b, f.data);
    b.resize(b.size() + (rec_len - 24 - f.data.size()), 0);
  }
  return b;
}

std::vector<CapturedFrame> TcpFrames(int n, uint32_t first_second) {
  std::vector<CapturedFrame> frames;
  for (int i = 0; i < n; ++i) {
    Packet p = Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .seq = uint32_t(i)} / Bytes{'d'};
    frames.push_back({.data = p.Build(), .sec = first_second + uint32_t(i)});
  }
  return frames;
}

Bytes TlsHandshakeRecord(uint8_t type, const Bytes& body) {
  Bytes hs{type, uint8_t(body.size() >> 16), uint8_t(body.size() >> 8), uint8_t(body.size())};
  PutBytes(hs, body);
  Bytes rec{22, 3, 1, uint8_t(hs.size() >> 8), uint8_t(hs.size())};
  PutBytes(rec, hs);
  return rec;
}

Bytes Gzip(const Bytes& data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&zs, uLong(data.size())) + 32);
  zs.next_in = const_cast<uint8_t*>(data.data());
  zs.avail_in = uInt(data.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Bytes Zstd(const Bytes& data) {
  Bytes out(ZSTD_compressBound(data.size()));
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

std::string WriteTemp(const Bytes& data, const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir ? dir : "/tmp") + "/pcapkit-test-XXXXXX" + suffix;
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemps(name.data(), int(suffix.size()));
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  ::close(fd);
  std::ofstream(name.data(), std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
  return name.data();
}

}  // namespace testutil
