// The foreign engines (-E dpkt, scapy, tshark, pyshark) as pcapkit runs them: every option
// they cannot honour refused (or --fallback), the adapter contract (frame, meta and error
// lines, exit status 3 for a missing module), records replayed byte for byte as pcapkit
// writes its own, --count ending the adapter early, -e columns from replayed records.
// The adapters here are fakes: shell scripts run with PCAPKIT_PYTHON=/bin/sh from a
// folder PCAPKIT_ENGINES names. The real tools' agreement is tests/diff's.
#include "stages/foreign/foreign_engine.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pcapkit/extractor.h"
#include "pcapkit/ipsuite.h"
#include "stages/foreign/replay.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using nlohmann::json;
using testutil::Gzip;
using testutil::RunCli;
using testutil::TcpFrames;
using testutil::WriteTemp;

namespace {

namespace fs = std::filesystem;

const char* const kEngines[] = {"dpkt", "scapy", "tshark", "pyshark"};

// The adapter that replays pcapkit's own records: each line of `extract -f ndjson`
// wrapped as {"frame": ...}.
constexpr const char* kReplayAdapter =
    "\"$PCAPKIT_TEST_CLI\" extract \"$1\" -f ndjson -o - | sed 's/^/{\"frame\":/; s/$/}/'\n";

class ForeignEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pcapkit-foreign-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("PCAPKIT_ENGINES", dir_.c_str(), 1);
    setenv("PCAPKIT_PYTHON", "/bin/sh", 1);
    setenv("PCAPKIT_TEST_CLI", PCAPKIT_CLI, 1);
    for (const char* name : {"dpkt", "scapy", "tshark"}) Adapter(name, kReplayAdapter);
    capture_ = WriteTemp(PcapFile(TcpFrames(5)), ".pcap");
  }
  void TearDown() override {
    unsetenv("PCAPKIT_ENGINES");
    unsetenv("PCAPKIT_PYTHON");
    unsetenv("PCAPKIT_TEST_CLI");
    fs::remove_all(dir_);
  }
  // The adapter of `engine` (dpkt, scapy, tshark): a shell script.
  void Adapter(const std::string& engine, const std::string& script) {
    std::ofstream(dir_ / (engine + "_adapter.py")) << script;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Read(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  fs::path dir_;
  std::string capture_;
};

// Each engine with each option it cannot honour: a usage error naming both.
TEST_F(ForeignEngine, EveryRefusalNamesEngineAndOption) {
  std::string out = Path("out.json");
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"-L", "link"}, "-L/--layer"},
      {{"-P", "tcp"}, "-P/--protocol"},
      {{"--reassemble", "tcp"}, "--reassemble"},
      {{"-f", "pcap"}, "-f pcap"},
      {{"-f", "pcapng"}, "-f pcapng"},
      {{"-F", "-f", "json"}, "-F/--files"},
      {{"--flow-id"}, "--flow-id"},
      {{"--flows", Path("flows.ndjson")}, "--flows"},
      {{"--trace", Path("trace")}, "--trace"},
      {{"--filter", "tcp"}, "--filter"},
      {{"--payload"}, "--payload"},
      {{"--names"}, "--names"},
      {{"--max-layers", "4"}, "--max-layers"},
      {{capture_}, "several inputs"},
  };
  for (const char* engine : kEngines) {
    for (const auto& [flags, option] : refused) {
      std::vector<std::string> args{"extract", capture_, "-E", engine, "-o", out};
      args.insert(args.end(), flags.begin(), flags.end());
      auto r = RunCli(args);
      EXPECT_EQ(r.status, 2) << engine << " " << option << ": " << r.err;
      EXPECT_NE(r.err.find(std::string("-E ") + engine + " cannot honour " + option),
                std::string::npos)
          << r.err;
      EXPECT_FALSE(fs::exists(out));
    }
    auto r = RunCli({"extract", "-", "-E", engine, "-f", "ndjson", "-o", "-"}, capture_);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("cannot honour stdin"), std::string::npos) << r.err;
  }
  std::string gz = WriteTemp(Gzip(PcapFile(TcpFrames(1))), ".pcap.gz");
  auto r = RunCli({"extract", gz, "-E", "dpkt", "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("gzip-compressed"), std::string::npos) << r.err;
}

TEST_F(ForeignEngine, OtherVerbsRefuseForeignEngines) {
  for (const char* verb : {"reassemble", "flows", "trace", "analyse"}) {
    std::vector<std::string> args{verb, capture_, "-E", "pyshark", "-o", Path("out")};
    auto r = RunCli(args);
    EXPECT_EQ(r.status, 2) << verb << ": " << r.err;
    EXPECT_NE(r.err.find("-E pyshark runs extract only: " + std::string(verb)), std::string::npos)
        << r.err;
  }
}

TEST_F(ForeignEngine, FallbackRunsTheSequentialEngineWithAWarning) {
  auto own = RunCli({"extract", capture_, "-L", "internet", "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(own.status, 0) << own.err;
  Adapter("dpkt", "echo never run >&2; exit 1\n");
  auto r = RunCli({"extract", capture_, "-E", "dpkt", "-L", "internet", "--fallback", "-f",
                   "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, own.out);
  EXPECT_NE(r.err.find("pcapkit: warning: -E dpkt cannot honour -L/--layer"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("running the sequential engine instead (--fallback)"), std::string::npos);
}

// Exit status 3 means a module or tool is missing: the Debian package to install.
TEST_F(ForeignEngine, MissingModuleNamesTheDebianPackage) {
  const std::pair<const char*, const char*> packages[] = {{"dpkt", "python3-dpkt"},
                                                          {"scapy", "python3-scapy"},
                                                          {"tshark", "tshark"},
                                                          {"pyshark", "tshark"}};
  for (const char* name : {"dpkt", "scapy", "tshark"})
    Adapter(name, "echo \"ModuleNotFoundError: No module named '" + std::string(name) +
                      "'\" >&2; exit 3\n");
  for (const auto& [engine, package] : packages) {
    auto r = RunCli({"extract", capture_, "-E", engine, "-f", "ndjson", "-o", Path("o.ndjson")});
    EXPECT_EQ(r.status, 2) << r.err;
    std::string engine_name = std::string(engine) == "pyshark" ? "tshark" : engine;
    EXPECT_NE(r.err.find("the " + engine_name + " engine needs Debian's " + package +
                         " (apt-get install " + package + ")"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(Path("o.ndjson")));
  }
  setenv("PCAPKIT_PYTHON", "/nonexistent/python3", 1);
  auto r = RunCli({"extract", capture_, "-E", "dpkt", "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("the dpkt engine needs Debian's python3 (apt-get install python3)"),
            std::string::npos)
      << r.err;
}

// An error line: every record before it is written, then pcapkit's input error.
TEST_F(ForeignEngine, ErrorLineEndsTheRunAsAnInputError) {
  Adapter("scapy",
          "\"$PCAPKIT_TEST_CLI\" extract \"$1\" -f ndjson -o - | head -n 2 | "
          "sed 's/^/{\"frame\":/; s/$/}/'\n"
          "echo '{\"error\": {\"message\": \"truncated record\", \"frame\": 3, "
          "\"offset\": 170}}'\nexit 1\n");
  std::string out = Path("report.json");
  auto r = RunCli({"extract", capture_, "-E", "scapy", "-o", out});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(capture_ + ": frame 3, byte offset 170: truncated record (-E scapy)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("2 frames before it written"), std::string::npos) << r.err;
  json report = json::parse(Read(out));  // closed and valid
  EXPECT_TRUE(report.contains("Frame 2"));
  EXPECT_FALSE(report.contains("Frame 3"));
  // Nothing after the error line is read, and an adapter that goes on is ended.
  Adapter("scapy",
          "echo '{\"error\": {\"message\": \"bad block\", \"frame\": 1, \"offset\": 24}}'\n"
          "exec yes '{\"frame\": {\"number\": 9}}'\n");
  r = RunCli({"extract", capture_, "-E", "scapy", "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("frame 1, byte offset 24: bad block"), std::string::npos) << r.err;
}

TEST_F(ForeignEngine, AdapterFailureIsAnInternalErrorQuotingItsStderr) {
  Adapter("dpkt", "echo 'Traceback: something broke in the adapter' >&2; exit 1\n");
  auto r = RunCli({"extract", capture_, "-E", "dpkt", "-f", "ndjson", "-o", Path("o.ndjson")});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("pcapkit: internal error: the dpkt adapter exited with status 1: "
                       "Traceback: something broke in the adapter"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(Path("o.ndjson")));
  Adapter("dpkt", "echo 'not json'\n");
  r = RunCli({"extract", capture_, "-E", "dpkt", "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("not json"), std::string::npos) << r.err;
}

// PCAPKIT_ENGINES first; without the adapter there, the source tree's (a build tree's
// run: nothing is installed).
TEST_F(ForeignEngine, AdaptersAreFoundInPcapkitEnginesThenTheTree) {
  std::string path;
  ASSERT_TRUE(pcapkit::stages::foreign::FindAdapter(pcapkit::Strategy::kScapy, &path).ok());
  EXPECT_EQ(path, Path("scapy_adapter.py"));
  setenv("PCAPKIT_ENGINES", Path("none").c_str(), 1);
  ASSERT_TRUE(pcapkit::stages::foreign::FindAdapter(pcapkit::Strategy::kTshark, &path).ok());
  EXPECT_TRUE(path.ends_with("/pcapkit/engines/tshark_adapter.py") ||
              path ==
                  std::string(PCAPKIT_SOURCE_DIR) + "/stages/foreign/adapters/tshark_adapter.py")
      << path;
}

// pcapkit's own records through the adapter contract come out byte for byte as written.
TEST_F(ForeignEngine, ReplayIsByteIdenticalToPcapkitsOwnRecords) {
  std::string capture = WriteTemp(PcapFile(TcpFrames(40)), ".pcap");
  for (const char* format : {"ndjson", "json", "tree", "plist"}) {
    auto own = RunCli({"extract", capture, "-E", "sequential", "-f", format, "-o", "-"});
    auto replayed = RunCli({"extract", capture, "-E", "dpkt", "-f", format, "-o", "-"});
    ASSERT_EQ(replayed.status, 0) << replayed.err;
    if (std::string(format) == "ndjson") {
      EXPECT_EQ(replayed.out, own.out);
      continue;
    }
    // The fake adapter writes no file header: the frames are the report's tail.
    std::string frames =
        own.out.substr(own.out.find(std::string(format) == "json"   ? "\"Frame 1\""
                                    : std::string(format) == "tree" ? "Frame 1\n"
                                                                    : "<key>Frame 1</key>"));
    EXPECT_NE(replayed.out.find(frames), std::string::npos) << format;
  }
}

TEST_F(ForeignEngine, MetaLinesAreTheReportsFileRecords) {
  Adapter("tshark",
          "cat >/dev/null\n"
          "echo '{\"meta\": {\"kind\": \"global_header\", \"linktype\": 1, \"snaplen\": 262144, "
          "\"ts_digits\": 6, \"fields\": {\"format\": \"pcap\", \"snaplen\": 262144, "
          "\"network\": 1, \"linktype\": 1}}}'\n" +
              std::string(kReplayAdapter));
  auto r = RunCli({"extract", capture_, "-E", "tshark", "-f", "json", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with(
      "{\n\"Global Header\":{\"format\":\"pcap\",\"snaplen\":262144,\"network\":1,"
      "\"linktype\":1},\n\"Frame 1\":{\"number\":1,"))
      << r.out.substr(0, 200);
  auto n = RunCli({"extract", capture_, "-E", "tshark", "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(testutil::NdjsonLines(n.out).size(), 5u);  // ndjson has no file records
}

// tshark's adapter reads the field map on stdin: `pcapkit fields --json`.
TEST_F(ForeignEngine, TsharkAdapterReadsTheFieldMapOnStdin) {
  Adapter("tshark", "cat > \"" + Path("stdin.json") + "\"\n");
  auto r = RunCli({"extract", capture_, "-E", "pyshark", "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto fields = RunCli({"fields", "--json"});
  EXPECT_EQ(Read(Path("stdin.json")), fields.out);
  json map = json::parse(fields.out);
  EXPECT_TRUE(map[0]["fields"][0].contains("tshark"));
}

// --count ends an adapter that would write for ever; --frames too, past its last frame.
TEST_F(ForeignEngine, CountAndFramesEndTheAdapterEarly) {
  Adapter("dpkt",
          "i=0; while :; do i=$((i+1)); echo \"{\\\"frame\\\": {\\\"number\\\": $i, "
          "\\\"protocols\\\": \\\"Raw\\\", \\\"raw\\\": {\\\"len\\\": 1}}}\"; done\n");
  auto start = std::chrono::steady_clock::now();
  auto r = RunCli({"extract", capture_, "-E", "dpkt", "--count", "3", "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"number\":1,\"protocols\":\"Raw\",\"raw\":{\"len\":1}}\n"
            "{\"number\":2,\"protocols\":\"Raw\",\"raw\":{\"len\":1}}\n"
            "{\"number\":3,\"protocols\":\"Raw\",\"raw\":{\"len\":1}}\n");
  r = RunCli(
      {"extract", capture_, "-E", "dpkt", "--frames", "7,1000-1001", "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto lines = testutil::NdjsonLines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["number"], 7);
  EXPECT_EQ(lines[2]["number"], 1001);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

// -e columns from replayed records: the same rows as pcapkit's own (layers found wherever
// they sit, the frame's own members, --occurrence, --no-header).
TEST_F(ForeignEngine, FieldColumnsFromReplayedRecords) {
  for (std::vector<std::string> flags :
       {std::vector<std::string>{"-f", "csv", "-e", "number,time_epoch,ipv4.src,tcp.dstport"},
        std::vector<std::string>{"-f", "tsv", "-e", "tcp.flags.syn", "-e", "ethernet.src",
                                 "--no-header"},
        std::vector<std::string>{"-f", "ndjson", "--fields", "protocols,tcp.seq,ipv4.ttl",
                                 "--occurrence", "last"}}) {
    std::vector<std::string> own{"extract", capture_, "-o", "-"}, foreign = own;
    own.insert(own.end(), flags.begin(), flags.end());
    foreign.insert(foreign.end(), {"-E", "scapy"});
    foreign.insert(foreign.end(), flags.begin(), flags.end());
    auto a = RunCli(own), b = RunCli(foreign);
    EXPECT_EQ(a.status, b.status) << b.err;
    EXPECT_EQ(b.out, a.out) << flags[1];
  }
}

TEST_F(ForeignEngine, VerboseLinesAndSummary) {
  auto r =
      RunCli({"extract", capture_, "-E", "dpkt", "-v", "-f", "ndjson", "-o", Path("o.ndjson")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("Frame   5: Ethernet:IPv4:TCP:Raw\n"), std::string::npos) << r.err;
  EXPECT_EQ(testutil::NdjsonLines(Read(Path("o.ndjson"))).size(), 5u);
}

TEST_F(ForeignEngine, NofileReadsEveryRecordAndWritesNothing) {
  auto r = RunCli({"extract", capture_, "-E", "tshark", "--nofile", "-v"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Frame   5: "), std::string::npos) << r.err;
}

// The C++ API: Run() with a foreign strategy fills the summary; an option the engine
// cannot honour is a FormatError before anything is written.
TEST_F(ForeignEngine, ApiRunsTheEngineAndRefusesWhatItCannotHonour) {
  pcapkit::ExtractOptions o;
  o.input = capture_;
  o.output = Path("api.ndjson");
  o.strategy = pcapkit::Strategy::kScapy;
  pcapkit::ExtractSummary s = pcapkit::Extractor(o).Run();
  EXPECT_EQ(s.frames, 5u);
  EXPECT_EQ(s.bytes, fs::file_size(capture_));
  EXPECT_EQ(s.output, o.output);
  EXPECT_EQ(testutil::NdjsonLines(Read(o.output)).size(), 5u);
  o.payload = true;
  EXPECT_EQ(pcapkit::ForeignEngineRefusal(o),
            "-E scapy cannot honour --payload (pcapkit's own engines can)");
  EXPECT_THROW(pcapkit::Extractor(o).Run(), pcapkit::FormatError);
  o.strategy = pcapkit::Strategy::kSequential;
  EXPECT_EQ(pcapkit::ForeignEngineRefusal(o), "");
}

TEST(ForeignReplay, LinesAndNumbers) {
  using namespace pcapkit::stages::foreign;
  EXPECT_EQ(KindOf(" {\"frame\": {}}"), LineKind::kFrame);
  EXPECT_EQ(KindOf("{\"meta\":{}}"), LineKind::kMeta);
  EXPECT_EQ(KindOf("{ \"error\" : {}}"), LineKind::kError);
  EXPECT_EQ(KindOf("[1]"), LineKind::kOther);
  EXPECT_EQ(FrameNumberOf("{\"frame\": {\"number\" : 42, \"len\": 3}}"), 42u);
  EXPECT_EQ(FrameNumberOf("{\"frame\": {}}"), 0u);
  pcapkit::capture::MetaRecord meta;
  ASSERT_TRUE(ParseMeta("{\"meta\": {\"kind\": \"section_header\", \"fields\": {\"z\": 1, "
                        "\"a\": -2, \"m\": \"x\", \"b\": true, \"l\": [\"p\", \"q\"]}}}",
                        &meta)
                  .ok());
  ASSERT_EQ(meta.fields.size(), 5u);
  EXPECT_EQ(meta.fields[0].key, "z");  // the adapter's order, not sorted
  EXPECT_EQ(meta.fields[1].i, -2);
  EXPECT_EQ(meta.fields[4].list.size(), 2u);
  EXPECT_FALSE(ParseMeta("{\"meta\": {\"kind\": \"nonsense\"}}", &meta).ok());
  AdapterError e;
  ASSERT_TRUE(
      ParseError("{\"error\": {\"message\": \"m\", \"frame\": 4, \"offset\": 9}}", &e).ok());
  EXPECT_EQ(e.frame, 4u);
  EXPECT_EQ(e.offset, 9u);
}

}  // namespace

// Next() hands out pcapkit's own typed frames: with another tool's engine it would
// silently be pcapkit's dissection, so it refuses.
TEST_F(ForeignEngine, NextRefusesAForeignEngine) {
  pcapkit::ExtractOptions o;
  o.input = capture_;
  o.strategy = pcapkit::Strategy::kDpkt;
  pcapkit::Extractor ex(o);
  EXPECT_THROW(ex.Next(), pcapkit::FormatError);
}
