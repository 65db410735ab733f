// Dissectors, one protocol at a time, on packets built byte by byte: field values, nesting,
// the registry's dispatch, and malformed variants that must end in `raw` with an error.
#include <gtest/gtest.h>

#include "engine/protocols/registry.h"
#include "testing/packet_builder.h"
#include "testing/test_util.h"

using namespace ipsuite;
using nlohmann::json;
using testutil::DissectFrame;

namespace {

Bytes UdpOverIpv4(const Bytes& payload = {'h', 'i'}) {
  Ipv4Spec ip;
  ip.protocol = 17;
  return Ipv4(ip, Udp(5353, 53, payload));
}

TEST(Ethernet, FieldsAndChain) {
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, UdpOverIpv4()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["dst"], "66:77:88:99:aa:bb");
  EXPECT_EQ(r["ethernet"]["src"], "00:11:22:33:44:55");
  EXPECT_EQ(r["ethernet"]["type"], 2048);
  EXPECT_EQ(r["ethernet"]["ipv4"]["udp"]["raw"]["len"], 2);
}

TEST(Ethernet, PaddingAfterTheIpDatagramIsNotPayload) {
  Bytes frame = Ethernet(kMacB, kMacA, 0x0800, UdpOverIpv4({}));
  frame.resize(60, 0);  // minimum Ethernet frame: 18 bytes of padding
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP");
}

TEST(Ethernet, Ieee8023LengthFrameCarriesLlcAndSnap) {
  Bytes llc_snap{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};
  Bytes payload = Concat({llc_snap, UdpOverIpv4()});
  json r = DissectFrame(Ethernet(kMacB, kMacA, uint16_t(payload.size()), payload));
  EXPECT_EQ(r["protocols"], "Ethernet:LLC:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["len"], payload.size());
  EXPECT_FALSE(r["ethernet"].contains("type"));
  EXPECT_EQ(r["ethernet"]["llc"]["dsap"], 0xaa);
  EXPECT_EQ(r["ethernet"]["llc"]["pid"], 0x0800);
}

TEST(Ethernet, PlainLlcGoesToTheSapTable) {
  Bytes stp{0x42, 0x42, 0x03, 0, 0, 0, 0};
  json r = DissectFrame(Ethernet(kMacB, kMacA, uint16_t(stp.size()), stp));
  EXPECT_EQ(r["protocols"], "Ethernet:LLC:Raw");
  EXPECT_EQ(r["ethernet"]["llc"]["control"], 3);
}

TEST(Ethernet, ShortFrameIsRawWithError) {
  json r = DissectFrame(Bytes(10, 0xee));
  EXPECT_EQ(r["protocols"], "Raw");
  EXPECT_EQ(r["raw"]["len"], 10);
  EXPECT_EQ(r["raw"]["error"], "Ethernet: frame shorter than the 14-byte header");
}

TEST(Vlan, SingleTagAndQinQNestUnderTheSameKey) {
  Bytes inner = Vlan(5, true, 100, 0x0800, UdpOverIpv4());
  Bytes outer = Vlan(1, false, 2000, 0x8100, inner);
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x88a8, outer));
  EXPECT_EQ(r["protocols"], "Ethernet:VLAN:VLAN:IPv4:UDP:Raw");
  json tag1 = r["ethernet"]["vlan"], tag2 = tag1["vlan"];
  EXPECT_EQ(tag1["vid"], 2000);
  EXPECT_EQ(tag1["pcp"], 1);
  EXPECT_EQ(tag1["dei"], false);
  EXPECT_EQ(tag1["type"], 0x8100);
  EXPECT_EQ(tag2["vid"], 100);
  EXPECT_EQ(tag2["pcp"], 5);
  EXPECT_EQ(tag2["dei"], true);
  EXPECT_TRUE(tag2.contains("ipv4"));
}

TEST(Arp, RequestFieldsAreTyped) {
  json r =
      DissectFrame(Ethernet(kMacB, kMacA, 0x0806, Arp(1, kMacA, "10.0.0.1", Mac{}, "10.0.0.2")));
  json a = r["ethernet"]["arp"];
  EXPECT_EQ(r["protocols"], "Ethernet:ARP");
  EXPECT_EQ(a["htype"], 1);
  EXPECT_EQ(a["ptype"], 0x0800);
  EXPECT_EQ(a["oper"], 1);
  EXPECT_EQ(a["sha"], "00:11:22:33:44:55");
  EXPECT_EQ(a["spa"], "10.0.0.1");
  EXPECT_EQ(a["tha"], "00:00:00:00:00:00");
  EXPECT_EQ(a["tpa"], "10.0.0.2");
}

TEST(Arp, RarpUsesTheSameLayer) {
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x8035, Arp(3, kMacA, "0.0.0.0", kMacA, "0.0.0.0")));
  EXPECT_EQ(r["ethernet"]["arp"]["oper"], 3);
}

TEST(Arp, TruncatedAddressesAreRawWithError) {
  Bytes arp = Arp(1, kMacA, "10.0.0.1", Mac{}, "10.0.0.2");
  arp.resize(20);
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0806, arp));
  EXPECT_EQ(r["protocols"], "Ethernet:Raw");
  EXPECT_EQ(r["ethernet"]["raw"]["error"], "ARP: addresses truncated");
}

TEST(Ipv4, EveryCoreField) {
  Ipv4Spec s;
  s.src = "192.168.1.10";
  s.dst = "8.8.8.8";
  s.protocol = 6;
  s.ttl = 57;
  s.id = 0xbeef;
  s.df = true;
  s.dscp = 46;
  s.ecn = 1;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(s, Tcp({}, {}))));
  json ip = r["ethernet"]["ipv4"];
  EXPECT_EQ(ip["version"], 4);
  EXPECT_EQ(ip["hdr_len"], 20);
  EXPECT_EQ(ip["dscp"], 46);
  EXPECT_EQ(ip["ecn"], 1);
  EXPECT_EQ(ip["len"], 40);
  EXPECT_EQ(ip["id"], 0xbeef);
  EXPECT_EQ(ip["flags"], (json{{"rf", false}, {"df", true}, {"mf", false}}));
  EXPECT_EQ(ip["offset"], 0);
  EXPECT_EQ(ip["ttl"], 57);
  EXPECT_EQ(ip["protocol"], 6);
  EXPECT_TRUE(ip["checksum"].is_number_unsigned());
  EXPECT_EQ(ip["src"], "192.168.1.10");
  EXPECT_EQ(ip["dst"], "8.8.8.8");
  EXPECT_FALSE(ip.contains("options"));
}

TEST(Ipv4, OptionsDecodedByType) {
  Ipv4Spec s;
  // NOP, record route with one slot, router alert, EOOL, padding.
  s.options = Concat({{0x01}, {0x07, 7, 4}, Ipv4Addr("1.2.3.4"), {0x94, 4, 0, 0}, {0x00, 0, 0, 0}});
  s.options.resize(20, 0);
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(s, Udp(1, 2, {}))));
  json opts = r["ethernet"]["ipv4"]["options"];
  ASSERT_EQ(opts.size(), 4u);
  EXPECT_EQ(opts[0]["name"], "NOP");
  EXPECT_EQ(opts[1]["name"], "RR");
  EXPECT_EQ(opts[1]["route"], json::array({"1.2.3.4"}));
  EXPECT_EQ(opts[2]["name"], "RTRALT");
  EXPECT_EQ(opts[2]["value"], 0);
  EXPECT_EQ(opts[3]["name"], "EOOL");
  EXPECT_EQ(r["ethernet"]["ipv4"]["hdr_len"], 40);
}

TEST(Ipv4, NonFirstFragmentIsNotDissectedAsTransport) {
  Ipv4Spec s;
  s.offset_bytes = 1480;
  s.protocol = 17;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(s, Bytes(32, 0x55))));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["offset"], 1480);
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["len"], 32);
  EXPECT_FALSE(r["ethernet"]["ipv4"]["raw"].contains("error"));
}

TEST(Ipv4, FirstFragmentIsDissected) {
  Ipv4Spec s;
  s.mf = true;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(s, Udp(1, 2, Bytes(8, 0)))));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["flags"]["mf"], true);
}

TEST(Ipv4, MalformedHeadersBecomeRaw) {
  struct Case {
    Ipv4Spec spec;
    size_t cut;
    const char* error;
  } cases[] = {
      {{.ihl_words = 4}, 0, "IPv4: header length below 20 bytes"},
      {{.ihl_words = 15}, 0, "IPv4: header length exceeds the captured bytes"},
      {{.total_length = 12}, 0, "IPv4: total length smaller than the header"},
      {{}, 12, "IPv4: header truncated"},
  };
  for (const Case& c : cases) {
    Bytes ip = Ipv4(c.spec, {});
    if (c.cut) ip.resize(c.cut);
    json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, ip));
    EXPECT_EQ(r["protocols"], "Ethernet:Raw") << c.error;
    EXPECT_EQ(r["ethernet"]["raw"]["error"], c.error);
  }
}

TEST(Ipv4, TotalLengthZeroMeansAsCaptured) {
  Ipv4Spec s;
  s.total_length = 0;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(s, Udp(1, 2, Bytes(4, 1)))));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["len"], 0);
}

TEST(Ipv6, HeaderAndExtensionChainNest) {
  Ipv6Spec s;
  s.next = 0;
  s.traffic_class = 0xb8;
  s.flow_label = 0x12345;
  s.src = "fe80::1";
  s.dst = "ff02::1:ff00:2";
  Bytes udp = Udp(546, 547, {});
  Bytes frag = Ipv6Fragment(17, 0, true, 0xdeadbeef, udp);
  Bytes route = Ipv6Ext(44, Concat({{0, 1, 0, 0, 0, 0}, Ipv6Addr("2001:db8::99")}), frag);
  route[2] = 0;                                             // routing type 0
  route[3] = 1;                                             // segments left
  Bytes dest = Ipv6Ext(43, {0x01, 0x02, 0, 0}, route);      // PadN
  Bytes hop = Ipv6Ext(60, {0x05, 0x02, 0x00, 0x00}, dest);  // router alert
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, hop)));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:HOPOPT:IPv6_Opts:IPv6_Route:IPv6_Frag:UDP");
  json ip = r["ethernet"]["ipv6"];
  EXPECT_EQ(ip["class"], 0xb8);
  EXPECT_EQ(ip["label"], 0x12345);
  EXPECT_EQ(ip["next"], 0);
  EXPECT_EQ(ip["src"], "fe80::1");
  EXPECT_EQ(ip["dst"], "ff02::1:ff00:2");
  EXPECT_EQ(ip["hopopt"]["options"][0]["name"], "RouterAlert");
  json route_l = ip["hopopt"]["ipv6_opts"]["ipv6_route"];
  EXPECT_EQ(route_l["type"], 0);
  EXPECT_EQ(route_l["seg_left"], 1);
  EXPECT_EQ(route_l["ip"], json::array({"2001:db8::99"}));
  json frag_l = route_l["ipv6_frag"];
  EXPECT_EQ(frag_l["offset"], 0);
  EXPECT_EQ(frag_l["mf"], true);
  EXPECT_EQ(frag_l["id"], 0xdeadbeefu);
  EXPECT_EQ(frag_l["udp"]["srcport"], 546);
}

TEST(Ipv6, NonFirstFragmentStopsTheChain) {
  Ipv6Spec s;
  s.next = 44;
  json r = DissectFrame(
      Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, Ipv6Fragment(6, 1448, false, 7, Bytes(40, 1)))));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:IPv6_Frag:Raw");
  EXPECT_EQ(r["ethernet"]["ipv6"]["ipv6_frag"]["offset"], 1448);
}

TEST(Ipv6, ExtensionHeaderPastTheCaptureIsRaw) {
  Ipv6Spec s;
  s.next = 0;
  Bytes hop{17, 5, 1, 0};  // claims 48 bytes
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, hop)));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:Raw");
  EXPECT_EQ(r["ethernet"]["ipv6"]["raw"]["error"], "HOPOPT: header truncated");
}

TEST(Ipv6, AddressesAreRfc5952) {
  Ipv6Spec s;
  s.src = "2001:db8:0:0:1:0:0:1";
  s.dst = "::ffff:192.0.2.1";
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, Udp(1, 2, {}))));
  EXPECT_EQ(r["ethernet"]["ipv6"]["src"], "2001:db8::1:0:0:1");
  EXPECT_EQ(r["ethernet"]["ipv6"]["dst"], "::ffff:192.0.2.1");
}

TEST(Tcp, FlagsAndOptionsDecodedByKind) {
  TcpSpec t;
  t.sport = 443;
  t.dport = 51000;
  t.seq = 0xfffffff0;
  t.ack = 77;
  t.flags = 0x12;  // SYN+ACK
  t.window = 29200;
  t.options = Concat({{2, 4, 0x05, 0xb4},                 // MSS 1460
                      {1},                                // NOP
                      {3, 3, 7},                          // WS 7
                      {4, 2},                             // SACK permitted
                      {8, 10, 0, 0, 0, 1, 0, 0, 0, 2},    // TS 1/2
                      {5, 10, 0, 0, 0, 10, 0, 0, 0, 20},  // SACK 10-20
                      {0}});
  t.options.resize(32, 0);
  Ipv4Spec ip;
  ip.protocol = 6;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Tcp(t, {'x'}))));
  json tcp = r["ethernet"]["ipv4"]["tcp"];
  EXPECT_EQ(tcp["srcport"], 443);
  EXPECT_EQ(tcp["dstport"], 51000);
  EXPECT_EQ(tcp["seq"], 0xfffffff0u);
  EXPECT_EQ(tcp["ack"], 77);
  EXPECT_EQ(tcp["hdr_len"], 52);
  EXPECT_EQ(tcp["flags"]["syn"], true);
  EXPECT_EQ(tcp["flags"]["ack"], true);
  EXPECT_EQ(tcp["flags"]["fin"], false);
  EXPECT_EQ(tcp["window_size"], 29200);
  json o = tcp["options"];
  ASSERT_EQ(o.size(), 7u);
  EXPECT_EQ(o[0]["mss"], 1460);
  EXPECT_EQ(o[2]["shift"], 7);
  EXPECT_EQ(o[3]["name"], "SACK_PERM");
  EXPECT_EQ(o[4]["tsval"], 1);
  EXPECT_EQ(o[4]["tsecr"], 2);
  EXPECT_EQ(o[5]["blocks"], (json::array({{{"left", 10}, {"right", 20}}})));
  EXPECT_EQ(o[6]["name"], "EOL");
  EXPECT_EQ(tcp["raw"]["len"], 1);
}

TEST(Tcp, BadOptionLengthEndsTheListWithAnError) {
  TcpSpec t;
  t.options = {2, 1, 0, 0};  // MSS with length 1
  Ipv4Spec ip;
  ip.protocol = 6;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Tcp(t, {}))));
  json o = r["ethernet"]["ipv4"]["tcp"]["options"];
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0]["error"], "bad option length");
}

TEST(Tcp, DataOffsetPastTheSegmentIsRaw) {
  TcpSpec t;
  t.data_offset_words = 15;
  Ipv4Spec ip;
  ip.protocol = 6;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Tcp(t, {}))));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["error"], "TCP: header length exceeds the captured bytes");
}

TEST(Udp, LengthFieldBoundsThePayload) {
  Ipv4Spec ip;
  json r =
      DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Udp(1000, 2000, Bytes(10, 1), 12))));
  json udp = r["ethernet"]["ipv4"]["udp"];
  EXPECT_EQ(udp["srcport"], 1000);
  EXPECT_EQ(udp["dstport"], 2000);
  EXPECT_EQ(udp["len"], 12);
  EXPECT_EQ(udp["raw"]["len"], 4);
}

TEST(Udp, LengthBelowEightIsRaw) {
  Ipv4Spec ip;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Udp(1, 2, {}, 4))));
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["error"], "UDP: length field below 8");
}

TEST(Icmp, EchoHasIdAndSeq) {
  Ipv4Spec ip;
  ip.protocol = 1;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Icmp(8, 0, 0x00070003, {'p'}))));
  json icmp = r["ethernet"]["ipv4"]["icmp"];
  EXPECT_EQ(icmp["type"], 8);
  EXPECT_EQ(icmp["id"], 7);
  EXPECT_EQ(icmp["seq"], 3);
}

TEST(Icmp, ErrorQuotesTheOffendingDatagram) {
  Ipv4Spec inner;
  inner.src = "10.9.9.9";
  Bytes quoted = Ipv4(inner, Udp(4000, 53, Bytes(20, 0)));
  quoted.resize(28);  // header + 8 bytes, as routers quote
  Ipv4Spec ip;
  ip.protocol = 1;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Icmp(3, 3, 0, quoted))));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:ICMP:IPv4:UDP");
  EXPECT_EQ(r["ethernet"]["ipv4"]["icmp"]["ipv4"]["src"], "10.9.9.9");
  EXPECT_EQ(r["ethernet"]["ipv4"]["icmp"]["ipv4"]["udp"]["dstport"], 53);
}

TEST(Icmpv6, NeighborSolicitationTargetAndOption) {
  Bytes body = Concat({{0, 0, 0, 0}, Ipv6Addr("fe80::2"), {1, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55}});
  Ipv6Spec s;
  s.next = 58;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, Icmpv6(135, 0, body))));
  json icmp = r["ethernet"]["ipv6"]["icmpv6"];
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:ICMPv6");
  EXPECT_EQ(icmp["type"], 135);
  EXPECT_EQ(icmp["target"], "fe80::2");
  EXPECT_EQ(icmp["options"][0]["link_addr"], "00:11:22:33:44:55");
}

TEST(Icmpv6, EchoRequest) {
  Ipv6Spec s;
  s.next = 58;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, Icmpv6(128, 0, {0, 9, 0, 1}))));
  EXPECT_EQ(r["ethernet"]["ipv6"]["icmpv6"]["id"], 9);
  EXPECT_EQ(r["ethernet"]["ipv6"]["icmpv6"]["seq"], 1);
}

TEST(LinkTypes, LinuxCookedV1AndV2) {
  Bytes sll{0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0x08, 0x00};
  json r = DissectFrame(Concat({sll, UdpOverIpv4()}), 113);
  EXPECT_EQ(r["protocols"], "SLL:IPv4:UDP:Raw");
  EXPECT_EQ(r["sll"]["addr"], "00:11:22:33:44:55");
  EXPECT_EQ(r["sll"]["protocol"], 0x0800);

  Bytes sll2{0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  Ipv6Spec s;
  json r2 = DissectFrame(Concat({sll2, Ipv6(s, Udp(1, 2, {}))}), 276);
  EXPECT_EQ(r2["protocols"], "SLL2:IPv6:UDP");
  EXPECT_EQ(r2["sll2"]["ifindex"], 3);
  EXPECT_EQ(r2["sll2"]["pkttype"], 4);
}

TEST(LinkTypes, NullLoopbackInEitherByteOrder) {
  json le = DissectFrame(Concat({{2, 0, 0, 0}, UdpOverIpv4()}), 0);
  EXPECT_EQ(le["protocols"], "Null:IPv4:UDP:Raw");
  EXPECT_EQ(le["null"]["family"], 2);
  Ipv6Spec s;
  json be = DissectFrame(Concat({{0, 0, 0, 30}, Ipv6(s, Udp(1, 2, {}))}), 0);
  EXPECT_EQ(be["protocols"], "Null:IPv6:UDP");
}

TEST(LinkTypes, RawIpPicksTheVersionAndAddsNoLayer) {
  Ipv6Spec s;
  for (uint32_t lt : {101u, 12u, 14u}) {
    EXPECT_EQ(DissectFrame(UdpOverIpv4(), lt)["protocols"], "IPv4:UDP:Raw");
    EXPECT_EQ(DissectFrame(Ipv6(s, Udp(1, 2, {})), lt)["protocols"], "IPv6:UDP");
  }
  EXPECT_EQ(DissectFrame(UdpOverIpv4(), 228)["protocols"], "IPv4:UDP:Raw");
}

TEST(LinkTypes, UnknownLinkTypeIsRawWithoutError) {
  json r = DissectFrame(Bytes(20, 1), 147);
  EXPECT_EQ(r["protocols"], "Raw");
  EXPECT_EQ(r["raw"]["len"], 20);
  EXPECT_FALSE(r["raw"].contains("error"));
  EXPECT_EQ(r["linktype"], 147);
}

TEST(Stops, LayerStopsBeforeTheNextLayerUp) {
  Bytes frame = Ethernet(kMacB, kMacA, 0x0800, UdpOverIpv4());
  pcapkit::ExtractOptions o;
  o.stop_layer = pcapkit::LayerLevel::kLink;
  EXPECT_EQ(DissectFrame(frame, 1, o)["protocols"], "Ethernet:Raw");
  o.stop_layer = pcapkit::LayerLevel::kInternet;
  json r = DissectFrame(frame, 1, o);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["len"], 10);
}

TEST(Stops, ProtocolStopsAfterItsFirstOccurrence) {
  Bytes frame = Ethernet(kMacB, kMacA, 0x0800, UdpOverIpv4());
  pcapkit::ExtractOptions o;
  o.stop_protocol = "ipv4";
  EXPECT_EQ(DissectFrame(frame, 1, o)["protocols"], "Ethernet:IPv4:Raw");
  o.stop_protocol = "Ethernet";
  EXPECT_EQ(DissectFrame(frame, 1, o)["protocols"], "Ethernet:Raw");
  o.stop_protocol = "NoSuchProtocol";
  EXPECT_THROW(DissectFrame(frame, 1, o), pcapkit::FormatError);
}

TEST(Registry, EveryBuiltinProtocolHasNamesAndDispatch) {
  const auto& reg = pcapkit::protocols::Registry::Builtin();
  using pcapkit::ProtocolId;
  // The protocols with typed views are registered under their pinned ids.
  for (size_t i = 1; i <= size_t(ProtocolId::kIcmpv6); ++i)
    EXPECT_EQ(reg.Info(ProtocolId(i)).id, ProtocolId(i)) << "pinned id " << i << " is free";
  for (const auto& p : reg.All()) {
    if (p.id == ProtocolId::kNone) continue;
    EXPECT_STRNE(p.key, "");
    if (p.id != ProtocolId::kRaw) {
      EXPECT_NE(p.dissect, nullptr) << p.name;
      EXPECT_TRUE(!reg.BindingsOf(p.id).empty() || p.detect != nullptr)
          << p.name << " is bound to no table and detects nothing";
    }
  }
  // Every protocol file is linked in (their registrations are referenced by nothing).
  for (const char* key :
       {"ah",        "arp",        "chdlc", "dhcp",   "dhcpv6", "dns",    "esp",
        "ethernet",  "fddi",       "ftp",   "geneve", "gre",    "hip",    "hopopt",
        "http",      "http2",      "icmp",  "icmpv6", "ipv4",   "ipv6",   "ipv6_frag",
        "ipv6_opts", "ipv6_route", "ipx",   "l2tp",   "llc",    "mh",     "mpls",
        "null",      "ospf",       "ppp",   "pppoe",  "raw",    "raw_ip", "sll",
        "sll2",      "tcp",        "tls",   "udp",    "vlan",   "vxlan"})
    EXPECT_NE(reg.Find(key), ProtocolId::kNone) << key << " is not registered";
  EXPECT_EQ(reg.Find("tcp"), ProtocolId::kTcp);
  EXPECT_EQ(reg.Find("IPV6"), ProtocolId::kIpv6);
}

}  // namespace

namespace {

TEST(Tcp, MptcpAoFastOpenAndMd5Options) {
  TcpSpec t;
  t.options = Concat({{30, 12, 0x01, 0x81},
                      Bytes(8, 0x11),             // MP_CAPABLE v1 with a key
                      {29, 6, 7, 9, 0xaa, 0xbb},  // TCP-AO
                      {34, 6, 1, 2, 3, 4}});      // TFO cookie
  t.options.resize(24, 0);
  Ipv4Spec ip;
  ip.protocol = 6;
  json o = DissectFrame(
      Ethernet(kMacB, kMacA, 0x0800, Ipv4(ip, Tcp(t, {}))))["ethernet"]["ipv4"]["tcp"]["options"];
  EXPECT_EQ(o[0]["subtype_name"], "MP_CAPABLE");
  EXPECT_EQ(o[0]["version"], 1);
  EXPECT_EQ(o[0]["sender_key"], "1111111111111111");
  EXPECT_EQ(o[1]["key_id"], 7);
  EXPECT_EQ(o[1]["mac"], "aabb");
  EXPECT_EQ(o[2]["cookie"], "01020304");
}

TEST(Ipv4, TracerouteAndQuickStartOptions) {
  Ipv4Spec s;
  s.options =
      Concat({{82, 12, 0, 5, 0, 1, 0, 2}, Ipv4Addr("9.9.9.9"), {25, 8, 0x13, 64, 0, 0, 0, 4}});
  s.options.resize(20 + 0, 0);
  json o = DissectFrame(
      Ethernet(kMacB, kMacA, 0x0800, Ipv4(s, Udp(1, 2, {}))))["ethernet"]["ipv4"]["options"];
  EXPECT_EQ(o[0]["originator"], "9.9.9.9");
  EXPECT_EQ(o[0]["return_hops"], 2);
  EXPECT_EQ(o[1]["func"], 1);
  EXPECT_EQ(o[1]["rate"], 3);
  EXPECT_EQ(o[1]["nonce"], 1);
}

TEST(Ipv6, RplSourceRouteKeepsTheElidedAddresses) {
  // cmpr_i = 8, cmpr_e = 8: two addresses of 8 bytes each, no padding.
  Bytes body{3, 2, 0x88, 0x00, 0, 0};  // type, segments left, cmpr, pad, reserved
  for (int i = 0; i < 16; ++i) body.push_back(uint8_t(i));
  Bytes route = Ipv6Ext(17, Bytes(body.begin(), body.end()), Udp(1, 2, {}));
  Ipv6Spec s;
  s.next = 43;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, route)));
  json rt = r["ethernet"]["ipv6"]["ipv6_route"];
  EXPECT_EQ(rt["type"], 3);
  EXPECT_EQ(rt["cmpr_i"], 8);
  EXPECT_EQ(rt["addresses"], json::array({"0001020304050607", "08090a0b0c0d0e0f"}));
}

}  // namespace

namespace {

TEST(Icmpv6, RouterAdvertisementPrefixAndMtuOptions) {
  Bytes body{64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0};
  PutBytes(body, {3, 4, 64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x07, 0x08, 0, 0, 0, 0});
  PutBytes(body, Ipv6Addr("2001:db8:1::"));
  PutBytes(body, {5, 1, 0, 0, 0, 0, 0x05, 0xdc});
  Ipv6Spec s;
  s.next = 58;
  json r = DissectFrame(Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, Icmpv6(134, 0, body))));
  json icmp = r["ethernet"]["ipv6"]["icmpv6"];
  EXPECT_EQ(icmp["managed"], true);
  EXPECT_EQ(icmp["router_lifetime"], 0x0708);
  EXPECT_EQ(icmp["options"][0]["prefix"], "2001:db8:1::");
  EXPECT_EQ(icmp["options"][0]["prefix_len"], 64);
  EXPECT_EQ(icmp["options"][0]["on_link"], true);
  EXPECT_EQ(icmp["options"][0]["valid_lifetime"], 3600);
  EXPECT_EQ(icmp["options"][1]["mtu"], 1500);
}

}  // namespace

namespace {

TEST(Ipv6, CalipsoAndQuickStartOptions) {
  Bytes opts{0x07, 12,   0,    0,  0, 3,    1, 5,
             0xab, 0xcd, 0xff, 0,  0, 0x80,         // CALIPSO, 4-byte bitmap
             0x26, 6,    0x21, 32, 0, 0,    0, 8};  // quick-start
  Bytes hop = Ipv6Ext(17, opts, Udp(1, 2, {}));
  Ipv6Spec s;
  s.next = 0;
  json o = DissectFrame(
      Ethernet(kMacB, kMacA, 0x86dd, Ipv6(s, hop)))["ethernet"]["ipv6"]["hopopt"]["options"];
  EXPECT_EQ(o[0]["doi"], 3);
  EXPECT_EQ(o[0]["sensitivity"], 5);
  EXPECT_EQ(o[0]["compartments"], "ff000080");
  EXPECT_EQ(o[1]["func"], 2);
  EXPECT_EQ(o[1]["rate"], 1);
  EXPECT_EQ(o[1]["nonce"], 2);
}

}  // namespace
