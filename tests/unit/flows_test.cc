// Flows on captures built packet by packet: how a connection is followed (history,
// conn_state, end), when a flow ends and a new one starts on the same 5-tuple, what is
// counted, tunnels and fragments, the memory budget, and hostile floods.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/flows/flow_table.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/pcapkit.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_packets.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;

// A frame carried over Ethernet, at `sec` seconds and `usec` microseconds.
CapturedFrame At(uint32_t sec, const Packet& ip, uint32_t usec = 0) {
  return {.data = (Ethernet{} / ip).Build(), .sec = sec, .nsec = usec * 1000};
}

Packet UdpPacket(const char* src, const char* dst, uint16_t sport, uint16_t dport,
                 const Bytes& payload = Bytes(10, 'x')) {
  return Ipv4Udp(src, dst, sport, dport, payload);
}

const char* kC = "10.0.0.1";
const char* kS = "10.0.0.2";

// Client 10.0.0.1:40000 -> server 10.0.0.2:80: handshake, a request, a reply, both FINs
// and the last ACK, from second `t` on.
std::vector<CapturedFrame> Connection(uint32_t t, uint32_t isn = 1000, uint16_t sport = 40000) {
  uint32_t c = isn, s = 5000;
  return {
      At(t, Ipv4Tcp(kC, kS, sport, 80, c, 0, kSyn)),
      At(t, Ipv4Tcp(kS, kC, 80, sport, s, c + 1, kSyn | kAck), 1),
      At(t, Ipv4Tcp(kC, kS, sport, 80, c + 1, s + 1, kAck), 2),
      At(t, Ipv4Tcp(kC, kS, sport, 80, c + 1, s + 1, kPsh | kAck, Bytes(100, 'q')), 3),
      At(t, Ipv4Tcp(kS, kC, 80, sport, s + 1, c + 101, kAck), 4),
      At(t, Ipv4Tcp(kS, kC, 80, sport, s + 1, c + 101, kPsh | kAck, Bytes(50, 'r')), 5),
      At(t, Ipv4Tcp(kC, kS, sport, 80, c + 101, s + 51, kFin | kAck), 6),
      At(t, Ipv4Tcp(kS, kC, 80, sport, s + 51, c + 102, kFin | kAck), 7),
      At(t, Ipv4Tcp(kC, kS, sport, 80, c + 102, s + 52, kAck), 8),
  };
}

// Per process: ctest runs each test in a process of its own, several at once.
std::string Temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("pcapkit-flows-" + std::to_string(getpid()) + "-" + name))
      .string();
}

// The flow records of `records` (NDJSON lines, parsed), with `tweak` applied to the
// options first.
std::vector<json> Flows(const std::vector<CapturedFrame>& records,
                        const std::function<void(pcapkit::ExtractOptions&)>& tweak = {},
                        pcapkit::ExtractSummary* summary = nullptr) {
  pcapkit::ExtractOptions o;
  o.input = WriteTemp(PcapFile(records), ".pcap");
  o.nofile = true;
  o.flows.enabled = true;
  o.flows_output = Temp("out.ndjson");
  o.flows_format = pcapkit::OutputFormat::kNdjson;
  if (tweak) tweak(o);
  pcapkit::ExtractSummary s = pcapkit::Extractor(o).Run();
  if (summary) *summary = s;
  std::ifstream in(o.flows_output);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(o.input);
  return testutil::NdjsonLines(text.str());
}

TEST(Flows, AClosedConnectionIsOneFlowWithZeeksHistoryAndState) {
  std::vector<json> flows = Flows(Connection(100));
  ASSERT_EQ(flows.size(), 1u);
  const json& f = flows[0];
  EXPECT_EQ(f["proto"], "tcp");
  EXPECT_EQ(f["src"], kC);
  EXPECT_EQ(f["srcport"], 40000);
  EXPECT_EQ(f["dst"], kS);
  EXPECT_EQ(f["dstport"], 80);
  EXPECT_EQ(f["history"], "ShADadFf");
  EXPECT_EQ(f["state"], "SF");
  EXPECT_EQ(f["end"], "fin");
  EXPECT_EQ(f["orig_packets"], 5);  // the last ACK belongs to it
  EXPECT_EQ(f["resp_packets"], 4);
  EXPECT_EQ(f["orig_payload"], 100);
  EXPECT_EQ(f["resp_payload"], 50);
  EXPECT_EQ(f["orig_bytes"], 5 * 40 + 100);  // IP bytes: 20 + 20 each, plus the payload
  EXPECT_EQ(f["resp_bytes"], 4 * 40 + 50);
  EXPECT_EQ(f["first_frame"], 1);
  EXPECT_EQ(f["last_frame"], 9);
  EXPECT_EQ(f["duration"].get<double>(), 0.000008);
  EXPECT_EQ(f["missed_bytes"], 0);
  EXPECT_EQ(f["flow"], 0);
  EXPECT_FALSE(f.contains("tunnel"));
  EXPECT_FALSE(f.contains("vlan"));
}

TEST(Flows, CommunityIdIsTheSpecsForTheFlow) {
  // corelight/community-id-spec (and Zeek's community_id_v1 test): 1.2.3.4:1122 ->
  // 5.6.7.8:3344 over TCP, seed 0.
  std::vector<json> flows =
      Flows({At(1, Ipv4Tcp("1.2.3.4", "5.6.7.8", 1122, 3344, 1, 0, kSyn)),
             At(1, Ipv4Tcp("5.6.7.8", "1.2.3.4", 3344, 1122, 9, 2, kSyn | kAck), 5)});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["community_id"], "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  EXPECT_EQ(flows[0]["history"], "Sh");
  EXPECT_EQ(flows[0]["state"], "OTH");  // S1 needs the originator's ACK
}

TEST(Flows, ConnStates) {
  struct Case {
    std::vector<CapturedFrame> records;
    const char* history;
    const char* state;
    const char* end;
  };
  auto p = [](uint32_t us, bool from_client, uint32_t seq, uint32_t ack, uint8_t flags) {
    return from_client ? At(1, Ipv4Tcp(kC, kS, 40000, 80, seq, ack, flags), us)
                       : At(1, Ipv4Tcp(kS, kC, 80, 40000, seq, ack, flags), us);
  };
  std::vector<Case> cases = {
      {{p(0, true, 1, 0, kSyn)}, "S", "S0", "eof"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 0, 2, kRst | kAck)}, "Sr", "REJ", "rst"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 7, 2, kSyn | kAck), p(2, true, 2, 8, kAck)},
       "ShA",
       "S1",
       "eof"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 7, 2, kSyn | kAck), p(2, true, 2, 8, kAck),
        p(3, true, 2, 8, kRst | kAck)},
       "ShAR",
       "RSTO",
       "rst"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 7, 2, kSyn | kAck), p(2, true, 2, 8, kAck),
        p(3, false, 8, 2, kRst | kAck)},
       "ShAr",
       "RSTR",
       "rst"},
      {{p(0, true, 1, 0, kSyn), p(1, true, 2, 0, kRst)}, "SR", "RSTOS0", "rst"},
      // Contradictory flags are noted as such, with none of S, H, F, R (Zeek's rule).
      {{p(0, true, 1, 0, kSyn | kFin)}, "Q", "SH", "eof"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 7, 2, kSyn | kRst)}, "Si", "REJ", "rst"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 7, 2, kSyn | kAck), p(2, true, 2, 8, kAck),
        p(3, true, 2, 8, kFin | kAck)},
       "ShAF",
       "S2",
       "eof"},
      {{p(0, true, 1, 0, kSyn), p(1, false, 7, 2, kSyn | kAck), p(2, true, 2, 8, kAck),
        p(3, false, 8, 2, kFin | kAck)},
       "ShAf",
       "S3",
       "eof"},
      {{p(0, true, 1, 0, kSyn), p(1, true, 2, 0, kFin)}, "SF", "SH", "eof"},
      {{p(0, true, 5, 9, kAck), p(1, false, 9, 5, kAck)}, "Aa", "OTH", "eof"},
      // Midstream, both FINs: both endpoints closed.
      {{p(0, true, 5, 9, kFin | kAck), p(1, false, 9, 6, kFin | kAck)}, "Ff", "SF", "fin"},
  };
  for (const Case& c : cases) {
    std::vector<json> flows = Flows(c.records);
    ASSERT_EQ(flows.size(), 1u) << c.state;
    EXPECT_EQ(flows[0]["history"], c.history) << c.state;
    EXPECT_EQ(flows[0]["state"], c.state) << c.history;
    EXPECT_EQ(flows[0]["end"], c.end) << c.history;
  }
}

TEST(Flows, ASynAckSeenFirstFlipsTheDirection) {
  std::vector<json> flows = Flows({At(1, Ipv4Tcp(kS, kC, 80, 40000, 7, 2, kSyn | kAck)),
                                   At(1, Ipv4Tcp(kC, kS, 40000, 80, 2, 8, kAck), 1)});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["src"], kC);  // the SYN-ACK's receiver sent the (unseen) SYN
  EXPECT_EQ(flows[0]["srcport"], 40000);
  EXPECT_EQ(flows[0]["history"], "^hA");
  EXPECT_EQ(flows[0]["orig_packets"], 1);
  EXPECT_EQ(flows[0]["resp_packets"], 1);
}

TEST(Flows, AFiveTupleReusedAfterFinAfterRstAndWhileOpenIsANewFlow) {
  // After FIN: a new SYN within the linger time.
  std::vector<CapturedFrame> r = Connection(100);
  std::vector<CapturedFrame> again = Connection(101, 90000);
  r.insert(r.end(), again.begin(), again.end());
  std::vector<json> flows = Flows(r);
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["end"], "fin");
  EXPECT_EQ(flows[0]["orig_packets"], 5);
  EXPECT_EQ(flows[1]["end"], "fin");
  EXPECT_EQ(flows[1]["flow"], 1);
  EXPECT_EQ(flows[1]["first_frame"], 10);

  // After RST.
  flows = Flows({At(1, Ipv4Tcp(kC, kS, 40000, 80, 1, 0, kSyn)),
                 At(1, Ipv4Tcp(kS, kC, 80, 40000, 0, 2, kRst | kAck), 1),
                 At(1, Ipv4Tcp(kC, kS, 40000, 80, 500, 0, kSyn), 2)});
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["state"], "REJ");
  EXPECT_EQ(flows[0]["end"], "rst");
  EXPECT_EQ(flows[1]["state"], "S0");

  // While open: an established connection, then a SYN with another sequence number.
  std::vector<CapturedFrame> whole = Connection(100);
  std::vector<CapturedFrame> open(whole.begin(), whole.begin() + 4);
  open.push_back(At(102, Ipv4Tcp(kC, kS, 40000, 80, 777777, 0, kSyn)));
  flows = Flows(open);
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["end"], "reused");
  EXPECT_EQ(flows[0]["state"], "S1");
  EXPECT_EQ(flows[1]["history"], "S");

  // A SYN from a new initial sequence number on an unanswered attempt, or on a connection
  // joined midstream, is a new connection too.
  flows = Flows({At(1, Ipv4Tcp(kC, kS, 40000, 80, 1, 0, kSyn)),
                 At(2, Ipv4Tcp(kC, kS, 40000, 80, 9000, 0, kSyn))});
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["end"], "reused");
  EXPECT_EQ(flows[0]["history"], "S");
  flows = Flows({At(1, Ipv4Tcp(kC, kS, 40000, 80, 5, 9, kAck, Bytes(10, 'm'))),
                 At(2, Ipv4Tcp(kC, kS, 40000, 80, 9000, 0, kSyn))});
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["history"], "D");

  // A retransmitted SYN is the same connection.
  flows = Flows({At(1, Ipv4Tcp(kC, kS, 40000, 80, 1, 0, kSyn)),
                 At(4, Ipv4Tcp(kC, kS, 40000, 80, 1, 0, kSyn))});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["orig_packets"], 2);
}

TEST(Flows, UdpBothWaysIsOneFlowUntilItsTimeout) {
  std::vector<json> flows = Flows({At(10, UdpPacket("10.0.0.9", "10.0.0.1", 5353, 53)),
                                   At(10, UdpPacket("10.0.0.1", "10.0.0.9", 53, 5353), 5),
                                   At(71, UdpPacket("10.0.0.9", "10.0.0.1", 5353, 53))});
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["proto"], "udp");
  EXPECT_EQ(flows[0]["src"], "10.0.0.9");  // the first packet's sender
  EXPECT_EQ(flows[0]["srcport"], 5353);
  EXPECT_EQ(flows[0]["end"], "timeout");
  EXPECT_EQ(flows[0]["orig_payload"], 10);
  EXPECT_EQ(flows[0]["resp_payload"], 10);
  EXPECT_EQ(flows[0]["orig_bytes"], 38);
  EXPECT_FALSE(flows[0].contains("history"));
  EXPECT_EQ(flows[1]["end"], "eof");
  // --flow-timeout 100: the same three packets are one flow.
  flows = Flows({At(10, UdpPacket("10.0.0.9", "10.0.0.1", 5353, 53)),
                 At(71, UdpPacket("10.0.0.9", "10.0.0.1", 5353, 53))},
                [](pcapkit::ExtractOptions& o) { o.flows.timeout = 100; });
  EXPECT_EQ(flows.size(), 1u);
}

// A flow active again after others opened keeps its place by its last packet: its
// timeout is neither missed nor taken from an older time (a review found a lazy ordering
// that skipped A's timeout at 15 s here).
TEST(Flows, EveryTimeoutIsTakenFromTheFlowsLastPacket) {
  auto a = [] { return UdpPacket("10.0.0.1", "10.0.0.2", 1000, 53); };
  std::vector<json> flows =
      Flows({At(0, a()), At(5, a()), At(6, UdpPacket("10.0.0.3", "10.0.0.2", 1001, 53)),
             At(10, UdpPacket("10.0.0.4", "10.0.0.2", 1002, 53), 500000), At(15, a(), 500000)},
            [](pcapkit::ExtractOptions& o) { o.flows.timeout = 10; });
  ASSERT_EQ(flows.size(), 4u);
  EXPECT_EQ(flows[0]["srcport"], 1000);  // A: 0 s to 5 s, ended by its timeout at 15 s
  EXPECT_EQ(flows[0]["end"], "timeout");
  EXPECT_EQ(flows[0]["orig_packets"], 2);
  int again = 0;
  for (const json& f : flows) again += f["srcport"] == 1000 && f["first_frame"] == 5;
  EXPECT_EQ(again, 1);  // A's packet at 15.5 s opens a new flow
}

TEST(Flows, IcmpEchoRequestAndReplyAreOneFlow) {
  Ipv4 a{.src = "10.0.0.1", .dst = "10.0.0.2"}, b{.src = "10.0.0.2", .dst = "10.0.0.1"};
  std::vector<json> flows = Flows(
      {At(1, a / Icmp{.type = 8, .code = 0, .rest = 0x00010001} / Bytes(56, 'p')),
       At(1, b / Icmp{.type = 0, .code = 0, .rest = 0x00010001} / Bytes(56, 'p'), 9),
       At(2, a / Icmp{.type = 3, .code = 1} / Bytes(28, 0))});  // unreachable: one-way, its own
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0]["proto"], "icmp");
  EXPECT_EQ(flows[0]["srcport"], 8);  // echo request: the type and its counterpart's
  EXPECT_EQ(flows[0]["dstport"], 0);
  EXPECT_EQ(flows[0]["orig_packets"], 1);
  EXPECT_EQ(flows[0]["resp_packets"], 1);
  EXPECT_EQ(flows[0]["orig_payload"], 56);
  EXPECT_EQ(flows[1]["srcport"], 3);
  EXPECT_EQ(flows[1]["dstport"], 1);
}

TEST(Flows, MissedBytesAreHolesTheAcknowledgementsProve) {
  std::vector<json> flows =
      Flows({At(1, Ipv4Tcp(kC, kS, 40000, 80, 1000, 1, kAck | kPsh, Bytes(100, 'a'))),
             At(1, Ipv4Tcp(kC, kS, 40000, 80, 1200, 1, kAck | kPsh, Bytes(100, 'b')), 1),
             At(1, Ipv4Tcp(kS, kC, 80, 40000, 1, 1300, kAck), 2),
             // A retransmission of bytes seen.
             At(1, Ipv4Tcp(kC, kS, 40000, 80, 1200, 1, kAck | kPsh, Bytes(100, 'b')), 3),
             // Bytes acknowledged past the last one seen: 50 more missing.
             At(1, Ipv4Tcp(kS, kC, 80, 40000, 1, 1350, kAck), 4)});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["missed_bytes"], 150);
  EXPECT_EQ(flows[0]["history"], "DaGT");
}

TEST(Flows, ASegmentInsideAHoleLeavesAHoleOnEachSide) {
  // Hole [100, 1000) after the first segment; [500, 600) arrives inside it; the peer
  // acknowledges everything: 400 + 400 bytes were never seen.
  std::vector<json> flows =
      Flows({At(1, Ipv4Tcp(kC, kS, 40000, 80, 1000, 1, kAck, Bytes(100, 'a'))),
             At(1, Ipv4Tcp(kC, kS, 40000, 80, 2000, 1, kAck, Bytes(100, 'b')), 1),
             At(1, Ipv4Tcp(kC, kS, 40000, 80, 1500, 1, kAck, Bytes(100, 'c')), 2),
             At(1, Ipv4Tcp(kS, kC, 80, 40000, 1, 2100, kAck), 3)});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["missed_bytes"], 800);
  EXPECT_EQ(flows[0]["history"], "DTaG");  // the late segment does not extend the stream
}

TEST(Flows, ACaptureClockGoingBackDoesNotHideAFlowFromItsTimeout) {
  // B's packet is stamped before A's; 75 s after B, B is past UDP's 60 s and must end
  // before its next packet, though A (later) sits ahead of it in recency.
  std::vector<json> flows = Flows({At(100, UdpPacket("10.0.0.1", "10.0.0.2", 1, 1)),
                                   At(10, UdpPacket("10.0.0.3", "10.0.0.4", 2, 2)),
                                   At(165, UdpPacket("10.0.0.3", "10.0.0.4", 2, 2))});
  ASSERT_EQ(flows.size(), 3u);
  EXPECT_EQ(flows[0]["src"], "10.0.0.1");  // A: idle since 100 s, due at 160 s
  EXPECT_EQ(flows[0]["end"], "timeout");
  EXPECT_EQ(flows[1]["src"], "10.0.0.3");  // B: its activity counted at 100 s, the clock
  EXPECT_EQ(flows[1]["end"], "timeout");   // then: due at 160 s too
  EXPECT_EQ(flows[1]["last"], "1970-01-01T00:00:10.000000Z");
  EXPECT_EQ(flows[2]["first_frame"], 3);
}

TEST(Flows, FragmentedTcpIsNoGap) {
  // A segment whose payload is split over two fragments, then the peer's ACK of all of it.
  Packet segment = Ipv4{.id = 9} / Tcp{.dstport = 80, .seq = 1000, .ack = 1, .flags = kAck} /
                   Bytes(100, 'x');  // 120 bytes of TCP: 48 + 72
  std::vector<Packet> fragments = Fragment(segment, {{0, 48}, {48, 72}});
  std::vector<json> flows =
      Flows({At(1, fragments[0]), At(1, fragments[1], 1),
             At(1, Ipv4Tcp("10.0.0.2", "10.0.0.1", 80, 40000, 1, 1100, kAck), 2)});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["orig_packets"], 2);
  EXPECT_EQ(flows[0]["orig_payload"], 100);
  EXPECT_EQ(flows[0]["missed_bytes"], 0);
}

TEST(Flows, TunnelVlanAndService) {
  Packet inner = UdpPacket("10.1.1.1", "10.1.1.2", 1234, 53, Bytes(12, 0));
  Packet frame = Ethernet{} / Vlan{.vid = 42} /
                 Ipv4{.src = "192.0.2.1", .dst = "192.0.2.2"} /  // IPv4 in IPv4
                 inner;
  std::vector<json> flows = Flows({{.data = frame.Build(), .sec = 1}});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["src"], "10.1.1.1");
  EXPECT_EQ(flows[0]["vlan"], 42);
  EXPECT_EQ(flows[0]["tunnel"], "Ethernet:VLAN:IPv4");
  EXPECT_EQ(flows[0]["service"], "dns");
}

TEST(Flows, LaterFragmentsCountToTheirFirstFragmentsFlow) {
  Packet datagram =
      Ipv4{.id = 77} / Udp{.srcport = 1000, .dstport = 2000} / Bytes(24, 'z');  // 32: 16 + 16
  std::vector<Packet> fragments = Fragment(datagram, {{0, 16}, {16, 16}});
  std::vector<json> flows = Flows({At(1, fragments[0]), At(1, fragments[1], 1)});
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["srcport"], 1000);
  EXPECT_EQ(flows[0]["orig_packets"], 2);
  EXPECT_EQ(flows[0]["orig_bytes"], 72);
}

TEST(Flows, TheMemoryBudgetEndsTheOldestFlowsAndReportsEveryOne) {
  std::vector<CapturedFrame> r;
  for (uint32_t i = 0; i < 1000; ++i)
    r.push_back(At(1, UdpPacket("10.0.0.1", "10.0.0.2", uint16_t(1024 + i), 53), i));
  pcapkit::ExtractSummary s;
  std::vector<json> flows = Flows(
      r,
      [](pcapkit::ExtractOptions& o) {
        o.flows.memory = 100 * pcapkit::flows::FlowTable::CostPerFlow();
      },
      &s);
  ASSERT_EQ(flows.size(), 1000u);
  EXPECT_LE(s.peak_flows, 100u);
  EXPECT_EQ(s.flows_evicted, 900u);
  EXPECT_EQ(flows[0]["end"], "evicted");
  EXPECT_EQ(flows[0]["srcport"], 1024);  // the oldest first
  EXPECT_EQ(flows[999]["end"], "eof");
}

// extract --flows writes, beside an unchanged frame report, exactly what `pcapkit flows`
// writes.
TEST(Flows, ExtractFlowsIsTheFlowsVerbInTheSamePass) {
  std::vector<CapturedFrame> r = Connection(100);
  std::vector<CapturedFrame> more = Connection(200, 5, 40001);
  r.insert(r.end(), more.begin(), more.end());
  r.push_back(At(201, UdpPacket("10.0.0.9", "10.0.0.1", 5353, 53)));
  std::string in = WriteTemp(PcapFile(r), ".pcap");
  std::string frames = Temp("frames.ndjson"), with = Temp("with.ndjson");
  std::string flows = Temp("flows.ndjson"), verb = Temp("verb.ndjson");
  auto a = testutil::RunCli({"extract", in, "-o", frames});
  auto b = testutil::RunCli({"extract", in, "-o", with, "--flows", flows});
  auto c = testutil::RunCli({"flows", in, "-o", verb});
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  ASSERT_EQ(c.status, 0) << c.err;
  auto slurp = [](const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(slurp(frames), slurp(with));
  std::string records = slurp(flows);
  EXPECT_EQ(testutil::NdjsonLines(records).size(), 3u);
  EXPECT_EQ(records, slurp(verb));
  // A capture format's name is refused before anything is read (usage error).
  auto d = testutil::RunCli({"extract", in, "-o", with, "--flows", Temp("flows.pcap")});
  EXPECT_EQ(d.status, 2);
  EXPECT_NE(d.err.find("flow records are written as"), std::string::npos) << d.err;
  for (const std::string& p : {in, frames, with, flows, verb}) std::filesystem::remove(p);
}

}  // namespace
