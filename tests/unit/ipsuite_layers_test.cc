// The public builder, layer by layer: what it builds dissects back to the fields given,
// what it computes (lengths, types, checksums) is right, what is given is written as
// given, even when wrong, and what cannot be built says why.
#include <gtest/gtest.h>

#include <algorithm>

#include "pcapkit/ipsuite.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using nlohmann::json;

json Dissect(const Packet& p) {
  return testutil::DissectFrame(p.Build());
}

Bytes Text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// The one's-complement sum of `b` from `from` on, folded: 0xffff when a checksum inside
// is right. Written here, apart from the builder's own sum, on purpose.
uint16_t Folded(const Bytes& b, size_t from, size_t to, uint32_t sum = 0) {
  for (size_t i = from; i < to; i += 2) sum += uint32_t(b[i] << 8 | (i + 1 < to ? b[i + 1] : 0));
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(sum);
}

// The segment [from, to) of `frame` has a right checksum over the pseudo-header of these
// addresses: the sum over both folds to 0xffff.
bool SegmentChecksumRight(const Bytes& frame, size_t from, size_t to, const Bytes& addresses,
                          uint8_t protocol) {
  uint32_t sum = protocol + uint32_t(to - from) + Folded(addresses, 0, addresses.size());
  return Folded(frame, from, to, sum) == 0xffff;
}

// The same for a transport header right after the IP header at `ip`.
bool TransportChecksumRight(const Bytes& frame, size_t ip, uint8_t protocol) {
  bool v6 = frame[ip] >> 4 == 6;
  size_t header = v6 ? 40 : size_t(frame[ip] & 15) * 4;
  size_t end = v6 ? ip + 40 + size_t(frame[ip + 4] << 8 | frame[ip + 5])
                  : ip + size_t(frame[ip + 2] << 8 | frame[ip + 3]);
  Bytes addresses(frame.begin() + long(ip + (v6 ? 8 : 12)),
                  frame.begin() + long(ip + (v6 ? 40 : 20)));
  return SegmentChecksumRight(frame, ip + header, end, addresses, protocol);
}

TEST(IpsuiteLayers, EthernetQinqAndVlanTypesAreComputed) {
  json r = Dissect(Ethernet{.type = 0x88a8} / Vlan{.pcp = 5, .vid = 100} / Vlan{.vid = 200} /
                   Ipv4{} / Udp{.dstport = 9} / Text("x"));
  json& outer = r["ethernet"]["vlan"];
  EXPECT_EQ(r["ethernet"]["type"], 0x88a8);
  EXPECT_EQ(outer["pcp"], 5);
  EXPECT_EQ(outer["vid"], 100);
  EXPECT_EQ(outer["type"], 0x8100);
  EXPECT_EQ(outer["vlan"]["vid"], 200);
  EXPECT_EQ(outer["vlan"]["type"], 0x0800);
  EXPECT_EQ(outer["vlan"]["ipv4"]["udp"]["dstport"], 9);
  EXPECT_EQ(Dissect(Ethernet{} / Vlan{} / Ipv4{} / Udp{.dstport = 9})["ethernet"]["type"], 0x8100);
}

TEST(IpsuiteLayers, ArpMplsAndPppoe) {
  json arp = Dissect(Ethernet{} / Arp{.oper = 2,
                                      .spa = "192.0.2.1",
                                      .tha = "00:0a:0b:0c:0d:0e",
                                      .tpa = "192.0.2.9"})["ethernet"];
  EXPECT_EQ(arp["type"], 0x0806);
  EXPECT_EQ(arp["arp"]["oper"], 2);
  EXPECT_EQ(arp["arp"]["spa"], "192.0.2.1");
  EXPECT_EQ(arp["arp"]["tha"], "00:0a:0b:0c:0d:0e");
  EXPECT_EQ(arp["arp"]["tpa"], "192.0.2.9");

  json mpls = Dissect(Ethernet{} / Mpls{.label = 100} / Mpls{.label = 200, .tc = 3, .ttl = 9} /
                      Ipv4{} / Icmp{})["ethernet"]["mpls"];
  EXPECT_EQ(mpls["label"], 100);
  EXPECT_EQ(mpls["bottom"], false);
  EXPECT_EQ(mpls["mpls"]["label"], 200);
  EXPECT_EQ(mpls["mpls"]["tc"], 3);
  EXPECT_EQ(mpls["mpls"]["ttl"], 9);
  EXPECT_EQ(mpls["mpls"]["bottom"], true);
  EXPECT_TRUE(mpls["mpls"].contains("ipv4"));

  json pppoe = Dissect(Ethernet{} / Pppoe{.session_id = 7} / Ipv6{} / Udp{.dstport = 9} /
                       Text("ab"))["ethernet"];
  EXPECT_EQ(pppoe["type"], 0x8864);
  EXPECT_EQ(pppoe["pppoe"]["session_id"], 7);
  EXPECT_EQ(pppoe["pppoe"]["ppp_protocol"], 0x0057);
  EXPECT_EQ(pppoe["pppoe"]["payload_len"], 2 + 40 + 8 + 2);
  EXPECT_TRUE(pppoe["pppoe"].contains("ipv6"));
}

TEST(IpsuiteLayers, Ipv4WithOptionsAndItsHeaderChecksum) {
  Packet p = Ethernet{} /
             Ipv4{.src = "192.0.2.1",
                  .dst = "192.0.2.2",
                  .dscp = 46,
                  .ecn = 1,
                  .id = 77,
                  .df = true,
                  .ttl = 9,
                  .options = {{.kind = 148, .data = {0, 0}}}} /
             Udp{.srcport = 1, .dstport = 9} / Text("abc");
  Bytes frame = p.Build();
  json ip = testutil::DissectFrame(frame)["ethernet"]["ipv4"];
  EXPECT_EQ(ip["hdr_len"], 24);  // 4 option bytes
  EXPECT_EQ(ip["len"], 24 + 8 + 3);
  EXPECT_EQ(ip["dscp"], 46);
  EXPECT_EQ(ip["ecn"], 1);
  EXPECT_EQ(ip["id"], 77);
  EXPECT_EQ(ip["flags"]["df"], true);
  EXPECT_EQ(ip["ttl"], 9);
  EXPECT_EQ(ip["protocol"], 17);
  EXPECT_EQ(ip["options"][0]["name"], "RTRALT");
  EXPECT_EQ(Folded(frame, 14, 14 + 24), 0xffff);
  EXPECT_TRUE(TransportChecksumRight(frame, 14, 17));
}

TEST(IpsuiteLayers, TcpWithOptionsAndItsChecksumOverBothIpVersions) {
  std::vector<Option> options = {
      {.kind = 2, .data = {0x05, 0xb4}}, {.kind = 1}, {.kind = 3, .data = {7}}, {.kind = 4}};
  for (Packet p :
       {Ethernet{} / Ipv4{} /
            Tcp{.srcport = 1234, .dstport = 80, .seq = 5, .flags = kSyn, .options = options},
        Ethernet{} / Ipv6{} /
            Tcp{.srcport = 1234, .dstport = 80, .seq = 5, .flags = kSyn, .options = options} /
            Text("odd")}) {
    Bytes frame = p.Build();
    json r = testutil::DissectFrame(frame)["ethernet"];
    json& tcp = r.contains("ipv4") ? r["ipv4"]["tcp"] : r["ipv6"]["tcp"];
    EXPECT_EQ(tcp["hdr_len"], 32);  // 9 option bytes padded to 12
    EXPECT_EQ(tcp["options"][0]["mss"], 1460);
    EXPECT_EQ(tcp["options"][2]["shift"], 7);
    EXPECT_EQ(tcp["options"][3]["name"], "SACK_PERM");
    EXPECT_EQ(tcp["flags"]["syn"], true);
    EXPECT_EQ(tcp["seq"], 5);
    EXPECT_TRUE(TransportChecksumRight(frame, 14, 6));
  }
}

// CRC32c bit by bit (RFC 9260 Appendix B), the oracle for the builder's table-driven one.
uint32_t Crc32cBitwise(const Bytes& data) {
  uint32_t crc = 0xffffffff;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78 : 0);
  }
  return ~crc;
}

TEST(IpsuiteLayers, SctpGetsItsCrc32cUnlessGiven) {
  EXPECT_EQ(Crc32cBitwise(Bytes(32, 0)), 0x8a9136aau);          // RFC 3720's check value
  Bytes chunk{0x04, 0x00, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef};  // HEARTBEAT
  Bytes frame = (Ethernet{} / Ipv4{} /
                 Sctp{.srcport = 7, .dstport = 9, .verification_tag = 0x01020304, .chunks = chunk})
                    .Build();
  Bytes sctp(frame.begin() + 34, frame.end());
  Bytes zeroed = sctp;
  std::fill(zeroed.begin() + 8, zeroed.begin() + 12, 0);
  uint32_t crc = Crc32cBitwise(zeroed);
  EXPECT_EQ(sctp[8], uint8_t(crc));  // the low byte first
  EXPECT_EQ(sctp[11], uint8_t(crc >> 24));
  json r = testutil::DissectFrame(frame)["ethernet"]["ipv4"];
  EXPECT_EQ(r["protocol"], 132);
  EXPECT_EQ(r["sctp"]["chunks"][0]["type"], 4);

  Bytes given = (Ethernet{} / Ipv4{} / Sctp{.chunks = chunk, .checksum = 0x11223344}).Build();
  EXPECT_EQ(testutil::DissectFrame(given)["ethernet"]["ipv4"]["sctp"]["checksum"], 0x11223344);
}

TEST(IpsuiteLayers, GivenValuesAreWrittenEvenWhenWrong) {
  Bytes frame = (Ethernet{.type = 0x0800} /
                 Ipv4{.hdr_len = 20, .len = 999, .protocol = 99, .checksum = 0xdead} /
                 Udp{.srcport = 1, .dstport = 9, .len = 3, .checksum = 0xbeef} / Text("zz"))
                    .Build();
  EXPECT_EQ(frame[14 + 2] << 8 | frame[14 + 3], 999);
  EXPECT_EQ(frame[14 + 9], 99);
  EXPECT_EQ(frame[14 + 10] << 8 | frame[14 + 11], 0xdead);
  EXPECT_EQ(frame[34 + 4] << 8 | frame[34 + 5], 3);
  EXPECT_EQ(frame[34 + 6] << 8 | frame[34 + 7], 0xbeef);
  // The dissector sees what was written: a total length past the frame, a UDP length
  // below its header.
  json ip = testutil::DissectFrame(frame)["ethernet"]["ipv4"];
  EXPECT_EQ(ip["len"], 999);
  EXPECT_EQ(ip["checksum"], 0xdead);
}

TEST(IpsuiteLayers, Ipv6ExtensionHeadersChainTheirNextHeaders) {
  Bytes frame = (Ethernet{} / Ipv6{} / Ipv6HopByHop{.options = {{.kind = 5, .data = {0, 0}}}} /
                 Ipv6Routing{.routing_type = 2, .segments_left = 1, .addresses = {"2001:db8::99"}} /
                 Ipv6DestOptions{} / Udp{.srcport = 7, .dstport = 7} / Text("ext"))
                    .Build();
  json ip = testutil::DissectFrame(frame)["ethernet"]["ipv6"];
  EXPECT_EQ(ip["next"], 0);
  EXPECT_EQ(ip["payload"], 8 + 24 + 8 + 8 + 3);
  json& hop = ip["hopopt"];
  EXPECT_EQ(hop["next"], 43);
  EXPECT_EQ(hop["options"][0]["len"], 2);  // IPv6 counts the option's data alone
  EXPECT_EQ(hop["options"][0]["value"], 0);
  json& route = hop["ipv6_route"];
  EXPECT_EQ(route["next"], 60);
  EXPECT_EQ(route["ip"][0], "2001:db8::99");
  EXPECT_EQ(route["ipv6_opts"]["next"], 17);
  EXPECT_EQ(route["ipv6_opts"]["length"], 8);  // padded with PadN
  // The UDP checksum is over the routing header's final destination (RFC 8200 §8.1).
  Bytes addresses;
  PutBytes(addresses, Ipv6Address("2001:db8::1"));
  PutBytes(addresses, Ipv6Address("2001:db8::99"));
  size_t udp = 14 + 40 + 8 + 24 + 8;
  EXPECT_TRUE(SegmentChecksumRight(frame, udp, frame.size(), addresses, 17));
}

TEST(IpsuiteLayers, IcmpAndIcmpv6WithNdpOptions) {
  Bytes ping = (Ethernet{} / Ipv4{} / Icmp{.type = 8, .rest = 0x00070009} / Text("hello")).Build();
  json icmp = testutil::DissectFrame(ping)["ethernet"]["ipv4"]["icmp"];
  EXPECT_EQ(icmp["type"], 8);
  EXPECT_EQ(icmp["id"], 7);
  EXPECT_EQ(icmp["seq"], 9);
  EXPECT_EQ(Folded(ping, 34, ping.size()), 0xffff);

  Bytes ns{0, 0, 0, 0};
  PutBytes(ns, Ipv6Address("2001:db8::2"));
  Bytes frame = (Ethernet{} / Ipv6{.dst = "ff02::1:ff00:2", .hop_limit = 255} /
                 Icmpv6{.type = 135,
                        .body = ns,
                        .options = {{.type = 1, .data = {0, 0x11, 0x22, 0x33, 0x44, 0x55}}}})
                    .Build();
  json v6 = testutil::DissectFrame(frame)["ethernet"]["ipv6"];
  EXPECT_EQ(v6["next"], 58);
  EXPECT_EQ(v6["icmpv6"]["target"], "2001:db8::2");
  EXPECT_EQ(v6["icmpv6"]["options"][0]["len"], 8);
  EXPECT_EQ(v6["icmpv6"]["options"][0]["link_addr"], "00:11:22:33:44:55");
  EXPECT_TRUE(TransportChecksumRight(frame, 14, 58));
}

TEST(IpsuiteLayers, GreVxlanAndGeneveCarryWhatFollows) {
  Bytes gre = (Ethernet{} / Ipv4{} / Gre{.checksum_present = true, .key = 42} / Ipv6{} /
               Udp{.dstport = 9} / Text("in"))
                  .Build();
  json g = testutil::DissectFrame(gre)["ethernet"]["ipv4"];
  EXPECT_EQ(g["protocol"], 47);
  EXPECT_EQ(g["gre"]["protocol"], 0x86dd);
  EXPECT_EQ(g["gre"]["key"], 42);
  EXPECT_TRUE(g["gre"].contains("ipv6"));
  EXPECT_EQ(Folded(gre, 34, gre.size()), 0xffff);  // GRE's checksum covers its payload

  json vx = Dissect(Ethernet{} / Ipv4{} / Udp{.srcport = 1} / Vxlan{.vni = 5000} / Ethernet{} /
                    Arp{})["ethernet"]["ipv4"]["udp"];
  EXPECT_EQ(vx["dstport"], 4789);
  EXPECT_EQ(vx["vxlan"]["vni"], 5000);
  EXPECT_EQ(vx["vxlan"]["ethernet"]["type"], 0x0806);

  json gn = Dissect(Ethernet{} / Ipv4{} / Udp{.srcport = 1} /
                    Geneve{.vni = 77, .options = {0x01, 0x02, 0x03, 0x01, 0, 0, 0, 1}} / Ipv4{} /
                    Icmp{})["ethernet"]["ipv4"]["udp"];
  EXPECT_EQ(gn["dstport"], 6081);
  EXPECT_EQ(gn["geneve"]["vni"], 77);
  EXPECT_EQ(gn["geneve"]["opt_len"], 8);  // bytes, as the record counts them
  EXPECT_EQ(gn["geneve"]["protocol"], 0x0800);
  EXPECT_TRUE(gn["geneve"].contains("ipv4"));
}

TEST(IpsuiteLayers, DnsNamesAreCompressed) {
  Dns response{.id = 0x4242,
               .qr = true,
               .ra = true,
               .questions = {{.name = "www.example.com"}},
               .answers = {DnsResource::Name("www.example.com", 5, "web.example.com"),
                           DnsResource::A("web.example.com", "192.0.2.80"),
                           DnsResource::Aaaa("web.example.com", "2001:db8::80")}};
  Bytes compressed = (Ipv4{} / Udp{.srcport = 53, .dstport = 40000} / response).Build();
  response.compress = false;
  Bytes plain = (Ipv4{} / Udp{.srcport = 53, .dstport = 40000} / response).Build();
  EXPECT_LT(compressed.size(), plain.size());
  for (const Bytes& frame : {compressed, plain}) {
    json dns = Dissect(Ethernet{.type = 0x0800} / frame)["ethernet"]["ipv4"]["udp"]["dns"];
    EXPECT_EQ(dns["id"], 0x4242);
    EXPECT_EQ(dns["questions"][0]["name"], "www.example.com");
    ASSERT_EQ(dns["answers"].size(), 3u);
    EXPECT_EQ(dns["answers"][0]["data"], "web.example.com");
    EXPECT_EQ(dns["answers"][1]["data"], "192.0.2.80");
    EXPECT_EQ(dns["answers"][2]["name"], "web.example.com");
    EXPECT_EQ(dns["answers"][2]["data"], "2001:db8::80");
  }
  // The first answer's name points back at the question's (offset 12 of the message).
  size_t answer = 20 + 8 + 12 + 17 + 4;
  EXPECT_EQ(compressed[answer], 0xc0);
  EXPECT_EQ(compressed[answer + 1], 12);
}

TEST(IpsuiteLayers, HttpMessagesGetTheirLengthUnlessTheySayIt) {
  Bytes request =
      (Ipv4{} / Tcp{.flags = kAck | kPsh} /
       HttpRequest{.method = "POST", .uri = "/f", .headers = {{"Host", "h"}}, .body = Text("a=1")})
          .Build();
  std::string text(request.begin() + 40, request.end());
  EXPECT_EQ(text, "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\na=1");
  EXPECT_EQ(request[22] << 8 | request[23], 80);  // the port HTTP has
  Bytes chunked = (HttpResponse{.headers = {{"Transfer-Encoding", "chunked"}},
                                .body = HttpChunked({Text("hello"), Text(" world")})} /
                   Bytes{})
                      .Build();
  EXPECT_EQ(std::string(chunked.begin(), chunked.end()),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
            "world\r\n0\r\n\r\n");
}

TEST(IpsuiteLayers, WhatCannotBeBuiltSaysWhy) {
  EXPECT_THROW((Ethernet{} / Text("x")).Build(), pcapkit::BuildError);      // no type to compute
  EXPECT_THROW((Ipv4{} / Text("x")).Build(), pcapkit::BuildError);          // no protocol
  EXPECT_THROW((Ipv4{} / Udp{} / Text("x")).Build(), pcapkit::BuildError);  // no port
  EXPECT_THROW(Ipv4Address("10.0.0.256"), pcapkit::BuildError);
  EXPECT_THROW(Mac("00:11:22:33:44"), pcapkit::BuildError);
  EXPECT_THROW((Vlan{.vid = 4096, .type = 0x0800} / Bytes{}).Build(), pcapkit::BuildError);
  EXPECT_THROW((Ipv4{.offset = 3, .protocol = 17} / Bytes{}).Build(), pcapkit::BuildError);
  EXPECT_THROW((Dns{.questions = {{.name = std::string(64, 'a') + ".com"}}} / Bytes{}).Build(),
               pcapkit::BuildError);
  try {
    (Ethernet{} / Text("x")).Build();
  } catch (const pcapkit::BuildError& e) {
    EXPECT_NE(std::string(e.what()).find("Ethernet"), std::string::npos) << e.what();
  }
}

}  // namespace
