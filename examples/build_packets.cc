// One packet of every kind ipsuite builds, written as a pcap: the catalogue of the
// builder's constructors (docs/api.md "Building packets"), and the capture the tests hand
// to tshark to check that it dissects them as given and finds every checksum right.
//
//   build_packets OUT.pcap
#include <pcapkit/ipsuite.h>

#include <cstdio>

using namespace pcapkit::ipsuite;

namespace {

Bytes Text(const char* s) {
  return Bytes(s, s + std::char_traits<char>::length(s));
}

std::vector<Packet> LinkLayers() {
  return {
      Ethernet{} / Arp{.oper = 1, .spa = "192.0.2.1", .tpa = "192.0.2.2"},
      Ethernet{.type = 0x88a8} / Vlan{.pcp = 3, .vid = 100} / Vlan{.vid = 200} /
          Ipv4{.src = "192.0.2.1", .dst = "192.0.2.2"} / Udp{.srcport = 33000, .dstport = 33001} /
          Text("qinq"),
      Ethernet{} / Mpls{.label = 100} / Mpls{.label = 200, .ttl = 10} / Ipv4{} /
          Icmp{.type = 8, .rest = 0x00010001} / Text("ping"),
      Ethernet{} / Pppoe{.session_id = 0x1234} / Ipv4{} / Udp{.dstport = 9} / Text("pppoe"),
  };
}

std::vector<Packet> InternetLayers() {
  return {
      Ethernet{} /
          Ipv4{.id = 7,
               .df = true,
               .ttl = 32,
               .options = {{.kind = 148, .data = {0, 0}}, {.kind = 1}}} /
          Tcp{.srcport = 1234,
              .dstport = 80,
              .seq = 1,
              .flags = kSyn,
              .options = {{.kind = 2, .data = {0x05, 0xb4}},
                          {.kind = 4},
                          {.kind = 1},
                          {.kind = 3, .data = {7}}}},
      Ethernet{} / Ipv6{} / Ipv6HopByHop{.options = {{.kind = 5, .data = {0, 0}}}} /
          Ipv6Routing{.routing_type = 2, .segments_left = 1, .addresses = {"2001:db8::99"}} /
          Ipv6DestOptions{} / Udp{.srcport = 7, .dstport = 7} / Text("ext"),
      Ethernet{} / Ipv6{} / Ipv6Fragment{.offset = 0, .mf = true, .id = 99} /
          Udp{.srcport = 7, .dstport = 7, .len = 24, .checksum = 0} / Bytes(8, 0x42),
      Ethernet{} / Ipv4{.src = "198.51.100.1", .dst = "198.51.100.2"} /
          Gre{.checksum_present = true, .key = 42} / Ipv4{} / Udp{.dstport = 9} / Text("gre"),
      Ethernet{} / Ipv4{} / Udp{.srcport = 4000} / Vxlan{.vni = 5000} / Ethernet{} / Ipv4{} /
          Icmp{} / Text("vxlan"),
      Ethernet{} / Ipv4{} / Udp{.srcport = 4000} / Geneve{.vni = 77} / Ethernet{} / Ipv6{} /
          Icmpv6{.type = 128, .body = {0, 1, 0, 1}},
  };
}

std::vector<Packet> UpperLayers() {
  Bytes target(16);
  Ipv6Address t("2001:db8::2");
  target.assign(t.bytes.begin(), t.bytes.end());
  Bytes ns{0, 0, 0, 0};
  ns.insert(ns.end(), target.begin(), target.end());
  return {
      Ethernet{} / Ipv6{.dst = "ff02::1:ff00:2", .hop_limit = 255} /
          Icmpv6{.type = 135,
                 .body = ns,
                 .options = {{.type = 1, .data = {0, 0x11, 0x22, 0x33, 0x44, 0x55}}}},
      Ethernet{} / Ipv4{} / Icmp{.type = 3, .code = 4, .rest = 1400} /
          Ipv4{.src = "10.0.0.2", .dst = "10.0.0.1"} / Udp{.srcport = 33000, .dstport = 33001} /
          Bytes(8, 0),
      Ethernet{} / Ipv4{} / Udp{.srcport = 40000} /
          Dns{.id = 0x1234, .questions = {{.name = "www.example.com"}}},
      Ethernet{} / Ipv4{.src = "10.0.0.53", .dst = "10.0.0.1"} /
          Udp{.srcport = 53, .dstport = 40000} /
          Dns{.id = 0x1234,
              .qr = true,
              .ra = true,
              .questions = {{.name = "www.example.com"}},
              .answers = {DnsResource::Name("www.example.com", 5, "web.example.com"),
                          DnsResource::A("web.example.com", "192.0.2.80"),
                          DnsResource::Aaaa("web.example.com", "2001:db8::80")}},
      Ethernet{} / Ipv4{} / Tcp{.flags = kAck | kPsh} /
          HttpRequest{.method = "POST",
                      .uri = "/form",
                      .headers = {{"Host", "example.com"}, {"User-Agent", "ipsuite"}},
                      .body = Text("a=1&b=2")},
      Ethernet{} / Ipv4{.src = "10.0.0.2", .dst = "10.0.0.1"} /
          Tcp{.srcport = 80, .dstport = 40000, .flags = kAck | kPsh} /
          HttpResponse{.headers = {{"Content-Type", "text/plain"}}, .body = Text("hello")},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: build_packets OUT.pcap\n");
    return 2;
  }
  std::vector<CapturedFrame> frames;
  for (const auto& group : {LinkLayers(), InternetLayers(), UpperLayers()})
    for (const Packet& p : group)
      frames.push_back({.data = p.Build(), .sec = 1700000000 + int64_t(frames.size())});
  TcpConversation tcp({"10.1.0.1", 40001}, {"10.1.0.2", 80});
  for (const auto& group :
       {tcp.Handshake(), tcp.Send(TcpConversation::kClient, Text("GET / HTTP/1.1\r\n\r\n")),
        tcp.Close()})
    for (const Packet& p : group)
      frames.push_back({.data = p.Build(), .sec = 1700000000 + int64_t(frames.size())});
  Packet big = Ethernet{} / Ipv4{.id = 0x4242} / Udp{.dstport = 9} / Bytes(3000, 0x61);
  for (const Packet& p : Fragment(big, 1480))
    frames.push_back({.data = p.Build(), .sec = 1700000000 + int64_t(frames.size())});
  try {
    WriteFile(argv[1], PcapFile(frames));
  } catch (const pcapkit::Error& e) {
    std::fprintf(stderr, "build_packets: %s\n", e.what());
    return 1;
  }
  std::printf("%zu packets written to %s\n", frames.size(), argv[1]);
  return 0;
}
