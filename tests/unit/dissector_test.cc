// Dissectors, one protocol at a time, on packets built byte by byte: field values, nesting,
// the registry's dispatch, and malformed variants that must end in `raw` with an error.
#include <gtest/gtest.h>

#include "engine/protocols/registry.h"
#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;

namespace {

// Addresses as bytes, inside fields built by hand.
Bytes Ipv4Bytes(const char* text) {
  Bytes b;
  PutBytes(b, Ipv4Address(text));
  return b;
}
Bytes Ipv6Bytes(const char* text) {
  Bytes b;
  PutBytes(b, Ipv6Address(text));
  return b;
}

Packet UdpOverIpv4(const Bytes& payload = {'h', 'i'}) {
  return Ipv4{} / Udp{.srcport = 5353, .dstport = 53} / payload;
}

// `inner` behind an Ethernet header.
Bytes EthernetFrame(const Packet& inner) {
  return (Ethernet{} / inner).Build();
}

TEST(Ethernet, FieldsAndChain) {
  json r = DissectFrame(EthernetFrame(UdpOverIpv4()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["dst"], "66:77:88:99:aa:bb");
  EXPECT_EQ(r["ethernet"]["src"], "00:11:22:33:44:55");
  EXPECT_EQ(r["ethernet"]["type"], 2048);
  EXPECT_EQ(r["ethernet"]["ipv4"]["udp"]["raw"]["len"], 2);
}

TEST(Ethernet, PaddingAfterTheIpDatagramIsNotPayload) {
  Bytes frame = EthernetFrame(UdpOverIpv4({}));
  frame.resize(60, 0);  // minimum Ethernet frame: 18 bytes of padding
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP");
}

TEST(Ethernet, Ieee8023LengthFrameCarriesLlcAndSnap) {
  Bytes llc_snap{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};
  Bytes payload = Concat({llc_snap, UdpOverIpv4().Build()});
  json r = DissectFrame((Ethernet{.type = uint16_t(payload.size())} / payload).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:LLC:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["len"], payload.size());
  EXPECT_FALSE(r["ethernet"].contains("type"));
  EXPECT_EQ(r["ethernet"]["llc"]["dsap"], 0xaa);
  EXPECT_EQ(r["ethernet"]["llc"]["pid"], 0x0800);
}

TEST(Ethernet, PlainLlcGoesToTheSapTable) {
  Bytes stp{0x42, 0x42, 0x03, 0, 0, 0, 0};
  json r = DissectFrame((Ethernet{.type = uint16_t(stp.size())} / stp).Build());
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
  json r = DissectFrame((Ethernet{.type = 0x88a8} / Vlan{.pcp = 1, .dei = false, .vid = 2000} /
                         Vlan{.pcp = 5, .dei = true, .vid = 100} / UdpOverIpv4())
                            .Build());
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
  json r = DissectFrame(
      (Ethernet{} /
       Arp{.oper = 1, .sha = kMacA, .spa = "10.0.0.1", .tha = Mac{}, .tpa = "10.0.0.2"})
          .Build());
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
  json r =
      DissectFrame((Ethernet{.type = 0x8035} /
                    Arp{.oper = 3, .sha = kMacA, .spa = "0.0.0.0", .tha = kMacA, .tpa = "0.0.0.0"})
                       .Build());
  EXPECT_EQ(r["ethernet"]["arp"]["oper"], 3);
}

TEST(Arp, TruncatedAddressesAreRawWithError) {
  Bytes frame = (Ethernet{} /
                 Arp{.oper = 1, .sha = kMacA, .spa = "10.0.0.1", .tha = Mac{}, .tpa = "10.0.0.2"})
                    .Build();
  frame.resize(14 + 20);  // the ARP message cut to 20 bytes
  json r = DissectFrame(frame);
  EXPECT_EQ(r["protocols"], "Ethernet:Raw");
  EXPECT_EQ(r["ethernet"]["raw"]["error"], "ARP: addresses truncated");
}

TEST(Ipv4, EveryCoreField) {
  Ipv4 s{.src = "192.168.1.10",
         .dst = "8.8.8.8",
         .dscp = 46,
         .ecn = 1,
         .id = 0xbeef,
         .df = true,
         .ttl = 57};
  json r = DissectFrame((Ethernet{} / s / Tcp{.dstport = 80}).Build());
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
  Ipv4 s;
  // NOP, record route with one slot, router alert, EOOL, padding: 20 bytes of options.
  s.options = {{.kind = 0x01},
               {.kind = 0x07, .data = Concat({{4}, Ipv4Bytes("1.2.3.4")})},
               {.kind = 0x94, .data = {0, 0}}};
  s.options.resize(s.options.size() + 8, Option{.kind = 0x00});
  json r = DissectFrame((Ethernet{} / s / Udp{.srcport = 1, .dstport = 2}).Build());
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
  json r =
      DissectFrame((Ethernet{} / Ipv4{.offset = 1480, .protocol = 17} / Bytes(32, 0x55)).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["offset"], 1480);
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["len"], 32);
  EXPECT_FALSE(r["ethernet"]["ipv4"]["raw"].contains("error"));
}

TEST(Ipv4, FirstFragmentIsDissected) {
  json r = DissectFrame(
      (Ethernet{} / Ipv4{.mf = true} / Udp{.srcport = 1, .dstport = 2} / Bytes(8, 0)).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["flags"]["mf"], true);
}

TEST(Ipv4, MalformedHeadersBecomeRaw) {
  struct Case {
    Ipv4 ip;
    size_t cut;
    const char* error;
  } cases[] = {
      {{.hdr_len = 16}, 0, "IPv4: header length below 20 bytes"},
      {{.hdr_len = 60}, 0, "IPv4: header length exceeds the captured bytes"},
      {{.len = 12}, 0, "IPv4: total length smaller than the header"},
      {{}, 12, "IPv4: header truncated"},
  };
  for (const Case& c : cases) {
    Bytes frame = (Ethernet{} / c.ip).Build();
    if (c.cut) frame.resize(14 + c.cut);
    json r = DissectFrame(frame);
    EXPECT_EQ(r["protocols"], "Ethernet:Raw") << c.error;
    EXPECT_EQ(r["ethernet"]["raw"]["error"], c.error);
  }
}

TEST(Ipv4, TotalLengthZeroMeansAsCaptured) {
  json r = DissectFrame(
      (Ethernet{} / Ipv4{.len = 0} / Udp{.srcport = 1, .dstport = 2} / Bytes(4, 1)).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["len"], 0);
}

TEST(Ipv6, HeaderAndExtensionChainNest) {
  Packet p =
      Ethernet{} /
      Ipv6{
          .src = "fe80::1", .dst = "ff02::1:ff00:2", .traffic_class = 0xb8, .flow_label = 0x12345} /
      Ipv6HopByHop{.options = {{.kind = 0x05, .data = {0x00, 0x00}}}} /  // router alert
      Ipv6DestOptions{.options = {{.kind = 0x01, .data = {0, 0}}}} /     // PadN
      Ipv6Routing{.routing_type = 0, .segments_left = 1, .addresses = {"2001:db8::99"}} /
      Ipv6Fragment{.offset = 0, .mf = true, .id = 0xdeadbeef} / Udp{.srcport = 546, .dstport = 547};
  json r = DissectFrame(p.Build());
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
  json r =
      DissectFrame((Ethernet{} / Ipv6{} /
                    Ipv6Fragment{.offset = 1448, .mf = false, .id = 7, .next = 6} / Bytes(40, 1))
                       .Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:IPv6_Frag:Raw");
  EXPECT_EQ(r["ethernet"]["ipv6"]["ipv6_frag"]["offset"], 1448);
}

TEST(Ipv6, ExtensionHeaderPastTheCaptureIsRaw) {
  Bytes hop{17, 5, 1, 0};  // claims 48 bytes
  json r = DissectFrame((Ethernet{} / Ipv6{.next = 0} / hop).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:Raw");
  EXPECT_EQ(r["ethernet"]["ipv6"]["raw"]["error"], "HOPOPT: header truncated");
}

TEST(Ipv6, AddressesAreRfc5952) {
  json r =
      DissectFrame((Ethernet{} / Ipv6{.src = "2001:db8:0:0:1:0:0:1", .dst = "::ffff:192.0.2.1"} /
                    Udp{.srcport = 1, .dstport = 2})
                       .Build());
  EXPECT_EQ(r["ethernet"]["ipv6"]["src"], "2001:db8::1:0:0:1");
  EXPECT_EQ(r["ethernet"]["ipv6"]["dst"], "::ffff:192.0.2.1");
}

TEST(Tcp, FlagsAndOptionsDecodedByKind) {
  Tcp t{.srcport = 443,
        .dstport = 51000,
        .seq = 0xfffffff0,
        .ack = 77,
        .flags = kSyn | kAck,
        .window_size = 29200,
        .options = {{.kind = 2, .data = {0x05, 0xb4}},                // MSS 1460
                    {.kind = 1},                                      // NOP
                    {.kind = 3, .data = {7}},                         // WS 7
                    {.kind = 4},                                      // SACK permitted
                    {.kind = 8, .data = {0, 0, 0, 1, 0, 0, 0, 2}},    // TS 1/2
                    {.kind = 5, .data = {0, 0, 0, 10, 0, 0, 0, 20}},  // SACK 10-20
                    {.kind = 0}}};                                    // EOL: 32 bytes
  json r = DissectFrame((Ethernet{} / Ipv4{} / t / Bytes{'x'}).Build());
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
  Tcp t{.dstport = 80, .options = {{.kind = 2, .length = 1}}};  // MSS with length 1
  json r = DissectFrame((Ethernet{} / Ipv4{} / t).Build());
  json o = r["ethernet"]["ipv4"]["tcp"]["options"];
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0]["error"], "bad option length");
}

TEST(Tcp, DataOffsetPastTheSegmentIsRaw) {
  json r = DissectFrame((Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .hdr_len = 60}).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["error"], "TCP: header length exceeds the captured bytes");
}

TEST(Udp, LengthFieldBoundsThePayload) {
  json r = DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 1000, .dstport = 2000, .len = 12} / Bytes(10, 1))
          .Build());
  json udp = r["ethernet"]["ipv4"]["udp"];
  EXPECT_EQ(udp["srcport"], 1000);
  EXPECT_EQ(udp["dstport"], 2000);
  EXPECT_EQ(udp["len"], 12);
  EXPECT_EQ(udp["raw"]["len"], 4);
}

TEST(Udp, LengthBelowEightIsRaw) {
  json r = DissectFrame((Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2, .len = 4}).Build());
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["error"], "UDP: length field below 8");
}

TEST(Icmp, EchoHasIdAndSeq) {
  json r = DissectFrame(
      (Ethernet{} / Ipv4{} / Icmp{.type = 8, .code = 0, .rest = 0x00070003} / Bytes{'p'}).Build());
  json icmp = r["ethernet"]["ipv4"]["icmp"];
  EXPECT_EQ(icmp["type"], 8);
  EXPECT_EQ(icmp["id"], 7);
  EXPECT_EQ(icmp["seq"], 3);
}

TEST(Icmp, ErrorQuotesTheOffendingDatagram) {
  Bytes quoted =
      (Ipv4{.src = "10.9.9.9"} / Udp{.srcport = 4000, .dstport = 53} / Bytes(20, 0)).Build();
  quoted.resize(28);  // header + 8 bytes, as routers quote
  json r =
      DissectFrame((Ethernet{} / Ipv4{} / Icmp{.type = 3, .code = 3, .rest = 0} / quoted).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:ICMP:IPv4:UDP");
  EXPECT_EQ(r["ethernet"]["ipv4"]["icmp"]["ipv4"]["src"], "10.9.9.9");
  EXPECT_EQ(r["ethernet"]["ipv4"]["icmp"]["ipv4"]["udp"]["dstport"], 53);
}

TEST(Icmpv6, NeighborSolicitationTargetAndOption) {
  Icmpv6 ns{.type = 135,
            .code = 0,
            .body = Concat({{0, 0, 0, 0}, Ipv6Bytes("fe80::2")}),
            .options = {{.type = 1, .data = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55}}}};
  json r = DissectFrame((Ethernet{} / Ipv6{} / ns).Build());
  json icmp = r["ethernet"]["ipv6"]["icmpv6"];
  EXPECT_EQ(r["protocols"], "Ethernet:IPv6:ICMPv6");
  EXPECT_EQ(icmp["type"], 135);
  EXPECT_EQ(icmp["target"], "fe80::2");
  EXPECT_EQ(icmp["options"][0]["link_addr"], "00:11:22:33:44:55");
}

TEST(Icmpv6, EchoRequest) {
  json r = DissectFrame(
      (Ethernet{} / Ipv6{} / Icmpv6{.type = 128, .code = 0, .body = {0, 9, 0, 1}}).Build());
  EXPECT_EQ(r["ethernet"]["ipv6"]["icmpv6"]["id"], 9);
  EXPECT_EQ(r["ethernet"]["ipv6"]["icmpv6"]["seq"], 1);
}

TEST(LinkTypes, LinuxCookedV1AndV2) {
  Bytes sll{0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0x08, 0x00};
  json r = DissectFrame(Concat({sll, UdpOverIpv4().Build()}), 113);
  EXPECT_EQ(r["protocols"], "SLL:IPv4:UDP:Raw");
  EXPECT_EQ(r["sll"]["addr"], "00:11:22:33:44:55");
  EXPECT_EQ(r["sll"]["protocol"], 0x0800);

  Bytes sll2{0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  json r2 = DissectFrame(Concat({sll2, (Ipv6{} / Udp{.srcport = 1, .dstport = 2}).Build()}), 276);
  EXPECT_EQ(r2["protocols"], "SLL2:IPv6:UDP");
  EXPECT_EQ(r2["sll2"]["ifindex"], 3);
  EXPECT_EQ(r2["sll2"]["pkttype"], 4);
}

TEST(LinkTypes, NullLoopbackInEitherByteOrder) {
  json le = DissectFrame(Concat({{2, 0, 0, 0}, UdpOverIpv4().Build()}), 0);
  EXPECT_EQ(le["protocols"], "Null:IPv4:UDP:Raw");
  EXPECT_EQ(le["null"]["family"], 2);
  json be =
      DissectFrame(Concat({{0, 0, 0, 30}, (Ipv6{} / Udp{.srcport = 1, .dstport = 2}).Build()}), 0);
  EXPECT_EQ(be["protocols"], "Null:IPv6:UDP");
}

TEST(LinkTypes, RawIpPicksTheVersionAndAddsNoLayer) {
  Bytes v6 = (Ipv6{} / Udp{.srcport = 1, .dstport = 2}).Build();
  for (uint32_t lt : {101u, 12u, 14u}) {
    EXPECT_EQ(DissectFrame(UdpOverIpv4().Build(), lt)["protocols"], "IPv4:UDP:Raw");
    EXPECT_EQ(DissectFrame(v6, lt)["protocols"], "IPv6:UDP");
  }
  EXPECT_EQ(DissectFrame(UdpOverIpv4().Build(), 228)["protocols"], "IPv4:UDP:Raw");
}

TEST(LinkTypes, UnknownLinkTypeIsRawWithoutError) {
  json r = DissectFrame(Bytes(20, 1), 147);
  EXPECT_EQ(r["protocols"], "Raw");
  EXPECT_EQ(r["raw"]["len"], 20);
  EXPECT_FALSE(r["raw"].contains("error"));
  EXPECT_EQ(r["linktype"], 147);
}

TEST(Stops, LayerStopsBeforeTheNextLayerUp) {
  Bytes frame = EthernetFrame(UdpOverIpv4());
  pcapkit::ExtractOptions o;
  o.stop_layer = pcapkit::LayerLevel::kLink;
  EXPECT_EQ(DissectFrame(frame, 1, o)["protocols"], "Ethernet:Raw");
  o.stop_layer = pcapkit::LayerLevel::kInternet;
  json r = DissectFrame(frame, 1, o);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:Raw");
  EXPECT_EQ(r["ethernet"]["ipv4"]["raw"]["len"], 10);
}

TEST(Stops, ProtocolStopsAfterItsFirstOccurrence) {
  Bytes frame = EthernetFrame(UdpOverIpv4());
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
  // MP_CAPABLE v1 with a key, TCP-AO, a TFO cookie.
  Tcp t{.dstport = 80,
        .options = {{.kind = 30, .data = Concat({{0x01, 0x81}, Bytes(8, 0x11)})},
                    {.kind = 29, .data = {7, 9, 0xaa, 0xbb}},
                    {.kind = 34, .data = {1, 2, 3, 4}}}};
  json o = DissectFrame((Ethernet{} / Ipv4{} / t).Build())["ethernet"]["ipv4"]["tcp"]["options"];
  EXPECT_EQ(o[0]["subtype_name"], "MP_CAPABLE");
  EXPECT_EQ(o[0]["version"], 1);
  EXPECT_EQ(o[0]["sender_key"], "1111111111111111");
  EXPECT_EQ(o[1]["key_id"], 7);
  EXPECT_EQ(o[1]["mac"], "aabb");
  EXPECT_EQ(o[2]["cookie"], "01020304");
}

TEST(Ipv4, TracerouteAndQuickStartOptions) {
  Ipv4 s{.options = {{.kind = 82, .data = Concat({{0, 5, 0, 1, 0, 2}, Ipv4Bytes("9.9.9.9")})},
                     {.kind = 25, .data = {0x13, 64, 0, 0, 0, 4}}}};
  json o = DissectFrame(
      (Ethernet{} / s / Udp{.srcport = 1, .dstport = 2}).Build())["ethernet"]["ipv4"]["options"];
  EXPECT_EQ(o[0]["originator"], "9.9.9.9");
  EXPECT_EQ(o[0]["return_hops"], 2);
  EXPECT_EQ(o[1]["func"], 1);
  EXPECT_EQ(o[1]["rate"], 3);
  EXPECT_EQ(o[1]["nonce"], 1);
}

TEST(Ipv6, RplSourceRouteKeepsTheElidedAddresses) {
  // cmpr_i = 8, cmpr_e = 8: two addresses of 8 bytes each, no padding. Built by hand, the
  // addresses being no whole IPv6 addresses: next header, length, type, segments left, cmpr,
  // pad and reserved, then the addresses.
  Bytes route{17, 2, 3, 2, 0x88, 0x00, 0, 0};
  for (int i = 0; i < 16; ++i) route.push_back(uint8_t(i));
  json r = DissectFrame(
      (Ethernet{} / Ipv6{.next = 43} / route / Udp{.srcport = 1, .dstport = 2}).Build());
  json rt = r["ethernet"]["ipv6"]["ipv6_route"];
  EXPECT_EQ(rt["type"], 3);
  EXPECT_EQ(rt["cmpr_i"], 8);
  EXPECT_EQ(rt["addresses"], json::array({"0001020304050607", "08090a0b0c0d0e0f"}));
}

}  // namespace

namespace {

TEST(Icmpv6, RouterAdvertisementPrefixAndMtuOptions) {
  Bytes prefix{64, 0xc0, 0, 0, 0x0e, 0x10, 0, 0, 0x07, 0x08, 0, 0, 0, 0};
  PutBytes(prefix, Ipv6Address("2001:db8:1::"));
  Icmpv6 ra{
      .type = 134,
      .code = 0,
      .body = {64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0},
      .options = {{.type = 3, .data = prefix}, {.type = 5, .data = {0, 0, 0, 0, 0x05, 0xdc}}}};
  json r = DissectFrame((Ethernet{} / Ipv6{} / ra).Build());
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
  // CALIPSO with a 4-byte bitmap, quick-start.
  Ipv6HopByHop hop{
      .options = {{.kind = 0x07, .data = {0, 0, 0, 3, 1, 5, 0xab, 0xcd, 0xff, 0, 0, 0x80}},
                  {.kind = 0x26, .data = {0x21, 32, 0, 0, 0, 8}}}};
  json o = DissectFrame((Ethernet{} / Ipv6{} / hop / Udp{.srcport = 1, .dstport = 2})
                            .Build())["ethernet"]["ipv6"]["hopopt"]["options"];
  EXPECT_EQ(o[0]["doi"], 3);
  EXPECT_EQ(o[0]["sensitivity"], 5);
  EXPECT_EQ(o[0]["compartments"], "ff000080");
  EXPECT_EQ(o[1]["func"], 2);
  EXPECT_EQ(o[1]["rate"], 1);
  EXPECT_EQ(o[1]["nonce"], 2);
}

}  // namespace
