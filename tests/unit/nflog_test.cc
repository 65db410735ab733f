// Linux NFLOG (link type 239) frames built byte by byte: the header, the TLVs in either
// byte order, the payload TLV's packet as the next layer, and the malformed ones.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

constexpr uint32_t kNflog = 239;

// One TLV: length (header included) and type in the given byte order, the value, padding
// to 4 bytes.
Bytes Tlv(uint16_t type, const Bytes& value, bool big_endian = false) {
  uint16_t len = uint16_t(4 + value.size());
  Bytes b;
  if (big_endian) {
    Put16(b, len);
    Put16(b, type);
  } else {
    b = {uint8_t(len), uint8_t(len >> 8), uint8_t(type), uint8_t(type >> 8)};
  }
  PutBytes(b, value);
  while (b.size() % 4) b.push_back(0);
  return b;
}

Bytes Be32Bytes(uint32_t v) {
  Bytes b;
  Put32(b, v);
  return b;
}

Bytes Header(uint8_t family, uint16_t group = 20) {
  Bytes b{family, 0};
  Put16(b, group);
  return b;
}

Bytes UdpPacket() {
  return (Ipv4{.src = "74.82.42.42", .dst = "10.0.0.20"} / Udp{.srcport = 53, .dstport = 42585} /
          Bytes{1, 2, 3, 4})
      .Build();
}

json Dissect(const Bytes& frame) {
  return testutil::DissectFrame(frame, kNflog);
}

TEST(Nflog, TlvsAndTheIpv4Payload) {
  Bytes hw{0, 6, 0, 0, 0xb8, 0xa3, 0x86, 0xb9, 0xc3, 0xd6, 0xff, 0xff};
  Bytes ts;
  Put32(ts, 0);
  Put32(ts, 1378492318);
  Put32(ts, 0);
  Put32(ts, 614652);
  Bytes frame =
      Concat({Header(2), Tlv(1, {0x08, 0x00, 1, 0}), Tlv(10, {'d', 'r', 'o', 'p', 0}),
              Tlv(2, Be32Bytes(0xcafe)), Tlv(4, Be32Bytes(2)), Tlv(5, Be32Bytes(3)), Tlv(8, hw),
              Tlv(15, {0, 1}), Tlv(17, {0, 14}), Tlv(3, ts), Tlv(11, Be32Bytes(1000)),
              Tlv(14, Be32Bytes(100)), Tlv(12, Be32Bytes(7)), Tlv(13, Be32Bytes(9)),
              Tlv(16, {1, 2, 3}), Tlv(18, {0xaa, 0xbb}), Tlv(9, UdpPacket())});
  json r = Dissect(frame);
  EXPECT_EQ(r["protocols"], "NFLOG:IPv4:UDP:Raw");
  const json& n = r["nflog"];
  EXPECT_EQ(n["family"], 2);
  EXPECT_EQ(n["version"], 0);
  EXPECT_EQ(n["resource_id"], 20);
  EXPECT_EQ(n["byte_order"], "little");
  const json& t = n["tlvs"];
  ASSERT_EQ(t.size(), 16u);
  EXPECT_EQ(t[0]["type"], 1);
  EXPECT_EQ(t[0]["length"], 8);
  EXPECT_EQ(t[0]["hw_protocol"], 0x0800);
  EXPECT_EQ(t[0]["hook"], 1);
  EXPECT_EQ(t[1]["length"], 9);
  EXPECT_EQ(t[1]["prefix"], "drop");
  EXPECT_EQ(t[2]["mark"], 0xcafe);
  EXPECT_EQ(t[3]["indev"], 2);
  EXPECT_EQ(t[4]["outdev"], 3);
  EXPECT_EQ(t[5]["hwaddr_len"], 6);
  EXPECT_EQ(t[5]["addr"], "b8:a3:86:b9:c3:d6");
  EXPECT_EQ(t[5]["addr_rest"], "ffff");
  EXPECT_EQ(t[6]["hwtype"], 1);
  EXPECT_EQ(t[7]["hwlen"], 14);
  EXPECT_EQ(t[8]["sec"], 1378492318);
  EXPECT_EQ(t[8]["usec"], 614652);
  EXPECT_EQ(t[9]["uid"], 1000);
  EXPECT_EQ(t[10]["gid"], 100);
  EXPECT_EQ(t[11]["seq"], 7);
  EXPECT_EQ(t[12]["seq_global"], 9);
  EXPECT_EQ(t[13]["hwheader"], "010203");
  EXPECT_EQ(t[14]["type"], 18);
  EXPECT_EQ(t[14]["value"], "aabb");
  EXPECT_EQ(t[15]["type"], 9);
  EXPECT_EQ(t[15]["length"], 4 + UdpPacket().size());
  EXPECT_FALSE(t[15].contains("value"));
  EXPECT_FALSE(t[15].contains("error"));
  const json& ip = n["ipv4"];
  EXPECT_EQ(ip["src"], "74.82.42.42");
  EXPECT_EQ(ip["udp"]["srcport"], 53);
  EXPECT_EQ(ip["udp"]["dstport"], 42585);
}

TEST(Nflog, BigEndianTlvsAndAnIpv6Payload) {
  Bytes v6 = (Ipv6{} / Udp{.srcport = 1000, .dstport = 2000} / Bytes{9, 9}).Build();
  Bytes frame = Concat({Header(10, 5), Tlv(1, {0x86, 0xdd, 3, 0}, true), Tlv(9, v6, true)});
  json r = Dissect(frame);
  EXPECT_EQ(r["protocols"], "NFLOG:IPv6:UDP:Raw");
  EXPECT_EQ(r["nflog"]["byte_order"], "big");
  EXPECT_EQ(r["nflog"]["resource_id"], 5);
  EXPECT_EQ(r["nflog"]["tlvs"][0]["hw_protocol"], 0x86dd);
  EXPECT_EQ(r["nflog"]["tlvs"][0]["hook"], 3);
  EXPECT_EQ(r["nflog"]["ipv6"]["dst"], "2001:db8::2");
  EXPECT_EQ(r["nflog"]["ipv6"]["udp"]["dstport"], 2000);
}

TEST(Nflog, TlvsAfterThePayloadAreReportedToo) {
  Bytes frame = Concat({Header(2), Tlv(9, UdpPacket()), Tlv(2, Be32Bytes(5))});
  json r = Dissect(frame);
  EXPECT_EQ(r["protocols"], "NFLOG:IPv4:UDP:Raw");
  ASSERT_EQ(r["nflog"]["tlvs"].size(), 2u);
  EXPECT_EQ(r["nflog"]["tlvs"][1]["mark"], 5);
  EXPECT_EQ(r["nflog"]["ipv4"]["udp"]["srcport"], 53);
}

TEST(Nflog, WithoutAPayloadTheLayerIsAllHeader) {
  json r = Dissect(Concat({Header(2), Tlv(1, {0x08, 0, 1, 0}), Tlv(10, {0})}));
  EXPECT_EQ(r["protocols"], "NFLOG");
  EXPECT_EQ(r["nflog"]["tlvs"][1]["prefix"], "");
  // Another family: the payload is left raw, without error.
  json other = Dissect(Concat({Header(7), Tlv(9, UdpPacket())}));
  EXPECT_EQ(other["protocols"], "NFLOG:Raw");
  EXPECT_FALSE(other["nflog"]["raw"].contains("error"));
}

TEST(Nflog, TruncatedHeaderOrUnknownVersionIsRaw) {
  json r = Dissect(Bytes{2, 0, 0});
  EXPECT_EQ(r["protocols"], "Raw");
  EXPECT_EQ(r["raw"]["error"], "NFLOG: header truncated");
  json v = Dissect(Concat({Bytes{2, 1, 0, 0}, Tlv(9, UdpPacket())}));
  EXPECT_EQ(v["protocols"], "Raw");
  EXPECT_EQ(v["raw"]["error"], "NFLOG: unknown version");
}

TEST(Nflog, TlvLengthZeroEndsTheListWithAnError) {
  Bytes frame = Concat({Header(2), Tlv(1, {0x08, 0, 1, 0}), Bytes{0, 0, 9, 0}, UdpPacket()});
  json r = Dissect(frame);
  EXPECT_EQ(r["protocols"], "NFLOG");  // the payload TLV is not reached
  const json& t = r["nflog"]["tlvs"];
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1]["type"], 9);
  EXPECT_EQ(t[1]["length"], 0);
  EXPECT_EQ(t[1]["error"], "TLV length below its 4-byte header");
}

TEST(Nflog, TlvPastTheEndEndsTheListWithAnError) {
  Bytes payload = Tlv(9, UdpPacket());
  payload.resize(payload.size() - 8);  // the frame was cut inside the payload TLV
  json r = Dissect(Concat({Header(2), Tlv(2, Be32Bytes(1)), payload}));
  EXPECT_EQ(r["protocols"], "NFLOG");
  const json& t = r["nflog"]["tlvs"];
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0]["mark"], 1);
  EXPECT_EQ(t[1]["error"], "TLV runs past the end of the frame");
}

TEST(Nflog, OddSizesAndTrailingBytes) {
  // A MARK of 2 bytes is written as hex; 2 bytes after the last TLV are trailing.
  json r = Dissect(Concat({Header(2), Tlv(2, {1, 2}), Bytes{0xee, 0xff}}));
  const json& n = r["nflog"];
  EXPECT_EQ(n["tlvs"][0]["value"], "0102");
  EXPECT_FALSE(n["tlvs"][0].contains("mark"));
  EXPECT_EQ(n["trailing"], "eeff");
  // A header alone.
  EXPECT_EQ(Dissect(Header(2))["nflog"]["tlvs"].size(), 0u);
}

TEST(Nflog, AnIpv4FamilyWithABadPacketLeavesItRaw) {
  json r = Dissect(Concat({Header(2), Tlv(9, {0x45, 0, 0})}));
  EXPECT_EQ(r["protocols"], "NFLOG:Raw");
  EXPECT_TRUE(r["nflog"]["raw"].contains("error"));
}

}  // namespace
