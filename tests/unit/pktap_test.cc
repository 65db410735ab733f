// Apple PKTAP (link types 258 and 149) headers built byte by byte: the inner packet by its
// DLT, a longer header's later fields, records that are not packets, and the malformed
// ones (a cut header, header lengths below 108 or past the frame).
#include <gtest/gtest.h>

#include <cstring>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

void SetLe32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

void SetName(Bytes& b, size_t at, const char* name) {
  std::memcpy(b.data() + at, name, std::strlen(name));
}

// The 108-byte header (plus `extra` bytes of later fields) and the packet.
Bytes Pktap(uint32_t dlt, const Bytes& packet, uint32_t rectype = 1, size_t extra = 0) {
  Bytes b(108 + extra, 0);
  SetLe32(b, 0, uint32_t(b.size()));
  SetLe32(b, 4, rectype);
  SetLe32(b, 8, dlt);
  SetName(b, 12, "en0");
  SetLe32(b, 36, 1);   // inbound
  SetLe32(b, 40, 2);   // AF_INET
  SetLe32(b, 44, 14);  // link-layer header
  SetLe32(b, 52, 512);
  SetName(b, 56, "mDNSResponder");
  SetLe32(b, 76, 0x80);
  b[80] = 6;  // iftype, ifunit
  b[82] = 1;
  SetLe32(b, 84, 0xffffffffu);
  SetName(b, 88, "curl");
  for (size_t i = 108; i < b.size(); ++i) b[i] = uint8_t(i);
  PutBytes(b, packet);
  return b;
}

Bytes UdpFrame() {
  return (Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build();
}

TEST(Pktap, HeaderAndTheEthernetPacket) {
  json r = testutil::DissectFrame(Pktap(1, UdpFrame()), 258);
  EXPECT_EQ(r["protocols"], "PKTAP:Ethernet:IPv4:UDP");
  json h = r["pktap"];
  EXPECT_EQ(h["hdrlen"], 108);
  EXPECT_EQ(h["rectype"], 1);
  EXPECT_EQ(h["dlt"], 1);
  EXPECT_EQ(h["ifname"], "en0");
  EXPECT_EQ(h["flags"], 1);
  EXPECT_EQ(h["direction"], "in");
  EXPECT_EQ(h["pfamily"], 2);
  EXPECT_EQ(h["llhdrlen"], 14);
  EXPECT_EQ(h["lltrlrlen"], 0);
  EXPECT_EQ(h["pid"], 512);
  EXPECT_EQ(h["cmdname"], "mDNSResponder");
  EXPECT_EQ(h["svc_class"], 0x80);
  EXPECT_EQ(h["iftype"], 6);
  EXPECT_EQ(h["ifunit"], 1);
  EXPECT_EQ(h["epid"], 0xffffffffu);
  EXPECT_EQ(h["ecmdname"], "curl");
  EXPECT_FALSE(h.contains("ext"));
}

TEST(Pktap, MacosDltAndOtherInnerLinkTypes) {
  EXPECT_EQ(testutil::DissectFrame(Pktap(1, UdpFrame()), 149)["protocols"],
            "PKTAP:Ethernet:IPv4:UDP");
  Bytes v4 = (Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build();
  EXPECT_EQ(testutil::DissectFrame(Pktap(12, v4), 258)["protocols"], "PKTAP:IPv4:UDP");
  Bytes null{2, 0, 0, 0};
  PutBytes(null, v4);
  EXPECT_EQ(testutil::DissectFrame(Pktap(0, null), 258)["protocols"], "PKTAP:Null:IPv4:UDP");
  json unknown = testutil::DissectFrame(Pktap(147, v4), 258);
  EXPECT_EQ(unknown["protocols"], "PKTAP:Raw");
  EXPECT_FALSE(unknown["pktap"]["raw"].contains("error"));
}

TEST(Pktap, LongerHeaderKeepsItsLaterFields) {
  json r = testutil::DissectFrame(Pktap(1, UdpFrame(), 1, 48), 258);
  EXPECT_EQ(r["protocols"], "PKTAP:Ethernet:IPv4:UDP");
  EXPECT_EQ(r["pktap"]["hdrlen"], 156);
  EXPECT_EQ(r["pktap"]["ext"].get<std::string>().substr(0, 8), "6c6d6e6f");
}

TEST(Pktap, RecordThatIsNotAPacketCarriesNothing) {
  json r = testutil::DissectFrame(Pktap(1, UdpFrame(), 0), 258);
  EXPECT_EQ(r["protocols"], "PKTAP:Raw");
  EXPECT_EQ(r["pktap"]["rectype"], 0);
}

TEST(Pktap, NamesFillingTheirFields) {
  Bytes b = Pktap(1, UdpFrame());
  std::memset(b.data() + 12, 'x', 24);  // no NUL: the name is all 24 bytes
  json r = testutil::DissectFrame(b, 258);
  EXPECT_EQ(r["pktap"]["ifname"], std::string(24, 'x'));
  EXPECT_EQ(r["protocols"], "PKTAP:Ethernet:IPv4:UDP");
}

TEST(Pktap, MalformedHeaders) {
  Bytes full = Pktap(1, UdpFrame());
  json cut = testutil::DissectFrame(Bytes(full.begin(), full.begin() + 107), 258);
  EXPECT_EQ(cut["protocols"], "Raw");
  EXPECT_EQ(cut["raw"]["error"], "PKTAP: header truncated");
  Bytes small = full;
  SetLe32(small, 0, 100);
  EXPECT_EQ(testutil::DissectFrame(small, 258)["raw"]["error"], "PKTAP: header length below 108");
  Bytes past = full;
  SetLe32(past, 0, uint32_t(full.size() + 1));
  EXPECT_EQ(testutil::DissectFrame(past, 258)["raw"]["error"],
            "PKTAP: header length past the frame");
  SetLe32(past, 0, 0xffffffffu);
  EXPECT_EQ(testutil::DissectFrame(past, 258)["raw"]["error"],
            "PKTAP: header length past the frame");
  // A header length that is the whole frame: no packet, nothing to dissect.
  Bytes whole(full.begin(), full.begin() + 108);
  EXPECT_EQ(testutil::DissectFrame(whole, 258)["protocols"], "PKTAP");
}

}  // namespace
