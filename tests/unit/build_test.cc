// `pcapkit build`: records back to frames through the library (RebuildCapture) and the
// CLI — the round trip of built packets, both input shapes, compressed input, both output
// formats, the fixes after an edit, and hostile records: each an error naming the frame
// and the field, after the frames before it are written, never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit::ipsuite;
using testutil::RunCli;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string WriteText(const std::string& text, const std::string& suffix) {
  return testutil::WriteTemp(Bytes(text.begin(), text.end()), suffix);
}

std::vector<CapturedFrame> Frames() {
  TcpConversation tcp({"10.0.0.1", 40000}, {"10.0.0.2", 80});
  std::vector<CapturedFrame> frames;
  int64_t sec = 1700000000;
  for (const auto& group :
       {tcp.Handshake(), tcp.Send(TcpConversation::kClient, Bytes(300, 'x')), tcp.Close()})
    for (const Packet& p : group) frames.push_back({.data = p.Build(), .sec = sec++, .nsec = 1});
  Packet udp = Ethernet{} / Ipv6{} / Udp{.srcport = 5, .dstport = 9} / Bytes{1, 2, 3};
  frames.push_back({.data = udp.Build(), .sec = sec, .nsec = 999});
  return frames;
}

// The records `extract --payload` writes for `capture`, in `format`.
std::string Records(const std::string& capture, const std::string& format = "ndjson") {
  testutil::CliResult r = RunCli({"extract", capture, "--payload", "-f", format, "-o", "-"});
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

// The frames of a pcap file, by the reader's tests' own reader.
std::vector<Bytes> FramesOf(const std::string& path) {
  std::string text = Slurp(path);
  return testutil::ReadAll(Bytes(text.begin(), text.end())).data;
}

TEST(Build, RecordsComeBackAsTheirFramesInEveryShape) {
  std::vector<CapturedFrame> frames = Frames();
  std::string capture = testutil::WriteTemp(PcapFile(frames, {.nanosecond = true}), ".pcap");
  std::string ndjson = Records(capture);
  std::string gz = testutil::WriteTemp(testutil::Gzip(Bytes(ndjson.begin(), ndjson.end())), ".gz");
  for (const std::string& input :
       {WriteText(ndjson, ".ndjson"), WriteText(Records(capture, "json"), ".json"), gz}) {
    for (const char* format : {"pcap", "pcapng"}) {
      std::string out = testutil::WriteTemp({}, std::string(".") + format);
      testutil::CliResult r = RunCli({"build", input, "-f", format, "-o", out});
      ASSERT_EQ(r.status, 0) << input << " " << r.err;
      std::vector<Bytes> got = FramesOf(out);
      ASSERT_EQ(got.size(), frames.size()) << input << " " << format;
      for (size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(got[i], frames[i].data) << i;
      // The timestamps keep their nanoseconds.
      std::string again = RunCli({"extract", out, "-f", "ndjson", "-o", "-"}).out;
      EXPECT_NE(again.find("\"time_nsec\":999"), std::string::npos);
    }
  }
}

// Bytes a layer's parent carries past the layer's own length are the layer's `after`
// member, and come back: a UDP length shorter than its IP payload, an IPv4 packet shorter
// than its raw-IP frame, an ICMP error quoting more than the datagram's total length.
TEST(Build, BytesPastALayersOwnLengthAreItsTrailingBytes) {
  Packet short_udp = Ethernet{} / Ipv4{} / Udp{.srcport = 5, .dstport = 9, .len = 12} /
                     Bytes{1, 2, 3, 4, 0xa, 0xb, 0xc};
  Bytes raw_ip = (Ipv4{} / Udp{.srcport = 5, .dstport = 9} / Bytes{1, 2}).Build();
  raw_ip.insert(raw_ip.end(), {0xee, 0xee});
  Bytes quoted =
      (Ipv4{.src = "10.0.0.9", .dst = "10.0.0.1"} / Udp{.srcport = 53, .dstport = 9} / Bytes{7})
          .Build();
  quoted.insert(quoted.end(), 3, 0x55);  // past the quoted datagram's total length
  Packet error = Ethernet{} / Ipv4{} / Icmp{.type = 3, .code = 3} / quoted;
  std::vector<CapturedFrame> frames = {{.data = short_udp.Build(), .sec = 1},
                                       {.data = error.Build(), .sec = 2}};
  std::string capture = testutil::WriteTemp(PcapFile(frames), ".pcap");
  std::string raw_capture =
      testutil::WriteTemp(PcapFile({{.data = raw_ip, .sec = 3}}, {.linktype = 101}), ".pcap");

  std::string records = Records(capture);
  nlohmann::json udp = nlohmann::json::parse(records.substr(0, records.find('\n')));
  EXPECT_EQ(udp["ethernet"]["ipv4"]["udp"]["after"], nlohmann::json::parse(R"({"len": 3,
      "data": "0a0b0c"})"));
  EXPECT_FALSE(udp["ethernet"]["ipv4"].contains("after"));
  EXPECT_NE(records.find(R"("after":{"len":3,"data":"555555"})"), std::string::npos) << records;
  std::string raw_records = Records(raw_capture);
  EXPECT_NE(raw_records.find(R"("after":{"len":2,"data":"eeee"})"), std::string::npos)
      << raw_records;

  for (const auto& [input, expected] :
       {std::pair{capture, frames},
        std::pair{raw_capture, std::vector<CapturedFrame>{{.data = raw_ip}}}}) {
    std::string out = testutil::WriteTemp({}, ".pcap");
    testutil::CliResult r =
        RunCli({"build", WriteText(Records(input), ".ndjson"), "-f", "pcap", "-o", out});
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<Bytes> got = FramesOf(out);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], expected[i].data) << input << " " << i;
  }
}

TEST(Build, StdinInAndStdoutOut) {
  std::string capture = testutil::WriteTemp(PcapFile(Frames()), ".pcap");
  std::string records = WriteText(Records(capture), ".ndjson");
  testutil::CliResult r = RunCli({"build", "-"}, records);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<Bytes> got = testutil::ReadAll(Bytes(r.out.begin(), r.out.end())).data;
  std::vector<CapturedFrame> frames = Frames();
  ASSERT_EQ(got.size(), frames.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], frames[i].data) << i;
}

// A record broken on purpose in the middle of the input: the frames before it are
// written, the run stops with an input error naming the frame, the field and the offset.
TEST(Build, ABadRecordStopsTheRunAfterTheFramesBeforeIt) {
  std::string capture = testutil::WriteTemp(PcapFile(Frames()), ".pcap");
  std::string ndjson = Records(capture);
  std::vector<std::string> lines;
  std::istringstream split(ndjson);
  for (std::string line; std::getline(split, line);) lines.push_back(line);
  struct Case {
    std::string from, to, says;
  } cases[] = {
      {"\"ttl\":64", "\"ttl\":640", "field ipv4.ttl: above 255"},
      {"\"ttl\":64", "\"ttl\":\"64\"", "field ipv4.ttl: not a non-negative integer"},
      {"\"src\":\"10.0.0.1\"", "\"src\":\"10.0.0.999\"", "field ipv4.src: not an IPv4 address"},
      {"\"srcport\":40000,", "", "field tcp.srcport: missing"},
      {"\"flags\":{", "\"flags\":{\"x\":1,\"y\":{},", ""},  // unknown members are ignored
      {"\"tcp\":{", "\"tcp\":{\"options\":5,", "field tcp.options: not a list"},
      {"{\"number\"", "{\"number\"", ""},
  };
  for (const Case& c : cases) {
    std::string third = lines[2];
    size_t at = third.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    third.replace(at, c.from.size(), c.to);
    std::string text = lines[0] + "\n" + lines[1] + "\n" + third + "\n" + lines[3] + "\n";
    std::string out = testutil::WriteTemp({}, ".pcap");
    testutil::CliResult r = RunCli({"build", WriteText(text, ".ndjson"), "-o", out});
    if (c.says.empty()) {
      EXPECT_EQ(r.status, 0) << c.to << r.err;
      continue;
    }
    EXPECT_EQ(r.status, 1) << c.to;
    EXPECT_NE(r.err.find("record of frame 3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(byte " + std::to_string(lines[0].size() + lines[1].size() + 2) + ")"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(FramesOf(out).size(), 2u) << c.to;  // frames 1 and 2 are written
  }
}

TEST(Build, HostileInputIsAnErrorNeverACrash) {
  for (const std::string& text : std::vector<std::string>{
           std::string("{\"number\":1"), std::string("not json\n"), std::string("[1,2]\n"),
           std::string("{\"number\":1}\n"), std::string("{\"number\":1,\"cap_len\":0}\n"),
           std::string("{\n\"Frame 1\":{\"number\":x}\n}\n"), std::string("\n\n\n"),
           std::string(1 << 16, '{') + "\n", "{\"number\":1,\"raw\":{\"len\":3}}\n"}) {
    std::string out = testutil::WriteTemp({}, ".pcap");
    testutil::CliResult r = RunCli({"build", WriteText(text, ".ndjson"), "-o", out});
    EXPECT_TRUE(r.status == 0 || r.status == 1) << text.substr(0, 40) << ": " << r.err;
    if (r.status == 1) {
      EXPECT_NE(r.err.find("record of frame"), std::string::npos) << r.err;
    }
  }
  // A raw layer without its bytes: extract was run without --payload.
  std::string capture = testutil::WriteTemp(PcapFile(Frames()), ".pcap");
  std::string plain = RunCli({"extract", capture, "-f", "ndjson", "-o", "-"}).out;
  testutil::CliResult r = RunCli({"build", WriteText(plain, ".ndjson"), "-o", "/dev/null"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("raw.data: missing: extract with --payload"), std::string::npos) << r.err;
}

TEST(Build, KeepGoingLeavesOutWhatCannotBeBuilt) {
  std::string capture = testutil::WriteTemp(PcapFile(Frames()), ".pcap");
  std::string ndjson = Records(capture);
  size_t second = ndjson.find('\n') + 1;
  ndjson.insert(second, "{\"number\":99,\"bad\":true}\n");
  std::string out = testutil::WriteTemp({}, ".pcap");
  testutil::CliResult r =
      RunCli({"build", WriteText(ndjson, ".ndjson"), "-o", out, "--keep-going"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("record of frame 99"), std::string::npos) << r.err;
  EXPECT_EQ(FramesOf(out).size(), Frames().size());
}

TEST(Build, FixesMendAnEditedRecord) {
  Packet p = Ethernet{} / Ipv4{} / Udp{.srcport = 5, .dstport = 9} / Bytes(20, 'a');
  std::string capture = testutil::WriteTemp(PcapFile({{.data = p.Build()}}), ".pcap");
  std::string ndjson = Records(capture);
  // A longer payload and another address: lengths and checksums are now stale.
  size_t data = ndjson.find("\"data\":\"") + 8;
  ndjson.insert(data, "6262");
  size_t src = ndjson.find("10.0.0.1");
  ndjson.replace(src, 8, "10.9.9.9");
  std::string records = WriteText(ndjson, ".ndjson");
  testutil::CliResult stale = RunCli({"build", records, "-o", "/dev/null"});
  EXPECT_EQ(stale.status, 1);
  EXPECT_NE(stale.err.find("cap_len says"), std::string::npos) << stale.err;
  std::string out = testutil::WriteTemp({}, ".pcap");
  testutil::CliResult fixed =
      RunCli({"build", records, "-o", out, "--fix-lengths", "--fix-checksums"});
  ASSERT_EQ(fixed.status, 0) << fixed.err;
  Packet expected = Ethernet{} / Ipv4{.src = "10.9.9.9"} / Udp{.srcport = 5, .dstport = 9} /
                    Concat({Bytes(2, 'b'), Bytes(20, 'a')});
  std::vector<Bytes> got = FramesOf(out);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], expected.Build());  // every length and checksum as the builder computes
}

// Records past one batch, built by one thread and by several: the same frames, in input
// order, and a bad record far in stops the run with every frame before it written.
TEST(Build, ManyThreadsWriteTheFramesInInputOrder) {
  std::vector<CapturedFrame> frames;
  for (uint16_t i = 0; i < 2000; ++i) {
    Packet p = Ethernet{} / Ipv4{} / Udp{.srcport = uint16_t(30000 + i), .dstport = 9} /
               Bytes(i % 300, 'p');
    frames.push_back({.data = p.Build(), .sec = 1700000000 + i, .nsec = 0});
  }
  std::string capture = testutil::WriteTemp(PcapFile(frames), ".pcap");
  std::string ndjson = Records(capture);
  std::string records = WriteText(ndjson, ".ndjson");
  for (const char* threads : {"1", "2", "3"}) {
    std::string out = testutil::WriteTemp({}, ".pcap");
    testutil::CliResult r = RunCli({"build", records, "-o", out, "--threads", threads});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(Slurp(out), Slurp(capture)) << threads << " threads";
  }
  size_t at = 0;  // the start of record 1500
  for (int line = 1; line < 1500; ++line) at = ndjson.find('\n', at) + 1;
  ndjson.replace(ndjson.find("\"ttl\":64,", at), 9, "\"ttl\":640,");
  std::string broken = WriteText(ndjson, ".ndjson");
  for (const char* threads : {"1", "2"}) {
    std::string out = testutil::WriteTemp({}, ".pcap");
    testutil::CliResult r = RunCli({"build", broken, "-o", out, "--threads", threads});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("record of frame 1500 (byte " + std::to_string(at) +
                         "): field ipv4.ttl: above 255"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(FramesOf(out).size(), 1499u) << threads << " threads";
    out = testutil::WriteTemp({}, ".pcap");
    r = RunCli({"build", broken, "-o", out, "--threads", threads, "--keep-going"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(FramesOf(out).size(), 1999u) << threads << " threads";
  }
  // A line that is not JSON, in a later batch: the input cannot be read on, --keep-going
  // or not; the error names the line's own offset.
  size_t bad = ndjson.find('\n', at) + 1;  // record 1501
  ndjson.insert(bad, "not json\n");
  std::string garbled = WriteText(ndjson, ".ndjson");
  for (const char* threads : {"1", "2"}) {
    std::string out = testutil::WriteTemp({}, ".pcap");
    testutil::CliResult r =
        RunCli({"build", garbled, "-o", out, "--threads", threads, "--keep-going"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(
        r.err.find("record of frame 1501 (byte " + std::to_string(bad) + "): not a JSON record"),
        std::string::npos)
        << r.err;
    EXPECT_EQ(FramesOf(out).size(), 1499u) << threads << " threads";  // 1500 left out
  }
}

// No frame at all — an empty input, or every record left out — still makes a capture
// that readers open, with no frame in it.
TEST(Build, NoFrameAtAllIsAnEmptyCapture) {
  std::string bad = WriteText("{\"number\":1,\"bad\":true}\n", ".ndjson");
  for (const std::string& input : {WriteText("", ".ndjson"), bad})
    for (const char* format : {"pcap", "pcapng"}) {
      std::string out = testutil::WriteTemp({}, std::string(".") + format);
      testutil::CliResult r = RunCli({"build", input, "-o", out, "-f", format, "--keep-going"});
      EXPECT_EQ(r.status, input == bad ? 1 : 0) << r.err;
      testutil::CliResult back = RunCli({"extract", out, "-f", "ndjson", "-o", "-"});
      EXPECT_EQ(back.status, 0) << format << ": " << back.err;
      EXPECT_EQ(back.out, "") << format;
    }
}

}  // namespace
