// ERSPAN types I, II and III inside GRE, and Cisco MetaData (EtherType 0x8909) on Ethernet
// and inside GRE, built byte by byte, with the truncated and unknown headers.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

Bytes Mirrored() {
  return (Ethernet{.dst = "01:00:5e:00:00:0d", .src = "00:11:22:33:44:55"} /
          Ipv4{.src = "10.1.1.1", .dst = "224.0.0.13"} / Udp{.srcport = 5, .dstport = 6})
      .Build();
}

json InGre(Gre gre, const Bytes& payload) {
  return testutil::DissectFrame((Ethernet{} / Ipv4{.protocol = 47} / gre / payload).Build());
}

const json& GreOf(const json& r) {
  return r["ethernet"]["ipv4"]["gre"];
}

Bytes TypeII(const Bytes& frame) {
  Bytes b;
  Put16(b, 0x1000 | 100);                          // version 1, VLAN 100
  Put16(b, 0x3 << 13 | 3 << 11 | 0x0400 | 0x155);  // cos 3, encap 3, truncated, span 0x155
  Put32(b, 0xabc00000 | 0x12345);                  // reserved, index
  PutBytes(b, frame);
  return b;
}

TEST(Erspan, TypeII) {
  json r = InGre(Gre{.sequence = 7, .protocol = 0x88be}, TypeII(Mirrored()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:GRE:ERSPAN:Ethernet:IPv4:UDP");
  const json& e = GreOf(r)["erspan"];
  EXPECT_EQ(e["version"], 1);
  EXPECT_EQ(e["vlan_id"], 100);
  EXPECT_EQ(e["cos"], 3);
  EXPECT_EQ(e["encap"], 3);
  EXPECT_EQ(e["truncated"], true);
  EXPECT_EQ(e["span_id"], 0x155);
  EXPECT_EQ(e["reserved"], 0xabc);
  EXPECT_EQ(e["index"], 0x12345);
  EXPECT_EQ(e["ethernet"]["ipv4"]["dst"], "224.0.0.13");
}

TEST(Erspan, TypeIHasNoHeader) {
  json r = InGre(Gre{.protocol = 0x88be}, Mirrored());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:GRE:Ethernet:IPv4:UDP");
  EXPECT_EQ(GreOf(r)["ethernet"]["src"], "00:11:22:33:44:55");
}

Bytes TypeIII(bool o, const Bytes& frame) {
  Bytes b;
  Put16(b, 0x2000 | 7);
  Put16(b, 1 << 13 | 2 << 11 | 9);                         // cos 1, bso 2, span 9
  Put32(b, 123456);                                        // timestamp
  Put16(b, 42);                                            // sgt
  Put16(b, 0x8000 | 5 << 4 | 0x8 | 1 << 1 | (o ? 1 : 0));  // p, hw 5, egress, gra 1
  if (o) {
    Put32(b, 5u << 26 | 0x3ff << 16 | 0x0102);  // platform 5: switch, port
    Put32(b, 1700000000);
  }
  PutBytes(b, frame);
  return b;
}

TEST(Erspan, TypeIIIWithPlatformSubheader) {
  json r = InGre(Gre{.sequence = 1, .protocol = 0x22eb}, TypeIII(true, Mirrored()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:GRE:ERSPAN:Ethernet:IPv4:UDP");
  const json& e = GreOf(r)["erspan"];
  EXPECT_EQ(e["version"], 2);
  EXPECT_EQ(e["vlan_id"], 7);
  EXPECT_EQ(e["bso"], 2);
  EXPECT_FALSE(e.contains("encap"));
  EXPECT_EQ(e["timestamp"], 123456);
  EXPECT_EQ(e["sgt"], 42);
  EXPECT_EQ(e["p"], true);
  EXPECT_EQ(e["hw"], 5);
  EXPECT_EQ(e["direction"], true);
  EXPECT_EQ(e["gra"], 1);
  EXPECT_EQ(e["o"], true);
  EXPECT_EQ(e["platform"]["id"], 5);
  EXPECT_EQ(e["platform"]["switch_id"], 0x3ff);
  EXPECT_EQ(e["platform"]["port_index"], 0x0102);
  EXPECT_EQ(e["platform"]["timestamp_seconds"], 1700000000);
  EXPECT_EQ(e["ethernet"]["ipv4"]["udp"]["dstport"], 6);
}

TEST(Erspan, TypeIIIWithoutSubheader) {
  json r = InGre(Gre{.protocol = 0x22eb}, TypeIII(false, Mirrored()));
  const json& e = GreOf(r)["erspan"];
  EXPECT_EQ(e["o"], false);
  EXPECT_FALSE(e.contains("platform"));
  EXPECT_EQ(e["ethernet"]["dst"], "01:00:5e:00:00:0d");
}

TEST(Erspan, Hostile) {
  Bytes short_ii = TypeII({});
  short_ii.resize(6);
  json r = InGre(Gre{.sequence = 1, .protocol = 0x88be}, short_ii);
  EXPECT_TRUE(GreOf(r)["raw"].contains("error"));
  // The O flag promises a subheader the packet does not hold.
  Bytes cut_iii = TypeIII(true, {});
  cut_iii.resize(16);
  r = InGre(Gre{.sequence = 1, .protocol = 0x22eb}, cut_iii);
  EXPECT_TRUE(GreOf(r)["raw"].contains("error"));
  // Version 3 is unknown.
  r = InGre(Gre{.sequence = 1, .protocol = 0x88be}, Bytes{0x30, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_TRUE(GreOf(r)["raw"].contains("error"));
  r = InGre(Gre{.sequence = 1, .protocol = 0x88be}, Bytes{0x10});
  EXPECT_TRUE(GreOf(r)["raw"].contains("error"));
}

Bytes Inner() {
  return (Ipv4{.src = "10.172.64.6", .dst = "10.172.64.7"} / Udp{.srcport = 1, .dstport = 2})
      .Build();
}

TEST(CiscoMetadata, InsideGre) {
  Bytes b;
  Put16(b, 0x0800);
  PutBytes(b, Bytes{1, 1, 0, 1, 0x12, 0x34});
  PutBytes(b, Inner());
  json r = InGre(Gre{.key = 0x28, .protocol = 0x8909}, b);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:GRE:CMD:IPv4:UDP");
  const json& c = GreOf(r)["cmd"];
  EXPECT_EQ(c["version"], 1);
  EXPECT_EQ(c["length"], 1);
  EXPECT_EQ(c["options"], 1);
  EXPECT_EQ(c["sgt"], 0x1234);
  EXPECT_EQ(c["type"], 0x0800);
  EXPECT_EQ(c["gre_layout"], true);
  EXPECT_EQ(c["ipv4"]["dst"], "10.172.64.7");
}

TEST(CiscoMetadata, OnEthernet) {
  Bytes b{1, 1, 0, 1, 0, 9};
  Put16(b, 0x0800);
  PutBytes(b, Inner());
  json r = testutil::DissectFrame((Ethernet{.type = 0x8909} / b).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:CMD:IPv4:UDP");
  const json& c = r["ethernet"]["cmd"];
  EXPECT_EQ(c["sgt"], 9);
  EXPECT_EQ(c["type"], 0x0800);
  EXPECT_EQ(c["gre_layout"], false);
  EXPECT_EQ(c["ipv4"]["udp"]["srcport"], 1);
}

TEST(CiscoMetadata, Truncated) {
  json r = InGre(Gre{.protocol = 0x8909}, Bytes{0x08, 0x00, 1, 1, 0});
  EXPECT_TRUE(GreOf(r)["raw"].contains("error"));
}

}  // namespace
