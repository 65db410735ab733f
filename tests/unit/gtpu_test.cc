// GTP-U (UDP port 2152) built byte by byte: G-PDUs carrying IPv4 and IPv6, the optional
// fields, the extension header chain with a PDU Session Container, signalling messages,
// and the malformed ones.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

json Dissect(const Bytes& gtp) {
  return testutil::DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 2152, .dstport = 2152} / gtp).Build());
}

const json& Gtp(const json& r) {
  return r["ethernet"]["ipv4"]["udp"]["gtpu"];
}

// The header: flags, type, length of `rest`, TEID, then `rest`.
Bytes Message(uint8_t flags, uint8_t type, uint32_t teid, const Bytes& rest) {
  Bytes b{flags, type};
  Put16(b, uint16_t(rest.size()));
  Put32(b, teid);
  PutBytes(b, rest);
  return b;
}

Bytes InnerV4() {
  return (Ipv4{.src = "202.11.40.158", .dst = "192.168.40.178"} /
          Udp{.srcport = 1111, .dstport = 2222} / Bytes{1, 2, 3})
      .Build();
}

TEST(GtpU, GpduWithoutOptionalFields) {
  json r = Dissect(Message(0x30, 255, 0x11223344, InnerV4()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTP-U:IPv4:UDP:Raw");
  const json& g = Gtp(r);
  EXPECT_EQ(g["flags"], 0x30);
  EXPECT_EQ(g["version"], 1);
  EXPECT_EQ(g["pt"], 1);
  EXPECT_EQ(g["e"], false);
  EXPECT_EQ(g["s"], false);
  EXPECT_EQ(g["pn"], false);
  EXPECT_EQ(g["message_type"], 255);
  EXPECT_EQ(g["length"], InnerV4().size());
  EXPECT_EQ(g["teid"], 0x11223344);
  EXPECT_FALSE(g.contains("seq"));
  EXPECT_EQ(g["ipv4"]["src"], "202.11.40.158");
  EXPECT_EQ(g["ipv4"]["udp"]["dstport"], 2222);
}

TEST(GtpU, SequenceNumberAndIpv6Payload) {
  Bytes rest{0x28, 0xdb, 7, 0};
  PutBytes(rest, (Ipv6{} / Udp{.srcport = 1, .dstport = 2}).Build());
  json r = Dissect(Message(0x32, 255, 1, rest));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTP-U:IPv6:UDP");
  const json& g = Gtp(r);
  EXPECT_EQ(g["s"], true);
  EXPECT_EQ(g["seq"], 0x28db);
  EXPECT_EQ(g["npdu"], 7);
  EXPECT_EQ(g["next_type"], 0);
  EXPECT_FALSE(g.contains("ext_headers"));
  EXPECT_EQ(g["ipv6"]["udp"]["dstport"], 2);
}

TEST(GtpU, ExtensionHeaderChain) {
  // PDU Session Container (downlink, RQI, QFI 9), then a PDCP PDU number (0xc0), then none.
  Bytes rest{0, 1, 0, 0x85, 1, 0x00, 0x49, 0xc0, 1, 0x12, 0x34, 0};
  PutBytes(rest, InnerV4());
  json r = Dissect(Message(0x34, 255, 2, rest));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTP-U:IPv4:UDP:Raw");
  const json& g = Gtp(r);
  EXPECT_EQ(g["e"], true);
  EXPECT_EQ(g["next_type"], 0x85);
  const json& x = g["ext_headers"];
  ASSERT_EQ(x.size(), 2u);
  EXPECT_EQ(x[0]["type"], 0x85);
  EXPECT_EQ(x[0]["length"], 1);
  EXPECT_EQ(x[0]["content"], "0049");
  EXPECT_EQ(x[0]["pdu_type"], 0);
  EXPECT_EQ(x[0]["rqi"], true);
  EXPECT_EQ(x[0]["ppp"], false);
  EXPECT_EQ(x[0]["qfi"], 9);
  EXPECT_EQ(x[0]["next_type"], 0xc0);
  EXPECT_EQ(x[1]["type"], 0xc0);
  EXPECT_EQ(x[1]["content"], "1234");
  EXPECT_EQ(x[1]["next_type"], 0);
  EXPECT_FALSE(x[1].contains("pdu_type"));
  EXPECT_EQ(g["ipv4"]["udp"]["srcport"], 1111);
  // Uplink: no PPP/RQI.
  Bytes up{0, 0, 0, 0x85, 1, 0x10, 0x05, 0};
  PutBytes(up, InnerV4());
  json uplink = Dissect(Message(0x34, 255, 2, up));
  const json& u = Gtp(uplink)["ext_headers"][0];
  EXPECT_EQ(u["pdu_type"], 1);
  EXPECT_EQ(u["qfi"], 5);
  EXPECT_FALSE(u.contains("rqi"));
}

TEST(GtpU, SignallingMessagesCarryNoChild) {
  json echo = Dissect(Message(0x32, 1, 0, {0, 5, 0, 0}));
  EXPECT_EQ(echo["protocols"], "Ethernet:IPv4:UDP:GTP-U");
  EXPECT_EQ(Gtp(echo)["message_type"], 1);
  EXPECT_EQ(Gtp(echo)["seq"], 5);
  EXPECT_FALSE(Gtp(echo).contains("data"));
  json response = Dissect(Message(0x32, 2, 0, {0, 5, 0, 0, 14, 0}));  // Recovery IE
  EXPECT_EQ(response["protocols"], "Ethernet:IPv4:UDP:GTP-U");
  EXPECT_EQ(Gtp(response)["data"], "0e00");
  Bytes ies{16, 0, 0, 0, 1, 0x85, 0, 4, 10, 0, 0, 1};  // TEID I, GSN address
  json error = Dissect(Message(0x30, 26, 0, ies));
  EXPECT_EQ(error["protocols"], "Ethernet:IPv4:UDP:GTP-U");
  EXPECT_EQ(Gtp(error)["message_type"], 26);
  EXPECT_EQ(Gtp(error)["data"], "10000000018500040a000001");
}

TEST(GtpU, MalformedHeadersAreRaw) {
  auto error = [](const Bytes& gtp) { return Dissect(gtp)["ethernet"]["ipv4"]["udp"]["raw"]; };
  EXPECT_EQ(error({0x30, 255, 0, 0})["error"], "GTP-U: header truncated");
  EXPECT_EQ(error(Message(0x48, 1, 0, {}))["error"], "GTP-U: version other than 1");
  EXPECT_EQ(error(Message(0x32, 255, 0, {0, 1}))["error"],
            "GTP-U: optional fields past the message");
}

TEST(GtpU, ExtensionChainFaultsEndInAnErrorEntry) {
  auto chain = [](const Bytes& rest) {
    json r = Dissect(Message(0x34, 255, 0, rest));
    EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTP-U");  // nothing after a cut chain
    return Gtp(r);
  };
  json zero = chain({0, 0, 0, 0x85, 0, 0, 0, 0});
  EXPECT_EQ(zero["ext_headers"][0]["error"], "extension header length 0");
  json past = chain({0, 0, 0, 0x85, 3, 0, 0, 0});
  EXPECT_EQ(past["ext_headers"][0]["length"], 3);
  EXPECT_EQ(past["ext_headers"][0]["error"], "extension header runs past the end of the message");
  EXPECT_EQ(past["data"], "03000000");
  json none = chain({0, 0, 0, 0x85, 1, 0, 1, 0xc0});  // its next header is missing
  EXPECT_EQ(none["ext_headers"].size(), 2u);
  EXPECT_EQ(none["ext_headers"][0]["qfi"], 1);
  EXPECT_EQ(none["ext_headers"][1]["error"], "extension header past the end of the message");
}

TEST(GtpU, LengthBoundsTheMessageAndACutCaptureIsWhatIsThere) {
  // A length past the captured bytes: the inner packet is what the capture holds.
  Bytes msg = Message(0x30, 255, 0, InnerV4());
  msg[3] += 10;
  json r = Dissect(msg);
  EXPECT_EQ(Gtp(r)["length"], InnerV4().size() + 10);
  EXPECT_EQ(Gtp(r)["ipv4"]["udp"]["srcport"], 1111);
  // A G-PDU whose packet is neither IPv4 nor IPv6: raw, without error.
  json other = Dissect(Message(0x30, 255, 0, {0x11, 0x22}));
  EXPECT_EQ(other["protocols"], "Ethernet:IPv4:UDP:GTP-U:Raw");
  EXPECT_FALSE(Gtp(other)["raw"].contains("error"));
}

}  // namespace
