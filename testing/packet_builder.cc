#include "testing/packet_builder.h"

// GCC 12 at -O3 reports false out-of-bounds memcpy inside std::vector growth when small
// vectors are appended (GCC bug 107852); this file only builds test fixtures.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif

#include <arpa/inet.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ipsuite {

void Put8(Bytes& b, uint8_t v) {
  b.push_back(v);
}
void Put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void Put32(Bytes& b, uint32_t v) {
  Put16(b, uint16_t(v >> 16));
  Put16(b, uint16_t(v));
}
void PutBytes(Bytes& b, const Bytes& v) {
  b.insert(b.end(), v.begin(), v.end());
}
Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) PutBytes(out, p);
  return out;
}

Bytes Ipv4Addr(const char* dotted) {
  Bytes b(4);
  if (inet_pton(AF_INET, dotted, b.data()) != 1) throw std::invalid_argument(dotted);
  return b;
}
Bytes Ipv6Addr(const char* text) {
  Bytes b(16);
  if (inet_pton(AF_INET6, text, b.data()) != 1) throw std::invalid_argument(text);
  return b;
}

static uint16_t Checksum(const Bytes& b) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < b.size(); i += 2) sum += uint32_t(b[i] << 8 | b[i + 1]);
  if (b.size() & 1) sum += uint32_t(b.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

// Byte by byte: GCC 12 warns falsely on vector::insert from small arrays.
static void PutMac(Bytes& b, const Mac& m) {
  for (uint8_t x : m.b) b.push_back(x);
}

Bytes Ethernet(Mac dst, Mac src, uint16_t type, const Bytes& payload) {
  Bytes b;
  PutMac(b, dst);
  PutMac(b, src);
  Put16(b, type);
  PutBytes(b, payload);
  return b;
}

Bytes Vlan(uint8_t pcp, bool dei, uint16_t vid, uint16_t type, const Bytes& payload) {
  Bytes b;
  Put16(b, uint16_t(pcp << 13 | (dei ? 0x1000 : 0) | (vid & 0xfff)));
  Put16(b, type);
  PutBytes(b, payload);
  return b;
}

Bytes Arp(uint16_t oper, Mac sha, const char* spa, Mac tha, const char* tpa) {
  Bytes b;
  Put16(b, 1);
  Put16(b, 0x0800);
  Put8(b, 6);
  Put8(b, 4);
  Put16(b, oper);
  PutMac(b, sha);
  PutBytes(b, Ipv4Addr(spa));
  PutMac(b, tha);
  PutBytes(b, Ipv4Addr(tpa));
  return b;
}

Bytes Ipv4(const Ipv4Spec& s, const Bytes& payload) {
  size_t hdr = 20 + s.options.size();
  Bytes b;
  Put8(b, uint8_t(0x40 | (s.ihl_words >= 0 ? s.ihl_words : int(hdr / 4))));
  Put8(b, uint8_t(s.dscp << 2 | s.ecn));
  Put16(b, uint16_t(s.total_length >= 0 ? s.total_length : int(hdr + payload.size())));
  Put16(b, s.id);
  Put16(b, uint16_t((s.df ? 0x4000 : 0) | (s.mf ? 0x2000 : 0) | (s.offset_bytes / 8)));
  Put8(b, s.ttl);
  Put8(b, s.protocol);
  Put16(b, 0);
  PutBytes(b, Ipv4Addr(s.src));
  PutBytes(b, Ipv4Addr(s.dst));
  PutBytes(b, s.options);
  uint16_t c = Checksum(b);
  b[10] = uint8_t(c >> 8);
  b[11] = uint8_t(c);
  PutBytes(b, payload);
  return b;
}

Bytes Ipv6(const Ipv6Spec& s, const Bytes& payload) {
  Bytes b;
  Put32(b, 6u << 28 | uint32_t(s.traffic_class) << 20 | (s.flow_label & 0xfffff));
  Put16(b, uint16_t(s.payload_length >= 0 ? s.payload_length : int(payload.size())));
  Put8(b, s.next);
  Put8(b, s.hop_limit);
  PutBytes(b, Ipv6Addr(s.src));
  PutBytes(b, Ipv6Addr(s.dst));
  PutBytes(b, payload);
  return b;
}

Bytes Ipv6Ext(uint8_t next, const Bytes& body, const Bytes& payload) {
  size_t total = (body.size() + 2 + 7) / 8 * 8;
  Bytes b;
  Put8(b, next);
  Put8(b, uint8_t(total / 8 - 1));
  PutBytes(b, body);
  b.resize(total, 0);
  PutBytes(b, payload);
  return b;
}

Bytes Ipv6Fragment(uint8_t next, uint16_t offset_bytes, bool mf, uint32_t id,
                   const Bytes& payload) {
  Bytes b;
  Put8(b, next);
  Put8(b, 0);
  Put16(b, uint16_t((offset_bytes / 8) << 3 | (mf ? 1 : 0)));
  Put32(b, id);
  PutBytes(b, payload);
  return b;
}

Bytes Tcp(const TcpSpec& s, const Bytes& payload) {
  size_t hdr = 20 + s.options.size();
  Bytes b;
  Put16(b, s.sport);
  Put16(b, s.dport);
  Put32(b, s.seq);
  Put32(b, s.ack);
  Put8(b, uint8_t((s.data_offset_words >= 0 ? s.data_offset_words : int(hdr / 4)) << 4));
  Put8(b, s.flags);
  Put16(b, s.window);
  Put16(b, 0xbeef);
  Put16(b, s.urgent);
  PutBytes(b, s.options);
  PutBytes(b, payload);
  return b;
}

Bytes Ipv4Tcp(const char* src, const char* dst, uint16_t sport, uint16_t dport, uint32_t seq,
              uint32_t ack, uint8_t flags, const Bytes& payload) {
  Ipv4Spec ip;
  ip.src = src;
  ip.dst = dst;
  ip.protocol = 6;
  TcpSpec t;
  t.sport = sport;
  t.dport = dport;
  t.seq = seq;
  t.ack = ack;
  t.flags = flags;
  return Ipv4(ip, Tcp(t, payload));
}

Bytes Ipv4Udp(const char* src, const char* dst, uint16_t sport, uint16_t dport,
              const Bytes& payload) {
  Ipv4Spec ip;
  ip.src = src;
  ip.dst = dst;
  ip.protocol = 17;
  return Ipv4(ip, Udp(sport, dport, payload));
}

Bytes Udp(uint16_t sport, uint16_t dport, const Bytes& payload, int length) {
  Bytes b;
  Put16(b, sport);
  Put16(b, dport);
  Put16(b, uint16_t(length >= 0 ? length : int(8 + payload.size())));
  Put16(b, 0x1234);
  PutBytes(b, payload);
  return b;
}

Bytes Icmp(uint8_t type, uint8_t code, uint32_t rest, const Bytes& payload) {
  Bytes b;
  Put8(b, type);
  Put8(b, code);
  Put16(b, 0);
  Put32(b, rest);
  PutBytes(b, payload);
  uint16_t c = Checksum(b);
  b[2] = uint8_t(c >> 8);
  b[3] = uint8_t(c);
  return b;
}

Bytes Icmpv6(uint8_t type, uint8_t code, const Bytes& body) {
  Bytes b;
  b.reserve(4 + body.size());
  Put8(b, type);
  Put8(b, code);
  Put16(b, 0xabcd);
  PutBytes(b, body);
  return b;
}

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

std::vector<Record> TcpFrames(int n, uint32_t first_second) {
  std::vector<Record> r;
  for (int i = 0; i < n; ++i) {
    TcpSpec t;
    t.seq = uint32_t(i);
    Ipv4Spec ip;
    ip.protocol = 6;
    r.push_back(
        {Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Tcp(t, {'d'}))), first_second + uint32_t(i), 0});
  }
  return r;
}

Bytes TlsHandshakeRecord(uint8_t type, const Bytes& body) {
  Bytes hs{type, uint8_t(body.size() >> 16), uint8_t(body.size() >> 8), uint8_t(body.size())};
  PutBytes(hs, body);
  Bytes rec{22, 3, 1, uint8_t(hs.size() >> 8), uint8_t(hs.size())};
  PutBytes(rec, hs);
  return rec;
}

Bytes PcapFile(const PcapSpec& s, const std::vector<Record>& records) {
  Bytes b;
  uint32_t magic = s.modified ? 0xa1b2cd34 : s.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4;
  P32E(b, magic, s.endian);
  P16E(b, 2, s.endian);
  P16E(b, 4, s.endian);
  P32E(b, 0, s.endian);
  P32E(b, 0, s.endian);
  P32E(b, s.snaplen, s.endian);
  P32E(b, s.linktype, s.endian);
  for (const Record& r : records) {
    P32E(b, r.sec, s.endian);
    P32E(b, r.frac, s.endian);
    P32E(b, uint32_t(r.data.size()), s.endian);
    P32E(b, uint32_t(r.orig_len >= 0 ? r.orig_len : int(r.data.size())), s.endian);
    if (s.modified) {
      P32E(b, 7, s.endian);  // ifindex
      P16E(b, 0x0800, s.endian);
      b.push_back(0);
      b.push_back(0);
    }
    PutBytes(b, r.data);
  }
  return b;
}

void PcapngWriter::P16(Bytes& b, uint16_t v) const {
  P16E(b, v, endian_);
}
void PcapngWriter::P32(Bytes& b, uint32_t v) const {
  P32E(b, v, endian_);
}

Bytes PcapngWriter::Option(uint16_t code, const Bytes& value) const {
  Bytes b;
  P16(b, code);
  P16(b, uint16_t(value.size()));
  PutBytes(b, value);
  b.resize((b.size() + 3) / 4 * 4, 0);
  return b;
}

PcapngWriter& PcapngWriter::Block(uint32_t type, const Bytes& body) {
  Bytes padded = body;
  padded.resize((padded.size() + 3) / 4 * 4, 0);
  uint32_t len = uint32_t(12 + padded.size());
  P32(out_, type);
  P32(out_, len);
  PutBytes(out_, padded);
  P32(out_, len);
  return *this;
}

PcapngWriter& PcapngWriter::Section(Endian endian,
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

PcapngWriter& PcapngWriter::Interface(uint16_t linktype, uint32_t snaplen, int tsresol,
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

PcapngWriter& PcapngWriter::Enhanced(uint32_t if_id, uint64_t ticks, const Bytes& data,
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

PcapngWriter& PcapngWriter::Simple(const Bytes& data, int orig_len) {
  Bytes body;
  P32(body, uint32_t(orig_len >= 0 ? orig_len : int(data.size())));
  PutBytes(body, data);
  return Block(3, body);
}

PcapngWriter& PcapngWriter::ObsoletePacket(uint16_t if_id, uint64_t ticks, const Bytes& data) {
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

PcapngWriter& PcapngWriter::NameResolution(const char* ipv4, const char* name) {
  Bytes body, value = Ipv4Addr(ipv4);
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

PcapngWriter& PcapngWriter::Statistics(uint32_t if_id, uint64_t ifrecv) {
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

PcapngWriter& PcapngWriter::DecryptionSecrets(uint32_t type, const Bytes& secret) {
  Bytes body;
  P32(body, type);
  P32(body, uint32_t(secret.size()));
  PutBytes(body, secret);
  return Block(0x0A, body);
}

PcapngWriter& PcapngWriter::Custom(uint32_t pen, const Bytes& data, bool copyable) {
  Bytes body;
  P32(body, pen);
  PutBytes(body, data);
  return Block(copyable ? 0x00000BAD : 0x40000BAD, body);
}

Bytes SnoopFile(const std::vector<Record>& records, uint32_t datalink) {
  Bytes b{'s', 'n', 'o', 'o', 'p', 0, 0, 0};
  Put32(b, 2);
  Put32(b, datalink);
  for (const Record& r : records) {
    uint32_t rec_len = uint32_t(24 + (r.data.size() + 3) / 4 * 4);
    Put32(b, uint32_t(r.orig_len >= 0 ? r.orig_len : int(r.data.size())));
    Put32(b, uint32_t(r.data.size()));
    Put32(b, rec_len);
    Put32(b, 0);
    Put32(b, r.sec);
    Put32(b, r.frac);
    PutBytes(b, r.data);
    b.resize(b.size() + (rec_len - 24 - r.data.size()), 0);
  }
  return b;
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

}  // namespace ipsuite
