// BSD loopback (LINKTYPE_NULL 0 and LINKTYPE_LOOP 108) headers built byte by byte: every
// family Wireshark dispatches in both byte orders, the 16-bit families, the EtherTypes,
// LOOP's network order, and the headers that lead nowhere.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

constexpr uint32_t kNull = 0;
constexpr uint32_t kLoop = 108;

Bytes Le(uint32_t v) {
  return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}

Bytes Be(uint32_t v) {
  Bytes b;
  Put32(b, v);
  return b;
}

Bytes V4() {
  return (Ipv4{.src = "10.0.0.1", .dst = "10.0.0.2"} / Udp{.srcport = 1, .dstport = 2}).Build();
}

Bytes V6() {
  return (Ipv6{} / Udp{.srcport = 1, .dstport = 2}).Build();
}

json Dissect(const Bytes& header, const Bytes& packet, uint32_t linktype = kNull) {
  Bytes frame = header;
  PutBytes(frame, packet);
  return testutil::DissectFrame(frame, linktype);
}

TEST(Null, Ipv4InEitherByteOrder) {
  json le = Dissect(Le(2), V4());
  EXPECT_EQ(le["protocols"], "Null:IPv4:UDP");
  EXPECT_EQ(le["null"]["family"], 2);
  EXPECT_EQ(le["null"]["byte_order"], "little");
  EXPECT_FALSE(le["null"].contains("header"));
  json be = Dissect(Be(2), V4());
  EXPECT_EQ(be["protocols"], "Null:IPv4:UDP");
  EXPECT_EQ(be["null"]["byte_order"], "big");
}

TEST(Null, EveryBsdIpv6FamilyInEitherByteOrder) {
  for (uint32_t family : {24u, 28u, 30u}) {
    for (bool big : {false, true}) {
      json r = Dissect(big ? Be(family) : Le(family), V6());
      EXPECT_EQ(r["protocols"], "Null:IPv6:UDP") << family << (big ? " big" : " little");
      EXPECT_EQ(r["null"]["family"], family);
      EXPECT_EQ(r["null"]["byte_order"], big ? "big" : "little");
    }
  }
}

TEST(Null, LinuxInet6IsNotABsdFamily) {
  // Wireshark does not dispatch 10 either: the packet stays raw.
  json r = Dissect(Le(10), V6());
  EXPECT_EQ(r["protocols"], "Null:Raw");
  EXPECT_EQ(r["null"]["family"], 10);
}

TEST(Null, IpxFamily) {
  Bytes ipx{0xff, 0xff, 0, 30, 0, 4};
  PutBytes(ipx, Bytes(24, 0));
  json r = Dissect(Le(23), ipx);
  EXPECT_EQ(r["protocols"], "Null:IPX");
}

TEST(Null, SixteenBitFamilyInTheFirstOrLastTwoBytes) {
  // 00 02 00 00: a big-endian 16-bit family first (the header is kept: `family` 2 in big
  // order would be 00 00 00 02).
  json first = Dissect({0, 2, 0, 0}, V4());
  EXPECT_EQ(first["protocols"], "Null:IPv4:UDP");
  EXPECT_EQ(first["null"]["family"], 2);
  EXPECT_EQ(first["null"]["header"], "00020000");
  // 12 34 02 00: a little-endian 16-bit family (below 6) last, after two bytes of
  // anything (IRIX).
  json last = Dissect({0x12, 0x34, 2, 0}, V4());
  EXPECT_EQ(last["protocols"], "Null:IPv4:UDP");
  EXPECT_EQ(last["null"]["family"], 2);
  EXPECT_EQ(last["null"]["byte_order"], "little");
  EXPECT_EQ(last["null"]["header"], "12340200");
  // 12 34 1e 00: 30 is not below 6, so this is big-endian 0x12341e00, EtherType 0x1e00.
  json ether = Dissect({0x12, 0x34, 30, 0}, V6());
  EXPECT_EQ(ether["protocols"], "Null:Raw");
  EXPECT_EQ(ether["null"]["type"], 0x1e00);
}

TEST(Null, ValueAboveTheLengthLimitIsAnEtherType) {
  // null_loopback.pcap frame 3: 0f 00 08 00, big-endian 0x0f000800, EtherType 0x0800.
  json r = Dissect({0x0f, 0, 8, 0}, V4());
  EXPECT_EQ(r["protocols"], "Null:IPv4:UDP");
  EXPECT_EQ(r["null"]["type"], 0x0800);
  EXPECT_FALSE(r["null"].contains("family"));
  EXPECT_EQ(r["null"]["header"], "0f000800");
  json le = Dissect(Le(0x86dd), V6());
  EXPECT_EQ(le["protocols"], "Null:IPv6:UDP");
  EXPECT_EQ(le["null"]["type"], 0x86dd);
  EXPECT_EQ(le["null"]["byte_order"], "little");
  EXPECT_FALSE(le["null"].contains("header"));
  json be = Dissect(Be(0x0800), V4());
  EXPECT_EQ(be["null"]["type"], 0x0800);
  EXPECT_EQ(be["null"]["byte_order"], "big");
}

TEST(Null, PppInHdlcFramingHasNoNullHeader) {
  json r = Dissect({0xff, 0x03, 0x00, 0x21}, V4());
  EXPECT_EQ(r["protocols"], "Null:PPP:IPv4:UDP");
  EXPECT_EQ(r["null"]["ppp_hdlc"], true);
  EXPECT_FALSE(r["null"].contains("family"));
  // Two bytes only: PPP's own header is cut.
  json cut = testutil::DissectFrame(Bytes{0xff, 0x03}, kNull);
  EXPECT_EQ(cut["null"]["ppp_hdlc"], true);
  // LOOP has no such case: ff 03 00 21 is a family.
  EXPECT_EQ(Dissect({0xff, 0x03, 0x00, 0x21}, V4(), kLoop)["protocols"], "Null:Raw");
}

TEST(Null, UnknownFamiliesStayRaw) {
  for (uint32_t v : {0u, 1u, 7u, 16u, 255u, 767u, 1500u}) {
    json r = Dissect(Le(v), V4());
    EXPECT_EQ(r["protocols"], "Null:Raw") << v;
    EXPECT_EQ(r["null"]["family"], v);
  }
  json ether = Dissect(Be(0xffffffffu), V4());
  EXPECT_EQ(ether["protocols"], "Null:Raw");
  EXPECT_EQ(ether["null"]["type"], 0xffff);
}

TEST(Null, TruncatedHeader) {
  for (size_t n = 1; n < 4; ++n) {
    json r = testutil::DissectFrame(Bytes(n, 2), kNull);
    EXPECT_EQ(r["protocols"], "Raw") << n;
    EXPECT_EQ(r["raw"]["error"], "Null: header truncated") << n;
  }
  json r = testutil::DissectFrame(Bytes{2, 0, 0}, kLoop);
  EXPECT_EQ(r["protocols"], "Raw");
  EXPECT_EQ(r["raw"]["error"], "Null: header truncated");
}

TEST(Loop, FamilyInNetworkOrderOnly) {
  json v4 = Dissect(Be(2), V4(), kLoop);
  EXPECT_EQ(v4["protocols"], "Null:IPv4:UDP");
  EXPECT_EQ(v4["null"]["family"], 2);
  EXPECT_EQ(v4["null"]["byte_order"], "big");
  for (uint32_t family : {24u, 28u, 30u})
    EXPECT_EQ(Dissect(Be(family), V6(), kLoop)["protocols"], "Null:IPv6:UDP") << family;
  // LOOP is never little-endian and never an EtherType (Wireshark's dissect_loop).
  json le = Dissect(Le(2), V4(), kLoop);
  EXPECT_EQ(le["protocols"], "Null:Raw");
  EXPECT_EQ(le["null"]["family"], 0x02000000);
  json ether = Dissect(Be(0x0800), V4(), kLoop);
  EXPECT_EQ(ether["protocols"], "Null:Raw");
  EXPECT_EQ(ether["null"]["family"], 0x0800);
}

}  // namespace
