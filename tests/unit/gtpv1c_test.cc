// GTPv1-C (UDP port 2123, version 1) built byte by byte: echo, Create PDP Context Request
// and Response with TV and TLV information elements, the decoded ones, and the malformed
// messages: a cut header, a length past the datagram, an IE past the message, an unknown
// TV type, a zero-length TLV.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

json Dissect(const Bytes& gtp) {
  return testutil::DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 2123, .dstport = 2123} / gtp).Build());
}

const json& Gtp(const json& r) {
  return r["ethernet"]["ipv4"]["udp"]["gtpv1c"];
}

// Flags 0x32 (version 1, PT, S), type, length, TEID, sequence, N-PDU 0, next type 0, IEs.
Bytes Message(uint8_t type, uint32_t teid, uint16_t seq, const Bytes& ies) {
  Bytes b{0x32, type};
  Put16(b, uint16_t(ies.size() + 4));
  Put32(b, teid);
  Put16(b, seq);
  PutBytes(b, Bytes{0, 0});
  PutBytes(b, ies);
  return b;
}

Bytes Tlv(uint8_t type, const Bytes& value) {
  Bytes b{type};
  Put16(b, uint16_t(value.size()));
  PutBytes(b, value);
  return b;
}

Bytes CreatePdpRequest() {
  Bytes ies{2, 0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5};  // IMSI 123456789012345
  PutBytes(ies, Bytes{14, 7, 15, 1});                            // Recovery, Selection mode
  PutBytes(ies, Bytes{16, 0x11, 0x22, 0x33, 0x44, 17, 0, 0, 0, 9, 20, 5});  // TEIDs, NSAPI
  PutBytes(ies, Tlv(128, {0xf1, 0x21}));                                    // dynamic IPv4
  PutBytes(ies, Tlv(131, {8, 'i', 'n', 't', 'e', 'r', 'n', 'e', 't', 3, 'c', 'o', 'm'}));
  PutBytes(ies, Tlv(133, {10, 0, 0, 1}));
  PutBytes(ies, Tlv(134, {0x91, 0x44, 0x77, 0x00, 0x00, 0xf1}));
  return Message(16, 0, 0x1234, ies);
}

TEST(GtpV1C, EchoRequestAndResponse) {
  json request = Dissect(Message(1, 0, 7, {}));
  EXPECT_EQ(request["protocols"], "Ethernet:IPv4:UDP:GTPv1-C");
  const json& g = Gtp(request);
  EXPECT_EQ(g["version"], 1);
  EXPECT_EQ(g["message_type"], 1);
  EXPECT_EQ(g["seq"], 7);
  EXPECT_EQ(g["ies"], json::array());
  json response = Dissect(Message(2, 0, 7, {14, 3}));
  EXPECT_EQ(Gtp(response)["ies"][0]["type"], 14);
  EXPECT_EQ(Gtp(response)["ies"][0]["length"], 1);
  EXPECT_EQ(Gtp(response)["ies"][0]["value"], "03");
  EXPECT_EQ(Gtp(response)["ies"][0]["recovery"], 3);
}

TEST(GtpV1C, CreatePdpContextRequestDecodesItsIes) {
  json r = Dissect(CreatePdpRequest());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:GTPv1-C");
  const json& ies = Gtp(r)["ies"];
  ASSERT_EQ(ies.size(), 10u);
  EXPECT_EQ(ies[0]["imsi"], "123456789012345");
  EXPECT_EQ(ies[0]["length"], 8);
  EXPECT_EQ(ies[1]["recovery"], 7);
  EXPECT_EQ(ies[2]["selection_mode"], 1);
  EXPECT_EQ(ies[3]["teid_data"], 0x11223344);
  EXPECT_EQ(ies[4]["teid_cp"], 9);
  EXPECT_EQ(ies[5]["nsapi"], 5);
  EXPECT_EQ(ies[6]["pdp_org"], 1);
  EXPECT_EQ(ies[6]["pdp_type"], 0x21);
  EXPECT_FALSE(ies[6].contains("pdp_ipv4"));  // dynamic: no address
  EXPECT_EQ(ies[7]["apn"], "internet.com");
  EXPECT_EQ(ies[7]["length"], 13);
  EXPECT_EQ(ies[8]["gsn_ipv4"], "10.0.0.1");
  EXPECT_EQ(ies[9]["msisdn"], "447700001");
}

TEST(GtpV1C, CreatePdpContextResponseWithAddresses) {
  Bytes ies{1, 128, 127, 0, 0, 0, 42};  // Cause: request accepted; Charging ID
  Bytes both{0xf1, 0x8d, 192, 0, 2, 7};
  PutBytes(both, Ipv6Address("2001:db8::7"));
  PutBytes(ies, Tlv(128, both));
  Bytes gsn;
  PutBytes(gsn, Ipv6Address("2001:db8::1"));
  PutBytes(ies, Tlv(133, gsn));
  PutBytes(ies, Tlv(255, {}));  // zero-length private extension
  json r = Dissect(Message(17, 0x55, 1, ies));
  const json& e = Gtp(r)["ies"];
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0]["cause"], 128);
  EXPECT_EQ(e[1]["charging_id"], 42);
  EXPECT_EQ(e[2]["pdp_ipv4"], "192.0.2.7");
  EXPECT_EQ(e[2]["pdp_ipv6"], "2001:db8::7");
  EXPECT_EQ(e[3]["gsn_ipv6"], "2001:db8::1");
  EXPECT_EQ(e[4]["length"], 0);
  EXPECT_EQ(e[4]["value"], "");
  EXPECT_EQ(Gtp(r)["teid"], 0x55);
}

TEST(GtpV1C, AmbiguousValuesStayHex) {
  Bytes ies{2, 0x21, 0xa3, 0x65, 0x87, 0x09, 0x21, 0x43, 0xf5};  // a non-decimal nibble
  PutBytes(ies, Tlv(131, {9, 'i', 'n'}));                        // a label past the value
  json r = Dissect(Message(16, 0, 0, ies));
  const json& e = Gtp(r)["ies"];
  EXPECT_FALSE(e[0].contains("imsi"));
  EXPECT_EQ(e[0]["value"], "21a36587092143f5");
  EXPECT_FALSE(e[1].contains("apn"));
  EXPECT_EQ(e[1]["value"], "09696e");
}

TEST(GtpV1C, MalformedHeadersAreRaw) {
  auto error = [](const Bytes& gtp) { return Dissect(gtp)["ethernet"]["ipv4"]["udp"]["raw"]; };
  EXPECT_EQ(error({0x32, 1, 0, 4, 0})["error"], "GTPv1-C: header truncated");
  EXPECT_EQ(error({0x32, 1, 0, 2, 0, 0, 0, 0, 0, 1})["error"],
            "GTPv1-C: optional fields past the message");
}

TEST(GtpV1C, IeFaultsEndTheListWithAnErrorEntry) {
  json unknown = Dissect(Message(16, 0, 0, {14, 1, 100, 1, 2, 3}));
  const json& u = Gtp(unknown)["ies"];
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[1]["type"], 100);
  EXPECT_EQ(u[1]["error"], "TV type of unknown length: the list ends here");
  json past = Dissect(Message(16, 0, 0, {14, 1, 133, 0, 9, 10, 0}));
  EXPECT_EQ(Gtp(past)["ies"][1]["length"], 9);
  EXPECT_EQ(Gtp(past)["ies"][1]["error"], "IE runs past the message");
  json cut_tv = Dissect(Message(16, 0, 0, {16, 1, 2}));
  EXPECT_EQ(Gtp(cut_tv)["ies"][0]["error"], "IE runs past the message");
  json cut_tlv = Dissect(Message(16, 0, 0, {133, 0}));
  EXPECT_EQ(Gtp(cut_tlv)["ies"][0]["error"], "IE header runs past the message");
}

TEST(GtpV1C, LengthBoundsTheMessage) {
  // A length past the datagram: the IEs are what the capture holds.
  Bytes msg = Message(2, 0, 1, {14, 3});
  msg[3] += 20;
  json r = Dissect(msg);
  EXPECT_EQ(Gtp(r)["length"], 26);
  EXPECT_EQ(Gtp(r)["ies"][0]["recovery"], 3);
  // Bytes after the message are not its IEs.
  Bytes trailing = Message(2, 0, 1, {14, 3});
  PutBytes(trailing, Bytes{0xde, 0xad});
  EXPECT_EQ(Gtp(Dissect(trailing))["ies"].size(), 1u);
}

TEST(GtpV1C, OtherVersionsOnThePort) {
  json v0 = Dissect({0x1e, 1, 0, 0, 0, 0, 0, 0});  // GTP' or v0: no protocol bound
  EXPECT_EQ(v0["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_FALSE(v0["ethernet"]["ipv4"]["udp"]["raw"].contains("error"));
  json empty = Dissect({});
  EXPECT_EQ(empty["protocols"], "Ethernet:IPv4:UDP");
}

std::string Ndjson(const json& record) {
  std::string text = record.dump() + "\n";
  return testutil::WriteTemp(Bytes(text.begin(), text.end()), ".ndjson");
}

// `pcapkit build` takes a TV IE's length from its type: a record giving another cannot be
// written, or it would be read back as other IEs.
TEST(GtpV1C, BuildRefusesATvIeOfAnotherLength) {
  json record = Dissect(Message(2, 0, 7, {14, 3}));
  testutil::CliResult built =
      testutil::RunCli({"build", "-", "-o", testutil::WriteTemp({}, ".pcap")}, Ndjson(record));
  ASSERT_EQ(built.status, 0) << built.err;
  json& ie = record["ethernet"]["ipv4"]["udp"]["gtpv1c"]["ies"][0];
  ie["length"] = 3;
  ie["value"] = "030303";
  testutil::CliResult refused = testutil::RunCli(
      {"build", "-", "-o", testutil::WriteTemp({}, ".pcap"), "--fix-lengths"}, Ndjson(record));
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("not the length TS 29.060 fixes"), std::string::npos) << refused.err;
}

}  // namespace
