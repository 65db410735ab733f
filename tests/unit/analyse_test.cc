// `pcapkit analyse` end to end, on captures built packet by packet: transactions come out
// of reassembled streams (out of order, retransmitted, with a hole) and UDP datagrams,
// with the flow numbers extract --flow-id gives; the analyser is chosen by content before
// port; every strategy writes the same bytes; bad options are refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pcapkit/pcapkit.h"
#include "testing/capture_files.h"
#include "testing/test_packets.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;

const char* kC = "10.0.0.1";
const char* kS = "10.0.0.2";

CapturedFrame At(uint32_t sec, const Packet& ip) {
  return {.data = (Ethernet{} / ip).Build(), .sec = sec};
}
Bytes B(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

// One TCP connection on `port`: handshake, the client's bytes in `up` segments (sent in
// `order`), the server's reply in one, both FINs.
struct Connection {
  uint16_t sport = 40000, port = 80;
  uint32_t c = 1000, s = 5000;
  std::vector<CapturedFrame> out;
  uint32_t t = 1;
  void Open() {
    out.push_back(At(t, Ipv4Tcp(kC, kS, sport, port, c, 0, kSyn)));
    out.push_back(At(t, Ipv4Tcp(kS, kC, port, sport, s, c + 1, kSyn | kAck)));
    out.push_back(At(t, Ipv4Tcp(kC, kS, sport, port, c + 1, s + 1, kAck)));
    ++c, ++s;
  }
  // Client bytes at stream offset `at` (not advancing), for reordering.
  void ClientAt(uint32_t at, const std::string& data) {
    out.push_back(At(++t, Ipv4Tcp(kC, kS, sport, port, c + at, s, kAck | kPsh, B(data))));
  }
  void Client(const std::string& data) {
    ClientAt(0, data);
    c += uint32_t(data.size());
  }
  void Server(const std::string& data) {
    out.push_back(At(++t, Ipv4Tcp(kS, kC, port, sport, s, c, kAck | kPsh, B(data))));
    s += uint32_t(data.size());
  }
  void Close() {
    out.push_back(At(++t, Ipv4Tcp(kC, kS, sport, port, c, s, kAck | kFin)));
    out.push_back(At(t, Ipv4Tcp(kS, kC, port, sport, s, c + 1, kAck | kFin)));
    out.push_back(At(t, Ipv4Tcp(kC, kS, sport, port, c + 1, s + 1, kAck)));
  }
};

// Per process: ctest runs each test in a process of its own, several at once.
std::string Temp(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("pcapkit-analyse-" + std::to_string(getpid()) + "-" + name))
      .string();
}

std::vector<json> Lines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

std::vector<json> Analyse(const std::vector<CapturedFrame>& records,
                          const std::function<void(pcapkit::ExtractOptions&)>& tweak = {},
                          std::string* text = nullptr) {
  pcapkit::ExtractOptions o;
  o.input = WriteTemp(PcapFile(records), ".pcap");
  o.nofile = true;
  o.analyse.enabled = true;
  o.analyse.output = Temp("analyse.ndjson");
  o.analyse.format = pcapkit::OutputFormat::kNdjson;
  if (tweak) tweak(o);
  pcapkit::Extractor(o).Run();
  std::vector<json> out = Lines(o.analyse.output);
  if (text) {
    std::ifstream in(o.analyse.output);
    std::stringstream s;
    s << in.rdbuf();
    *text = s.str();
  }
  std::filesystem::remove(o.input);
  std::filesystem::remove(o.analyse.output);
  return out;
}

const std::string kGet1 = "GET /one HTTP/1.1\r\nHost: a.example\r\n\r\n";
const std::string kGet2 = "GET /two HTTP/1.1\r\nHost: a.example\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

TEST(Analyse, PipelinedRequestsOutOfOrderAndRetransmittedGiveOneRecordEach) {
  Connection k;
  k.Open();
  std::string both = kGet1 + kGet2;
  k.ClientAt(10, both.substr(10));    // the tail first
  k.ClientAt(0, both.substr(0, 10));  // then the head: now both are in order
  k.ClientAt(0, both.substr(0, 10));  // a retransmission: nothing new
  k.c += uint32_t(both.size());
  k.Server(kOk + kOk);
  k.Close();
  std::vector<json> r = Analyse(k.out);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["kind"], "http");
  EXPECT_EQ(r[0]["request"]["uri"], "/one");
  EXPECT_EQ(r[1]["request"]["uri"], "/two");
  EXPECT_EQ(r[1]["trans_depth"], 2);
  EXPECT_EQ(r[1]["response"]["status"], 200);
  EXPECT_EQ(r[0]["src"], kC);
  EXPECT_EQ(r[0]["dstport"], 80);
  EXPECT_EQ(r[0]["first_frame"], 5) << "the request's first byte came in frame 5";
  EXPECT_EQ(r[0]["transport"], "tcp");
}

TEST(Analyse, FlowNumbersAreExtractFlowIds) {
  Connection a, b;
  b.sport = 40001;
  a.Open();
  b.Open();
  a.Client(kGet1);
  b.Client(kGet2);
  b.Server(kOk);
  a.Server(kOk);
  a.Close();
  b.Close();
  std::vector<CapturedFrame> all = a.out;
  all.insert(all.end(), b.out.begin(), b.out.end());
  std::vector<json> r = Analyse(all);
  ASSERT_EQ(r.size(), 2u);
  // Frame records of the same capture: the flow each frame belongs to.
  pcapkit::ExtractOptions o;
  o.input = WriteTemp(PcapFile(all), ".pcap");
  o.output = Temp("frames.ndjson");
  o.format = pcapkit::OutputFormat::kNdjson;
  o.flow_id = true;
  pcapkit::Extractor(o).Run();
  std::vector<json> frames = Lines(o.output);
  std::filesystem::remove(o.input);
  std::filesystem::remove(o.output);
  for (const json& t : r) {
    const json& f = frames.at(t["first_frame"].get<size_t>() - 1);
    EXPECT_EQ(t["flow"], f["flow"]);
    EXPECT_EQ(t["community_id"], f["community_id"]);
  }
  EXPECT_NE(r[0]["flow"], r[1]["flow"]);
}

// A connection whose bytes all wait beyond a hole comes out only when another frame's
// clock times it out: its record still has its own flow and ends at its own last frame.
TEST(Analyse, AConnectionClosedByAnothersFrameKeepsItsFlowAndItsFrames) {
  Connection a;
  a.Open();
  a.ClientAt(10, kGet1.substr(10));  // the first 10 bytes were never captured
  Connection b;
  b.sport = 40001;
  b.t = 400;  // past the 300 s TCP timeout: b's first frame times a out
  b.Open();
  b.Client(kGet2);
  b.Server(kOk);
  b.Close();
  std::vector<CapturedFrame> all = a.out;
  all.insert(all.end(), b.out.begin(), b.out.end());
  std::vector<json> r = Analyse(all);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["flow"], 0) << "a's flow, not the one whose frame closed it";
  EXPECT_EQ(r[0]["srcport"], 40000);
  EXPECT_EQ(r[0]["last_frame"], 4) << "a's own last frame";
  EXPECT_EQ(r[1]["flow"], 1);
  EXPECT_EQ(r[1]["request"]["uri"], "/two");
}

TEST(Analyse, ContentBeforePortThenPortThenUnknown) {
  Connection http;  // HTTP on a port no analyser names: found by content
  http.port = 5555;
  http.Open();
  http.Client(kGet1);
  http.Server(kOk);
  http.Close();
  Connection other;  // bytes nothing recognises, on a port nothing names: unknown
  other.port = 7777;
  other.sport = 40002;
  other.Open();
  other.Client(std::string("\x01\x02\x03\x04 binary protocol bytes", 26));
  other.Close();
  std::vector<CapturedFrame> all = http.out;
  all.insert(all.end(), other.out.begin(), other.out.end());
  std::vector<json> r = Analyse(all);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["kind"], "http");
  EXPECT_EQ(r[0]["dstport"], 5555);
  EXPECT_EQ(r[1]["kind"], "unknown");
  EXPECT_EQ(r[1]["client"]["bytes"], 26);
  EXPECT_EQ(r[1]["client"]["head"],
            "01020304"
            "2062696e6172792070726f746f636f6c206279746573");
  // --protocols leaves the others out (unknown too: it would take what HTTP left).
  std::vector<json> only =
      Analyse(all, [](pcapkit::ExtractOptions& o) { o.analyse.protocols = "http"; });
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0]["kind"], "http");
}

TEST(Analyse, AHoleInABodyIsCountedNeverFilled) {
  Connection k;
  k.Open();
  k.Client(kGet1 + kGet2);
  std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  k.Server(first + "01234");
  k.s += 5;  // "56789" never captured; the client acknowledges past it
  k.out.push_back(At(++k.t, Ipv4Tcp(kC, kS, k.sport, k.port, k.c, k.s, kAck)));
  k.Server(kOk);
  k.Close();
  std::vector<json> r = Analyse(k.out);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["response"]["gaps"], 5);
  EXPECT_FALSE(r[0]["response"].contains("body_sha256"));
  EXPECT_EQ(r[1]["response"]["body_len"], 5) << "the next transaction still parses";
}

Bytes DnsMessage(uint16_t id, bool response) {
  Bytes m = {uint8_t(id >> 8),
             uint8_t(id),
             uint8_t(response ? 0x81 : 0x01),
             uint8_t(response ? 0x80 : 0x00),
             0,
             1,
             0,
             response ? uint8_t(1) : uint8_t(0),
             0,
             0,
             0,
             0};
  Bytes q = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1};
  m.insert(m.end(), q.begin(), q.end());
  if (response) {
    Bytes a = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34};
    m.insert(m.end(), a.begin(), a.end());
  }
  return m;
}

TEST(Analyse, DnsOverUdpIsPairedWithItsFlow) {
  std::vector<CapturedFrame> records = {
      At(1, Ipv4Udp(kC, kS, 33333, 53, DnsMessage(0x1234, false))),
      At(3, Ipv4Udp(kS, kC, 53, 33333, DnsMessage(0x1234, true)))};
  std::vector<json> r = Analyse(records);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["kind"], "dns");
  EXPECT_EQ(r[0]["transport"], "udp");
  EXPECT_EQ(r[0]["src"], kC);
  EXPECT_EQ(r[0]["first_frame"], 1);
  EXPECT_EQ(r[0]["last_frame"], 2);
  EXPECT_EQ(r[0]["rtt"], 2.0);
  EXPECT_EQ(r[0]["answers"][0]["data"], "93.184.216.34");
}

// Bodies without a coding are hashed in parallel after the serial stage, or on it
// (--held-bodies 0, or no room left in one block): the same bytes either way.
TEST(Analyse, EveryStrategyAndThreadCountWritesTheSameBytes) {
  std::vector<CapturedFrame> all;
  std::string large(6000, 'x');
  for (size_t i = 0; i < large.size(); ++i) large[i] = char('a' + i * 31 % 26);
  for (uint16_t i = 0; i < 200; ++i) {  // enough connections for several batches
    Connection k;
    k.sport = uint16_t(20000 + i);
    k.t = i;
    k.Open();
    k.Client(kGet1 + kGet2);
    std::string body = i % 10 == 0 ? large : "hello";
    k.Server("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
             body + kOk);
    k.Close();
    all.insert(all.end(), k.out.begin(), k.out.end());
    all.push_back(At(i + 1, Ipv4Udp(kC, kS, uint16_t(30000 + i), 53, DnsMessage(i, false))));
    all.push_back(At(i + 1, Ipv4Udp(kS, kC, 53, uint16_t(30000 + i), DnsMessage(i, true))));
  }
  std::string first;
  ASSERT_EQ(Analyse(all, {}, &first).size(), 600u);
  for (pcapkit::Strategy e : {pcapkit::Strategy::kServer, pcapkit::Strategy::kPipeline})
    for (unsigned threads : {1u, 2u, 4u}) {
      std::string text;
      Analyse(
          all,
          [&](pcapkit::ExtractOptions& o) {
            o.strategy = e;
            o.threads = threads;
            o.batch_bytes = 4096;  // many small batches
          },
          &text);
      EXPECT_EQ(text, first) << int(e) << " " << threads;
    }
  EXPECT_NE(first.find("\"body_len\":6000"), std::string::npos);
  for (size_t held : {size_t(0), size_t(16) << 10}) {
    std::string text;
    Analyse(
        all,
        [&](pcapkit::ExtractOptions& o) {
          o.strategy = pcapkit::Strategy::kPipeline;
          o.threads = 2;
          o.batch_bytes = 4096;
          o.analyse.held_bodies = held;
        },
        &text);
    EXPECT_EQ(text, first) << "--held-bodies " << held;
  }
}

// jspcap's analyse(bytes): a conversation's payload in memory.
TEST(AnalyseBytes, RecognisesThePayloadAndWritesItsRecords) {
  std::string up = kGet1 + kGet2, down = kOk + kOk;
  pcapkit::Analysis a = pcapkit::Analyse(B(up), B(down), {.server_port = 5555});
  EXPECT_EQ(a.kind, "http");
  ASSERT_EQ(a.records.size(), 2u);
  json second = json::parse(a.records[1]);
  EXPECT_EQ(second["request"]["uri"], "/two");
  EXPECT_EQ(second["response"]["body_len"], 5);

  pcapkit::Analysis dns = pcapkit::Analyse(DnsMessage(7, false), DnsMessage(7, true),
                                           {.tcp = false, .server_port = 53});
  EXPECT_EQ(dns.kind, "dns");
  ASSERT_EQ(dns.records.size(), 1u);
  EXPECT_EQ(json::parse(dns.records[0])["answers"][0]["data"], "93.184.216.34");

  pcapkit::Analysis none =
      pcapkit::Analyse(B("\x01\x02\x03 not a protocol at all"), {}, {.protocols = "http,dns"});
  EXPECT_EQ(none.kind, "");
  EXPECT_TRUE(none.records.empty());
  EXPECT_THROW(pcapkit::Analyse(B(up), {}, {.protocols = "gopher"}), pcapkit::FormatError);
}

// -e names an analyser's members by their paths, checked against the analysers' field
// tables like any other record's: a misspelt one is refused with the nearest names.
TEST(Analyse, FieldsSelectAnAnalysersMembersByTheirPaths) {
  Connection k;
  k.Open();
  k.Client(kGet1);
  k.Server(kOk);
  k.Close();
  std::vector<json> r = Analyse(k.out, [](pcapkit::ExtractOptions& o) {
    o.analyse.fields.names = {"kind",
                              "request.method",
                              "request.host",
                              "response.status",
                              "response.body_len",
                              "request.headers.name",
                              "answers.data"};
  });
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], json::parse(R"({"kind": "http", "request.method": "GET",
      "request.host": "a.example", "response.status": 200, "response.body_len": 5,
      "request.headers.name": "Host"})"));
  try {
    Analyse(k.out, [](pcapkit::ExtractOptions& o) { o.analyse.fields.names = {"reqest.uri"}; });
    ADD_FAILURE() << "a misspelt analyser member was taken";
  } catch (const pcapkit::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("request.uri"), std::string::npos) << e.what();
  }
}

TEST(Analyse, BadOptionsAreRefusedBeforeReading) {
  Connection k;
  k.Open();
  EXPECT_THROW(Analyse(k.out, [](pcapkit::ExtractOptions& o) { o.analyse.protocols = "gopher"; }),
               pcapkit::FormatError);
  EXPECT_THROW(Analyse(k.out, [](pcapkit::ExtractOptions& o) { o.analyse.max_body = 0; }),
               pcapkit::FormatError);
  EXPECT_THROW(
      Analyse(k.out, [](pcapkit::ExtractOptions& o) { o.analyse.reassembly.tcp_memory = 1; }),
      pcapkit::FormatError);
}

}  // namespace
