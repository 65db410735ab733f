// MPLS pseudowires carrying Ethernet (RFC 4385, RFC 4448) built byte by byte: the control
// word and the frame it carries, the IPv4 and IPv6 payloads that stay as they were, and
// the truncated or foreign payloads below the bottom of the stack.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

// An inner Ethernet frame: 802.1Q tag, then IPv4/UDP.
Bytes InnerFrame() {
  return (Ethernet{.dst = "cc:07:0d:08:00:00", .src = "cc:00:0a:64:00:00"} / Vlan{.vid = 1} /
          Ipv4{.src = "192.168.1.2", .dst = "192.168.1.1"} / Udp{.srcport = 7, .dstport = 9})
      .Build();
}

json Dissect(const Bytes& below_stack) {
  return testutil::DissectFrame(
      (Ethernet{} / Mpls{.label = 18, .ttl = 254} / Mpls{.label = 16, .ttl = 255} / below_stack)
          .Build());
}

const json& Bottom(const json& r) {
  return r["ethernet"]["mpls"]["mpls"];
}

TEST(PwEthCw, ControlWordThenEthernet) {
  Bytes b{0x00, 0x00, 0x12, 0x34};
  PutBytes(b, InnerFrame());
  json r = Dissect(b);
  EXPECT_EQ(r["protocols"], "Ethernet:MPLS:MPLS:PW-CW:Ethernet:VLAN:IPv4:UDP");
  const json& cw = Bottom(r)["pwethcw"];
  EXPECT_EQ(cw["flags"], 0);
  EXPECT_EQ(cw["frg"], 0);
  EXPECT_EQ(cw["length"], 0);
  EXPECT_EQ(cw["sequence"], 0x1234);
  const json& eth = cw["ethernet"];
  EXPECT_EQ(eth["dst"], "cc:07:0d:08:00:00");
  EXPECT_EQ(eth["vlan"]["vid"], 1);
  EXPECT_EQ(eth["vlan"]["ipv4"]["src"], "192.168.1.2");
}

TEST(PwEthCw, FlagsFragmentationAndLength) {
  Bytes b{0x0a, 0x80 | 0x2e, 0, 1};
  PutBytes(b, InnerFrame());
  json r = Dissect(b);
  const json& cw = Bottom(r)["pwethcw"];
  EXPECT_EQ(cw["flags"], 0x0a);
  EXPECT_EQ(cw["frg"], 2);
  EXPECT_EQ(cw["length"], 0x2e);
  EXPECT_EQ(cw["sequence"], 1);
}

TEST(PwEthCw, IpPayloadsStayIp) {
  json v4 = Dissect((Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build());
  EXPECT_EQ(v4["protocols"], "Ethernet:MPLS:MPLS:IPv4:UDP");
  json v6 = Dissect((Ipv6{} / Udp{.srcport = 1, .dstport = 2}).Build());
  EXPECT_EQ(v6["protocols"], "Ethernet:MPLS:MPLS:IPv6:UDP");
}

TEST(PwEthCw, ControlWordTruncated) {
  json r = Dissect(Bytes{0x00, 0x00, 0x00});
  EXPECT_EQ(r["protocols"], "Ethernet:MPLS:MPLS:Raw");
  EXPECT_TRUE(Bottom(r)["raw"].contains("error"));
}

TEST(PwEthCw, ControlWordWithoutAFrame) {
  // The control word alone, then 6 bytes: too short for the Ethernet header.
  json r = Dissect(Bytes{0, 0, 0, 5, 1, 2, 3, 4, 5, 6});
  const json& cw = Bottom(r)["pwethcw"];
  EXPECT_EQ(cw["sequence"], 5);
  EXPECT_TRUE(cw.contains("raw"));
  EXPECT_EQ(r["protocols"], "Ethernet:MPLS:MPLS:PW-CW:Raw");
}

TEST(PwEthCw, OtherNibblesStayRaw) {
  // An Ethernet frame without a control word whose destination starts with nibble c.
  json r = Dissect(InnerFrame());
  EXPECT_EQ(r["protocols"], "Ethernet:MPLS:MPLS:Raw");
  EXPECT_FALSE(Bottom(r).contains("pwethcw"));
}

TEST(PwEthCw, NothingBelowTheStack) {
  json r = testutil::DissectFrame((Ethernet{} / Mpls{.label = 16}).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:MPLS");
}

}  // namespace
