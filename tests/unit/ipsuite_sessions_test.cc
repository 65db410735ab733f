// The builder's helpers for reassembly: fragments (any order, overlaps) that put the
// datagram back together, a TCP conversation whose sequence and acknowledgement numbers
// follow its bytes; and the capture files it writes, read back by pcapkit's reader.
#include <gtest/gtest.h>

#include <map>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

Bytes Text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Bytes Pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(i * 7);
  return b;
}

// A fragment's IPv4 header fields and payload bytes.
struct V4Piece {
  uint16_t offset;
  bool mf;
  uint16_t id;
  uint8_t protocol;
  Bytes payload;
};
V4Piece ReadV4(const Bytes& frame) {
  const uint8_t* ip = frame.data() + 14;
  size_t header = size_t(ip[0] & 15) * 4, total = size_t(ip[2] << 8 | ip[3]);
  return {uint16_t(((ip[6] << 8 | ip[7]) & 0x1fff) * 8), (ip[6] & 0x20) != 0,
          uint16_t(ip[4] << 8 | ip[5]), ip[9], Bytes(ip + header, ip + total)};
}

TEST(IpsuiteSessions, Ipv4FragmentsPutTheDatagramBackTogether) {
  Packet datagram =
      Ethernet{} / Ipv4{.id = 0x4242} / Udp{.srcport = 1, .dstport = 9} / Pattern(3000);
  Bytes whole = datagram.Build();
  Bytes ip_payload(whole.begin() + 34, whole.end());
  std::vector<Packet> pieces = Fragment(datagram, 1480);
  ASSERT_EQ(pieces.size(), 3u);  // 3008 bytes of UDP: 1480 + 1480 + 48
  Bytes joined;
  for (size_t i = 0; i < pieces.size(); ++i) {
    V4Piece f = ReadV4(pieces[i].Build());
    EXPECT_EQ(f.offset, i * 1480);
    EXPECT_EQ(f.mf, i + 1 < pieces.size());
    EXPECT_EQ(f.id, 0x4242);
    EXPECT_EQ(f.protocol, 17);
    joined.insert(joined.end(), f.payload.begin(), f.payload.end());
    Bytes frame = pieces[i].Build();
    EXPECT_TRUE(std::equal(frame.begin(), frame.begin() + 14, whole.begin()));  // link layer
  }
  EXPECT_EQ(joined, ip_payload);  // the UDP checksum is the whole datagram's
}

TEST(IpsuiteSessions, SlicesMayComeInAnyOrderAndOverlap) {
  Packet datagram = Ipv4{.id = 9} / Udp{.srcport = 1, .dstport = 9} / Pattern(40);
  std::vector<Packet> pieces = Fragment(datagram, {{24, 24}, {0, 16}, {8, 24}});
  ASSERT_EQ(pieces.size(), 3u);
  Bytes built = datagram.Build();
  Bytes payload(built.begin() + 20, built.end());
  std::map<uint16_t, V4Piece> by_offset;
  for (const Packet& p : pieces) {
    V4Piece f = ReadV4((Ethernet{} / p).Build());
    by_offset.emplace(f.offset, f);
  }
  EXPECT_EQ(by_offset.at(24).payload, Bytes(payload.begin() + 24, payload.end()));
  EXPECT_FALSE(by_offset.at(24).mf);
  EXPECT_EQ(by_offset.at(8).payload, Bytes(payload.begin() + 8, payload.begin() + 32));
  EXPECT_TRUE(by_offset.at(8).mf);
  EXPECT_THROW(Fragment(datagram, {{40, 16}}), pcapkit::BuildError);  // past the payload
  EXPECT_THROW(Fragment(datagram, 12), pcapkit::BuildError);          // not a multiple of 8
}

TEST(IpsuiteSessions, Ipv6FragmentsGoAfterTheUnfragmentableHeaders) {
  Packet datagram =
      Ethernet{} / Ipv6{} / Ipv6HopByHop{} / Udp{.srcport = 1, .dstport = 9} / Pattern(100);
  std::vector<Packet> pieces = Fragment(datagram, 64, 0xabcdef01);
  ASSERT_EQ(pieces.size(), 2u);
  json first = testutil::DissectFrame(pieces[0].Build())["ethernet"]["ipv6"];
  EXPECT_EQ(first["next"], 0);
  EXPECT_EQ(first["hopopt"]["next"], 44);
  json& frag = first["hopopt"]["ipv6_frag"];
  EXPECT_EQ(frag["next"], 17);
  EXPECT_EQ(frag["offset"], 0);
  EXPECT_EQ(frag["mf"], true);
  EXPECT_EQ(frag["id"], 0xabcdef01u);
  json second = testutil::DissectFrame(pieces[1].Build())["ethernet"]["ipv6"];
  EXPECT_EQ(second["hopopt"]["ipv6_frag"]["offset"], 64);
  EXPECT_EQ(second["hopopt"]["ipv6_frag"]["mf"], false);
  EXPECT_EQ(second["payload"], 8 + 8 + (108 - 64));
}

// (seq, ack, flags, payload size) of a built TCP/IPv4 frame.
std::tuple<uint32_t, uint32_t, uint8_t, size_t> Seg(const Packet& p) {
  Bytes f = p.Build();
  auto be32 = [&](size_t at) {
    return uint32_t(f[at]) << 24 | uint32_t(f[at + 1]) << 16 | uint32_t(f[at + 2]) << 8 | f[at + 3];
  };
  return {be32(38), be32(42), f[47], f.size() - 54};
}

TEST(IpsuiteSessions, ATcpConversationKeepsItsNumbers) {
  using C = TcpConversation;
  C tcp({"10.0.0.1", 40000}, {"10.0.0.2", 80}, 100, 900);
  std::vector<Packet> hs = tcp.Handshake();
  ASSERT_EQ(hs.size(), 3u);
  EXPECT_EQ(Seg(hs[0]), std::make_tuple(100u, 0u, kSyn, size_t(0)));
  EXPECT_EQ(Seg(hs[1]), std::make_tuple(900u, 101u, uint8_t(kSyn | kAck), size_t(0)));
  EXPECT_EQ(Seg(hs[2]), std::make_tuple(101u, 901u, kAck, size_t(0)));
  std::vector<Packet> data = tcp.Send(C::kClient, Pattern(2500), 1000);
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(Seg(data[1]), std::make_tuple(1101u, 901u, kAck, size_t(1000)));
  EXPECT_EQ(Seg(data[2]), std::make_tuple(2101u, 901u, uint8_t(kAck | kPsh), size_t(500)));
  EXPECT_EQ(tcp.next_seq(C::kClient), 2601u);
  EXPECT_EQ(Seg(tcp.Ack(C::kServer)), std::make_tuple(901u, 2601u, kAck, size_t(0)));
  // A retransmission of bytes 1000..1099 changes nothing that follows.
  EXPECT_EQ(Seg(tcp.Segment(C::kClient, 1000, Pattern(100))),
            std::make_tuple(1101u, 901u, uint8_t(kAck | kPsh), size_t(100)));
  std::vector<Packet> close = tcp.Close(C::kServer);
  EXPECT_EQ(Seg(close[0]), std::make_tuple(901u, 2601u, uint8_t(kFin | kAck), size_t(0)));
  EXPECT_EQ(Seg(close[1]), std::make_tuple(2601u, 902u, uint8_t(kFin | kAck), size_t(0)));
  EXPECT_EQ(Seg(close[2]), std::make_tuple(902u, 2602u, kAck, size_t(0)));
}

TEST(IpsuiteSessions, AConversationOverIpv6DissectsWithItsNumbers) {
  TcpConversation tcp({"2001:db8::1", 40000}, {"2001:db8::2", 80});
  std::vector<CapturedFrame> frames;
  auto add = [&](const std::vector<Packet>& ps) {
    for (const Packet& p : ps) frames.push_back({.data = p.Build()});
  };
  add(tcp.Handshake());
  add(tcp.Send(TcpConversation::kClient, Text("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 10));
  add(tcp.Close());
  json report = testutil::JsonReport(PcapFile(frames), pcapkit::OutputFormat::kNdjson);
  ASSERT_EQ(report.size(), frames.size());
  EXPECT_EQ(report[3]["ethernet"]["ipv6"]["tcp"]["seq"], 1001);
  EXPECT_EQ(report[4]["ethernet"]["ipv6"]["tcp"]["seq"], 1011);
}

TEST(IpsuiteCaptures, PcapAndPcapngReadBackAsWritten) {
  std::vector<CapturedFrame> frames = {
      {.data = (Ethernet{} / Ipv4{} / Udp{.dstport = 9} / Text("a")).Build(),
       .sec = 1700000000,
       .nsec = 123456789},
      {.data = (Ethernet{} / Ipv4{} / Udp{.dstport = 9} / Text("bb")).Build(),
       .sec = 1700000001,
       .nsec = 5000,
       .len = 1500,
       .comments = {"first", "second"}},
  };
  for (bool ns : {false, true}) {
    testutil::ReadResult r =
        testutil::ReadAll(PcapFile(frames, {.nanosecond = ns, .big_endian = ns}));
    ASSERT_FALSE(r.error) << *r.error;
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[0].time.sec, 1700000000);
    EXPECT_EQ(r.frames[0].time.frac, ns ? 123456789u : 123456u);
    EXPECT_EQ(r.frames[1].len, 1500u);
    EXPECT_EQ(r.data[1], frames[1].data);
  }
  json pcapng = testutil::JsonReport(
      PcapngFile(frames, {.interfaces = {{.name = "eth0", .description = "uplink", .digits = 6}}}),
      pcapkit::OutputFormat::kNdjson);
  ASSERT_EQ(pcapng.size(), 2u);
  EXPECT_EQ(pcapng[0]["interface_name"], "eth0");
  EXPECT_EQ(pcapng[0]["interface_description"], "uplink");
  EXPECT_EQ(pcapng[0]["time_nsec"], 123456000);  // µs interface: the ns are cut
  EXPECT_EQ(pcapng[1]["comment"], json::array({"first", "second"}));
  EXPECT_EQ(pcapng[1]["len"], 1500);
  EXPECT_THROW(PcapngFile({{.interface = 1}}), pcapkit::BuildError);
}

}  // namespace
