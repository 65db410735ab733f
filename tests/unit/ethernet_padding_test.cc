// An Ethernet frame's padding and trailer: the bytes after what its payload stack used
// (IPv4's total length, ARP's size, an 802.3 length), found once the whole stack is
// dissected, written on the Ethernet layer (`padding` up to the 60-byte minimum, `trailer`
// past it), never as a `raw` layer of their own; their bytes only with --payload. The Linux
// cooked headers (SLL, SLL2) have theirs the same way, as tshark reads them.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/test_packets.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;
using testutil::DissectFrame;

namespace {

pcapkit::ExtractOptions WithPayload() {
  pcapkit::ExtractOptions o;
  o.payload = true;
  return o;
}

Arp ArpRequest() {
  return Arp{.oper = 1, .sha = kMacA, .spa = "10.0.0.1", .tha = Mac{}, .tpa = "10.0.0.2"};
}

// `frame` with `n` bytes of `fill` appended.
Bytes Padded(Bytes frame, size_t n, uint8_t fill = 0) {
  frame.insert(frame.end(), n, fill);
  return frame;
}

TEST(EthernetPadding, ArpPaddingIsTheFramesNotARawLayer) {
  Bytes frame = Padded((Ethernet{} / ArpRequest()).Build(), 18);  // 42 + 18 = 60
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:ARP");
  EXPECT_EQ(r["ethernet"]["padding"], json({{"len", 18}}));
  EXPECT_FALSE(r["ethernet"].contains("trailer"));
  EXPECT_FALSE(r["ethernet"]["arp"].contains("raw"));
  EXPECT_EQ(r["ethernet"]["arp"]["tpa"], "10.0.0.2");

  json p = DissectFrame(frame, 1, WithPayload());
  EXPECT_EQ(p["ethernet"]["padding"]["len"], 18);
  EXPECT_EQ(p["ethernet"]["padding"]["data"], std::string(36, '0'));
}

TEST(EthernetPadding, PaddingIsWhateverTheSenderPutThere) {
  // Old drivers pad with stale buffer bytes: still padding (tshark's default preference
  // calls non-zero padding a trailer; docs/schema.md says so).
  json r = DissectFrame(Padded((Ethernet{} / ArpRequest()).Build(), 18, 0x49), 1, WithPayload());
  EXPECT_EQ(r["protocols"], "Ethernet:ARP");
  EXPECT_EQ(r["ethernet"]["padding"]["data"], std::string("494949494949494949494949494949494949"));
}

TEST(EthernetPadding, ShortTcpAckIsPaddedAfterTheIpDatagram) {
  Packet ack = Ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 80, 1, 1, kAck);  // 40 bytes
  json r = DissectFrame(Padded((Ethernet{} / ack).Build(), 6, 0xee), 1, WithPayload());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP");
  EXPECT_EQ(r["ethernet"]["padding"], json({{"len", 6}, {"data", "eeeeeeeeeeee"}}));
  EXPECT_FALSE(r["ethernet"]["ipv4"]["tcp"].contains("raw"));
}

TEST(EthernetPadding, VlanTaggedFramePadsAfterTheInnermostPayload) {
  // 14 + 4 + 28 = 46 bytes used; 14 of padding to 60, then a 4-byte FCS.
  Bytes frame = (Ethernet{} / Vlan{.pcp = 0, .dei = false, .vid = 7} / ArpRequest()).Build();
  frame = Padded(Padded(frame, 14), 4, 0xfc);
  json r = DissectFrame(frame, 1, WithPayload());
  EXPECT_EQ(r["protocols"], "Ethernet:VLAN:ARP");
  EXPECT_EQ(r["ethernet"]["padding"], json({{"len", 14}, {"data", std::string(28, '0')}}));
  EXPECT_EQ(r["ethernet"]["trailer"], json({{"len", 4}, {"data", "fcfcfcfc"}}));
  EXPECT_FALSE(r["ethernet"]["vlan"].contains("padding"));
}

TEST(EthernetPadding, BytesPastSixtyAreTheTrailer) {
  Bytes frame = Padded((Ethernet{} / ArpRequest()).Build(), 88, 0x01);  // 130 bytes
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:ARP");
  EXPECT_EQ(r["ethernet"]["padding"]["len"], 18);
  EXPECT_EQ(r["ethernet"]["trailer"], json({{"len", 70}}));
}

TEST(EthernetPadding, AFrameOfMoreThanTheMinimumHasOnlyATrailer) {
  // A UDP datagram filling 64 bytes, then 6 bytes: nothing needed padding.
  Bytes frame =
      Padded((Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2} / Bytes(22, 'x')).Build(), 6);
  json r = DissectFrame(frame);
  EXPECT_FALSE(r["ethernet"].contains("padding"));
  EXPECT_EQ(r["ethernet"]["trailer"]["len"], 6);
}

TEST(EthernetPadding, AFrameShorterThanTheMinimumWasNotPadded) {
  // 42 + 4 = 46 bytes on the wire: what follows ARP is a trailer, not padding (tshark's rule).
  json r = DissectFrame(Padded((Ethernet{} / ArpRequest()).Build(), 4));
  EXPECT_EQ(r["protocols"], "Ethernet:ARP");
  EXPECT_FALSE(r["ethernet"].contains("padding"));
  EXPECT_EQ(r["ethernet"]["trailer"]["len"], 4);
}

TEST(EthernetPadding, NoPaddingNoMember) {
  json r =
      DissectFrame((Ethernet{} / Ipv4Udp("10.0.0.1", "10.0.0.2", 1, 2, Bytes(40, 'x'))).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_FALSE(r["ethernet"].contains("padding"));
  EXPECT_FALSE(r["ethernet"].contains("trailer"));
  json exact = DissectFrame((Ethernet{} / ArpRequest()).Build());  // 42, unpadded
  EXPECT_EQ(exact["protocols"], "Ethernet:ARP");
  EXPECT_FALSE(exact["ethernet"].contains("padding"));
  EXPECT_FALSE(exact["ethernet"].contains("trailer"));
}

TEST(EthernetPadding, Ieee8023LengthBoundsTheFrame) {
  Bytes stp{0x42, 0x42, 0x03, 0, 0, 0, 0};
  Bytes frame = Padded((Ethernet{.type = uint16_t(stp.size())} / stp).Build(), 39);  // 21 + 39
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:LLC:Raw");
  EXPECT_EQ(r["ethernet"]["padding"]["len"], 39);
  EXPECT_EQ(r["ethernet"]["llc"]["raw"]["len"], 4);
}

TEST(EthernetPadding, WhatAnInnerLayerLeavesInsideItsParentIsNotPadding) {
  // A UDP length shorter than the IP payload: the rest is IPv4's, not the frame's.
  Bytes frame =
      (Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2, .len = 8} / Bytes(30, 'x')).Build();
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP");
  EXPECT_FALSE(r["ethernet"].contains("padding"));
  EXPECT_FALSE(r["ethernet"].contains("trailer"));
}

TEST(EthernetPadding, AnUnknownPayloadLeavesNothingTrailing) {
  json r = DissectFrame(Padded((Ethernet{.type = 0x88b5} / Bytes(10, 1)).Build(), 36));
  EXPECT_EQ(r["protocols"], "Ethernet:Raw");
  EXPECT_EQ(r["ethernet"]["raw"]["len"], 46);
  EXPECT_FALSE(r["ethernet"].contains("padding"));
}

TEST(EthernetPadding, CountsCapturedBytesOfATruncatedFrame) {
  // 60 bytes on the wire, 50 captured: 8 of the 18 padding bytes are in the capture.
  Bytes frame = Padded((Ethernet{} / ArpRequest()).Build(), 8);
  json r =
      testutil::JsonReport(PcapFile({{.data = frame, .sec = 1500000000, .nsec = 0, .len = 60}}),
                           pcapkit::OutputFormat::kNdjson)
          .at(0);
  EXPECT_EQ(r["protocols"], "Ethernet:ARP");
  EXPECT_EQ(r["ethernet"]["padding"]["len"], 8);
  EXPECT_FALSE(r["ethernet"].contains("trailer"));
}

// As link/linuxsll-arp.pcap has them: a 16-byte SLL header and an ARP request (44 bytes),
// then 18 zeros, which tshark shows as 16 bytes of eth.padding (to 60) and 2 of
// eth.trailer.
TEST(EthernetPadding, LinuxCookedHeadersPadAsEthernetDoes) {
  Bytes sll = {0, 1, 0, 1, 0, 6, 0xcc, 0x2d, 0xe0, 0x26, 0x19, 0x99, 0, 0, 0x08, 0x06};
  json r = DissectFrame(Padded((Raw{sll} / ArpRequest()).Build(), 18), 113, WithPayload());
  EXPECT_EQ(r["protocols"], "SLL:ARP");
  EXPECT_EQ(r["sll"]["padding"], json({{"len", 16}, {"data", std::string(32, '0')}}));
  EXPECT_EQ(r["sll"]["trailer"], json({{"len", 2}, {"data", "0000"}}));
  EXPECT_EQ(r["sll"]["arp"]["tpa"], "10.0.0.2");

  // SLL2's header is 20 bytes: a TCP ACK (40) leaves 0 to pad up to 60; 3 more are trailer.
  Bytes sll2 = {0x08, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0xcc, 0x2d, 0xe0, 0x26, 0x19, 0x99, 0, 0};
  Packet ack = Ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 80, 1, 1, kAck);
  json v2 = DissectFrame(Padded((Raw{sll2} / ack).Build(), 3, 0xee), 276, WithPayload());
  EXPECT_EQ(v2["protocols"], "SLL2:IPv4:TCP");
  EXPECT_FALSE(v2["sll2"].contains("padding"));
  EXPECT_EQ(v2["sll2"]["trailer"], json({{"len", 3}, {"data", "eeeeee"}}));

  // Nothing after the payload: no member.
  json bare = DissectFrame((Raw{sll} / ArpRequest()).Build(), 113);
  EXPECT_FALSE(bare["sll"].contains("padding"));
  EXPECT_FALSE(bare["sll"].contains("trailer"));
}

// What an 802.3 frame's length leaves after its IPX packet (the even-length byte) is the
// IPX layer's `after`; the padding after the length is the frame's, written once.
TEST(EthernetPadding, BytesInsideThe8023LengthAreThePayloadsNotPadding) {
  Bytes ipx = {0xff, 0xff, 0x00, 0x20, 0, 0};  // checksum, length 32, control, type
  ipx.insert(ipx.end(), 24, 0x01);             // destination and source
  ipx.insert(ipx.end(), {0xaa, 0xbb, 0x77});   // 2 data bytes, then the unused byte
  Bytes frame = Padded((Ethernet{.type = 33} / ipx).Build(), 13);  // 14 + 33 + 13 = 60
  json r = DissectFrame(frame, 1, WithPayload());
  EXPECT_EQ(r["ethernet"]["padding"]["len"], 13);
  EXPECT_EQ(r["ethernet"]["ipx"]["after"], json({{"len", 1}, {"data", "77"}}));
}

// Ethernet inside Ethernet (GRE's transparent bridging): the inner frame owns the bytes
// after its payload; the outer one reports none of them again.
TEST(EthernetPadding, TheInnermostPaddedLayerOwnsWhatFollowsItsPayload) {
  Packet ack = Ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 80, 1, 1, kAck);
  Bytes inner = Padded((Ethernet{} / ack).Build(), 6);  // 54 + 6 = 60
  Bytes frame = (Ethernet{.type = 0x6558} / inner).Build();
  json r = DissectFrame(frame);
  EXPECT_FALSE(r["ethernet"].contains("padding"));
  EXPECT_FALSE(r["ethernet"].contains("trailer"));
  EXPECT_EQ(r["ethernet"]["ethernet"]["padding"]["len"], 6);
}

}  // namespace
