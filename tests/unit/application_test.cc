// Application and tunnel dissectors on packets built here: DNS, HTTP, TLS, FTP, DHCP,
// GRE, MPLS, PPPoE/PPP, VXLAN, Geneve, Cisco HDLC — and their malformed variants.
#include <gtest/gtest.h>

#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;

namespace {

Bytes Text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Bytes OverUdp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  return (Ethernet{} / Ipv4{} / Udp{.srcport = sport, .dstport = dport} / payload).Build();
}
Bytes OverTcp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  return (Ethernet{} / Ipv4{} / Tcp{.srcport = sport, .dstport = dport, .flags = kAck | kPsh} /
          payload)
      .Build();
}
json Udp4(const json& r) {
  return r["ethernet"]["ipv4"]["udp"];
}
json Tcp4(const json& r) {
  return r["ethernet"]["ipv4"]["tcp"];
}

// www.example.com A? with an answer section using a compression pointer to the question.
Bytes DnsResponse() {
  Bytes m;
  Put16(m, 0xbeef);
  Put16(m, 0x8180);  // response, RD, RA
  Put16(m, 1);
  Put16(m, 4);
  Put16(m, 0);
  Put16(m, 1);
  PutBytes(m, Text("\x03www\x07"
                   "example\x03"
                   "com"));
  Put8(m, 0);
  Put16(m, 1);
  Put16(m, 1);
  // CNAME www.example.com -> web.example.com (compressed suffix)
  PutBytes(m, {0xc0, 0x0c});
  Put16(m, 5);
  Put16(m, 1);
  Put32(m, 300);
  Put16(m, 6);
  PutBytes(m, Text("\x03web"));
  PutBytes(m, {0xc0, 0x10});
  // A web.example.com
  PutBytes(m, {0xc0, 0x2d});
  Put16(m, 1);
  Put16(m, 1);
  Put32(m, 60);
  Put16(m, 4);
  PutBytes(m, Ipv4Address("93.184.216.34"));
  // MX
  PutBytes(m, {0xc0, 0x10});
  Put16(m, 15);
  Put16(m, 1);
  Put32(m, 3600);
  Put16(m, 4);
  Put16(m, 10);
  PutBytes(m, {0xc0, 0x2d});
  // TXT
  PutBytes(m, {0xc0, 0x10});
  Put16(m, 16);
  Put16(m, 1);
  Put32(m, 1);
  Put16(m, 6);
  PutBytes(m, Text("\x05hello"));
  // OPT (EDNS0): root name, payload size 4096, DO bit
  Put8(m, 0);
  Put16(m, 41);
  Put16(m, 4096);
  Put32(m, 0x00008000);
  Put16(m, 0);
  return m;
}

TEST(Dns, ResponseSectionsCompressionAndRecordTypes) {
  json r = DissectFrame(OverUdp(53, 40000, DnsResponse()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:DNS");
  json d = Udp4(r)["dns"];
  EXPECT_EQ(d["id"], 0xbeef);
  EXPECT_EQ(d["qr"], true);
  EXPECT_EQ(d["rcode"], 0);
  EXPECT_EQ(d["questions"][0], (json{{"name", "www.example.com"}, {"type", 1}, {"class", 1}}));
  json a = d["answers"];
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0]["type"], 5);
  EXPECT_EQ(a[0]["data"], "web.example.com");
  EXPECT_EQ(a[1]["name"], "web.example.com");
  EXPECT_EQ(a[1]["data"], "93.184.216.34");
  EXPECT_EQ(a[1]["ttl"], 60);
  EXPECT_EQ(a[2]["preference"], 10);
  EXPECT_EQ(a[2]["data"], "web.example.com");
  EXPECT_EQ(a[3]["txt"], json::array({"hello"}));
  json opt = d["additionals"][0];
  EXPECT_EQ(opt["name"], "");
  EXPECT_EQ(opt["udp_payload_size"], 4096);
  EXPECT_EQ(opt["do"], true);
  EXPECT_FALSE(opt.contains("ttl"));
}

TEST(Dns, OverTcpWithItsLengthPrefix) {
  Bytes m = DnsResponse();
  Bytes framed;
  Put16(framed, uint16_t(m.size()));
  PutBytes(framed, m);
  json r = DissectFrame(OverTcp(53, 40000, framed));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP:DNS");
  EXPECT_EQ(Tcp4(r)["dns"]["length"], m.size());
  EXPECT_EQ(Tcp4(r)["dns"]["answers"].size(), 4u);
}

TEST(Dns, CompressionLoopAndTruncationEndRaw) {
  Bytes loop;
  Put16(loop, 1);
  Put16(loop, 0x0100);
  Put16(loop, 1);
  Put16(loop, 0);
  Put16(loop, 0);
  Put16(loop, 0);
  PutBytes(loop, {0xc0, 0x0c});  // points at itself
  Put16(loop, 1);
  Put16(loop, 1);
  json r = DissectFrame(OverUdp(40000, 53, loop));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_EQ(Udp4(r)["raw"]["error"], "DNS: name compression loop");

  Bytes cut = DnsResponse();
  cut.resize(cut.size() - 15);
  json t = DissectFrame(OverUdp(53, 40000, cut));
  EXPECT_EQ(Udp4(t)["raw"]["error"], "DNS: resource record runs past the message");

  json tiny = DissectFrame(OverUdp(53, 40000, {1, 2, 3}));
  EXPECT_EQ(Udp4(tiny)["raw"]["error"], "DNS: header truncated");
}

TEST(Http, RequestOnAnyPortWithHeadersInWireOrder) {
  json r =
      DissectFrame(OverTcp(51000, 8888,
                           Text("GET /a?b=\"c\"&d HTTP/1.1\r\nHost: x.test\r\nAccept:  */* \r\n"
                                "Host: again\r\n\r\nbody")));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP:HTTP:Raw");  // the body stays raw bytes
  json h = Tcp4(r)["http"];
  EXPECT_EQ(h["raw"]["len"], 4);
  EXPECT_EQ(h["type"], "request");
  EXPECT_EQ(h["method"], "GET");
  EXPECT_EQ(h["uri"], "/a?b=\"c\"&d");
  EXPECT_EQ(h["version"], "HTTP/1.1");
  EXPECT_EQ(h["headers"],
            (json::array({{"Host", "x.test"}, {"Accept", "*/*"}, {"Host", "again"}})));
  EXPECT_EQ(h["headers_complete"], true);
  EXPECT_EQ(h["body_len"], 4);
}

TEST(Http, ResponseAndAHeaderBlockCutBySegmentEnd) {
  json r =
      DissectFrame(OverTcp(80, 51000, Text("HTTP/1.0 404 Not Found\r\nServer: t\r\nContent-Ty")));
  json h = Tcp4(r)["http"];
  EXPECT_EQ(h["type"], "response");
  EXPECT_EQ(h["status"], 404);
  EXPECT_EQ(h["reason"], "Not Found");
  EXPECT_EQ(h["headers_complete"], false);
  EXPECT_EQ(h["headers"][0], (json::array({"Server", "t"})));
}

TEST(Http, NotHttpStaysRaw) {
  json r = DissectFrame(OverTcp(80, 51000, Text("continuation of a body\r\n")));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP:Raw");
  json g = DissectFrame(OverTcp(80, 51000, Text("GETX / HTTP/1.1\r\n")));
  EXPECT_EQ(g["protocols"], "Ethernet:IPv4:TCP:Raw");
}

TEST(Ftp, CommandsAndMultiLineReplies) {
  json c = DissectFrame(OverTcp(51000, 21, Text("USER anonymous\r\n")));
  EXPECT_EQ(Tcp4(c)["ftp"]["lines"][0],
            (json{{"type", "request"}, {"command", "USER"}, {"arg", "anonymous"}}));
  json s = DissectFrame(OverTcp(21, 51000, Text("230-Welcome\r\n230 Login successful\r\n")));
  json lines = Tcp4(s)["ftp"]["lines"];
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["code"], 230);
  EXPECT_EQ(lines[0]["more"], true);
  EXPECT_EQ(lines[1]["arg"], "Login successful");
  json bin = DissectFrame(OverTcp(21, 51000, {0x01, 0x02, '\r', '\n'}));
  EXPECT_EQ(Tcp4(bin)["raw"]["error"], "FTP: not a text line");
}

Bytes ClientHello() {
  Bytes ext;
  // server_name: example.org
  Put16(ext, 0);
  Put16(ext, 16);
  Put16(ext, 14);
  Put8(ext, 0);
  Put16(ext, 11);
  PutBytes(ext, Text("example.org"));
  // ALPN: h2, http/1.1
  Put16(ext, 16);
  Put16(ext, 14);
  Put16(ext, 12);
  PutBytes(ext, Text("\x02h2\x08http/1.1"));
  // supported_versions: TLS 1.3, 1.2
  Put16(ext, 43);
  Put16(ext, 5);
  PutBytes(ext, {4, 0x03, 0x04, 0x03, 0x03});
  Bytes body;
  Put16(body, 0x0303);
  PutBytes(body, Bytes(32, 0xaa));
  Put8(body, 0);  // session id
  Put16(body, 4);
  Put16(body, 0x1301);
  Put16(body, 0xc02f);
  PutBytes(body, {1, 0});  // compression
  Put16(body, uint16_t(ext.size()));
  PutBytes(body, ext);
  return TlsHandshakeRecord(1, body);
}

// Found by capture_fuzz's duplicate-key oracle: a server_name list with two host names
// (RFC 6066 allows one) wrote `server_name` twice.
TEST(Tls, SecondHostNameGoesToExtraServerNames) {
  Bytes ext;
  Put16(ext, 0);
  Put16(ext, 2 + 3 + 5 + 3 + 5);
  Put16(ext, 3 + 5 + 3 + 5);
  Put8(ext, 0);
  Put16(ext, 5);
  PutBytes(ext, Text("a.org"));
  Put8(ext, 0);
  Put16(ext, 5);
  PutBytes(ext, Text("b.org"));
  Bytes body;
  Put16(body, 0x0303);
  PutBytes(body, Bytes(32, 0xaa));
  PutBytes(body, {0, 0, 2, 0x13, 0x01, 1, 0});  // no session id, one suite, no compression
  Put16(body, uint16_t(ext.size()));
  PutBytes(body, ext);
  Bytes rec{22, 3, 1, 0, uint8_t(body.size() + 4), 1, 0, 0, uint8_t(body.size())};
  PutBytes(rec, body);
  json r = DissectFrame(OverTcp(51000, 443, rec));  // parsed strictly: no repeated member
  json e = Tcp4(r)["tls"]["records"][0]["handshake"]["extensions"][0];
  EXPECT_EQ(e["server_name"], "a.org");
  EXPECT_EQ(e["extra_server_names"], json::array({"b.org"}));
}

TEST(Tls, ClientHelloOnAnyPort) {
  json r = DissectFrame(OverTcp(51000, 8443, ClientHello()));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP:TLS");
  json rec = Tcp4(r)["tls"]["records"][0];
  EXPECT_EQ(rec["content_type"], 22);
  EXPECT_EQ(rec["version"], 0x0301);
  json h = rec["handshake"];
  EXPECT_EQ(h["type"], 1);
  EXPECT_EQ(h["version"], 0x0303);
  EXPECT_EQ(h["cipher_suites"], json::array({0x1301, 0xc02f}));
  EXPECT_EQ(h["extensions"][0]["server_name"], "example.org");
  EXPECT_EQ(h["extensions"][1]["alpn"], json::array({"h2", "http/1.1"}));
  EXPECT_EQ(h["extensions"][2]["versions"], json::array({0x0304, 0x0303}));
}

TEST(Tls, CutHelloIsMarkedNotOverread) {
  Bytes rec = ClientHello();
  rec.resize(50);
  json r = DissectFrame(OverTcp(51000, 443, rec));
  json t = Tcp4(r)["tls"]["records"][0];
  EXPECT_EQ(t["truncated"], true);
  EXPECT_EQ(t["handshake"]["error"], "hello cut short");
}

TEST(Dhcp, DiscoverWithOptions) {
  Bytes m(236, 0);
  m[0] = 1;
  m[1] = 1;
  m[2] = 6;
  m[4] = 0x12, m[5] = 0x34, m[6] = 0x56, m[7] = 0x78;
  for (int i = 0; i < 6; ++i) m[28 + i] = kMacA.bytes[i];
  PutBytes(m, {0x63, 0x82, 0x53, 0x63, 53, 1, 1, 50, 4, 192, 168, 1, 100, 55, 3, 1, 3, 6, 12, 4});
  PutBytes(m, Text("host"));
  PutBytes(m, {255});
  json r = DissectFrame(OverUdp(68, 67, m));
  json d = Udp4(r)["dhcp"];
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:DHCP");
  EXPECT_EQ(d["xid"], 0x12345678);
  EXPECT_EQ(d["chaddr"], "00:11:22:33:44:55");
  EXPECT_EQ(d["options"][0]["message_type"], 1);
  EXPECT_EQ(d["options"][1]["address"], "192.168.1.100");
  EXPECT_EQ(d["options"][2]["parameters"], json::array({1, 3, 6}));
  EXPECT_EQ(d["options"][3]["text"], "host");
  json short_one = DissectFrame(OverUdp(68, 67, Bytes(100, 1)));
  EXPECT_EQ(Udp4(short_one)["raw"]["error"], "DHCP: fixed fields truncated");
}

TEST(Tunnels, GreWithKeyCarriesIpv4) {
  json r = DissectFrame((Ethernet{} / Ipv4{} / Gre{.key = 42} / Ipv4{.src = "172.16.0.1"} /
                         Udp{.srcport = 1, .dstport = 2})
                            .Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:GRE:IPv4:UDP");
  json g = r["ethernet"]["ipv4"]["gre"];
  EXPECT_EQ(g["key"], 42);
  EXPECT_EQ(g["protocol"], 0x0800);
  EXPECT_EQ(g["ipv4"]["src"], "172.16.0.1");
}

TEST(Tunnels, PptpGreCarriesPpp) {
  // By hand: enhanced GRE's acknowledgment number has no Gre member.
  Bytes gre;
  Put16(gre, 0x3081);  // key, sequence, ack, version 1
  Put16(gre, 0x880b);
  Put16(gre, 24);
  Put16(gre, 7);
  Put32(gre, 5);
  Put32(gre, 4);
  PutBytes(gre, {0xff, 0x03, 0x00, 0x21});
  json r = DissectFrame(
      (Ethernet{} / Ipv4{.protocol = 47} / gre / Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:GRE:PPP:IPv4:UDP");
  json g = r["ethernet"]["ipv4"]["gre"];
  EXPECT_EQ(g["call_id"], 7);
  EXPECT_EQ(g["ack"], 4);
  EXPECT_EQ(g["ppp"]["protocol"], 0x21);
}

TEST(Tunnels, MplsStackNestsPerLabel) {
  json r = DissectFrame((Ethernet{} / Mpls{.label = 100, .tc = 5, .ttl = 64} /
                         Mpls{.label = 200, .tc = 0, .ttl = 63} /  // bottom of stack
                         Ipv4{} / Udp{.srcport = 1, .dstport = 2})
                            .Build());
  EXPECT_EQ(r["protocols"], "Ethernet:MPLS:MPLS:IPv4:UDP");
  json m = r["ethernet"]["mpls"];
  EXPECT_EQ(m["label"], 100);
  EXPECT_EQ(m["tc"], 5);
  EXPECT_EQ(m["bottom"], false);
  EXPECT_EQ(m["mpls"]["label"], 200);
  EXPECT_EQ(m["mpls"]["ttl"], 63);
}

TEST(Tunnels, PppoeSessionAndDiscovery) {
  json r = DissectFrame(
      (Ethernet{} / Pppoe{.session_id = 0x1234} / Ipv4{} / Udp{.srcport = 1, .dstport = 2})
          .Build());
  EXPECT_EQ(r["protocols"], "Ethernet:PPPoE:IPv4:UDP");
  EXPECT_EQ(r["ethernet"]["pppoe"]["session_id"], 0x1234);
  Bytes tags{0x01, 0x01, 0, 0, 0x01, 0x02, 0, 0};
  json disc = DissectFrame((Ethernet{} / Pppoe{.code = 9, .session_id = 0} / tags).Build());
  EXPECT_EQ(disc["ethernet"]["pppoe"]["code"], 9);
  EXPECT_EQ(disc["ethernet"]["pppoe"]["tags"][0]["type"], 0x0101);
  json bad = DissectFrame((Ethernet{.type = 0x8864} / Bytes{0x22, 0, 0, 0, 0, 0}).Build());
  EXPECT_EQ(bad["ethernet"]["raw"]["error"], "PPPoE: unknown version/type");
}

TEST(Tunnels, VxlanAndGeneveCarryAFullStack) {
  Packet inner = Ethernet{.dst = kMacA, .src = kMacB} /
                 Arp{.oper = 1, .sha = kMacA, .spa = "10.0.0.1", .tha = Mac{}, .tpa = "10.0.0.2"};
  json r = DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 50000, .dstport = 4789} / Vxlan{.vni = 0x102} / inner)
          .Build());
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:VXLAN:Ethernet:ARP");
  EXPECT_EQ(Udp4(r)["vxlan"]["vni"], 0x102);
  json g = DissectFrame(
      (Ethernet{} / Ipv4{} / Udp{.srcport = 50000, .dstport = 6081} / Geneve{.vni = 7} / inner)
          .Build());
  EXPECT_EQ(g["protocols"], "Ethernet:IPv4:UDP:Geneve:Ethernet:ARP");
  EXPECT_EQ(Udp4(g)["geneve"]["vni"], 7);
}

TEST(Tunnels, CiscoHdlcLinkType) {
  Bytes f = (Raw{{0x0f, 0x00, 0x08, 0x00}} / Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build();
  json r = DissectFrame(f, 104);
  EXPECT_EQ(r["protocols"], "CHDLC:IPv4:UDP");
  EXPECT_EQ(r["chdlc"]["address"], 0x0f);
}

TEST(Stops, ApplicationLayerIsLeftRawUnderTransportStop) {
  pcapkit::ExtractOptions o;
  o.stop_layer = pcapkit::LayerLevel::kTransport;
  json r = DissectFrame(OverUdp(53, 40000, DnsResponse()), 1, o);
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:UDP:Raw");
  pcapkit::ExtractOptions p;
  p.stop_protocol = "dns";
  Bytes m = DnsResponse();
  Bytes framed;
  Put16(framed, uint16_t(m.size()));
  PutBytes(framed, m);
  EXPECT_EQ(DissectFrame(OverTcp(53, 4000, framed), 1, p)["protocols"], "Ethernet:IPv4:TCP:DNS");
}

}  // namespace

namespace {

TEST(L2tp, ControlMessageAvpsAndDataCarryingPpp) {
  Bytes c;
  Put16(c, 0xc802);  // T, L, S, version 2
  Put16(c, 20);
  Put16(c, 7);
  Put16(c, 0);
  Put16(c, 1);
  Put16(c, 0);
  Put16(c, 0x8008);  // AVP: mandatory, length 8
  Put16(c, 0);
  Put16(c, 0);  // message type
  Put16(c, 1);  // SCCRQ
  json r = DissectFrame(OverUdp(1701, 1701, c));
  json l = Udp4(r)["l2tp"];
  EXPECT_EQ(l["type"], "control");
  EXPECT_EQ(l["tunnel"], 7);
  EXPECT_EQ(l["avps"][0]["type"], 0);
  EXPECT_EQ(l["avps"][0]["value"], "0001");
  c[13] = 0x02;  // AVP length 2: below the 6-byte minimum
  json bad = DissectFrame(OverUdp(1701, 1701, c));
  EXPECT_EQ(Udp4(bad)["l2tp"]["avps"][0]["error"], "AVP length out of range");

  Bytes d;
  Put16(d, 0x0002);
  Put16(d, 7);
  Put16(d, 9);
  PutBytes(d, {0xff, 0x03, 0x00, 0x21});
  PutBytes(d, (Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build());
  json data = DissectFrame(OverUdp(1701, 1701, d));
  EXPECT_EQ(data["protocols"], "Ethernet:IPv4:UDP:L2TP:PPP:IPv4:UDP");
}

TEST(Ospf, HelloV2) {
  Bytes o{2, 1, 0, 48};
  PutBytes(o, Ipv4Address("1.1.1.1"));
  PutBytes(o, Ipv4Address("0.0.0.0"));
  PutBytes(o, {0, 0, 0, 0});
  PutBytes(o, Bytes(8, 0));
  PutBytes(o, Ipv4Address("255.255.255.0"));
  PutBytes(o, {0, 10, 2, 1, 0, 0, 0, 40});
  PutBytes(o, Ipv4Address("10.0.0.1"));
  PutBytes(o, Ipv4Address("0.0.0.0"));
  PutBytes(o, Ipv4Address("2.2.2.2"));
  json r = DissectFrame((Ethernet{} / Ipv4{.protocol = 89} / o).Build());
  json h = r["ethernet"]["ipv4"]["ospf"];
  EXPECT_EQ(h["type"], 1);
  EXPECT_EQ(h["router_id"], "1.1.1.1");
  EXPECT_EQ(h["hello_interval"], 10);
  EXPECT_EQ(h["neighbors"], json::array({"2.2.2.2"}));
  Bytes bad{9, 1, 0, 48};
  bad.resize(24);
  json b = DissectFrame((Ethernet{} / Ipv4{.protocol = 89} / bad).Build());
  EXPECT_EQ(b["ethernet"]["ipv4"]["raw"]["error"], "OSPF: unknown version");
}

TEST(Ipx, OverEthernetTwoAndRaw8023) {
  Bytes ipx{0xff, 0xff, 0, 30, 0, 4};
  PutBytes(ipx, {0, 0, 0, 1});
  PutBytes(ipx, Bytes(6, 0xff));
  PutBytes(ipx, {0x04, 0x52});
  PutBytes(ipx, {0, 0, 0, 2});
  PutBytes(ipx, kMacA);
  PutBytes(ipx, {0x40, 0x01});
  json r = DissectFrame((Ethernet{.type = 0x8137} / ipx).Build());
  json x = r["ethernet"]["ipx"];
  EXPECT_EQ(x["dst"]["socket"], 0x452);
  EXPECT_EQ(x["src"]["node"], "00:11:22:33:44:55");
  json raw8023 = DissectFrame((Ethernet{.type = uint16_t(ipx.size())} / ipx).Build());
  EXPECT_EQ(raw8023["protocols"], "Ethernet:IPX");
}

TEST(Hip, HeaderAndParameters) {
  Bytes h{59, 5, 0x01, 0x21, 0, 0, 0, 0};  // (5 + 1) * 8 = 48 bytes
  PutBytes(h, Ipv6Address("2001:10::1"));
  PutBytes(h, Ipv6Address("2001:10::2"));
  PutBytes(h, {0x01, 0x01, 0, 4, 1, 2, 3, 4});  // parameter 257, 4 bytes, padded to 8
  json r = DissectFrame((Ethernet{} / Ipv4{.protocol = 139} / h).Build());
  json p = r["ethernet"]["ipv4"]["hip"];
  EXPECT_EQ(p["type"], 1);
  EXPECT_EQ(p["sender_hit"], "2001:10::1");
  EXPECT_EQ(p["receiver_hit"], "2001:10::2");
  EXPECT_EQ(p["parameters"][0]["type"], 257);
  EXPECT_EQ(p["parameters"][0]["value"], "01020304");
  h[1] = 9;  // length past the packet
  json b = DissectFrame((Ethernet{} / Ipv4{.protocol = 139} / h).Build());
  EXPECT_EQ(b["ethernet"]["ipv4"]["raw"]["error"], "HIP: header length out of range");
}

TEST(Mh, BindingUpdateWithOptions) {
  Bytes m{59, 1, 5, 0, 0x12, 0x34, 0, 7, 0x80, 0, 0, 100, 1, 2, 0, 0};
  json r = DissectFrame((Ethernet{} / Ipv6{.next = 135} / m).Build());
  json h = r["ethernet"]["ipv6"]["mh"];
  EXPECT_EQ(h["type"], 5);
  EXPECT_EQ(h["seq"], 7);
  EXPECT_EQ(h["flags"]["a"], true);
  EXPECT_EQ(h["lifetime"], 100);
  EXPECT_EQ(h["options"][0]["type"], 1);  // PadN
  m[1] = 5;
  json b = DissectFrame((Ethernet{} / Ipv6{.next = 135} / m).Build());
  EXPECT_EQ(b["ethernet"]["ipv6"]["raw"]["error"], "MH: header length out of range");
}

TEST(Dhcpv6, SolicitWithNestedIaOptions) {
  Bytes m{1, 0xab, 0xcd, 0xef};
  PutBytes(m, {0, 1, 0, 2, 0xaa, 0xbb});  // client id
  PutBytes(m, {0, 3, 0, 40});             // IA_NA
  PutBytes(m, Bytes(12, 0));
  PutBytes(m, {0, 5, 0, 24});  // IAADDR inside
  PutBytes(m, Ipv6Address("2001:db8::5"));
  PutBytes(m, Bytes(8, 0));
  json r = DissectFrame((Ethernet{} / Ipv6{} / Udp{.srcport = 546, .dstport = 547} / m).Build());
  json d = r["ethernet"]["ipv6"]["udp"]["dhcpv6"];
  EXPECT_EQ(d["msg_type"], 1);
  EXPECT_EQ(d["xid"], 0xabcdef);
  EXPECT_EQ(d["options"][1]["code"], 3);
  EXPECT_EQ(d["options"][1]["options"][0]["address"], "2001:db8::5");
  json b = DissectFrame(
      (Ethernet{} / Ipv6{} / Udp{.srcport = 546, .dstport = 547} / Bytes{12, 0}).Build());
  EXPECT_EQ(b["ethernet"]["ipv6"]["udp"]["raw"]["error"], "DHCPv6: header truncated");
}

}  // namespace

namespace {

Bytes H2Frame(uint8_t type, uint8_t flags, uint32_t stream, const Bytes& payload) {
  Bytes f{uint8_t(payload.size() >> 16), uint8_t(payload.size() >> 8), uint8_t(payload.size()),
          type, flags};
  Put32(f, stream);
  PutBytes(f, payload);
  return f;
}

TEST(Http2, PrefaceSettingsAndAnHpackDecodedRequest) {
  Bytes seg = Text("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  PutBytes(seg, H2Frame(4, 0, 0, {0, 3, 0, 0, 0, 100}));
  // :method GET, :scheme http, :path /, :authority a.test (literal, indexed name 1)
  PutBytes(seg, H2Frame(1, 0x05, 1, {0x82, 0x86, 0x84, 0x41, 6, 'a', '.', 't', 'e', 's', 't'}));
  json r = DissectFrame(OverTcp(51000, 80, seg));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP:HTTP/2");
  json h = Tcp4(r)["http2"];
  EXPECT_EQ(h["preface"], true);
  ASSERT_EQ(h["frames"].size(), 2u);
  EXPECT_EQ(h["frames"][0]["settings"][0], (json{{"id", 3}, {"value", 100}}));
  json hdr = h["frames"][1];
  EXPECT_EQ(hdr["stream_id"], 1);
  EXPECT_EQ(
      hdr["headers"],
      (json::array(
          {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a.test"}})));
}

TEST(Http2, DynamicTableReferenceIsReportedNotGuessed) {
  Bytes seg = H2Frame(1, 0x04, 3, {0x82, 0xbe});  // index 62: the connection's dynamic table
  PutBytes(seg, H2Frame(8, 0, 0, {0, 0, 0x10, 0}));
  json r = DissectFrame(OverTcp(80, 51000, seg));
  json f = Tcp4(r)["http2"]["frames"];
  EXPECT_EQ(f[0]["headers"][0], (json::array({":method", "GET"})));
  EXPECT_TRUE(f[0].contains("headers_error"));
  EXPECT_EQ(f[1]["increment"], 4096);
}

TEST(Http2, BinaryThatIsNoFrameChainStaysRaw) {
  json r = DissectFrame(OverTcp(80, 51000, {0, 0, 1, 0xee, 0, 0, 0, 0, 1, 9}));
  EXPECT_EQ(r["protocols"], "Ethernet:IPv4:TCP:Raw");
}

}  // namespace

namespace {

TEST(Mh, BindingUpdateOptionsDecodedByType) {
  Bytes m{59, 4, 5, 0, 0, 0, 0, 1, 0, 0, 0, 10};  // 40 bytes
  PutBytes(m, {3, 16});
  PutBytes(m, Ipv6Address("2001:db8::c0a"));
  PutBytes(m, {2, 2, 0, 5, 1, 4, 0, 0, 0, 0});  // refresh advice, then PadN
  json h = DissectFrame((Ethernet{} / Ipv6{.next = 135} / m).Build())["ethernet"]["ipv6"]["mh"];
  EXPECT_EQ(h["options"][0]["alternate_coa"], "2001:db8::c0a");
  EXPECT_EQ(h["options"][1]["refresh_interval"], 5);
}

}  // namespace

namespace {

TEST(L2tp, Version3OverUdpControlAndData) {
  Bytes c{0xc8, 0x03, 0, 20, 0, 0, 0, 9, 0, 1, 0, 0};
  PutBytes(c, {0x80, 8, 0, 0, 0, 0, 0, 1});
  json l = Udp4(DissectFrame(OverUdp(1701, 1701, c)))["l2tp"];
  EXPECT_EQ(l["version"], 3);
  EXPECT_EQ(l["type"], "control");
  EXPECT_EQ(l["connection"], 9);
  EXPECT_EQ(l["avps"][0]["value"], "0001");
  Bytes d{0x00, 0x03, 0, 0, 0, 0, 0x12, 0x34, 0xde, 0xad};
  json data = Udp4(DissectFrame(OverUdp(1701, 1701, d)))["l2tp"];
  EXPECT_EQ(data["session"], 0x1234);
}

}  // namespace
