// GTPv2-C (UDP port 2123, version 2) built byte by byte: echo without a TEID, a Create
// Session Request with IMSI, MSISDN, F-TEID, APN, AMBR, RAT and PDN types and a Bearer
// Context, a response with its Cause, a piggybacked message, message priority, and the
// malformed ones: a cut header, an IE past the message, a cut piggybacked message.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

json Dissect(const Bytes& gtp) {
  return testutil::DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 2123, .dstport = 2123} / gtp).Build());
}

const json& Gtp(const json& r) {
  return r["ethernet"]["ipv4"]["udp"]["gtpv2"];
}

// Flags (version 2 with T, P, MP as given), type, length, TEID when T, sequence, spare.
Bytes Message(uint8_t flags, uint8_t type, uint32_t teid, uint32_t seq, const Bytes& ies,
              uint8_t last = 0) {
  bool t = (flags & 0x08) != 0;
  Bytes b{uint8_t(0x40 | flags), type};
  Put16(b, uint16_t(ies.size() + (t ? 8 : 4)));
  if (t) Put32(b, teid);
  PutBytes(b, Bytes{uint8_t(seq >> 16), uint8_t(seq >> 8), uint8_t(seq), last});
  PutBytes(b, ies);
  return b;
}

Bytes Ie(uint8_t type, const Bytes& value, uint8_t instance = 0) {
  Bytes b{type};
  Put16(b, uint16_t(value.size()));
  Put8(b, instance);
  PutBytes(b, value);
  return b;
}

Bytes Fteid(uint8_t interface_type, uint32_t teid, const char* v4) {
  Bytes v{uint8_t(0x80 | interface_type)};
  Put32(v, teid);
  PutBytes(v, Ipv4Address(v4));
  return v;
}

Bytes CreateSessionRequest() {
  Bytes ies = Ie(1, {0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5});
  PutBytes(ies, Ie(76, {0x44, 0x77, 0x00, 0x00, 0xf1}));
  PutBytes(ies, Ie(82, {6}));
  PutBytes(ies, Ie(87, Fteid(10, 0xabcdef01, "10.1.1.1")));
  PutBytes(ies, Ie(71, {8, 'i', 'n', 't', 'e', 'r', 'n', 'e', 't'}));
  PutBytes(ies, Ie(72, {0, 0, 0x10, 0, 0, 0, 0x20, 0}));
  PutBytes(ies, Ie(99, {1}));
  Bytes bearer = Ie(73, {5});
  PutBytes(bearer, Ie(87, Fteid(4, 0x1234, "10.1.1.2"), 2));
  PutBytes(ies, Ie(93, bearer));
  return Message(0x08, 32, 0, 0x000102, ies);
}

TEST(GtpV2, EchoWithoutTeid) {
  json r = Dissect(Message(0, 1, 0, 0x00abcd, Ie(3, {9})));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTPv2-C");
  const json& g = Gtp(r);
  EXPECT_EQ(g["version"], 2);
  EXPECT_EQ(g["t"], false);
  EXPECT_FALSE(g.contains("teid"));
  EXPECT_EQ(g["seq"], 0xabcd);
  EXPECT_EQ(g["length"], 9);
  EXPECT_EQ(g["ies"][0]["recovery"], 9);
  EXPECT_EQ(g["ies"][0]["cr"], 0);
}

TEST(GtpV2, CreateSessionRequestDecodesItsIes) {
  json r = Dissect(CreateSessionRequest());
  const json& g = Gtp(r);
  EXPECT_EQ(g["t"], true);
  EXPECT_EQ(g["teid"], 0);
  EXPECT_EQ(g["seq"], 0x102);
  const json& ies = g["ies"];
  ASSERT_EQ(ies.size(), 8u);
  EXPECT_EQ(ies[0]["imsi"], "123456789012345");
  EXPECT_EQ(ies[1]["msisdn"], "447700001");
  EXPECT_EQ(ies[2]["rat_type"], 6);
  EXPECT_EQ(ies[3]["v4"], true);
  EXPECT_EQ(ies[3]["v6"], false);
  EXPECT_EQ(ies[3]["interface_type"], 10);
  EXPECT_EQ(ies[3]["teid_gre_key"], 0xabcdef01);
  EXPECT_EQ(ies[3]["ipv4"], "10.1.1.1");
  EXPECT_EQ(ies[4]["apn"], "internet");
  EXPECT_EQ(ies[5]["ambr_up"], 0x1000);
  EXPECT_EQ(ies[5]["ambr_down"], 0x2000);
  EXPECT_EQ(ies[6]["pdn_type"], 1);
  const json& bearer = ies[7]["ies"];
  ASSERT_EQ(bearer.size(), 2u);
  EXPECT_EQ(bearer[0]["ebi"], 5);
  EXPECT_EQ(bearer[1]["instance"], 2);
  EXPECT_EQ(bearer[1]["ipv4"], "10.1.1.2");
}

TEST(GtpV2, ResponseCauseAndPiggybackedMessage) {
  Bytes response = Message(0x18, 33, 0x1111, 5, Ie(2, {16, 0x03}));
  PutBytes(response, Message(0x08, 95, 0x2222, 6, Ie(73, {6})));
  json r = Dissect(response);
  const json& g = Gtp(r);
  EXPECT_EQ(g["p"], true);
  EXPECT_EQ(g["ies"][0]["cause"], 16);
  EXPECT_EQ(g["ies"][0]["bce"], true);
  EXPECT_EQ(g["ies"][0]["cs"], true);
  EXPECT_EQ(g["ies"][0]["pce"], false);
  EXPECT_EQ(g["ies"].size(), 1u);
  const json& second = g["piggybacked"];
  EXPECT_EQ(second["message_type"], 95);
  EXPECT_EQ(second["teid"], 0x2222);
  EXPECT_EQ(second["ies"][0]["ebi"], 6);
}

TEST(GtpV2, MessagePriority) {
  json r = Dissect(Message(0x0c, 34, 1, 2, {}, 0x50));
  EXPECT_EQ(Gtp(r)["mp"], true);
  EXPECT_EQ(Gtp(r)["priority"], 5);
  EXPECT_EQ(Gtp(r)["spare"], 0);
}

TEST(GtpV2, MalformedMessages) {
  auto error = [](const Bytes& gtp) { return Dissect(gtp)["ethernet"]["ipv4"]["udp"]["raw"]; };
  EXPECT_EQ(error({0x48, 1, 0})["error"], "GTPv2-C: header truncated");
  EXPECT_EQ(error({0x48, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0})["error"],
            "GTPv2-C: header runs past the message");
  EXPECT_EQ(error({0x48, 1, 0, 8, 0, 0, 0})["error"], "GTPv2-C: header runs past the message");
  // An IE past the message, a cut IE header.
  json past = Dissect(Message(0, 1, 0, 1, {3, 0, 5, 0, 1}));
  EXPECT_EQ(Gtp(past)["ies"][0]["length"], 5);
  EXPECT_EQ(Gtp(past)["ies"][0]["error"], "IE runs past the message");
  json cut = Dissect(Message(0, 1, 0, 1, {3, 0}));
  EXPECT_EQ(Gtp(cut)["ies"][0]["error"], "IE header runs past the message");
  // A zero-length IE, a Bearer Context holding a cut IE.
  json zero = Dissect(Message(0x08, 32, 0, 1, Ie(93, {73, 0, 1})));
  EXPECT_EQ(Gtp(zero)["ies"][0]["ies"][0]["error"], "IE header runs past the message");
  json empty = Dissect(Message(0, 1, 0, 1, Ie(3, {})));
  EXPECT_EQ(Gtp(empty)["ies"][0]["value"], "");
  EXPECT_FALSE(Gtp(empty)["ies"][0].contains("recovery"));
}

TEST(GtpV2, PiggybackedMessageCut) {
  Bytes msg = Message(0x18, 33, 1, 1, Ie(2, {16, 0}));
  PutBytes(msg, Bytes{0x48, 95, 0});
  json r = Dissect(msg);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTPv2-C");
  EXPECT_EQ(Gtp(r)["piggybacked"]["error"], "header truncated");
  EXPECT_EQ(Gtp(r)["piggybacked"]["data"], "485f00");
  // P set and nothing after: no piggybacked member.
  json alone = Dissect(Message(0x18, 33, 1, 1, {}));
  EXPECT_FALSE(Gtp(alone).contains("piggybacked"));
}

}  // namespace
