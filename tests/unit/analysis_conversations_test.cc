// The conversation table under pressure: detection by content and port and the role swap,
// the memory budget (conversations end early, their transactions still written), UDP
// conversations ending on capture time, expected connections bounded and timed out, and
// hostile floods staying inside the budget.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/analysis/conversations.h"

namespace {

using namespace pcapkit::analysis;

struct Written {
  Kind kind;
  uint64_t flow;
  uint16_t server_port;
  uint64_t first, last;
};

class Sink final : public RecordSink {
 public:
  void Write(Kind kind, const Conversation& c, const Position& first, const Position& last,
             const std::function<void(pcapkit::Emitter&)>&) override {
    written.push_back({kind, c.flow, c.server_port, first.frame, last.frame});
  }
  std::vector<Written> written;
};

Conversation Tcp(uint64_t flow, uint16_t server_port) {
  Conversation c;
  c.flow = flow;
  c.client[0] = 10, c.client[3] = 1;
  c.server[0] = 10, c.server[3] = 2;
  c.client_port = 40000;
  c.server_port = server_port;
  return c;
}

Position At(uint64_t frame, int64_t sec = 0) {
  return {frame, {sec, 0, 6}};
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

const std::string kGet = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

TEST(AnalysisConversations, ServerFirstCaptureIsSwappedByContent) {
  Sink sink;
  Conversations table({}, &sink, nullptr);
  // The capture began mid-connection with the server's packet (a response to a request
  // not captured), so the reassembler took the server for the client: responses arrive
  // as direction 0, requests as direction 1.
  Conversation c = Tcp(3, 40000);
  c.client_port = 8080;
  table.Piece(1, c, 0, Bytes(kOk), 0, At(1));
  table.Piece(1, c, 1, Bytes(kGet), 0, At(2));
  table.Piece(1, c, 0, Bytes(kOk), 0, At(3));
  table.Closed(1, At(4));
  ASSERT_EQ(sink.written.size(), 2u) << "the lone response, then a pair";
  EXPECT_EQ(sink.written[1].kind, Kind::kHttp);
  EXPECT_EQ(sink.written[1].first, 2u);
  EXPECT_EQ(sink.written[1].last, 3u);
  EXPECT_EQ(sink.written[0].server_port, 8080) << "the ends were swapped";
}

TEST(AnalysisConversations, ShortPrefixWaitsThenPortDecides) {
  Sink sink;
  Conversations table({}, &sink, nullptr);
  Conversation c = Tcp(1, 21);
  // Three bytes say nothing yet: no decision, nothing written.
  table.Piece(1, c, 0, Bytes("USE"), 0, At(1));
  EXPECT_EQ(table.stats().conversations, 0u);
  table.Piece(1, c, 0, Bytes("R anonymous\r\nPASS x\r\n"), 0, At(2));
  EXPECT_EQ(table.stats().conversations, 1u);
  EXPECT_EQ(table.stats().by_kind[unsigned(Kind::kFtp)], 1u);
  table.Closed(1, At(3));
}

TEST(AnalysisConversations, TheBudgetEndsTheOldestEarlyAndLosesNoTransaction) {
  Sink sink;
  Settings s;
  s.memory = 256 << 10;  // the table's own floor is far below what 500 open heads hold
  Conversations table(s, &sink, nullptr);
  // 500 connections each hold an unfinished request head of 2 KiB.
  std::string head = "GET /" + std::string(2048, 'a');
  for (uint64_t i = 0; i < 500; ++i) table.Piece(i, Tcp(i, 80), 0, Bytes(head), 0, At(i + 1, i));
  EXPECT_GT(table.stats().ended_early, 0u);
  EXPECT_LE(table.stats().peak_memory, s.memory + 64 * 1024) << "bounded by one piece past it";
  // Bytes for a connection the budget ended are not taken for a new conversation.
  table.Piece(0, Tcp(0, 80), 0, Bytes(" HTTP/1.1\r\n\r\n"), 0, At(600, 600));
  for (uint64_t i = 0; i < 500; ++i) table.Closed(i, At(700, 700));
  table.Finish(At(701, 701));
  EXPECT_EQ(sink.written.size(), 500u) << "every connection's request written once";
  EXPECT_EQ(table.stats().conversations, 500u);
}

TEST(AnalysisConversations, UdpConversationsEndAfterTheirTimeoutInCaptureTime) {
  Sink sink;
  Settings s;
  s.udp_timeout = 60;
  Conversations table(s, &sink, nullptr);
  // A DNS query that is never answered: written when its conversation times out, which a
  // later datagram of another conversation, 61 s on in capture time, brings about.
  std::string query = std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12) +
                      std::string("\x01x\x00\x00\x01\x00\x01", 7);
  Conversation a = Tcp(1, 53), b = Tcp(2, 53);
  a.tcp = b.tcp = false;
  table.Datagram(a, 0, Bytes(query), At(1, 100));
  table.Datagram(b, 0, Bytes(query), At(2, 130));
  EXPECT_TRUE(sink.written.empty());
  table.Datagram(b, 0, Bytes(query), At(3, 161));
  ASSERT_EQ(sink.written.size(), 1u);
  EXPECT_EQ(sink.written[0].flow, 1u);
  table.Finish(At(4, 162));
  EXPECT_EQ(sink.written.size(), 3u);
}

TEST(AnalysisConversations, ExpectationsAreBoundedAndTimeOut) {
  Sink sink;
  Conversations table({}, &sink, nullptr);
  int made = 0;
  for (size_t i = 0; i < kMaxExpectations + 100; ++i) {
    Expectation x;
    x.server[0] = 10, x.server[3] = 2;
    x.port = uint16_t(20000 + i);
    x.seconds = 10;
    x.make = [&made](const Context& c) {
      ++made;
      return Analysers().front().make(c);
    };
    table.Expect(std::move(x), {0, 0, 6});
  }
  // The oldest 100 went for room: a connection to one of them is detected as usual.
  table.Piece(1, Tcp(1, 20000), 0, Bytes(std::string(32, '\x01')), 0, At(1, 1));
  EXPECT_EQ(made, 0);
  // One still waiting takes its connection, whatever its bytes.
  table.Piece(2, Tcp(2, 20000 + 500), 0, Bytes(std::string(32, '\x01')), 0, At(2, 2));
  EXPECT_EQ(made, 1);
  // Past its time, no more.
  table.Piece(3, Tcp(3, 20000 + 501), 0, Bytes(std::string(32, '\x01')), 0, At(3, 11));
  EXPECT_EQ(made, 1);
  table.Finish(At(4, 12));
}

}  // namespace
