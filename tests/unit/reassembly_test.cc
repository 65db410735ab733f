// Reassembly, through the public API (Extractor frames fed to a Reassembler) on captures
// the tests craft: every ordering of 3-5 fragments, overlaps with equal and conflicting
// bytes, missing first/middle/last fragments, IPv6 extension headers before the Fragment
// header, timeouts and budgets; TCP in and out of order, retransmissions, sequence
// wrap-around, SYN-less streams, RST mid-way, gaps, messages, idle timeout, caps.
#include "pcapkit/reassembly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "pcapkit/extractor.h"
#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"

using namespace pcapkit::ipsuite;
using namespace testutil;

namespace {

// What the callbacks were given, copied out (their views die with the call).
struct Got {
  struct D {
    pcapkit::ReassemblyStatus status;
    bool conflict, oversize, ipv6;
    uint32_t id;
    uint8_t protocol;
    std::vector<uint64_t> index;
    Bytes header, payload;
    std::vector<std::pair<uint64_t, uint64_t>> runs, gaps;  // (offset, len)
    int64_t total;
    std::string packet;  // the dissected packet's chain
  };
  struct S {
    pcapkit::ReassemblyStatus status;
    pcapkit::StreamEnd end;
    bool from_client, conflict, has_ack;
    uint32_t ack, seq, part;
    uint64_t connection, offset;
    uint16_t srcport, dstport;
    std::vector<uint64_t> index;
    Bytes payload, received;                          // received: every run's bytes, back to back
    std::vector<std::pair<uint64_t, uint64_t>> gaps;  // (seq, len)
    std::string packet;
  };
  std::vector<D> datagrams;
  std::vector<S> streams;
  std::vector<pcapkit::ConnectionInfo> closed;
  pcapkit::ReassemblyStats stats;

  // Every stream record of one direction, concatenated in order.
  Bytes Direction(bool from_client, uint64_t connection = 1) const {
    Bytes out;
    for (const S& s : streams)
      if (s.from_client == from_client && s.connection == connection)
        out.insert(out.end(), s.received.begin(), s.received.end());
    return out;
  }
};

std::string Chain(const pcapkit::Frame* f) {
  if (f == nullptr) return "";
  std::string s;
  for (size_t i = 0; i < f->layer_count(); ++i) {
    if (i) s += ":";
    s += pcapkit::ProtocolName(f->layer(i).proto);
  }
  return s;
}

Got Reassemble(const std::vector<CapturedFrame>& records, pcapkit::ReassemblyOptions options) {
  std::string path = WriteTemp(PcapFile(records), ".pcap");
  Got got;
  pcapkit::ReassemblyCallbacks cb;
  cb.datagram = [&](const pcapkit::Datagram& d) {
    Got::D x;
    x.status = d.status;
    x.conflict = d.conflict;
    x.oversize = d.oversize;
    x.ipv6 = d.ipv6;
    x.id = d.id;
    x.protocol = d.protocol;
    x.index.assign(d.index.begin(), d.index.end());
    x.header.assign(d.header.begin(), d.header.end());
    x.payload.assign(d.payload.begin(), d.payload.end());
    for (const auto& r : d.runs) x.runs.push_back({r.seq, r.data.size()});
    for (const auto& g : d.gaps) x.gaps.push_back({g.seq, g.len});
    x.total = d.total_length;
    x.packet = Chain(d.packet);
    got.datagrams.push_back(std::move(x));
  };
  cb.stream = [&](const pcapkit::StreamData& s) {
    Got::S x;
    x.status = s.status;
    x.end = s.end;
    x.from_client = s.from_client;
    x.conflict = s.conflict;
    x.has_ack = s.has_ack;
    x.ack = s.ack;
    x.seq = s.seq;
    x.part = s.part;
    x.connection = s.connection;
    x.offset = s.offset;
    x.srcport = s.src.port;
    x.dstport = s.dst.port;
    x.index.assign(s.index.begin(), s.index.end());
    x.payload.assign(s.payload.begin(), s.payload.end());
    for (const auto& r : s.runs) x.received.insert(x.received.end(), r.data.begin(), r.data.end());
    for (const auto& g : s.gaps) x.gaps.push_back({g.seq, g.len});
    x.packet = Chain(s.packet);
    got.streams.push_back(std::move(x));
  };
  cb.closed = [&](const pcapkit::ConnectionInfo& c) { got.closed.push_back(c); };
  {
    pcapkit::Extractor ex({.input = path});
    pcapkit::Reassembler r(options, cb);
    while (const pcapkit::Frame* f = ex.Next()) r.Feed(*f);
    r.Finish();
    got.stats = r.stats();
  }
  std::filesystem::remove(path);
  return got;
}

pcapkit::ReassemblyOptions Ip() {
  pcapkit::ReassemblyOptions o;
  o.ipv4 = o.ipv6 = true;
  return o;
}
pcapkit::ReassemblyOptions TcpOnly() {
  pcapkit::ReassemblyOptions o;
  o.tcp = true;
  return o;
}

Bytes Pattern(size_t n, uint8_t seed = 1) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(seed + i * 7 + (i >> 8));
  return b;
}

// A UDP datagram cut into fragments at `cuts` (byte offsets, multiples of 8).
struct Piece {
  uint32_t offset;
  Bytes data;
  bool mf;
};
std::vector<Piece> Cut(const Bytes& payload, const std::vector<uint32_t>& cuts) {
  std::vector<Piece> out;
  std::vector<uint32_t> edges = cuts;
  edges.insert(edges.begin(), 0);
  edges.push_back(uint32_t(payload.size()));
  for (size_t i = 0; i + 1 < edges.size(); ++i)
    out.push_back({edges[i], Bytes(payload.begin() + edges[i], payload.begin() + edges[i + 1]),
                   i + 2 < edges.size()});
  return out;
}

// The UDP datagram's bytes alone (no IP layer to sum a checksum over), to be cut.
Bytes UdpDatagram(uint16_t sport, uint16_t dport, const Bytes& payload) {
  return (Udp{.srcport = sport, .dstport = dport} / payload).Build();
}

Bytes V4Fragment(const Piece& f, uint16_t id = 77, const char* src = "10.0.0.1") {
  return (Ethernet{} /
          Ipv4{.src = src, .id = id, .mf = f.mf, .offset = uint16_t(f.offset), .protocol = 17} /
          f.data)
      .Build();
}

Bytes V6Fragment(const Piece& f, uint32_t id = 77, bool with_extensions = false) {
  Packet p = Ethernet{} / Ipv6{};
  // Hop-by-Hop (0) then Destination Options (60) before the Fragment header (44).
  if (with_extensions) p = p / Ipv6HopByHop{} / Ipv6DestOptions{};
  return (p / Ipv6Fragment{.offset = uint16_t(f.offset), .mf = f.mf, .id = id, .next = 17} / f.data)
      .Build();
}

// One frame a microsecond, from `start_sec`.
std::vector<CapturedFrame> Frames(const std::vector<Bytes>& frames,
                                  int64_t start_sec = 1500000000) {
  std::vector<CapturedFrame> out;
  for (size_t i = 0; i < frames.size(); ++i)
    out.push_back({.data = frames[i], .sec = start_sec, .nsec = uint32_t(i) * 1000});
  return out;
}

// ---------------------------------------------------------------- IP fragments

TEST(IpReassembly, EveryOrderingOfThreeToFiveFragments) {
  Bytes udp = UdpDatagram(5000, 53, Pattern(600));
  for (size_t n : {3u, 4u, 5u}) {
    std::vector<uint32_t> cuts;
    for (size_t i = 1; i < n; ++i) cuts.push_back(uint32_t(i * 128));
    std::vector<Piece> frags = Cut(udp, cuts);
    ASSERT_EQ(frags.size(), n);
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    int permutations = 0;
    do {
      for (bool v6 : {false, true}) {
        std::vector<Bytes> frames;
        for (size_t i : order) frames.push_back(v6 ? V6Fragment(frags[i]) : V4Fragment(frags[i]));
        Got got = Reassemble(Frames(frames), Ip());
        ASSERT_EQ(got.datagrams.size(), 1u) << n << " fragments, v6 " << v6;
        const Got::D& d = got.datagrams[0];
        EXPECT_EQ(d.status, pcapkit::ReassemblyStatus::kComplete);
        EXPECT_EQ(d.payload, udp);
        EXPECT_FALSE(d.conflict);
        EXPECT_EQ(d.total, int64_t(udp.size()));
        EXPECT_EQ(d.index.size(), n);
        EXPECT_EQ(d.index.back(), n);  // completed by the last frame
        EXPECT_EQ(d.packet.rfind("UDP", 0), 0u) << d.packet;
        EXPECT_EQ(d.header.size(), v6 ? 40u : 20u);
      }
      ++permutations;
    } while (std::next_permutation(order.begin(), order.end()));
    EXPECT_EQ(permutations, n == 3 ? 6 : n == 4 ? 24 : 120);
  }
}

TEST(IpReassembly, Ipv6ExtensionHeadersBeforeTheFragmentHeader) {
  Bytes udp = UdpDatagram(5000, 9999, Pattern(300));
  std::vector<Piece> frags = Cut(udp, {104, 208});
  std::vector<Bytes> frames;
  for (int i : {2, 0, 1}) frames.push_back(V6Fragment(frags[i], 0xabcdef01, true));
  Got got = Reassemble(Frames(frames), Ip());
  ASSERT_EQ(got.datagrams.size(), 1u);
  EXPECT_EQ(got.datagrams[0].status, pcapkit::ReassemblyStatus::kComplete);
  EXPECT_EQ(got.datagrams[0].payload, udp);
  EXPECT_EQ(got.datagrams[0].id, 0xabcdef01u);
  EXPECT_EQ(got.datagrams[0].protocol, 17);
  // The unfragmentable part: the fixed header, Hop-by-Hop and Destination Options.
  EXPECT_EQ(got.datagrams[0].header.size(), 40u + 8u + 8u);
  EXPECT_EQ(got.datagrams[0].packet.rfind("UDP", 0), 0u);
}

TEST(IpReassembly, DuplicateFragmentsWithEqualBytesAreNoConflict) {
  Bytes udp = UdpDatagram(1, 2, Pattern(200));
  auto f = Cut(udp, {64, 128});
  Got got = Reassemble(
      Frames({V4Fragment(f[0]), V4Fragment(f[1]), V4Fragment(f[1]), V4Fragment(f[2])}), Ip());
  ASSERT_EQ(got.datagrams.size(), 1u);
  EXPECT_EQ(got.datagrams[0].payload, udp);
  EXPECT_FALSE(got.datagrams[0].conflict);
  EXPECT_EQ(got.datagrams[0].index, (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST(IpReassembly, ConflictingOverlapFollowsThePolicyAndIsFlagged) {
  Bytes udp = UdpDatagram(1, 2, Pattern(200));
  auto f = Cut(udp, {64, 128});
  Piece evil = f[1];
  for (auto& b : evil.data) b ^= 0xff;
  std::vector<Bytes> frames = {V4Fragment(f[0]), V4Fragment(f[1]), V4Fragment(evil),
                               V4Fragment(f[2])};
  Got first = Reassemble(Frames(frames), Ip());
  ASSERT_EQ(first.datagrams.size(), 1u);
  EXPECT_TRUE(first.datagrams[0].conflict);
  EXPECT_EQ(first.datagrams[0].payload, udp);  // the first bytes stand
  EXPECT_EQ(first.stats.conflicts, 1u);

  pcapkit::ReassemblyOptions last = Ip();
  last.overlap = pcapkit::OverlapPolicy::kLast;
  Got later = Reassemble(Frames(frames), last);
  ASSERT_EQ(later.datagrams.size(), 1u);
  EXPECT_TRUE(later.datagrams[0].conflict);
  Bytes expected = udp;
  std::copy(evil.data.begin(), evil.data.end(), expected.begin() + 64);
  EXPECT_EQ(later.datagrams[0].payload, expected);

  // A partial overlap: a fragment straddling two others, differing only where it overlaps.
  Piece straddle{32, Bytes(udp.begin() + 32, udp.begin() + 96), true};
  straddle.data[40] ^= 1;  // offset 72: inside f[1]
  Got partial = Reassemble(
      Frames({V4Fragment(f[0]), V4Fragment(f[1]), V4Fragment(straddle), V4Fragment(f[2])}), Ip());
  ASSERT_EQ(partial.datagrams.size(), 1u);
  EXPECT_TRUE(partial.datagrams[0].conflict);
  EXPECT_EQ(partial.datagrams[0].payload, udp);
}

TEST(IpReassembly, MissingFirstMiddleOrLastIsPartialWithItsGaps) {
  Bytes udp = UdpDatagram(1, 2, Pattern(376));  // 384 bytes: three 128-byte fragments
  auto f = Cut(udp, {128, 256});
  struct Case {
    std::vector<int> present;
    std::vector<std::pair<uint64_t, uint64_t>> runs, gaps;
    int64_t total;
    size_t header;
  } cases[] = {
      {{1, 2}, {{128, 256}}, {{0, 128}}, 384, 0},               // no first: no header
      {{0, 2}, {{0, 128}, {256, 128}}, {{128, 128}}, 384, 20},  // no middle
      {{0, 1}, {{0, 256}}, {}, -1, 20},                         // no last: length unknown
  };
  for (const Case& c : cases) {
    std::vector<Bytes> frames;
    for (int i : c.present) frames.push_back(V4Fragment(f[i]));
    Got got = Reassemble(Frames(frames), Ip());
    ASSERT_EQ(got.datagrams.size(), 1u);
    const Got::D& d = got.datagrams[0];
    EXPECT_EQ(d.status, pcapkit::ReassemblyStatus::kPartial);
    EXPECT_TRUE(d.payload.empty());  // never zero-filled and called complete
    EXPECT_EQ(d.runs, c.runs);
    EXPECT_EQ(d.gaps, c.gaps);
    EXPECT_EQ(d.total, c.total);
    EXPECT_EQ(d.header.size(), c.header);
    EXPECT_EQ(d.packet, "");
  }
}

TEST(IpReassembly, TimeoutInCaptureTimeIsReportedAndConfigurable) {
  Bytes udp = UdpDatagram(1, 2, Pattern(200));
  auto f = Cut(udp, {104});
  std::vector<CapturedFrame> records = {{.data = V4Fragment(f[0]), .sec = 1000},
                                        {.data = V4Fragment(f[1]), .sec = 1020}};
  Got got = Reassemble(records, Ip());  // 20 s apart: past IPv4's 15 s
  ASSERT_EQ(got.datagrams.size(), 2u);
  EXPECT_EQ(got.datagrams[0].status, pcapkit::ReassemblyStatus::kTimedOut);
  EXPECT_EQ(got.datagrams[0].index, std::vector<uint64_t>{1});
  EXPECT_EQ(got.datagrams[1].status, pcapkit::ReassemblyStatus::kPartial);  // at the end
  EXPECT_EQ(got.stats.datagrams_timed_out, 1u);

  pcapkit::ReassemblyOptions patient = Ip();
  patient.ipv4_timeout = 30;
  Got later = Reassemble(records, patient);
  ASSERT_EQ(later.datagrams.size(), 1u);
  EXPECT_EQ(later.datagrams[0].status, pcapkit::ReassemblyStatus::kComplete);

  // IPv6 waits 60 s by default: the same 20 s completes.
  Got v6 = Reassemble(
      {{.data = V6Fragment(f[0]), .sec = 1000}, {.data = V6Fragment(f[1]), .sec = 1020}}, Ip());
  ASSERT_EQ(v6.datagrams.size(), 1u);
  EXPECT_EQ(v6.datagrams[0].status, pcapkit::ReassemblyStatus::kComplete);
}

TEST(IpReassembly, KeysCompareInFull) {
  // Same id from two sources, and same source/id with another protocol: three datagrams.
  Bytes udp = UdpDatagram(1, 2, Pattern(100));
  auto f = Cut(udp, {56});
  Bytes other_proto = (Ethernet{} / Ipv4{.id = 77, .mf = true, .protocol = 1} / f[0].data).Build();
  Got got = Reassemble(Frames({V4Fragment(f[0], 77, "10.0.0.1"), V4Fragment(f[0], 77, "10.0.0.9"),
                               other_proto, V4Fragment(f[1], 77, "10.0.0.1")}),
                       Ip());
  ASSERT_EQ(got.datagrams.size(), 3u);
  EXPECT_EQ(got.datagrams[0].status, pcapkit::ReassemblyStatus::kComplete);
  EXPECT_EQ(got.datagrams[0].payload, udp);
  EXPECT_EQ(got.datagrams[1].status, pcapkit::ReassemblyStatus::kPartial);
  EXPECT_EQ(got.datagrams[2].status, pcapkit::ReassemblyStatus::kPartial);
}

TEST(IpReassembly, WholePacketsAndAtomicFragmentsAreNotReassembled) {
  Udp udp{.srcport = 1, .dstport = 2};
  Bytes atomic =
      (Ethernet{} / Ipv6{} / Ipv6Fragment{.offset = 0, .mf = false, .id = 5} / udp / Pattern(20))
          .Build();
  Got got = Reassemble(Frames({(Ethernet{} / Ipv4{.df = true} / udp / Pattern(30)).Build(),
                               (Ethernet{} / Ipv4{} / udp / Pattern(30)).Build(), atomic}),
                       Ip());
  EXPECT_TRUE(got.datagrams.empty());
  EXPECT_EQ(got.stats.fragments, 0u);
}

TEST(IpReassembly, AFragmentFloodStaysWithinTheBudgetAndIsReported) {
  pcapkit::ReassemblyOptions o = Ip();
  o.ip_memory = 256 << 10;
  std::vector<CapturedFrame> records;
  const uint32_t kKeys = 20000;
  for (uint32_t i = 0; i < kKeys; ++i) {
    Piece f{0, Pattern(64, uint8_t(i)), true};  // first fragments only: never complete
    records.push_back({.data = V4Fragment(f, uint16_t(i), i % 2 ? "10.0.0.1" : "10.0.0.2"),
                       .sec = 1000,
                       .nsec = i * 1000});
  }
  Got got = Reassemble(records, o);
  EXPECT_EQ(got.datagrams.size(), kKeys);  // every one handed out, none dropped silently
  EXPECT_LE(got.stats.peak_ip_memory, o.ip_memory);
  EXPECT_GT(got.stats.datagrams_evicted, kKeys / 2);
  EXPECT_EQ(got.stats.datagrams_evicted + got.stats.datagrams_partial, kKeys);
  // Oldest first: the first evicted is frame 1's.
  EXPECT_EQ(got.datagrams[0].status, pcapkit::ReassemblyStatus::kEvicted);
  EXPECT_EQ(got.datagrams[0].index, std::vector<uint64_t>{1});
}

TEST(IpReassembly, OversizeFragmentIsCutAndFlagged) {
  Piece last{65528, Pattern(100), false};  // reaches 65,628 bytes
  Got got = Reassemble(Frames({V4Fragment(last)}), Ip());
  ASSERT_EQ(got.datagrams.size(), 1u);
  EXPECT_TRUE(got.datagrams[0].oversize);
  EXPECT_EQ(got.datagrams[0].total, 65535);
  EXPECT_EQ(got.datagrams[0].status, pcapkit::ReassemblyStatus::kPartial);
}

// ---------------------------------------------------------------- TCP streams

Bytes Seg(bool from_client, uint32_t seq, uint32_t ack, uint8_t flags, const Bytes& data,
          bool v6 = false) {
  Tcp t{.srcport = uint16_t(from_client ? 40000 : 80),
        .dstport = uint16_t(from_client ? 80 : 40000),
        .seq = seq,
        .ack = ack,
        .flags = flags};
  Packet p = Packet({Ethernet{}});
  if (v6) {
    Ipv6 ip;
    if (!from_client) std::swap(ip.src, ip.dst);
    p = p / ip;
  } else {
    Ipv4 ip;
    if (!from_client) std::swap(ip.src, ip.dst);
    p = p / ip;
  }
  p = p / t;
  if (!data.empty()) p = p / data;
  return p.Build();
}

// A whole connection: handshake, request in `parts` segments, response, close.
struct Conversation {
  Bytes request = Pattern(900, 3), response = Pattern(1500, 9);
  uint32_t cisn = 1000, sisn = 5000;
};

TEST(TcpReassembly, HandshakeDataBothWaysAndFinGiveTwoCompleteRecords) {
  for (bool v6 : {false, true}) {
    Conversation c;
    Bytes req(c.request.begin(), c.request.begin() + 300);
    Bytes req2(c.request.begin() + 300, c.request.end());
    std::vector<Bytes> frames = {
        Seg(true, c.cisn, 0, kSyn, {}, v6),
        Seg(false, c.sisn, c.cisn + 1, kSyn | kAck, {}, v6),
        Seg(true, c.cisn + 1, c.sisn + 1, kAck, {}, v6),
        Seg(true, c.cisn + 1, c.sisn + 1, kAck | kPsh, req, v6),
        Seg(true, c.cisn + 301, c.sisn + 1, kAck | kPsh, req2, v6),
        Seg(false, c.sisn + 1, c.cisn + 901, kAck | kPsh, c.response, v6),
        Seg(true, c.cisn + 901, c.sisn + 1501, kAck | kFin, {}, v6),
        Seg(false, c.sisn + 1501, c.cisn + 902, kAck | kFin, {}, v6),
        Seg(true, c.cisn + 902, c.sisn + 1502, kAck, {}, v6),
    };
    Got got = Reassemble(Frames(frames), TcpOnly());
    ASSERT_EQ(got.streams.size(), 2u);
    const Got::S& up = got.streams[0].from_client ? got.streams[0] : got.streams[1];
    const Got::S& down = got.streams[0].from_client ? got.streams[1] : got.streams[0];
    EXPECT_EQ(up.payload, c.request);
    EXPECT_EQ(down.payload, c.response);
    EXPECT_EQ(up.status, pcapkit::ReassemblyStatus::kComplete);
    EXPECT_EQ(up.end, pcapkit::StreamEnd::kFin);
    EXPECT_EQ(up.seq, c.cisn + 1);
    EXPECT_EQ(up.srcport, 40000);
    EXPECT_EQ(down.seq, c.sisn + 1);
    EXPECT_EQ(up.index, (std::vector<uint64_t>{1, 4, 5, 7}));  // SYN, data, FIN
    ASSERT_EQ(got.closed.size(), 1u);
    EXPECT_EQ(got.closed[0].end, pcapkit::StreamEnd::kFin);
    EXPECT_EQ(got.closed[0].client.port, 40000);
    EXPECT_EQ(got.closed[0].client_bytes, 900u);
    EXPECT_EQ(got.closed[0].server_bytes, 1500u);
    EXPECT_EQ(got.stats.after_close, 0u);
  }
}

TEST(TcpReassembly, EveryOrderingOfFourSegments) {
  Bytes data = Pattern(400, 5);
  std::vector<size_t> order = {0, 1, 2, 3};
  do {
    std::vector<Bytes> frames = {Seg(true, 99, 0, kSyn, {})};
    for (size_t i : order)
      frames.push_back(Seg(true, 100 + uint32_t(i) * 100, 1, kAck | kPsh,
                           Bytes(data.begin() + i * 100, data.begin() + (i + 1) * 100)));
    Got got = Reassemble(Frames(frames), TcpOnly());
    ASSERT_EQ(got.streams.size(), 1u);
    EXPECT_EQ(got.streams[0].payload, data);
    EXPECT_EQ(got.streams[0].status, pcapkit::ReassemblyStatus::kComplete);
    EXPECT_EQ(got.streams[0].end, pcapkit::StreamEnd::kEof);
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST(TcpReassembly, RetransmissionsAreRemovedAndConflictsFlagged) {
  Bytes a = Pattern(100, 1), b = Pattern(100, 2);
  Bytes b_evil = b;
  b_evil[10] ^= 0x55;
  // In order, then the same bytes again, then different bytes for the same range.
  Got same = Reassemble(Frames({Seg(true, 99, 0, kSyn, {}), Seg(true, 100, 1, kAck, a),
                                Seg(true, 200, 1, kAck, b), Seg(true, 200, 1, kAck, b)}),
                        TcpOnly());
  ASSERT_EQ(same.streams.size(), 1u);
  EXPECT_FALSE(same.streams[0].conflict);
  EXPECT_EQ(same.stats.retransmissions, 1u);
  Bytes ab = a;
  ab.insert(ab.end(), b.begin(), b.end());
  EXPECT_EQ(same.streams[0].payload, ab);

  Got evil = Reassemble(Frames({Seg(true, 99, 0, kSyn, {}), Seg(true, 100, 1, kAck, a),
                                Seg(true, 200, 1, kAck, b), Seg(true, 200, 1, kAck, b_evil)}),
                        TcpOnly());
  ASSERT_EQ(evil.streams.size(), 1u);
  EXPECT_TRUE(evil.streams[0].conflict);
  EXPECT_EQ(evil.streams[0].payload, ab);  // first wins

  // Out of order: the held segment is overlapped by a conflicting one before the hole
  // fills.
  Got ooo = Reassemble(Frames({Seg(true, 99, 0, kSyn, {}), Seg(true, 200, 1, kAck, b),
                               Seg(true, 150, 1, kAck, Bytes(ab.begin() + 50, ab.begin() + 150)),
                               Seg(true, 100, 1, kAck, a)}),
                       TcpOnly());
  ASSERT_EQ(ooo.streams.size(), 1u);
  EXPECT_FALSE(ooo.streams[0].conflict);
  EXPECT_EQ(ooo.streams[0].payload, ab);
}

TEST(TcpReassembly, SequenceNumbersWrapAround) {
  uint32_t isn = 0xffffff00u;
  Bytes data = Pattern(1000, 7);
  std::vector<Bytes> frames = {Seg(true, isn, 0, kSyn, {})};
  // Out of order around the wrap: second half first.
  frames.push_back(Seg(true, isn + 1 + 500, 1, kAck, Bytes(data.begin() + 500, data.end())));
  frames.push_back(Seg(true, isn + 1, 1, kAck, Bytes(data.begin(), data.begin() + 500)));
  frames.push_back(Seg(true, isn + 1001, 1, kAck | kFin, {}));
  Got got = Reassemble(Frames(frames), TcpOnly());
  ASSERT_EQ(got.streams.size(), 1u);
  EXPECT_EQ(got.streams[0].payload, data);
  EXPECT_EQ(got.streams[0].end, pcapkit::StreamEnd::kFin);
  EXPECT_EQ(got.streams[0].seq, isn + 1);
}

TEST(TcpReassembly, SynLessStreamIsPickedUpMidway) {
  Bytes up = Pattern(300, 1), down = Pattern(200, 2);
  Got got = Reassemble(
      Frames({Seg(false, 7000, 3000, kAck | kPsh, down), Seg(true, 3000, 7200, kAck | kPsh, up)}),
      TcpOnly());
  ASSERT_EQ(got.streams.size(), 2u);
  // No SYN: the first packet's sender (here the server port 80) is taken for the client.
  EXPECT_TRUE(got.streams[0].from_client);
  EXPECT_EQ(got.streams[0].srcport, 80);
  EXPECT_EQ(got.streams[0].payload, down);
  EXPECT_EQ(got.streams[1].payload, up);
  EXPECT_EQ(got.streams[0].status, pcapkit::ReassemblyStatus::kComplete);
}

TEST(TcpReassembly, RstMidwayClosesAfterDataInFlight) {
  Bytes a = Pattern(100, 1), late = Pattern(40, 2);
  std::vector<CapturedFrame> records = {
      {.data = Seg(true, 99, 0, kSyn, {}), .sec = 100, .nsec = 0},
      {.data = Seg(false, 499, 100, kSyn | kAck, {}), .sec = 100, .nsec = 1000},
      {.data = Seg(true, 100, 500, kAck, a), .sec = 100, .nsec = 2000},
      {.data = Seg(true, 200, 500, kRst, {}), .sec = 100, .nsec = 3000},
      // Already on its way: still counted.
      {.data = Seg(false, 500, 200, kAck, late), .sec = 100, .nsec = 4000},
      {.data = Seg(true, 5000, 0, kSyn, {}), .sec = 200, .nsec = 0},  // a new connection, later
  };
  Got got = Reassemble(records, TcpOnly());
  ASSERT_GE(got.closed.size(), 1u);
  EXPECT_EQ(got.closed[0].end, pcapkit::StreamEnd::kRst);
  ASSERT_EQ(got.streams.size(), 2u);
  EXPECT_EQ(got.streams[0].payload, a);
  EXPECT_EQ(got.streams[0].end, pcapkit::StreamEnd::kRst);
  EXPECT_EQ(got.streams[1].payload, late);
  EXPECT_EQ(got.stats.connections, 2u);
}

TEST(TcpReassembly, AGapIsReportedNeverFilled) {
  Bytes a = Pattern(100, 1), b = Pattern(100, 2), c = Pattern(100, 3);
  // b never arrives; the server acknowledges past it, so the hole is certain.
  std::vector<Bytes> frames = {Seg(true, 99, 0, kSyn, {}), Seg(true, 100, 1, kAck, a),
                               Seg(true, 300, 1, kAck, c), Seg(false, 1, 400, kAck, {})};
  pcapkit::ReassemblyOptions o = TcpOnly();
  Got got = Reassemble(Frames(frames), o);
  ASSERT_EQ(got.streams.size(), 1u);
  const Got::S& s = got.streams[0];
  EXPECT_EQ(s.status, pcapkit::ReassemblyStatus::kPartial);
  EXPECT_TRUE(s.payload.empty());
  EXPECT_EQ(s.gaps, (std::vector<std::pair<uint64_t, uint64_t>>{{200, 100}}));
  Bytes ac = a;
  ac.insert(ac.end(), c.begin(), c.end());
  EXPECT_EQ(s.received, ac);
  EXPECT_EQ(got.stats.gap_bytes, 100u);

  // Without the ACK the hole stays open until the end, then is reported the same way.
  frames.pop_back();
  Got eof = Reassemble(Frames(frames), o);
  ASSERT_EQ(eof.streams.size(), 1u);
  EXPECT_EQ(eof.streams[0].gaps, (std::vector<std::pair<uint64_t, uint64_t>>{{200, 100}}));
  EXPECT_EQ(eof.streams[0].end, pcapkit::StreamEnd::kEof);

  // A segment the capture cut short (snaplen) leaves its tail as a gap.
  Bytes cut = Seg(true, 100, 1, kAck, Pattern(100, 1));
  std::vector<CapturedFrame> records = {
      {.data = Seg(true, 99, 0, kSyn, {}), .sec = 1, .nsec = 0},
      {.data = Bytes(cut.begin(), cut.end() - 40),
       .sec = 1,
       .nsec = 1000,
       .len = uint32_t(cut.size())},
      {.data = Seg(true, 200, 1, kAck | kFin, {}), .sec = 1, .nsec = 2000}};
  Got truncated = Reassemble(records, o);
  ASSERT_EQ(truncated.streams.size(), 1u);
  EXPECT_EQ(truncated.streams[0].gaps, (std::vector<std::pair<uint64_t, uint64_t>>{{160, 40}}));
}

TEST(TcpReassembly, MessagesByAcknowledgementNumber) {
  pcapkit::ReassemblyOptions o = TcpOnly();
  o.tcp_messages = true;
  Bytes m1a = Pattern(50, 1), m1b = Pattern(50, 2), m2 = Pattern(80, 3);
  Got got = Reassemble(Frames({Seg(true, 99, 0, kSyn, {}), Seg(true, 100, 7, kAck, m1a),
                               Seg(true, 150, 7, kAck, m1b), Seg(true, 200, 9, kAck, m2)}),
                       o);
  ASSERT_EQ(got.streams.size(), 2u);
  Bytes m1 = m1a;
  m1.insert(m1.end(), m1b.begin(), m1b.end());
  EXPECT_EQ(got.streams[0].payload, m1);
  EXPECT_TRUE(got.streams[0].has_ack);
  EXPECT_EQ(got.streams[0].ack, 7u);
  EXPECT_EQ(got.streams[0].end, pcapkit::StreamEnd::kMessage);
  EXPECT_EQ(got.streams[1].payload, m2);
  EXPECT_EQ(got.streams[1].ack, 9u);
  EXPECT_EQ(got.streams[1].part, 2u);
}

TEST(TcpReassembly, IdleTimeoutInCaptureTime) {
  Bytes a = Pattern(100, 1), b = Pattern(100, 2);
  std::vector<CapturedFrame> records = {
      {.data = Seg(true, 99, 0, kSyn, {}), .sec = 1000, .nsec = 0},
      {.data = Seg(true, 100, 1, kAck, a), .sec = 1000, .nsec = 1000},
      {.data = Seg(true, 200, 1, kAck, b), .sec = 1400, .nsec = 0}};  // 400 s later
  Got got = Reassemble(records, TcpOnly());
  ASSERT_EQ(got.streams.size(), 2u);
  EXPECT_EQ(got.streams[0].end, pcapkit::StreamEnd::kTimeout);
  EXPECT_EQ(got.streams[0].payload, a);
  EXPECT_EQ(got.streams[1].connection, 2u);
  EXPECT_EQ(got.stats.connections_timed_out, 1u);

  pcapkit::ReassemblyOptions patient = TcpOnly();
  patient.tcp_timeout = 600;
  Got one = Reassemble(records, patient);
  ASSERT_EQ(one.streams.size(), 1u);
  EXPECT_EQ(one.streams[0].payload.size(), 200u);
}

TEST(TcpReassembly, DirectionBufferCapSplitsIntoParts) {
  pcapkit::ReassemblyOptions o = TcpOnly();
  o.tcp_buffer = 1000;
  Bytes data = Pattern(5000, 4);
  std::vector<Bytes> frames = {Seg(true, 99, 0, kSyn, {})};
  for (uint32_t i = 0; i < 10; ++i)
    frames.push_back(Seg(true, 100 + i * 500, 1, kAck,
                         Bytes(data.begin() + i * 500, data.begin() + i * 500 + 500)));
  Got got = Reassemble(Frames(frames), o);
  ASSERT_EQ(got.streams.size(), 5u);
  EXPECT_EQ(got.Direction(true), data);
  for (size_t i = 0; i + 1 < got.streams.size(); ++i) {
    EXPECT_EQ(got.streams[i].end, pcapkit::StreamEnd::kLimit);
    EXPECT_EQ(got.streams[i].part, i + 1);
  }
  EXPECT_EQ(got.streams[1].offset, 1000u);
  EXPECT_EQ(got.streams[1].seq, 1100u);
}

TEST(TcpReassembly, AnOverlapStormStaysBoundedAndLinear) {
  // 10^5 segments, each overlapping the previous by all but one byte, arriving beyond a
  // hole: the held bytes grow by one byte per segment, not by a segment.
  pcapkit::ReassemblyOptions o = TcpOnly();
  o.tcp_memory = 1 << 20;
  std::vector<CapturedFrame> records = {{.data = Seg(true, 99, 0, kSyn, {}), .sec = 1}};
  const uint32_t kSegments = 100000;
  Bytes stream = Pattern(kSegments + 1200, 6);  // 1000 before the storm, 100 after
  for (uint32_t i = 0; i < kSegments; ++i)
    records.push_back(
        {.data = Seg(true, 1100 + i, 1, kAck,
                     Bytes(stream.begin() + 1000 + i, stream.begin() + 1000 + i + 100)),
         .sec = 1,
         .nsec = i * 1000});
  Got got = Reassemble(records, o);
  EXPECT_LE(got.stats.peak_tcp_memory, o.tcp_memory);
  ASSERT_EQ(got.streams.size(), 1u);
  EXPECT_FALSE(got.streams[0].conflict);
  // The hole [100, 1100) never filled: one gap, then every byte the storm carried.
  EXPECT_EQ(got.streams[0].gaps, (std::vector<std::pair<uint64_t, uint64_t>>{{100, 1000}}));
  EXPECT_EQ(got.streams[0].received,
            Bytes(stream.begin() + 1000, stream.begin() + 1000 + kSegments + 99));
}

TEST(TcpReassembly, ConnectionFloodIsEvictedWithinTheBudget) {
  pcapkit::ReassemblyOptions o = TcpOnly();
  o.tcp_memory = 256 << 10;
  std::vector<CapturedFrame> records;
  const uint32_t kConnections = 20000;
  for (uint32_t i = 0; i < kConnections; ++i) {
    std::string src = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    Packet p = Ethernet{} / Ipv4{.src = src} /
               Tcp{.srcport = uint16_t(1024 + i % 60000), .dstport = 80, .seq = i, .flags = kAck} /
               Pattern(50, uint8_t(i));
    records.push_back({.data = p.Build(), .sec = 1, .nsec = i * 1000});
  }
  Got got = Reassemble(records, o);
  EXPECT_LE(got.stats.peak_tcp_memory, o.tcp_memory);
  EXPECT_EQ(got.stats.connections, kConnections);
  EXPECT_GT(got.stats.connections_evicted, kConnections / 2);
  EXPECT_EQ(got.streams.size(), kConnections);  // every byte handed out
  EXPECT_EQ(got.streams[0].end, pcapkit::StreamEnd::kEvicted);
  EXPECT_EQ(got.streams[0].status, pcapkit::ReassemblyStatus::kComplete);  // no byte lost
}

TEST(Reassembly, FragmentedTcpJoinsItsStream) {
  // A TCP segment carried in two IPv4 fragments is reassembled first, then streamed.
  Bytes payload = Pattern(400, 8);
  Packet segment = Ethernet{} / Ipv4{} /
                   Tcp{.dstport = 80, .seq = 100, .ack = 1, .flags = kAck | kPsh} / payload;
  std::vector<Bytes> frames = {Seg(true, 99, 0, kSyn, {})};
  for (const Packet& f : Fragment(segment, {{0, 208}, {208, 212}})) frames.push_back(f.Build());
  pcapkit::ReassemblyOptions o = Ip();
  o.tcp = true;
  Got got = Reassemble(Frames(frames), o);
  ASSERT_EQ(got.datagrams.size(), 1u);
  EXPECT_EQ(got.datagrams[0].packet.rfind("TCP", 0), 0u);
  ASSERT_EQ(got.streams.size(), 1u);
  EXPECT_EQ(got.streams[0].payload, payload);
  EXPECT_EQ(got.streams[0].index, (std::vector<uint64_t>{1, 3}));
}

}  // namespace

// The connection table's open addressing, against a reference set: inserts and removals
// in random order, with hashes forced to collide so probe runs wrap and shift.
#include <random>
#include <set>

#include "engine/reassembly/flat_table.h"

namespace {

TEST(FlatTable, MatchesAReferenceSetUnderRandomInsertAndRemove) {
  struct Entry {
    uint64_t hash;
    int id;
  };
  std::vector<std::unique_ptr<Entry>> entries;
  pcapkit::reassembly::FlatTable<Entry> table;
  std::set<int> live;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i)
    entries.push_back(
        std::make_unique<Entry>(Entry{rng() % 64 * 1021 + (rng() % 3 ? 0 : rng()), i}));
  for (int step = 0; step < 200000; ++step) {
    int id = int(rng() % entries.size());
    Entry* e = entries[size_t(id)].get();
    auto same = [&](const Entry* x) { return x->id == id; };
    if (live.count(id)) {
      ASSERT_EQ(table.Find(e->hash, same), e);
      table.Remove(e->hash, e);
      live.erase(id);
      ASSERT_EQ(table.Find(e->hash, same), nullptr);
    } else {
      ASSERT_EQ(table.Find(e->hash, same), nullptr);
      table.Insert(e->hash, e);
      live.insert(id);
    }
    ASSERT_EQ(table.size(), live.size());
  }
  for (int id : live) {
    Entry* e = entries[size_t(id)].get();
    EXPECT_EQ(table.Find(e->hash, [&](const Entry* x) { return x->id == id; }), e);
  }
}

}  // namespace
