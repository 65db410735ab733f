// Diagnostics: the malformed layers a run met, counted alike under every strategy (the
// API's ExtractSummary::anomalies, the CLI's summary with -v), and the CLI's --log-level
// and --log-file: which diagnostics show, where they also go, stdout left to the report.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pcapkit/extractor.h"
#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using testutil::RunCli;

namespace {

constexpr const char* kBadIhl = "IPv4: header length below 20 bytes";
constexpr const char* kBadTcp = "TCP: header length exceeds the captured bytes";

// 300 TCP frames; an IPv4 header length of 16 bytes in frames 7, 150 and 299, a TCP data
// offset past the segment in frames 20 and 21.
std::string MalformedCapture() {
  std::vector<CapturedFrame> frames;
  for (uint32_t n = 1; n <= 300; ++n) {
    Ipv4 ip;
    Tcp tcp{.dstport = 80, .seq = n};
    if (n == 7 || n == 150 || n == 299) ip.hdr_len = 16;
    if (n == 20 || n == 21) tcp.hdr_len = 60;
    frames.push_back({.data = (Ethernet{} / ip / tcp / Bytes{'d'}).Build(), .sec = 1600000000 + n});
  }
  static const std::string path = WriteTemp(PcapFile(frames), ".pcap");
  return path;
}

std::vector<pcapkit::Anomaly> Anomalies(pcapkit::Strategy strategy, unsigned max_layers = 32) {
  pcapkit::ExtractOptions o;
  o.input = MalformedCapture();
  o.nofile = true;
  o.quiet = true;
  o.strategy = strategy;
  o.threads = 2;
  o.batch_bytes = 512;  // about 7 frames a batch: some 40 batches, in flight at once
  o.max_layers = max_layers;
  return pcapkit::Extractor(o).Run().anomalies;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> LinesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const pcapkit::Strategy kEveryStrategy[] = {
    pcapkit::Strategy::kSequential, pcapkit::Strategy::kServer, pcapkit::Strategy::kPipeline};

TEST(Anomalies, CountedByProtocolAndMessageAlikeUnderEveryStrategy) {
  for (pcapkit::Strategy strategy : kEveryStrategy) {
    std::vector<pcapkit::Anomaly> a = Anomalies(strategy);
    ASSERT_EQ(a.size(), 2u) << int(strategy);
    EXPECT_EQ(a[0].protocol, "ipv4");
    EXPECT_EQ(a[0].name, "IPv4");
    EXPECT_EQ(a[0].message, kBadIhl);
    EXPECT_EQ(a[0].count, 3u) << int(strategy);
    EXPECT_EQ(a[0].first_frame, 7u) << int(strategy);
    EXPECT_EQ(a[1].protocol, "tcp");
    EXPECT_EQ(a[1].name, "TCP");
    EXPECT_EQ(a[1].message, kBadTcp);
    EXPECT_EQ(a[1].count, 2u) << int(strategy);
    EXPECT_EQ(a[1].first_frame, 20u) << int(strategy);
  }
}

// A layer cut off by --max-layers tried no protocol: it counts as raw's.
TEST(Anomalies, TooManyLayersCountsAsRaw) {
  for (pcapkit::Strategy strategy : kEveryStrategy) {
    std::vector<pcapkit::Anomaly> a = Anomalies(strategy, 2);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].protocol, "raw");
    EXPECT_EQ(a[0].message, "too many nested layers");
    EXPECT_EQ(a[0].count, 300u);
    EXPECT_EQ(a[0].first_frame, 1u);
  }
}

TEST(Anomalies, NoneInAWellFormedCapture) {
  pcapkit::ExtractOptions o;
  o.input = WriteTemp(
      PcapFile({{.data = (Ethernet{} / Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build()}}),
      ".pcap");
  o.nofile = true;
  EXPECT_TRUE(pcapkit::Extractor(o).Run().anomalies.empty());
}

const std::string kSummary = std::string("[*] Malformed layers: 5\n") +
                             "[*]   ipv4: 3, first in frame 7: " + kBadIhl + "\n" +
                             "[*]   tcp: 2, first in frame 20: " + kBadTcp + "\n";

// -v prints the summary at the end, the same under every strategy; without -v nothing.
TEST(CliDiagnostics, VerbosePrintsTheMalformedLayersAtTheEnd) {
  std::string in = MalformedCapture();
  for (const char* engine : {"sequential", "server", "pipeline"}) {
    auto r = RunCli({"extract", in, "--nofile", "-v", "-E", engine, "--threads", "2"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(kSummary), std::string::npos) << engine << ": " << r.err;
    EXPECT_EQ(r.err.find("Malformed layers"), r.err.rfind("Malformed layers")) << r.err;
  }
  auto quiet = RunCli({"extract", in, "--nofile", "-q"});
  EXPECT_EQ(quiet.err, "");
  // The verbs that dissect frames have -v too, and --log-level info means the same.
  auto flows = RunCli({"flows", in, "-o", "-", "-f", "ndjson", "-q", "-v"});
  EXPECT_NE(flows.err.find(kSummary), std::string::npos) << flows.err;
  auto info = RunCli({"reassemble", in, "-o", "-", "-f", "ndjson", "-q", "--log-level", "info"});
  EXPECT_NE(info.err.find(kSummary), std::string::npos) << info.err;
}

// The level filters diagnostics, never the verb's output (-v's frame lines).
TEST(CliDiagnostics, LogLevelFiltersDiagnostics) {
  std::string in = MalformedCapture();
  std::string out = WriteTemp({}, ".json");
  const std::string warning =
      "pcapkit: warning: writing tree into '" + out + "', whose extension names json\n";
  EXPECT_EQ(RunCli({"extract", in, "-o", out, "-t", "-q"}).err, warning);
  EXPECT_EQ(RunCli({"extract", in, "-o", out, "-t", "-q", "--log-level", "error"}).err, "");
  auto debug = RunCli({"extract", in, "-o", out, "-t", "-q", "--log-level", "debug"});
  EXPECT_NE(debug.err.find(warning), std::string::npos) << debug.err;
  EXPECT_NE(debug.err.find("pcapkit: debug: engine sequential"), std::string::npos) << debug.err;
  EXPECT_NE(debug.err.find("pcapkit: debug: run: 300 frames"), std::string::npos) << debug.err;
  auto frames_only = RunCli({"extract", in, "--nofile", "-v", "--log-level", "warning"});
  EXPECT_NE(frames_only.err.find("Frame 300: Ethernet:IPv4:TCP:Raw\n"), std::string::npos);
  EXPECT_EQ(frames_only.err.find("[*]"), std::string::npos) << frames_only.err;
  // Errors too: off leaves the exit status alone to tell.
  auto missing = RunCli({"extract", "/nonexistent/in.pcap", "-o", "-", "-j", "--log-level", "off"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "");
}

TEST(CliDiagnostics, ABadLevelIsAUsageErrorOnEveryVerb) {
  std::string in = MalformedCapture();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"extract", in, "-o", "-", "-j"},
        std::vector<std::string>{"flows", in, "-o", "-", "-j"},
        std::vector<std::string>{"protocols"}, std::vector<std::string>{"schema"}}) {
    args.insert(args.end(), {"--log-level", "loud"});
    auto r = RunCli(args);
    EXPECT_EQ(r.status, 2) << args[0];
    EXPECT_EQ(r.err,
              "pcapkit: usage error: --log-level takes trace, debug, info, warning, error, "
              "critical or off, not 'loud'\n")
        << args[0];
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(RunCli({"protocols", "--log-level", "off"}).status, 0);
}

// The file gets the lines stderr gets, after a timestamp and the process id, appended run
// after run; stdout stays the report alone.
TEST(CliDiagnostics, LogFileReceivesTheDiagnosticsAndStdoutStaysTheReport) {
  std::string in = MalformedCapture();
  std::string log = WriteTemp({}, ".log");
  for (int run = 0; run < 2; ++run) {
    auto r = RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-v", "--log-level", "debug",
                     "--log-file", log});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(testutil::NdjsonLines(r.out).size(), 300u);  // parses: nothing else on stdout
    EXPECT_NE(r.err.find(kSummary), std::string::npos) << r.err;
  }
  std::vector<std::string> lines = LinesOf(Slurp(log));
  auto count = [&](const std::string& text) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(text) != std::string::npos;
    });
  };
  EXPECT_EQ(count(" [*] Loading file '" + in + "'"), 2);
  EXPECT_EQ(count(" [*]   ipv4: 3, first in frame 7: " + std::string(kBadIhl)), 2);
  EXPECT_EQ(count(" pcapkit: debug: run: 300 frames"), 2);
  EXPECT_EQ(count("Frame "), 0);  // output, not diagnostics
  for (const std::string& line : lines) {
    // 2026-01-31T12:34:56.789Z 1234 ...
    ASSERT_GT(line.size(), 26u) << line;
    EXPECT_EQ(line[10], 'T') << line;
    EXPECT_EQ(line.substr(23, 2), "Z ") << line;
  }
  auto bad = RunCli({"extract", in, "-o", "-", "-j", "--log-file", "/nonexistent/dir/x.log"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err,
            "pcapkit: /nonexistent/dir/x.log: cannot open the log file: No such file or "
            "directory\n");
  EXPECT_EQ(bad.out, "");
}

}  // namespace

namespace {

// A folder given as the input is logged capture by capture, in the order they are read,
// as jspcap logged each file it loaded; the -a extension is the one read, not the one given.
TEST(CliDiagnostics, EachCaptureOfAFolderIsLogged) {
  std::string dir = WriteTemp({}, ".captures");  // a unique name, made a folder
  std::filesystem::remove(dir);
  std::filesystem::create_directory(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  Bytes capture = PcapFile(
      {{.data = (Ethernet{} / Ipv4{} / Udp{.srcport = 7, .dstport = 9} / Bytes(4, 1)).Build()}});
  for (const char* name : {"b.pcap", "a.pcap"})
    std::ofstream(dir + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(capture.data()), std::streamsize(capture.size()));
  std::ofstream(dir + "/notes.txt") << "not a capture\n";
  auto r = RunCli({"extract", dir, "-o", "-", "-f", "ndjson", "-v"});
  ASSERT_EQ(r.status, 0) << r.err;
  size_t a = r.err.find("[*] Loading file '" + dir + "/a.pcap'");
  size_t b = r.err.find("[*] Loading file '" + dir + "/b.pcap'");
  EXPECT_NE(a, std::string::npos) << r.err;
  EXPECT_NE(b, std::string::npos) << r.err;
  EXPECT_LT(a, b);
  EXPECT_EQ(r.err.find("notes.txt"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Loading file '" + dir + "'"), std::string::npos) << r.err;
  std::string stem = dir + "/a";
  auto auto_ext = RunCli({"extract", stem, "-a", "-o", "-", "-f", "ndjson", "-v"});
  ASSERT_EQ(auto_ext.status, 0) << auto_ext.err;
  EXPECT_NE(auto_ext.err.find("Loading file '" + stem + ".pcap'"), std::string::npos)
      << auto_ext.err;
}

}  // namespace
