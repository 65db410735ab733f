// The `dns` analyser driven by hand: transactions over UDP and TCP built byte by byte,
// paired, unanswered, unsolicited, malformed and cut.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "testing/analysis_harness.h"

namespace {

using nlohmann::json;
using pcapkit::Emitter;
using pcapkit::Timestamp;
using pcapkit::analysis::Kind;
using pcapkit::analysis::Position;
using pcapkit::testing::AnalysisHarness;

std::string U16(uint16_t v) {
  return {char(v >> 8), char(v & 0xff)};
}
std::string U32(uint32_t v) {
  return U16(uint16_t(v >> 16)) + U16(uint16_t(v));
}

// "www.example.com" as labels, root included.
std::string Name(std::string_view dotted) {
  std::string out;
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string_view label = dotted.substr(0, dot);
    out += char(label.size());
    out += label;
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return out + '\0';
}

std::string Header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an = 0, uint16_t ns = 0,
                   uint16_t ar = 0) {
  return U16(id) + U16(flags) + U16(qd) + U16(an) + U16(ns) + U16(ar);
}
std::string Question(const std::string& name, uint16_t type) {
  return name + U16(type) + U16(1);
}
std::string Rr(const std::string& owner, uint16_t type, uint32_t ttl, const std::string& rdata) {
  return owner + U16(type) + U16(1) + U32(ttl) + U16(uint16_t(rdata.size())) + rdata;
}
std::string OverTcp(const std::string& m) {
  return U16(uint16_t(m.size())) + m;
}

constexpr uint16_t kQuery = 0x0100;     // RD
constexpr uint16_t kResponse = 0x8180;  // QR RD RA

std::string Query(uint16_t id, std::string_view name, uint16_t type = 1) {
  return Header(id, kQuery, 1) + Question(Name(name), type);
}

// www.example.com: CNAME web.example.com (owner a pointer to the question's name, rdata a
// label then a pointer into the question), then its A and AAAA, owners pointing into the
// CNAME's rdata (at 45: 12 header + 17 name + 4 + 2 owner + 10 fixed).
std::string CnameResponse(uint16_t id) {
  std::string m = Header(id, kResponse, 1, 3) + Question(Name("www.example.com"), 1);
  m += Rr("\xc0\x0c", 5, 300, "\x03web\xc0\x10");
  m += Rr("\xc0\x2d", 1, 60, "\x5d\xb8\xd8\x22");
  m += Rr("\xc0\x2d", 28, 60,
          std::string("\x26\x06\x28\x00\x02\x20\x00\x01\x02\x48\x18\x93\x25\xc8\x19\x46", 16));
  return m;
}

AnalysisHarness Udp() {
  return AnalysisHarness(Kind::kDns, 53, /*tcp=*/false);
}

TEST(AnalysisDnsUdp, QueryAndResponsePaired) {
  AnalysisHarness h = Udp();
  h.Data(0, Query(0x1234, "www.example.com"), 1);
  EXPECT_TRUE(h.records().empty());  // written when the response comes
  h.Data(1, CnameResponse(0x1234), 3);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["kind"], "dns");
  EXPECT_EQ(r["transport"], "udp");
  EXPECT_EQ(r["id"], 0x1234);
  EXPECT_EQ(r["rtt"].get<double>(), 2.0);
  EXPECT_EQ(r["opcode"], 0);
  EXPECT_EQ(r["rcode"], 0);
  EXPECT_EQ(r["rcode_name"], "NOERROR");
  EXPECT_EQ(r["aa"], false);
  EXPECT_EQ(r["tc"], false);
  EXPECT_EQ(r["rd"], true);
  EXPECT_EQ(r["ra"], true);
  EXPECT_EQ(r["questions"],
            json::parse(R"([{"name":"www.example.com","type":1,"type_name":"A","class":1}])"));
  EXPECT_EQ(r["answers"], json::parse(R"([
    {"name":"www.example.com","type":5,"type_name":"CNAME","ttl":300,"data":"web.example.com"},
    {"name":"web.example.com","type":1,"type_name":"A","ttl":60,"data":"93.184.216.34"},
    {"name":"web.example.com","type":28,"type_name":"AAAA","ttl":60,
     "data":"2606:2800:220:1:248:1893:25c8:1946"}])"));
  EXPECT_EQ(r["authorities"], json::array());
  EXPECT_EQ(r["additionals"], json::array());
  EXPECT_EQ(r["query_frame"], 1);
  EXPECT_EQ(r["response_frame"], 3);
  EXPECT_EQ(r["first_frame"], 1);
  EXPECT_EQ(r["last_frame"], 3);
  EXPECT_FALSE(r.contains("error"));
  h.End(4);
  EXPECT_EQ(h.records().size(), 1u);  // nothing left pending
}

// Emitter::Number's text, which JSON parsing would turn into a double: a sink of our own
// keeps it.
class NumberSink : public pcapkit::analysis::RecordSink, private pcapkit::NullEmitter {
 public:
  void Write(Kind, const pcapkit::analysis::Conversation&, const Position&, const Position&,
             const std::function<void(Emitter&)>& fields) override {
    fields(*this);
  }
  std::map<std::string, std::string> numbers;

 private:
  void Number(std::string_view key, std::string_view v) override {
    numbers[std::string(key)] = std::string(v);
  }
};

std::string Rtt(Timestamp query, Timestamp response) {
  pcapkit::analysis::Conversation conversation;
  conversation.tcp = false;
  pcapkit::analysis::Limits limits;
  NumberSink sink;
  for (const auto& info : pcapkit::analysis::Analysers()) {
    if (info.kind != Kind::kDns) continue;
    auto a = info.make({&conversation, &sink, &limits, nullptr});
    std::string q = Query(7, "a.example"), r = Header(7, kResponse, 0);
    a->Data(0, {reinterpret_cast<const uint8_t*>(q.data()), q.size()}, {1, query});
    a->Data(1, {reinterpret_cast<const uint8_t*>(r.data()), r.size()}, {2, response});
  }
  return sink.numbers["rtt"];
}

TEST(AnalysisDnsUdp, RttIsExactDecimalText) {
  EXPECT_EQ(Rtt({1, 0, 6}, {3, 0, 6}), "2.000000");
  EXPECT_EQ(Rtt({100, 999900, 6}, {101, 12245, 6}), "0.012345");
  EXPECT_EQ(Rtt({5, 1, 9}, {5, 2, 9}), "0.000000001");
  EXPECT_EQ(Rtt({5, 500000, 6}, {5, 250000, 6}), "-0.250000");  // clocks do go back
  EXPECT_EQ(Rtt({5, 500000, 6}, {6, 250000000, 9}), "0.750000000");
}

TEST(AnalysisDnsUdp, Nxdomain) {
  AnalysisHarness h = Udp();
  h.Data(0, Query(0x0bad, "nope.example"), 1);
  const std::string soa("\x00\x00\x00\x01", 4);  // not decoded: its bytes
  h.Data(1,
         Header(0x0bad, kResponse | 3, 1, 0, 1) + Question(Name("nope.example"), 1) +
             Rr(Name("example"), 6, 900, soa),
         2);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["rcode"], 3);
  EXPECT_EQ(r["rcode_name"], "NXDOMAIN");
  EXPECT_EQ(r["answers"], json::array());
  EXPECT_EQ(r["authorities"], json::parse(R"([
    {"name":"example","type":6,"type_name":"SOA","ttl":900,"rdata":"00000001"}])"));
  EXPECT_EQ(r["questions"][0]["name"], "nope.example");
}

TEST(AnalysisDnsUdp, UnansweredQueryWrittenAtEnd) {
  AnalysisHarness h = Udp();
  h.Data(0, Query(42, "lost.example", 28), 5);
  EXPECT_TRUE(h.records().empty());
  h.End(9);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["id"], 42);
  EXPECT_EQ(r["rd"], true);
  EXPECT_EQ(r["ra"], false);
  EXPECT_EQ(r["questions"],
            json::parse(R"([{"name":"lost.example","type":28,"type_name":"AAAA","class":1}])"));
  EXPECT_EQ(r["query_frame"], 5);
  EXPECT_EQ(r["first_frame"], 5);
  EXPECT_EQ(r["last_frame"], 5);
  for (const char* absent : {"rtt", "rcode", "rcode_name", "answers", "response_frame", "error"})
    EXPECT_FALSE(r.contains(absent)) << absent;
}

TEST(AnalysisDnsUdp, ResponseWithoutQuery) {
  AnalysisHarness h = Udp();
  h.Data(1, CnameResponse(99), 4);
  ASSERT_EQ(h.records().size(), 1u);  // at once: no query will come for it
  const json& r = h.records()[0];
  EXPECT_EQ(r["id"], 99);
  EXPECT_EQ(r["questions"][0]["name"], "www.example.com");
  EXPECT_EQ(r["answers"].size(), 3u);
  EXPECT_EQ(r["response_frame"], 4);
  EXPECT_FALSE(r.contains("query_frame"));
  EXPECT_FALSE(r.contains("rtt"));
  EXPECT_EQ(r["first_frame"], 4);
}

TEST(AnalysisDnsUdp, InterleavedQueriesPairById) {
  AnalysisHarness h = Udp();
  h.Data(0, Query(1, "a.example"), 1);
  h.Data(0, Query(2, "b.example", 28), 2);
  h.Data(1, Header(2, kResponse, 1) + Question(Name("b.example"), 28), 3);
  h.Data(1, Header(1, kResponse, 1) + Question(Name("a.example"), 1), 6);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[0]["id"], 2);
  EXPECT_EQ(h.records()[0]["questions"][0]["name"], "b.example");
  EXPECT_EQ(h.records()[0]["query_frame"], 2);
  EXPECT_EQ(h.records()[0]["response_frame"], 3);
  EXPECT_EQ(h.records()[0]["rtt"].get<double>(), 1.0);
  EXPECT_EQ(h.records()[1]["id"], 1);
  EXPECT_EQ(h.records()[1]["questions"][0]["name"], "a.example");
  EXPECT_EQ(h.records()[1]["query_frame"], 1);
  EXPECT_EQ(h.records()[1]["response_frame"], 6);
  EXPECT_EQ(h.records()[1]["rtt"].get<double>(), 5.0);
}

TEST(AnalysisDnsUdp, MxAndTxtData) {
  AnalysisHarness h = Udp();
  std::string m = Header(3, kResponse, 1, 2) + Question(Name("example"), 15);
  m += Rr("\xc0\x0c", 15, 1, U16(10) + Name("mail.example"));
  m += Rr("\xc0\x0c", 16, 1, "\x05hello\x06 world");
  h.Data(1, m, 1);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["answers"][0]["data"], "10 mail.example");
  EXPECT_EQ(h.records()[0]["answers"][1]["data"], "hello world");
}

TEST(AnalysisDnsUdp, CompressionLoopIsAnError) {
  AnalysisHarness h = Udp();
  // The question's name is a pointer to itself.
  h.Data(1, Header(5, kResponse, 1, 1) + "\xc0\x0c" + U16(1) + U16(1), 2);
  ASSERT_EQ(h.records().size(), 1u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["id"], 5);
  EXPECT_EQ(r["error"], "response: name compression loop");
  EXPECT_EQ(r["questions"], json::array());
  EXPECT_EQ(r["answers"], json::array());
}

TEST(AnalysisDnsUdp, TruncatedMessages) {
  AnalysisHarness h = Udp();
  std::string query = Query(8, "cut.example");
  h.Data(0, query.substr(0, query.size() - 6), 1);  // inside the question's name
  h.Data(0, query.substr(0, 7), 2);                 // inside the header
  ASSERT_EQ(h.records().size(), 1u);  // the headerless one at once: it cannot be paired
  EXPECT_EQ(h.records()[0]["error"], "query: message shorter than its 12-byte header");
  EXPECT_FALSE(h.records()[0].contains("id"));
  EXPECT_EQ(h.records()[0]["query_frame"], 2);
  h.End(3);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["id"], 8);
  EXPECT_EQ(h.records()[1]["error"], "query: label runs past the message");
  EXPECT_EQ(h.records()[1]["questions"], json::array());
}

TEST(AnalysisDnsUdp, PendingQueriesAreBounded) {
  AnalysisHarness h = Udp();
  for (uint16_t id = 0; id < 1025; ++id) h.Data(0, Query(id, "x.example"), id + 1u);
  ASSERT_EQ(h.records().size(), 1u);  // the oldest made room
  EXPECT_EQ(h.records()[0]["id"], 0);
  EXPECT_FALSE(h.records()[0].contains("response_frame"));
  EXPECT_LT(h.analyser().held(), size_t(512) << 10);
  h.End(2000);
  EXPECT_EQ(h.records().size(), 1025u);
}

TEST(AnalysisDnsTcp, MessagesSplitAndJoined) {
  AnalysisHarness h(Kind::kDns, 53, /*tcp=*/true);
  // Two queries in one segment.
  h.Data(0, OverTcp(Query(1, "www.example.com")) + OverTcp(Query(2, "a.example")), 1);
  EXPECT_TRUE(h.records().empty());
  // A response over three segments: inside the length prefix, inside the header, the rest.
  std::string response = OverTcp(CnameResponse(1));
  h.Data(1, response.substr(0, 1), 2);
  h.Data(1, response.substr(1, 6), 3);
  EXPECT_TRUE(h.records().empty());
  EXPECT_GE(h.analyser().held(), 7u);
  h.Data(1, response.substr(7) + OverTcp(Header(2, kResponse | 2, 1) + "\x01"), 4);
  ASSERT_EQ(h.records().size(), 2u);
  const json& r = h.records()[0];
  EXPECT_EQ(r["transport"], "tcp");
  EXPECT_EQ(r["id"], 1);
  EXPECT_EQ(r["answers"].size(), 3u);
  EXPECT_EQ(r["answers"][2]["data"], "2606:2800:220:1:248:1893:25c8:1946");
  EXPECT_EQ(r["query_frame"], 1);
  EXPECT_EQ(r["response_frame"], 4);  // where it was whole (as tshark places it)
  // The second response is whole but its question is cut short: read as far as it goes.
  const json& r2 = h.records()[1];
  EXPECT_EQ(r2["id"], 2);
  EXPECT_EQ(r2["rcode_name"], "SERVFAIL");
  EXPECT_EQ(r2["questions"][0]["name"], "a.example");  // the query's
  EXPECT_EQ(r2["response_frame"], 4);
  EXPECT_EQ(r2["error"], "response: label runs past the message");
  h.End(5);
  EXPECT_EQ(h.records().size(), 2u);
}

TEST(AnalysisDnsTcp, MessageCutByTheEnd) {
  AnalysisHarness h(Kind::kDns, 53, /*tcp=*/true);
  h.Data(0, OverTcp(Query(4, "a.example")), 1);
  std::string response = OverTcp(CnameResponse(4));
  h.Data(1, response.substr(0, 20), 2);
  h.End(3);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["id"], 4);
  EXPECT_EQ(h.records()[0]["response_frame"], 3);  // where the stream ended
  EXPECT_EQ(h.records()[0]["error"], "response: message cut by the end of the stream");
}

TEST(AnalysisDnsTcp, GapLosesTheDirection) {
  AnalysisHarness h(Kind::kDns, 53, /*tcp=*/true);
  h.Data(0, OverTcp(Query(4, "a.example")), 1);
  h.Data(1, OverTcp(CnameResponse(4)).substr(0, 9), 2);
  const size_t before = h.analyser().held();
  h.Gap(1, 10, 3);
  EXPECT_LT(h.analyser().held(), before);   // the partial message is dropped
  h.Data(1, OverTcp(CnameResponse(4)), 4);  // not read: the framing is lost
  EXPECT_TRUE(h.records().empty());
  h.End(5);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["id"], 4);
  EXPECT_FALSE(h.records()[0].contains("response_frame"));
  EXPECT_EQ(h.records()[0]["error"],
            "server stream: 10 bytes not captured; its messages from there on are not read");
}

TEST(AnalysisDnsTcp, GapWithNothingPendingGetsItsOwnRecord) {
  AnalysisHarness h(Kind::kDns, 53, /*tcp=*/true);
  h.Gap(0, 100, 2);
  h.End(3);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["first_frame"], 2);
  EXPECT_EQ(h.records()[0]["error"],
            "client stream: 100 bytes not captured; its messages from there on are not read");
}

TEST(AnalysisDnsTcp, RandomMessagesNeverCrash) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    AnalysisHarness h(Kind::kDns, 53, /*tcp=*/round % 2 == 0);
    for (int i = 0; i < 12; ++i) {
      // A plausible header, then bytes that are mostly short labels and pointers.
      std::string m = Header(uint16_t(rng() % 4), uint16_t(rng() % 2 ? kResponse : kQuery),
                             uint16_t(rng() % 3), uint16_t(rng() % 3), 0, uint16_t(rng() % 2));
      for (size_t n = rng() % 80; n > 0; --n) m += char(rng() % 5 ? rng() % 12 : 0xc0);
      h.Data(int(rng() % 2), round % 2 == 0 ? OverTcp(m) : m, i);
    }
    h.End(20);
    EXPECT_LT(h.analyser().held(), 100000u);
  }
}

}  // namespace

namespace {
// A fuzz finding: the response's bytes waited for a hole, so the reassembler places them
// at an earlier frame than the query's; the record still ends no earlier than it starts.
TEST(AnalysisDnsTcp, ARecordNeverEndsBeforeItStarts) {
  AnalysisHarness h(Kind::kDns, 53, /*tcp=*/true);
  h.Data(0, OverTcp(Query(9, "www.example.com")), 12);
  h.Data(1, OverTcp(CnameResponse(9)), 11);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["first_frame"], 12);
  EXPECT_EQ(h.records()[0]["last_frame"], 12);
  EXPECT_EQ(h.records()[0]["response_frame"], 11);
  // A message cut by the end of the stream is placed where the stream ended.
  h.Data(0, OverTcp(Query(10, "a.example")).substr(0, 9), 13);
  h.End(20);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["query_frame"], 20);
}
}  // namespace

namespace {
// tshark's rule (dns.retransmission_timer): a query of a pending id sent again within 5 s
// is a retransmission of it; later it is a new query, which the response then answers.
TEST(AnalysisDnsUdp, RetransmissionsWithinFiveSecondsAndNewQueriesAfter) {
  AnalysisHarness h(Kind::kDns, 53, /*tcp=*/false);
  h.Data(0, Query(5, "www.example.com"), 1);  // the harness times frame N at N seconds
  h.Data(0, Query(5, "www.example.com"), 4);  // 3 s later: the same query again
  h.Data(1, CnameResponse(5), 5);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["query_frame"], 1);
  EXPECT_EQ(h.records()[0]["retransmissions"], 1);
  h.Data(0, Query(6, "www.example.com"), 10);
  h.Data(0, Query(6, "www.example.com"), 16);  // 6 s later: a new query
  h.Data(1, CnameResponse(6), 17);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["query_frame"], 16);
  EXPECT_FALSE(h.records()[1].contains("retransmissions"));
  h.End(20);
  ASSERT_EQ(h.records().size(), 3u);
  EXPECT_EQ(h.records()[2]["query_frame"], 10);  // the older one, never answered
  EXPECT_FALSE(h.records()[2].contains("response_frame"));
}
}  // namespace
