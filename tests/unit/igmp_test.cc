// IGMP v1-v3 on messages built byte by byte, the malformed ones ending in `raw` with an
// error or in an entry with one.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

// The frame carrying `igmp` over IPv4 (protocol 2), and what pcapkit makes of it.
json Dissect(const Bytes& igmp) {
  json r =
      testutil::DissectFrame((Ethernet{} / Ipv4{.dst = "224.0.0.1", .protocol = 2} / igmp).Build());
  return r["ethernet"]["ipv4"];
}

Bytes Message(uint8_t type, uint8_t max_resp, const char* group, const Bytes& rest = {}) {
  Bytes b{type, max_resp, 0x12, 0x34};
  PutBytes(b, Ipv4Address(group));
  PutBytes(b, rest);
  return b;
}

TEST(Igmp, VersionFollowsTheTypeAndTheQueryLength) {
  json v1 = Dissect(Message(0x11, 0, "0.0.0.0"));
  EXPECT_EQ(v1["igmp"]["version"], 1);
  json v2 = Dissect(Message(0x11, 100, "224.1.2.3"));
  EXPECT_EQ(v2["igmp"]["version"], 2);
  EXPECT_EQ(v2["igmp"]["max_resp"], 100);
  EXPECT_EQ(v2["igmp"]["group"], "224.1.2.3");
  EXPECT_EQ(v2["igmp"]["checksum"], 0x1234);
  EXPECT_EQ(Dissect(Message(0x12, 0, "224.1.2.3"))["igmp"]["version"], 1);
  EXPECT_EQ(Dissect(Message(0x16, 0, "224.1.2.3"))["igmp"]["version"], 2);
  json leave = Dissect(Message(0x17, 0, "224.1.2.3"));
  EXPECT_EQ(leave["igmp"]["type"], 0x17);
  EXPECT_EQ(leave["igmp"]["version"], 2);
  // A type of none of the three versions (DVMRP) keeps the common fields only.
  json dvmrp = Dissect(Message(0x13, 0, "0.0.0.0"));
  EXPECT_FALSE(dvmrp["igmp"].contains("version"));
  EXPECT_EQ(dvmrp["igmp"]["type"], 0x13);
}

TEST(Igmp, V3QueryWithSources) {
  Bytes rest{0x0a, 125, 0, 2};  // S set (0x08), QRV 2, QQIC 125, two sources
  PutBytes(rest, Ipv4Address("10.0.0.1"));
  PutBytes(rest, Ipv4Address("10.0.0.2"));
  json r = Dissect(Message(0x11, 10, "239.1.1.1", rest));
  const json& igmp = r["igmp"];
  EXPECT_EQ(igmp["version"], 3);
  EXPECT_EQ(igmp["s"], true);
  EXPECT_EQ(igmp["qrv"], 2);
  EXPECT_EQ(igmp["qqic"], 125);
  EXPECT_EQ(igmp["num_sources"], 2);
  EXPECT_EQ(igmp["sources"], json::array({"10.0.0.1", "10.0.0.2"}));
  EXPECT_FALSE(igmp.contains("sources_error"));
}

TEST(Igmp, V3QueryWhoseSourcesRunPastTheMessage) {
  Bytes rest{0x02, 125, 0, 3};  // three sources said, one there
  PutBytes(rest, Ipv4Address("10.0.0.1"));
  json igmp = Dissect(Message(0x11, 10, "239.1.1.1", rest))["igmp"];
  EXPECT_EQ(igmp["num_sources"], 3);
  EXPECT_EQ(igmp["sources"], json::array({"10.0.0.1"}));
  EXPECT_EQ(igmp["sources_error"], "source list runs past the message");
}

Bytes Record(uint8_t type, const char* group, std::vector<const char*> sources, Bytes aux = {}) {
  Bytes b{type, uint8_t(aux.size() / 4)};
  Put16(b, uint16_t(sources.size()));
  PutBytes(b, Ipv4Address(group));
  for (const char* s : sources) PutBytes(b, Ipv4Address(s));
  PutBytes(b, aux);
  return b;
}

Bytes V3Report(uint16_t records, const Bytes& body) {
  Bytes b{0x22, 0, 0xab, 0xcd, 0, 0};
  Put16(b, records);
  PutBytes(b, body);
  return b;
}

TEST(Igmp, V3ReportRecordsWithSourcesAndAuxiliaryData) {
  Bytes body =
      Concat({Record(1, "239.1.1.1", {"10.0.0.1"}), Record(4, "239.2.2.2", {}, {1, 2, 3, 4})});
  json igmp = Dissect(V3Report(2, body))["igmp"];
  EXPECT_EQ(igmp["version"], 3);
  EXPECT_FALSE(igmp.contains("max_resp"));  // a v3 report's second byte is reserved
  EXPECT_FALSE(igmp.contains("group"));
  EXPECT_EQ(igmp["num_records"], 2);
  ASSERT_EQ(igmp["records"].size(), 2u);
  EXPECT_EQ(igmp["records"][0]["type"], 1);
  EXPECT_EQ(igmp["records"][0]["group"], "239.1.1.1");
  EXPECT_EQ(igmp["records"][0]["sources"], json::array({"10.0.0.1"}));
  EXPECT_EQ(igmp["records"][1]["aux_len"], 1);
  EXPECT_EQ(igmp["records"][1]["aux_data"], "01020304");
  EXPECT_EQ(igmp["records"][1]["sources"], json::array());
}

TEST(Igmp, V3ReportRecordRunningPastTheMessageEndsTheList) {
  // Two records said; the second names three sources and has room for one.
  Bytes body = Concat({Record(1, "239.1.1.1", {}), Record(2, "239.2.2.2", {"10.0.0.1"})});
  body[8 + 3] = 3;  // the second record's source count
  json igmp = Dissect(V3Report(3, body))["igmp"];
  ASSERT_EQ(igmp["records"].size(), 2u);
  EXPECT_EQ(igmp["records"][1]["sources"], json::array({"10.0.0.1"}));
  EXPECT_EQ(igmp["records"][1]["error"], "group record runs past the message");
  // A record header cut short.
  json cut = Dissect(V3Report(1, {1, 0, 0}))["igmp"];
  EXPECT_EQ(cut["records"][0]["error"], "group record runs past the message");
}

TEST(Igmp, TruncatedMessagesAreRaw) {
  json r = Dissect({0x11, 0, 0, 0});
  EXPECT_EQ(r["raw"]["error"], "IGMP: message truncated");
  Bytes short_v3 = Message(0x11, 10, "0.0.0.0", {0x02, 125});  // 10 bytes: neither v2 nor v3
  EXPECT_EQ(Dissect(short_v3)["raw"]["error"], "IGMP: version 3 query truncated");
}

}  // namespace
