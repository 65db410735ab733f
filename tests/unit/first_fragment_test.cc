// The first fragment of a fragmented datagram, dissected without reassembly as tshark does:
// its transport header is dissected and marked `fragment`, a TCP header the fragment cuts
// keeps its fixed part and the options within the fragment (`header_cut`), and the later
// fragments stay `raw`. A header cut by the capture, not by fragmentation, is still `raw`.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "pcapkit/ipsuite_captures.h"
#include "pcapkit/ipsuite_sessions.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;

namespace {

// A SYN with MSS, SACK-permitted, timestamps and window scale: a 40-byte header.
Packet SynWithOptions() {
  Tcp syn{.srcport = 12345, .dstport = 80, .seq = 1000, .flags = kSyn};
  syn.options = {Option{.kind = 2, .data = {0x05, 0xb4}}, Option{.kind = 4},
                 Option{.kind = 8, .data = Bytes(8, 0)}, Option{.kind = 1},
                 Option{.kind = 3, .data = {7}}};
  return Ethernet{} / Ipv4{} / syn;
}

std::vector<Bytes> Frames(const std::vector<Packet>& packets) {
  std::vector<Bytes> out;
  for (const Packet& p : packets) out.push_back(p.Build());
  return out;
}

TEST(FirstFragment, TcpHeaderCutByTheFragmentKeepsItsFixedPartAndTheOptionsWithin) {
  // 24 bytes in the first fragment: the fixed header and the MSS option.
  std::vector<Bytes> frames = Frames(Fragment(SynWithOptions(), {{0, 24}, {24, 16}}));
  json first = DissectFrame(frames[0]);
  EXPECT_EQ(first["protocols"], "Ethernet:IPv4:TCP");
  const json& tcp = first["ethernet"]["ipv4"]["tcp"];
  EXPECT_EQ(tcp["srcport"], 12345);
  EXPECT_EQ(tcp["dstport"], 80);
  EXPECT_EQ(tcp["seq"], 1000);
  EXPECT_EQ(tcp["hdr_len"], 40);  // as the wire says, though 24 bytes are here
  EXPECT_TRUE(tcp["flags"]["syn"]);
  ASSERT_EQ(tcp["options"].size(), 1u);
  EXPECT_EQ(tcp["options"][0]["mss"], 1460);
  EXPECT_EQ(tcp["fragment"], true);
  EXPECT_EQ(tcp["header_cut"], true);

  json second = DissectFrame(frames[1]);
  EXPECT_EQ(second["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_FALSE(second["ethernet"]["ipv4"]["raw"].contains("error"));
}

TEST(FirstFragment, AnOptionSplitByTheFragmentEndsTheListWithAnError) {
  // 32 bytes: MSS, SACK-permitted, and 4 of the timestamp option's 10.
  std::vector<Bytes> frames = Frames(Fragment(SynWithOptions(), {{0, 32}, {32, 8}}));
  json r = DissectFrame(frames[0]);
  const json& tcp = r["ethernet"]["ipv4"]["tcp"];
  EXPECT_EQ(tcp["header_cut"], true);
  ASSERT_EQ(tcp["options"].size(), 3u);
  EXPECT_EQ(tcp["options"][1]["name"], "SACK_PERM");
  EXPECT_TRUE(tcp["options"][2].contains("error"));
}

TEST(FirstFragment, WholeTcpHeaderIsMarkedButNotCut) {
  std::vector<Bytes> frames =
      Frames(Fragment(SynWithOptions() / Bytes(40, 'x'), {{0, 48}, {48, 32}}));
  json r = DissectFrame(frames[0]);
  const json& tcp = r["ethernet"]["ipv4"]["tcp"];
  EXPECT_EQ(tcp["fragment"], true);
  EXPECT_FALSE(tcp.contains("header_cut"));
  EXPECT_EQ(tcp["options"].size(), 5u);
}

TEST(FirstFragment, UdpInAnIpv6FirstFragmentIsMarked) {
  Packet datagram = Ethernet{} / Ipv6{} / Udp{.srcport = 7, .dstport = 9} / Bytes(64, 'u');
  std::vector<Bytes> frames = Frames(Fragment(datagram, 40));
  json first = DissectFrame(frames[0]);
  EXPECT_EQ(first["protocols"], "Ethernet:IPv6:IPv6_Frag:UDP:Raw");
  EXPECT_EQ(first["ethernet"]["ipv6"]["ipv6_frag"]["udp"]["fragment"], true);
  EXPECT_EQ(DissectFrame(frames[1])["protocols"], "Ethernet:IPv6:IPv6_Frag:Raw");
}

TEST(FirstFragment, UnfragmentedAndAtomicDatagramsAreNotMarked) {
  json whole = DissectFrame(SynWithOptions().Build());
  EXPECT_FALSE(whole["ethernet"]["ipv4"]["tcp"].contains("fragment"));
  // An atomic fragment (offset 0, no more fragments) is a whole datagram.
  json atomic = DissectFrame(
      (Ethernet{} / Ipv6{} / Ipv6Fragment{} / Udp{.srcport = 7, .dstport = 9} / Bytes(4, 'a'))
          .Build());
  EXPECT_FALSE(atomic["ethernet"]["ipv6"]["ipv6_frag"]["udp"].contains("fragment"));
}

TEST(FirstFragment, TcpHeaderCutByTheCaptureIsStillRaw) {
  Bytes frame = SynWithOptions().Build();
  frame.resize(14 + 20 + 24);  // a snap length, not a fragment
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["error"], "TCP: header length exceeds the captured bytes");
}

TEST(FirstFragment, ATinyFragmentGivesTheFieldsItHolds) {
  // 8 bytes of TCP, as tiny-fragment evasions send: ports and sequence number only.
  std::vector<Bytes> frames = Frames(Fragment(SynWithOptions(), {{0, 8}, {8, 32}}));
  json r = DissectFrame(frames[0]);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP");
  const json& tcp = r["ethernet"]["ipv4"]["tcp"];
  EXPECT_EQ(tcp["srcport"], 12345);
  EXPECT_EQ(tcp["dstport"], 80);
  EXPECT_EQ(tcp["seq"], 1000);
  EXPECT_FALSE(tcp.contains("ack"));
  EXPECT_FALSE(tcp.contains("flags"));
  EXPECT_FALSE(tcp.contains("options"));
  EXPECT_EQ(tcp["header_cut"], true);
  // 16 bytes: up to the window, without checksum and urgent pointer.
  frames = Frames(Fragment(SynWithOptions(), {{0, 16}, {16, 24}}));
  r = DissectFrame(frames[0]);
  const json& longer = r["ethernet"]["ipv4"]["tcp"];
  EXPECT_EQ(longer["hdr_len"], 40);
  EXPECT_TRUE(longer["flags"]["syn"]);
  EXPECT_EQ(longer["window_size"], 65535);
  EXPECT_FALSE(longer.contains("checksum"));
}

TEST(FirstFragment, FewerThanFourBytesOrABadDataOffsetAreRawWithAnError) {
  Bytes ip = (Ethernet{} / Ipv4{.mf = true, .protocol = 6} / Bytes{0x30, 0x39}).Build();
  EXPECT_EQ(DissectFrame(ip)["ethernet"]["ipv4"]["raw"]["error"], "TCP: header truncated");
  Tcp bad{.srcport = 1, .dstport = 2, .hdr_len = 8};
  Bytes frame = (Ethernet{} / Ipv4{.mf = true} / bad).Build();
  frame.resize(14 + 20 + 16);
  EXPECT_EQ(DissectFrame(frame)["ethernet"]["ipv4"]["raw"]["error"], "TCP: header truncated");
}

// A cut header's fields past the cut are not there: no reader of TCP layers may take it
// for a segment. Here the fragment is an IPv6 Fragment header under IPv4 (protocol 44),
// which keys no reassembly, so only the cut itself can tell.
TEST(FirstFragment, ACutHeaderIsNoSegmentForTcpReassembly) {
  std::vector<CapturedFrame> frames;
  for (uint32_t i = 0; i < 3; ++i) {
    Bytes tcp(8, 0x11);  // ports and sequence number
    Bytes frame = (Ethernet{} / Ipv4{.protocol = 44} /
                   Ipv6Fragment{.offset = 0, .mf = true, .id = i, .next = 6} / tcp)
                      .Build();
    ASSERT_EQ(DissectFrame(frame)["ethernet"]["ipv4"]["ipv6_frag"]["tcp"]["header_cut"], true);
    frames.push_back({.data = frame, .sec = 1500000000 + i});
  }
  std::string in = WriteTemp(PcapFile(frames), ".pcap");
  auto r = RunCli({"reassemble", in, "-f", "json", "-o", "-", "--tcp"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["Summary"]["tcp"]["segments"], 0) << r.out;
}

}  // namespace
