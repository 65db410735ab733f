// The `ftp` analyser (engine/analysis/ftp*.cc) driven through AnalysisHarness: commands and
// replies (multi-line, cut anywhere), user and directory, the data connections it announces
// (made here through the expectation, as the table would) and what their records say,
// limits, holes and content detection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/analysis_harness.h"

namespace {

using nlohmann::json;
using pcapkit::analysis::Analyser;
using pcapkit::analysis::AnalyserInfo;
using pcapkit::analysis::Context;
using pcapkit::analysis::Conversation;
using pcapkit::analysis::Expectation;
using pcapkit::analysis::Handover;
using pcapkit::analysis::Kind;
using pcapkit::analysis::Limits;
using pcapkit::analysis::Position;
using pcapkit::testing::AnalysisHarness;
using pcapkit::testing::Sha256Hex;

// An FTP control connection, 10.0.0.1:40000 -> 10.0.0.2:21, whose Expect() calls are kept.
AnalysisHarness Ftp() {
  return AnalysisHarness(Kind::kFtp, 21, /*tcp=*/true, /*bodies=*/false, /*expectations=*/true);
}

// A command and its reply, at frames `frame` and `frame + 1`.
void Exchange(AnalysisHarness& h, std::string_view command, std::string_view reply,
              uint64_t frame) {
  h.Data(0, std::string(command) + "\r\n", frame);
  h.Data(1, std::string(reply) + "\r\n", frame + 1);
}

// A data connection as the table makes it from an expectation: `make` with a Context of
// its own conversation.
struct DataConnection {
  DataConnection(const Expectation& x, AnalysisHarness& sink, uint64_t flow) {
    conversation.flow = flow;
    std::snprintf(conversation.community_id, sizeof conversation.community_id, "1:data%u",
                  unsigned(flow));
    conversation.server_port = x.port;
    std::copy(x.server, x.server + 16, conversation.server);
    analyser = x.make(Context{&conversation, &sink, &limits, nullptr, nullptr});
  }
  static Position At(uint64_t frame) { return {frame, {int64_t(frame), 0, 6}}; }
  void Data(int dir, std::string_view b, uint64_t frame) {
    analyser->Data(dir, {reinterpret_cast<const uint8_t*>(b.data()), b.size()}, At(frame));
  }
  void Gap(int dir, uint64_t len, uint64_t frame) { analyser->Gap(dir, len, At(frame)); }
  void End(uint64_t frame) { analyser->End(At(frame)); }

  Conversation conversation;
  Limits limits;
  std::unique_ptr<Analyser> analyser;
};

const AnalyserInfo& Info() {
  for (const AnalyserInfo& info : pcapkit::analysis::Analysers())
    if (info.kind == Kind::kFtp) return info;
  throw std::logic_error("ftp is not registered");
}

bool Detect(int dir, std::string_view bytes) {
  return Info().detect(dir, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

TEST(AnalysisFtpControl, LoginCarriesUserAndHidesPassword) {
  AnalysisHarness h = Ftp();
  h.Data(1, "220 (vsFTPd 3.0.3)\r\n", 1);
  Exchange(h, "USER anonymous", "331 Please specify the password.", 2);
  Exchange(h, "PASS s3cret!", "230 Login successful.", 4);
  Exchange(h, "syst", "215 UNIX Type: L8", 6);
  h.End(8);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0]["kind"], "ftp");
  EXPECT_FALSE(r[0].contains("command"));  // the greeting answers no command
  EXPECT_EQ(r[0]["reply_code"], 220);
  EXPECT_EQ(r[0]["reply_msg"], "(vsFTPd 3.0.3)");
  EXPECT_EQ(r[1]["command"], "USER");
  EXPECT_EQ(r[1]["arg"], "anonymous");
  EXPECT_EQ(r[1]["reply_code"], 331);
  EXPECT_FALSE(r[1].contains("user"));  // only the records after it
  EXPECT_EQ(r[1]["first_frame"], 2);
  EXPECT_EQ(r[1]["last_frame"], 3);
  EXPECT_EQ(r[2]["command"], "PASS");
  EXPECT_EQ(r[2]["arg"], "****");
  EXPECT_EQ(r[2]["user"], "anonymous");
  EXPECT_EQ(r[2]["reply_code"], 230);
  EXPECT_EQ(r[3]["command"], "SYST");  // upper-cased
  EXPECT_FALSE(r[3].contains("arg"));
  EXPECT_EQ(r[3]["user"], "anonymous");
  EXPECT_EQ(r[3]["reply_msg"], "UNIX Type: L8");
  for (const json& record : r) EXPECT_EQ(record.dump().find("s3cret"), std::string::npos);
}

TEST(AnalysisFtpControl, TracksTheCurrentDirectory) {
  AnalysisHarness h = Ftp();
  Exchange(h, "CWD early", "250 OK.", 1);  // relative, nothing known yet
  Exchange(h, "PWD", "257 \"/home/ftp\" is the current directory", 3);
  Exchange(h, "CWD pub", "250 Directory successfully changed.", 5);
  Exchange(h, "CWD ../x/./y", "250 Directory successfully changed.", 7);
  Exchange(h, "CDUP", "200 OK.", 9);
  Exchange(h, "CWD nowhere", "550 Failed to change directory.", 11);
  Exchange(h, "CWD /abs", "250 CWD command successful. \"/srv/abs\" is current directory.", 13);
  Exchange(h, "XPWD", "257 \"/a \"\"b\"\"\" is current", 15);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 8u);
  EXPECT_FALSE(r[0].contains("cwd"));
  EXPECT_EQ(r[1]["cwd"], "/home/ftp");
  EXPECT_EQ(r[2]["cwd"], "/home/ftp/pub");
  EXPECT_EQ(r[3]["cwd"], "/home/ftp/x/y");
  EXPECT_EQ(r[4]["cwd"], "/home/ftp/x");
  EXPECT_EQ(r[5]["cwd"], "/home/ftp/x");  // a failed CWD changes nothing
  EXPECT_EQ(r[6]["cwd"], "/srv/abs");     // the reply's word over the argument
  EXPECT_EQ(r[7]["cwd"], "/a \"b\"");
}

TEST(AnalysisFtpControl, MultiLineReplies) {
  AnalysisHarness h = Ftp();
  h.Data(1, "220-Welcome\r\n220-to the FTP server\r\n220 Ready\r\n", 1);
  h.Data(0, "FEAT\r\n", 2);
  h.Data(1, "211-Features:\r\n MDTM\r\n REST STREAM\r\n211-SIZE\r\n211 End\r\n", 3);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["reply_code"], 220);
  EXPECT_EQ(r[0]["reply_msg"], "Welcome\nto the FTP server\nReady");
  EXPECT_EQ(r[1]["command"], "FEAT");
  EXPECT_EQ(r[1]["reply_code"], 211);
  EXPECT_EQ(r[1]["reply_msg"], "Features:\n MDTM\n REST STREAM\nSIZE\nEnd");
}

// The same session whole, cut at awkward places (inside a CRLF, inside a code), and byte by
// byte gives the same records.
TEST(AnalysisFtpControl, SplitsAnywhere) {
  const std::string client = "USER bob\r\nFEAT\r\nQUIT\r\n";
  const std::string server =
      "331 Password required\r\n211-Features:\r\n UTF8\r\n211 End\r\n221 Goodbye.\r\n";
  AnalysisHarness whole = Ftp();
  whole.Data(0, client, 1);
  whole.Data(1, server, 2);
  ASSERT_EQ(whole.records().size(), 3u);
  EXPECT_EQ(whole.records()[1]["reply_msg"], "Features:\n UTF8\nEnd");

  AnalysisHarness cut = Ftp();
  cut.Data(0, client, 1);
  for (std::string_view piece : {"33", "1 Password required\r", "\n2", "11-Features:\r\n UT",
                                 "F8\r\n21", "1 End\r", "\n221 Goodbye.\r", "\n"})
    cut.Data(1, piece, 2);
  EXPECT_EQ(cut.records(), whole.records());

  AnalysisHarness bytes = Ftp();
  for (char c : client) bytes.Data(0, std::string(1, c), 1);
  for (char c : server) bytes.Data(1, std::string(1, c), 2);
  EXPECT_EQ(bytes.records(), whole.records());
}

TEST(AnalysisFtpControl, PreliminaryThenFinal) {
  AnalysisHarness h = Ftp();
  h.Data(0, "LIST\r\n", 1);
  h.Data(1, "150 Here comes the directory listing.\r\n", 2);
  EXPECT_TRUE(h.records().empty());  // written when the final reply comes
  h.Data(1, "226 Directory send OK.\r\n", 3);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["command"], "LIST");
  EXPECT_EQ(r[0]["preliminary"], json::array({150}));
  EXPECT_EQ(r[0]["reply_code"], 226);
  EXPECT_EQ(r[0]["reply_msg"], "Directory send OK.");
  EXPECT_FALSE(r[0].contains("data"));  // no data connection was announced
  EXPECT_EQ(r[0]["last_frame"], 3);
}

TEST(AnalysisFtpControl, UnansweredCommandsWrittenAtEnd) {
  AnalysisHarness h = Ftp();
  Exchange(h, "NOOP", "200 NOOP ok.", 1);
  h.Data(0, "STAT\r\nQUIT\r\n", 3);
  ASSERT_EQ(h.records().size(), 1u);
  h.End(4);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1]["command"], "STAT");
  EXPECT_EQ(r[2]["command"], "QUIT");
  EXPECT_FALSE(r[2].contains("reply_code"));
  EXPECT_FALSE(r[2].contains("reply_msg"));
  EXPECT_EQ(r[2]["first_frame"], 3);
  EXPECT_EQ(r[2]["last_frame"], 3);
}

TEST(AnalysisFtpControl, OverlongLineStopsItsDirection) {
  AnalysisHarness h = Ftp();
  h.limits().max_head = 32;
  Exchange(h, "NOOP", "200 ok", 1);
  h.Data(0, "STAT\r\n", 3);
  h.Data(0, "RETR " + std::string(40, 'a'), 4);  // no line end yet, already too long
  h.Data(0, "\r\nNOOP\r\n", 5);                  // not read
  EXPECT_LE(h.analyser().held(), size_t(4096));
  h.Data(1, "211 status\r\n", 6);
  h.End(7);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["command"], "NOOP");
  EXPECT_EQ(r[1]["command"], "STAT");
  EXPECT_EQ(r[1]["reply_code"], 211);
  EXPECT_EQ(r[1]["error"],
            "client: line longer than 32 bytes; its lines from there on are not read");
}

// A reply of short lines is too long as a whole past max_head bytes of text.
TEST(AnalysisFtpControl, OverlongReplyStopsTheServer) {
  AnalysisHarness h = Ftp();
  h.limits().max_head = 32;
  h.Data(0, "HELP\r\n", 1);
  h.Data(1, "214-0123456789\r\n 0123456789\r\n", 2);  // 22 bytes of text
  h.Data(1, " 0123456789\r\n214 Help OK.\r\n", 3);    // 34
  h.End(4);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["command"], "HELP");
  EXPECT_FALSE(r[0].contains("reply_code"));
  EXPECT_EQ(r[1]["error"],
            "server: reply longer than 32 bytes; its lines from there on are not read");
  EXPECT_EQ(r[1]["first_frame"], 3);
  EXPECT_EQ(r[1]["last_frame"], 4);
}

// A hole loses the line it cut (its tail is not taken for a command) and is reported.
TEST(AnalysisFtpControl, HoleInTheCommands) {
  AnalysisHarness h = Ftp();
  h.Data(0, "RETR f", 1);
  h.Gap(0, 5, 2);
  h.Data(0, "ile.txt\r\nNOOP\r\n", 3);
  h.Data(1, "200 NOOP ok.\r\n", 4);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0]["command"], "NOOP");
  EXPECT_EQ(r[0]["reply_code"], 200);
  EXPECT_EQ(r[0]["error"], "client stream: 5 bytes not captured");
}

// Past 64 commands awaiting a reply the oldest is written unanswered, and its reply,
// when it comes, is not given to the next command.
TEST(AnalysisFtpControl, AwaitingCommandsAreBounded) {
  AnalysisHarness h = Ftp();
  for (int i = 0; i < 65; ++i) h.Data(0, "NOOP " + std::to_string(i) + "\r\n", 1);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["arg"], "0");
  EXPECT_EQ(h.records()[0]["error"], "written before its reply: too many commands awaiting one");
  h.Data(1, "200 first\r\n200 second\r\n", 2);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["arg"], "1");
  EXPECT_EQ(h.records()[1]["reply_msg"], "second");
}

TEST(AnalysisFtpControl, AuthTlsHandsOverToTls) {
  AnalysisHarness h = Ftp();
  Exchange(h, "AUTH TLS", "234 Proceed with negotiation.", 1);
  h.Data(1, "\x16\x03\x01", 3);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["command"], "AUTH");
  EXPECT_EQ(h.records()[0]["reply_code"], 234);
  Handover out;
  ASSERT_TRUE(h.analyser().TakeHandover(&out));
  EXPECT_EQ(out.kind, Kind::kTls);
  EXPECT_TRUE(out.rest[0].empty());
  EXPECT_EQ(std::string(out.rest[1].begin(), out.rest[1].end()), "\x16\x03\x01");
  EXPECT_EQ(out.at[1].frame, 3u);
}

TEST(AnalysisFtpDetect, GreetingsAndCommands) {
  EXPECT_STREQ(Info().name, "ftp");
  EXPECT_TRUE(Info().tcp && !Info().udp);
  EXPECT_EQ(Info().ports[0], 21);
  EXPECT_TRUE(Detect(1, "220 ProFTPD 1.3.5 Server (Debian) [10.0.0.2]\r\n"));
  EXPECT_TRUE(Detect(1, "220-Welcome to Pure-FTPd.\r\n"));
  EXPECT_TRUE(Detect(1, "220 (vsftpd 3.0.3)\r\n"));
  EXPECT_FALSE(Detect(1, "220 mail.example ESMTP Postfix\r\n"));
  EXPECT_FALSE(Detect(1, "220 ftp.example.com ESMTP Exim\r\n"));         // SMTP, named ftp
  EXPECT_FALSE(Detect(1, "220-FileZilla Server\r\n220 FTP ready\r\n"));  // not the first line
  EXPECT_FALSE(Detect(1, "220FTP\r\n"));
  EXPECT_FALSE(Detect(1, "230 FTP\r\n"));
  EXPECT_TRUE(Detect(0, "USER anonymous\r\n"));
  EXPECT_TRUE(Detect(0, "AUTH TLS\r\n"));
  EXPECT_TRUE(Detect(0, "FEAT\r\n"));
  EXPECT_TRUE(Detect(0, "SYST\r\n"));
  EXPECT_FALSE(Detect(0, "FEATURES\r\n"));
  EXPECT_FALSE(Detect(0, "EHLO client.example\r\n"));
  EXPECT_FALSE(Detect(0, "GET / HTTP/1.1\r\n"));
}

// PASV: the data connection announced is the server's (h1..h4), port p1 * 256 + p2; the
// RETR that follows gets what it carried.
TEST(AnalysisFtpData, PasvRetrCarriesTheData) {
  AnalysisHarness h = Ftp();
  Exchange(h, "PASV", "227 Entering Passive Mode (10,0,0,2,195,80).", 1);
  ASSERT_EQ(h.expected().size(), 1u);
  const Expectation& x = h.expected()[0].expectation;
  EXPECT_FALSE(x.ipv6);
  EXPECT_EQ(std::vector<uint8_t>(x.server, x.server + 4), (std::vector<uint8_t>{10, 0, 0, 2}));
  EXPECT_EQ(x.port, 50000);
  EXPECT_EQ(h.expected()[0].at.sec, 2);
  ASSERT_TRUE(x.make);
  ASSERT_EQ(h.records().size(), 1u);
  EXPECT_EQ(h.records()[0]["data_host"], "10.0.0.2");
  EXPECT_EQ(h.records()[0]["data_port"], 50000);

  Exchange(h, "RETR /pub/file.bin", "150 Opening BINARY mode data connection.", 3);
  DataConnection data(x, h, 9);
  data.Data(1, "hello ", 5);
  data.Data(1, "world", 6);
  data.End(7);
  ASSERT_EQ(h.records().size(), 1u);  // the RETR waits for its final reply
  h.Data(1, "226 Transfer complete.\r\n", 8);
  ASSERT_EQ(h.records().size(), 2u);
  const json& r = h.records()[1];
  EXPECT_EQ(r["command"], "RETR");
  EXPECT_EQ(r["file"], "/pub/file.bin");
  EXPECT_EQ(r["preliminary"], json::array({150}));
  EXPECT_EQ(r["reply_code"], 226);
  EXPECT_EQ(r["data"], (json{{"flow", 9},
                             {"community_id", "1:data9"},
                             {"bytes", 11},
                             {"sha256", Sha256Hex("hello world")},
                             {"direction", "download"},
                             {"ended", true}}));
}

// The final reply came before the data connection ended: the record waits for it, and
// the records after it wait too, in order.
TEST(AnalysisFtpData, RecordWaitsForItsDataConnection) {
  AnalysisHarness h = Ftp();
  Exchange(h, "PASV", "227 Entering Passive Mode (10,0,0,2,4,0)", 1);
  DataConnection data(h.expected().at(0).expectation, h, 9);
  h.Data(0, "RETR a\r\n", 3);
  data.Data(1, "abc", 4);
  h.Data(1, "150 Opening\r\n226 Done\r\n", 5);
  Exchange(h, "NOOP", "200 ok", 6);
  ASSERT_EQ(h.records().size(), 1u);  // only the PASV
  data.Data(1, "def", 8);
  data.End(9);
  const auto& r = h.records();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1]["command"], "RETR");
  EXPECT_EQ(r[1]["data"]["bytes"], 6);
  EXPECT_EQ(r[1]["data"]["sha256"], Sha256Hex("abcdef"));
  EXPECT_EQ(r[2]["command"], "NOOP");
}

// A data connection still open at the control connection's end: what it carried so far,
// not ended, no digest.
TEST(AnalysisFtpData, ControlEndsFirst) {
  std::unique_ptr<DataConnection> data;
  AnalysisHarness sink = Ftp();
  {
    AnalysisHarness h = Ftp();
    Exchange(h, "PASV", "227 Entering Passive Mode (10,0,0,2,4,0)", 1);
    data = std::make_unique<DataConnection>(h.expected().at(0).expectation, sink, 9);
    h.Data(0, "STOR up.txt\r\n", 3);
    h.Data(1, "150 Ok to send data.\r\n", 4);
    data->Data(0, "partial", 5);
    h.End(6);
    ASSERT_EQ(h.records().size(), 2u);
    const json& r = h.records()[1];
    EXPECT_EQ(r["command"], "STOR");
    EXPECT_EQ(r["file"], "up.txt");
    EXPECT_FALSE(r.contains("reply_code"));
    EXPECT_EQ(r["data"], (json{{"flow", 9},
                               {"community_id", "1:data9"},
                               {"bytes", 7},
                               {"direction", "upload"},
                               {"ended", false}}));
  }
  data->Data(0, "more", 7);  // the control analyser is gone: nobody is told, nothing breaks
  data->End(8);
  EXPECT_TRUE(sink.records().empty());
}

TEST(AnalysisFtpData, GapMeansNoDigest) {
  AnalysisHarness h = Ftp();
  Exchange(h, "PASV", "227 Entering Passive Mode (10,0,0,2,4,0)", 1);
  Exchange(h, "RETR big.iso", "150 Opening", 3);
  DataConnection data(h.expected().at(0).expectation, h, 9);
  data.Data(1, "abc", 5);
  data.Gap(1, 100, 6);
  data.Data(1, "def", 7);
  data.End(8);
  h.Data(1, "226 Transfer complete.\r\n", 9);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["data"], (json{{"flow", 9},
                                          {"community_id", "1:data9"},
                                          {"bytes", 6},
                                          {"gaps", 100},
                                          {"direction", "download"},
                                          {"ended", true}}));
}

// A server behind NAT names its private address: the connection is expected at the
// control connection's server too, and either reports to the same transfer.
TEST(AnalysisFtpData, PasvBehindNat) {
  AnalysisHarness h = Ftp();
  Exchange(h, "PASV", "227 Entering Passive Mode (192,168,1,5,4,0)", 1);
  ASSERT_EQ(h.expected().size(), 2u);
  const Expectation& a = h.expected()[0].expectation;
  const Expectation& b = h.expected()[1].expectation;
  EXPECT_EQ(std::vector<uint8_t>(a.server, a.server + 4), (std::vector<uint8_t>{192, 168, 1, 5}));
  EXPECT_EQ(std::vector<uint8_t>(b.server, b.server + 4), (std::vector<uint8_t>{10, 0, 0, 2}));
  EXPECT_EQ(a.port, 1024);
  EXPECT_EQ(b.port, 1024);
  EXPECT_EQ(h.records().at(0)["data_host"], "192.168.1.5");  // as announced
  Exchange(h, "RETR x", "150 Opening", 3);
  DataConnection data(b, h, 9);
  DataConnection stray(a, h, 10);  // a second connection does not take the transfer over
  data.Data(1, "xyz", 5);
  stray.Data(1, "other", 5);
  data.End(6);
  stray.End(6);
  h.Data(1, "226 Transfer complete.\r\n", 7);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["data"]["flow"], 9);
  EXPECT_EQ(h.records()[1]["data"]["bytes"], 3);
}

TEST(AnalysisFtpData, EpsvUsesTheControlServer) {
  AnalysisHarness h = Ftp();
  Exchange(h, "EPSV", "229 Entering Extended Passive Mode (|||6446|)", 1);
  ASSERT_EQ(h.expected().size(), 1u);
  const Expectation& x = h.expected()[0].expectation;
  EXPECT_FALSE(x.ipv6);
  EXPECT_EQ(std::vector<uint8_t>(x.server, x.server + 4), (std::vector<uint8_t>{10, 0, 0, 2}));
  EXPECT_EQ(x.port, 6446);
  EXPECT_EQ(h.records().at(0)["data_host"], "10.0.0.2");
  EXPECT_EQ(h.records().at(0)["data_port"], 6446);
  Exchange(h, "EPSV", "500 no", 3);  // a failure announces nothing
  EXPECT_EQ(h.expected().size(), 1u);
}

// PORT and EPRT: active mode, the data connection's server is the FTP client.
TEST(AnalysisFtpData, PortAnnouncesTheClient) {
  AnalysisHarness h = Ftp();
  Exchange(h, "PORT 10,0,0,1,4,1", "200 PORT command successful.", 1);
  ASSERT_EQ(h.expected().size(), 1u);
  const Expectation& x = h.expected()[0].expectation;
  EXPECT_FALSE(x.ipv6);
  EXPECT_EQ(std::vector<uint8_t>(x.server, x.server + 4), (std::vector<uint8_t>{10, 0, 0, 1}));
  EXPECT_EQ(x.port, 1025);
  EXPECT_EQ(h.records().at(0)["data_host"], "10.0.0.1");
  EXPECT_EQ(h.records().at(0)["data_port"], 1025);
  Exchange(h, "STOR up.txt", "150 Ok to send data.", 3);
  DataConnection data(x, h, 11);  // opened by the FTP server: the upload flows back (dir 1)
  data.Data(1, "payload", 5);
  data.End(6);
  h.Data(1, "226 Transfer complete.\r\n", 7);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[1]["data"]["bytes"], 7);
  EXPECT_EQ(h.records()[1]["data"]["direction"], "upload");
  EXPECT_EQ(h.records()[1]["data"]["sha256"], Sha256Hex("payload"));

  Exchange(h, "EPRT |2|2001:db8::1|5282|", "200 EPRT command successful.", 8);
  ASSERT_EQ(h.expected().size(), 2u);
  const Expectation& y = h.expected()[1].expectation;
  EXPECT_TRUE(y.ipv6);
  EXPECT_EQ(std::vector<uint8_t>(y.server, y.server + 16),
            (std::vector<uint8_t>{0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(y.port, 5282);
  EXPECT_EQ(h.records().at(2)["data_host"], "2001:db8::1");
}

// Without anywhere to announce to, the record still names the endpoint.
TEST(AnalysisFtpData, NoExpectationsNoCrash) {
  AnalysisHarness h(Kind::kFtp, 21);
  Exchange(h, "PASV", "227 Entering Passive Mode (10,0,0,2,4,0)", 1);
  Exchange(h, "RETR x", "226 Done", 3);
  ASSERT_EQ(h.records().size(), 2u);
  EXPECT_EQ(h.records()[0]["data_port"], 1024);
  EXPECT_FALSE(h.records()[1].contains("data"));
}

}  // namespace
