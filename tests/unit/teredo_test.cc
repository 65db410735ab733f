// Teredo (UDP port 3544) built byte by byte: the IPv6 packet alone, after an origin
// indication, after both indicators; payloads that are not Teredo's, and cut indicators.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

// The frame carrying `payload` over UDP 3797 -> 3544, and what pcapkit makes of it.
json Dissect(const Bytes& payload) {
  return testutil::DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 3797, .dstport = 3544} / payload).Build());
}

Bytes Inner() {
  return (Ipv6{.src = "2001:0:4136:e378:8000:63bf:3fff:fdd2", .dst = "2001:db8::2"} /
          Udp{.srcport = 5000, .dstport = 6000} / Bytes{1, 2})
      .Build();
}

// Port 3797 and 70.55.215.234, obfuscated.
Bytes Origin() {
  return {0,
          0,
          uint8_t(~(3797 >> 8)),
          uint8_t(~3797 & 0xff),
          uint8_t(~70),
          uint8_t(~55),
          uint8_t(~215),
          uint8_t(~234)};
}

Bytes Auth(const Bytes& id, const Bytes& value) {
  Bytes b{0, 1, uint8_t(id.size()), uint8_t(value.size())};
  PutBytes(b, id);
  PutBytes(b, value);
  PutBytes(b, Bytes{0xcd, 0x56, 0x69, 0x40, 0x0b, 0x22, 0xdf, 0x88});
  b.push_back(0);
  return b;
}

TEST(Teredo, TheIpv6PacketAlone) {
  json r = Dissect(Inner());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Teredo:IPv6:UDP:Raw");
  const json& t = r["ethernet"]["ipv4"]["udp"]["teredo"];
  EXPECT_FALSE(t.contains("origin_port"));
  EXPECT_FALSE(t.contains("auth_nonce"));
  EXPECT_EQ(t["ipv6"]["src"], "2001:0:4136:e378:8000:63bf:3fff:fdd2");
  EXPECT_EQ(t["ipv6"]["udp"]["dstport"], 6000);
}

TEST(Teredo, OriginIndicationIsUnobfuscated) {
  json r = Dissect(Concat({Origin(), Inner()}));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Teredo:IPv6:UDP:Raw");
  const json& t = r["ethernet"]["ipv4"]["udp"]["teredo"];
  EXPECT_EQ(t["origin_port"], 3797);
  EXPECT_EQ(t["origin_port_obfuscated"], 0xffff ^ 3797);
  EXPECT_EQ(t["origin_addr"], "70.55.215.234");
  EXPECT_EQ(t["origin_addr_obfuscated"], "185.200.40.21");
  EXPECT_EQ(t["ipv6"]["udp"]["srcport"], 5000);
}

TEST(Teredo, AuthenticationThenOrigin) {
  json r = Dissect(Concat({Auth({0xa1, 0xa2}, {0xb1, 0xb2, 0xb3}), Origin(), Inner()}));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Teredo:IPv6:UDP:Raw");
  const json& t = r["ethernet"]["ipv4"]["udp"]["teredo"];
  EXPECT_EQ(t["auth_id_len"], 2);
  EXPECT_EQ(t["auth_value_len"], 3);
  EXPECT_EQ(t["auth_id"], "a1a2");
  EXPECT_EQ(t["auth_value"], "b1b2b3");
  EXPECT_EQ(t["auth_nonce"], "cd5669400b22df88");
  EXPECT_EQ(t["auth_confirmation"], "00");
  EXPECT_EQ(t["origin_addr"], "70.55.215.234");
  // Without identifier and value (the router solicitation of a qualification).
  json bare = Dissect(Concat({Auth({}, {}), Inner()}));
  const json& b = bare["ethernet"]["ipv4"]["udp"]["teredo"];
  EXPECT_EQ(b["auth_id_len"], 0);
  EXPECT_FALSE(b.contains("auth_id"));
  EXPECT_FALSE(b.contains("origin_port"));
  EXPECT_EQ(b["ipv6"]["udp"]["dstport"], 6000);
}

TEST(Teredo, APayloadOfNeitherKindIsNotForced) {
  json r = Dissect(Bytes{0x45, 0, 0, 20, 1, 2, 3, 4});
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  const json& raw = r["ethernet"]["ipv4"]["udp"]["raw"];
  EXPECT_EQ(raw["error"], "Teredo: neither an indicator nor an IPv6 packet");
  EXPECT_EQ(Dissect(Bytes{})["protocols"], "Ethernet:IPv4:UDP");
}

TEST(Teredo, CutIndicatorsAreRawWithAnError) {
  auto error = [](const Bytes& payload) {
    return Dissect(payload)["ethernet"]["ipv4"]["udp"]["raw"]["error"];
  };
  Bytes auth = Auth({1, 2}, {3});
  EXPECT_EQ(error(Bytes(auth.begin(), auth.end() - 1)),
            "Teredo: authentication indicator truncated");
  EXPECT_EQ(error(Bytes{0, 1, 9}), "Teredo: authentication indicator truncated");
  Bytes origin = Origin();
  EXPECT_EQ(error(Bytes(origin.begin(), origin.begin() + 5)),
            "Teredo: origin indication truncated");
  EXPECT_EQ(error(origin), "Teredo: no IPv6 packet after the indicators");
  EXPECT_EQ(error(Concat({origin, Bytes{0x45, 0}})),
            "Teredo: neither an indicator nor an IPv6 packet");
}

TEST(Teredo, ACutIpv6PacketIsTheIpv6LayersError) {
  Bytes inner = Inner();
  inner.resize(20);
  json r = Dissect(Concat({Origin(), inner}));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Teredo:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["udp"]["teredo"]["origin_port"], 3797);
  EXPECT_TRUE(r["ethernet"]["ipv4"]["udp"]["teredo"]["raw"].contains("error"));
}

}  // namespace
