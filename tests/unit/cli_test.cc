// The command line as users and their scripts call it: flags, exit statuses, stdout
// purity, messages, and streaming memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>

#include "pcapkit/ipsuite.h"
#include "pcapkit/options.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using nlohmann::json;
using testutil::RunCli;
using testutil::TcpFrames;
using testutil::WriteTemp;

namespace {

std::string Capture(int n = 3) {
  return WriteTemp(PcapFile(TcpFrames(n)), ".pcap");
}

std::vector<json> Lines(const std::string& text) {
  return testutil::NdjsonLines(text);
}

TEST(Cli, NdjsonOnStdoutIsOneRecordPerLineAndNothingElse) {
  std::string in = Capture(3);
  auto r = RunCli({"extract", in, "-o", "-", "-f", "ndjson"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["number"], 3);
  EXPECT_EQ(lines[2]["protocols"], "Ethernet:IPv4:TCP:Raw");
  EXPECT_EQ(r.err, "");
}

TEST(Cli, StdinInput) {
  std::string in = Capture(2);
  auto r = RunCli({"extract", "-", "-o", "-", "-f", "ndjson"}, in);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 2u);
}

TEST(Cli, FormatIsInferredFromTheOutputExtension) {
  std::string in = Capture(2);
  std::string dir =
      std::filesystem::temp_directory_path() / ("pcapkit-cli-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto r = RunCli({"extract", in, "-o", dir + "/report.json"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream f(dir + "/report.json");
  json report = json::parse(f);
  EXPECT_TRUE(report.contains("Global Header"));
  EXPECT_TRUE(report.contains("Frame 2"));
  auto r2 = RunCli({"extract", in, "-o", dir + "/frames.ndjson"});
  ASSERT_EQ(r2.status, 0) << r2.err;
  auto r3 = RunCli({"extract", in, "-o", dir + "/out", "-j", "-a"});
  ASSERT_EQ(r3.status, 0) << r3.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out.json"));
  std::filesystem::remove_all(dir);
}

// CLI11's own parse errors speak as pcapkit's usage errors do, with the same exit status.
TEST(Cli, ParseErrorsAreUsageErrorsInOneStyle) {
  std::string in = Capture(1);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"extract", in, "--no-such-flag"},
        std::vector<std::string>{"extract", in, "--count", "many"},
        std::vector<std::string>{"extract"}, std::vector<std::string>{"no-such-verb"}}) {
    auto r = RunCli(args);
    EXPECT_EQ(r.status, 2) << args.back();
    EXPECT_EQ(r.err.rfind("pcapkit: usage error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  auto unknown = RunCli({"extract", in, "-E", "warp"});
  EXPECT_EQ(unknown.err,
            "pcapkit: usage error: unknown engine: warp (known: sequential, server, "
            "pipeline, dpkt, scapy, tshark, pyshark)\n");
}

// What a new user tripped over: -o ignored under --nofile, and a report written in
// another format than its name says.
TEST(Cli, NofileWithOutputIsAUsageErrorAndAnOtherExtensionWarns) {
  std::string in = Capture(1);
  auto nofile = RunCli({"extract", in, "--nofile", "-o", "x.json"});
  EXPECT_EQ(nofile.status, 2);
  EXPECT_NE(nofile.err.find("--nofile writes no report"), std::string::npos) << nofile.err;
  std::string out = WriteTemp({}, ".json");
  auto tree = RunCli({"extract", in, "-o", out, "-t", "-q"});
  ASSERT_EQ(tree.status, 0) << tree.err;
  EXPECT_EQ(tree.err,
            "pcapkit: warning: writing tree into '" + out + "', whose extension names json\n");
  std::ifstream f(out);
  std::string first;
  std::getline(f, first);
  EXPECT_EQ(first, "Global Header");  // -t wins, as jspcapy had it
  auto same = RunCli({"extract", in, "-o", out, "-j", "-q"});
  EXPECT_EQ(same.err, "");
}

TEST(Cli, AFilterWithIpReassemblyWarnsOfFragments) {
  std::string in = Capture(1);
  const char* warning = "pcapkit: warning: --filter tests each frame before IP reassembly";
  auto ip = RunCli({"reassemble", in, "--filter", "tcp", "-o", "-", "-f", "ndjson", "-q"});
  ASSERT_EQ(ip.status, 0) << ip.err;
  EXPECT_EQ(ip.err.rfind(warning, 0), 0u) << ip.err;
  auto tcp_only =
      RunCli({"reassemble", in, "--tcp", "--filter", "tcp", "-o", "-", "-f", "ndjson", "-q"});
  EXPECT_EQ(tcp_only.err.find(warning), std::string::npos) << tcp_only.err;
  auto unfiltered = RunCli({"reassemble", in, "-o", "-", "-f", "ndjson", "-q"});
  EXPECT_EQ(unfiltered.err.find(warning), std::string::npos) << unfiltered.err;
}

TEST(Cli, UninferableFormatIsAUsageError) {
  std::string in = Capture(1);
  auto r = RunCli({"extract", in, "-o", "/tmp/whatever.bin"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind("pcapkit: usage error: ", 0), 0u) << r.err;
  auto r2 = RunCli({"extract", in, "-f", "yaml"});
  EXPECT_EQ(r2.status, 2);
  EXPECT_NE(r2.err.find("unknown output format: yaml"), std::string::npos) << r2.err;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCli({}).status, 2);
  EXPECT_EQ(RunCli({"extract"}).status, 2);
  EXPECT_EQ(RunCli({"extract", "x.pcap", "--no-such-flag"}).status, 2);
  EXPECT_EQ(RunCli({"extract", Capture(1), "-o", "-", "-j", "-L", "session"}).status, 2);
}

TEST(Cli, MissingFileIsAnInputErrorNamingIt) {
  auto r = RunCli({"extract", "/nonexistent/in.pcap", "-o", "-", "-j"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("/nonexistent/in.pcap: cannot open"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Cli, TruncatedCaptureWritesEveryEarlierFrameThenFails) {
  Bytes file = PcapFile(TcpFrames(5));
  file.resize(file.size() - 3);
  std::string in = WriteTemp(file, ".pcap");
  auto r = RunCli({"extract", in, "-o", "-", "-f", "ndjson"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(Lines(r.out).size(), 4u);
  EXPECT_NE(r.err.find(in + ": frame 5, byte offset"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  // The JSON report stays a valid document holding the good frames.
  auto j = RunCli({"extract", in, "-o", "-", "-f", "json"});
  EXPECT_EQ(j.status, 1);
  json report = json::parse(j.out);
  EXPECT_TRUE(report.contains("Frame 4"));
  EXPECT_FALSE(report.contains("Frame 5"));
}

TEST(Cli, BadMagicIsAnInputError) {
  std::string in = WriteTemp(Bytes(64, 'x'), ".pcap");
  auto r = RunCli({"extract", in, "-o", "-", "-j"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("unknown capture format"), std::string::npos) << r.err;
}

TEST(Cli, VerbosePrintsTheChainPerFrameOnStderr) {
  std::string in = Capture(2);
  auto r = RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-v"});
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("Frame   1: Ethernet:IPv4:TCP:Raw\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Frame   2: Ethernet:IPv4:TCP:Raw\n"), std::string::npos) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 2u);
}

TEST(Cli, LayerAndProtocolStops) {
  std::string in = Capture(1);
  auto l = RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-L", "internet"});
  EXPECT_EQ(Lines(l.out).at(0)["protocols"], "Ethernet:IPv4:Raw");
  auto p = RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-P", "ethernet"});
  EXPECT_EQ(Lines(p.out).at(0)["protocols"], "Ethernet:Raw");
  auto bad = RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-P", "nosuch"});
  EXPECT_EQ(bad.status, 2);
}

TEST(Cli, EveryEngineWritesTheSameReport) {
  std::string in = WriteTemp(PcapFile(TcpFrames(500)), ".pcap");
  auto seq = RunCli({"extract", in, "-o", "-", "-f", "json"});
  ASSERT_EQ(seq.status, 0) << seq.err;
  for (const char* engine : {"server", "pipeline", "default"}) {
    auto r = RunCli({"extract", in, "-o", "-", "-f", "json", "-E", engine, "--threads", "3",
                     "--inflight", "2"});
    ASSERT_EQ(r.status, 0) << engine << ": " << r.err;
    EXPECT_TRUE(r.out == seq.out) << engine;
  }
  EXPECT_EQ(RunCli({"extract", in, "-o", "-", "-j", "-E", "warp"}).status, 2);
  EXPECT_EQ(RunCli({"extract", in, "-o", "-", "-j", "--threads", "0"}).status, 2);
}

// The engine table (tests/bench/bench_table_check.py covers --json, --check and the
// foreign engines): every case of each strategy, in process and as a process.
TEST(Cli, BenchTimesEveryStrategy) {
  std::string in = Capture(50);
  auto r =
      RunCli({"bench", in, "--runs", "1", "-E", "sequential,server,pipeline", "--threads", "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("pcapkit ", 0), 0u) << r.out;
  for (const char* row :
       {"sequential       1  in-process  nofile", "server           1  process     ndjson",
        "pipeline         1  in-process  analyse", "server           1  process     flow-id"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
}

TEST(Cli, ProtocolsListsTheRegistry) {
  auto r = RunCli({"protocols"});
  ASSERT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("IPv4"), std::string::npos);
  EXPECT_NE(r.out.find("ethertype=0x800"), std::string::npos);
  // One line per record key, bindings of every registration together; SLL's protocol
  // numbers are not EtherTypes; a protocol with no layer shows no key.
  auto line_of = [&](const std::string& start) {
    size_t at = r.out.find("\n" + start);
    return at == std::string::npos ? "" : r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
  };
  for (const char* name : {"DNS ", "PPP ", "L2TP "}) {
    size_t first = r.out.find(std::string("\n") + name);
    ASSERT_NE(first, std::string::npos) << name;
    EXPECT_EQ(r.out.find(std::string("\n") + name, first + 1), std::string::npos) << name;
  }
  EXPECT_NE(line_of("DNS ").find("tcp.port=53"), std::string::npos) << line_of("DNS ");
  EXPECT_NE(line_of("LLC ").find("sll.protocol=0x4"), std::string::npos) << line_of("LLC ");
  EXPECT_NE(line_of("RawIP ").find("(no layer)"), std::string::npos) << line_of("RawIP ");
}

// Memory does not grow with the capture: a 64 MiB capture and a 1 MiB one peak at about
// the same resident size (the reader holds one batch, the writer one buffer).
TEST(Cli, PeakMemoryDoesNotGrowWithTheCapture) {
#ifdef PCAPKIT_SANITIZE
  GTEST_SKIP() << "SKIP: resident size is meaningless under AddressSanitizer";
#endif
  auto make = [](size_t bytes) {
    Bytes frame = (Ethernet{} / Ipv4{} / Tcp{.dstport = 80} / Bytes(1400, 0x61)).Build();
    size_t n = bytes / (frame.size() + 16);
    Bytes file = PcapFile({});
    Bytes rec = PcapFile({{.data = frame}});
    rec.erase(rec.begin(), rec.begin() + 24);
    file.reserve(24 + n * rec.size());
    for (size_t i = 0; i < n; ++i) file.insert(file.end(), rec.begin(), rec.end());
    return WriteTemp(file, ".pcap");
  };
  std::string small = make(1 << 20), large = make(64 << 20);
  auto a = RunCli({"extract", small, "-o", "/dev/null", "-f", "ndjson"});
  auto b = RunCli({"extract", large, "-o", "/dev/null", "-f", "ndjson"});
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_LT(b.max_rss_kb - a.max_rss_kb, 8 * 1024)
      << "1 MiB capture: " << a.max_rss_kb << " KiB, 64 MiB capture: " << b.max_rss_kb << " KiB";
  EXPECT_LT(b.max_rss_kb, 64 * 1024);
  unlink(small.c_str());
  unlink(large.c_str());
}

}  // namespace

// Reassembly from the command line: the verb, extract's companion report, strictness.
namespace {

std::string ReassemblyCapture() {
  std::vector<Packet> p;
  p.push_back(Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .seq = 99, .flags = kSyn});
  p.push_back(Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .seq = 100, .flags = kPsh | kAck} /
              Bytes(10, 'a'));
  // Bytes 110-119 never come.
  p.push_back(Ethernet{} / Ipv4{} / Tcp{.dstport = 80, .seq = 120, .flags = kPsh | kAck} /
              Bytes(10, 'c'));
  // A UDP datagram (108 bytes) in two fragments, and one whose last fragment is missing.
  auto datagram = [](uint16_t id) {
    return Ethernet{} / Ipv4{.id = id} / Udp{.srcport = 53, .dstport = 53} / Bytes(100, 'u');
  };
  for (const Packet& f : Fragment(datagram(7), {{0, 56}, {56, 52}})) p.push_back(f);
  p.push_back(Fragment(datagram(8), {{0, 56}}).at(0));
  std::vector<CapturedFrame> r;
  for (const Packet& packet : p) r.push_back({.data = packet.Build()});
  return WriteTemp(PcapFile(r), ".pcap");
}

TEST(Cli, ReassembleWritesRecordsThenTheSummary) {
  std::string in = ReassemblyCapture();
  auto r = RunCli({"reassemble", in, "--ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto lines = Lines(r.out);
  // Without --strict: only the complete datagram, then the summary listing the rest.
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0]["record"], "datagram");
  EXPECT_EQ(lines[0]["completed"], true);
  EXPECT_EQ(lines[0]["index"], json::array({4, 5}));
  EXPECT_EQ(lines[0]["packet"]["udp"]["dstport"], 53);
  EXPECT_EQ(lines[1]["record"], "summary");
  EXPECT_EQ(lines[1]["incomplete_total"], 2);
  EXPECT_EQ(lines[1]["incomplete"].size(), 2u);
  EXPECT_NE(r.err.find("[*] Reassembly: 2 datagrams (1 complete)"), std::string::npos) << r.err;

  auto strict = RunCli({"reassemble", in, "--strict", "--ndjson", "-o", "-", "-q"});
  ASSERT_EQ(strict.status, 0) << strict.err;
  EXPECT_TRUE(strict.err.empty()) << strict.err;
  auto all = Lines(strict.out);
  ASSERT_EQ(all.size(), 4u) << strict.out;
  json stream;
  for (const json& j : all)
    if (j["record"] == "stream") stream = j;
  EXPECT_EQ(stream["status"], "partial");
  EXPECT_EQ(stream["gaps"], json::parse(R"([{"seq":110,"len":10}])"));
  EXPECT_EQ(stream["runs"].size(), 2u);
  EXPECT_EQ(stream.count("payload"), 0u);

  auto tcp_only = RunCli({"reassemble", in, "--tcp", "--strict", "--ndjson", "-o", "-", "-q"});
  EXPECT_EQ(Lines(tcp_only.out).size(), 2u);
  std::filesystem::remove(in);
}

TEST(Cli, ReassembleRefusesCaptureFormatsAndUnknownNames) {
  std::string in = ReassemblyCapture();
  EXPECT_EQ(RunCli({"reassemble", in, "-f", "pcap", "-o", "-"}).status, 2);
  EXPECT_EQ(RunCli({"reassemble", in, "-o", "-"}).status, 2);  // no format
  EXPECT_EQ(RunCli({"extract", in, "--reassemble", "ipx", "-f", "json", "-o", "x.json"}).status, 2);
  EXPECT_EQ(RunCli({"reassemble", in, "--overlap", "middle", "-j", "-o", "-"}).status, 2);
  // Frames on stdout: the reassembly report needs a name of its own.
  auto r = RunCli({"extract", in, "--reassemble", "tcp", "--ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--reassembly-output"), std::string::npos) << r.err;
  std::filesystem::remove(in);
}

TEST(Cli, ExtractReassembleWritesACompanionReport) {
  std::string in = ReassemblyCapture();
  std::string dir =
      (std::filesystem::temp_directory_path() / ("pcapkit-cli-reasm-" + std::to_string(getpid())))
          .string();
  std::filesystem::create_directories(dir);
  auto r = RunCli({"extract", in, "-o", dir + "/report.json", "--reassemble", "ipv4,tcp"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::ifstream frames(dir + "/report.json"), reassembly(dir + "/report.reassembly.json");
  json report = json::parse(frames), rj = json::parse(reassembly);
  EXPECT_TRUE(report.contains("Frame 6"));
  EXPECT_TRUE(rj.contains("Datagram 1"));
  EXPECT_TRUE(rj.contains("Summary"));
  EXPECT_EQ(rj["Summary"]["tcp"]["segments"], 3);
  // Tree and an explicit name.
  auto t = RunCli({"extract", in, "-o", dir + "/frames.txt", "--reassemble", "all",
                   "--reassembly-output", dir + "/r.txt", "--strict"});
  ASSERT_EQ(t.status, 0) << t.err;
  std::ifstream tree(dir + "/r.txt");
  std::stringstream text;
  text << tree.rdbuf();
  EXPECT_NE(text.str().find("Stream 1\n  |-- record -> stream"), std::string::npos) << text.str();
  std::filesystem::remove_all(dir);
  std::filesystem::remove(in);
}

}  // namespace

// The output formats, all made from one table (pcapkit::OutputFormats()): -f's names and
// aliases, the extensions of -o and --reassembly-output, the shortcut flags, and the
// lists in help and messages.
namespace {

// As docs/cli.md names them.
struct DocumentedFormat {
  std::string name;
  std::vector<std::string> aliases;
  std::vector<std::string> extensions;  // the first is the one written
  std::vector<std::string> needs = {};  // flags the format cannot do without
};
const DocumentedFormat kDocumentedFormats[] = {
    {"json", {}, {".json"}},
    {"ndjson", {"jsonl"}, {".ndjson", ".jsonl"}},
    {"plist", {"xml"}, {".plist", ".xml"}},
    {"tree", {"txt"}, {".txt"}},
    {"csv", {}, {".csv"}, {"-e", "number"}},
    {"tsv", {}, {".tsv", ".tab"}, {"-e", "number"}},
    {"pcap", {"cap"}, {".pcap", ".cap"}},
    {"pcapng", {}, {".pcapng"}},
};

std::vector<std::string> With(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string Upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A folder of its own for each test, removed with it.
struct ScratchDir {
  std::string path;
  explicit ScratchDir(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("pcapkit-cli-" + name + "-" + std::to_string(getpid())))
                 .string()) {
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

TEST(CliFormats, TheTableIsTheDocumentedFormats) {
  std::span<const pcapkit::OutputFormatInfo> table = pcapkit::OutputFormats();
  ASSERT_EQ(table.size(), std::size(kDocumentedFormats));
  for (size_t i = 0; i < table.size(); ++i) {
    const DocumentedFormat& d = kDocumentedFormats[i];
    EXPECT_EQ(table[i].name, d.name);
    EXPECT_EQ(std::vector<std::string>(table[i].aliases.begin(), table[i].aliases.end()),
              d.aliases);
    EXPECT_EQ(std::vector<std::string>(table[i].extensions.begin(), table[i].extensions.end()),
              d.extensions);
    EXPECT_EQ(pcapkit::ParseOutputFormat(d.name), table[i].format);
    EXPECT_EQ(pcapkit::FormatExtension(table[i].format), d.extensions.front());
  }
}

TEST(CliFormats, EveryNameAndAliasInAnyCaseWritesItsFormat) {
  std::string in = Capture(2);
  for (const DocumentedFormat& d : kDocumentedFormats) {
    auto reference = RunCli(With({"extract", in, "-o", "-", "-f", d.name}, d.needs));
    ASSERT_EQ(reference.status, 0) << d.name << ": " << reference.err;
    std::vector<std::string> names = d.aliases;
    names.push_back(Upper(d.name));
    for (const std::string& alias : d.aliases) names.push_back(Upper(alias));
    for (const std::string& name : names) {
      auto r = RunCli(With({"extract", in, "-o", "-", "-f", name}, d.needs));
      ASSERT_EQ(r.status, 0) << name << ": " << r.err;
      EXPECT_TRUE(r.out == reference.out) << "-f " << name << " is not -f " << d.name;
    }
  }
}

TEST(CliFormats, EveryExtensionNamesItsFormatAndTheFirstIsWritten) {
  std::string in = Capture(2);
  ScratchDir dir("extensions");
  for (const DocumentedFormat& d : kDocumentedFormats) {
    std::string reference = RunCli(With({"extract", in, "-o", "-", "-f", d.name}, d.needs)).out;
    for (const std::string& ext : d.extensions) {
      std::string out = dir.path + "/report" + ext;
      auto r = RunCli(With({"extract", in, "-o", out}, d.needs));
      ASSERT_EQ(r.status, 0) << out << ": " << r.err;
      EXPECT_TRUE(ReadAll(out) == reference) << out << " is not " << d.name;
    }
    // -a appends the extension written.
    auto a =
        RunCli(With({"extract", in, "-o", dir.path + "/" + d.name, "-f", d.name, "-a"}, d.needs));
    ASSERT_EQ(a.status, 0) << a.err;
    EXPECT_TRUE(std::filesystem::exists(dir.path + "/" + d.name + d.extensions.front())) << d.name;
  }
}

TEST(CliFormats, ShortcutsMeanTheirFormatsAndFWinsThenJPTNdjson) {
  std::string in = Capture(2);
  auto as = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"extract", in, "-o", "-"};
    args.insert(args.end(), flags.begin(), flags.end());
    auto r = RunCli(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  };
  for (const char* name : {"json", "plist", "tree", "ndjson"}) {
    std::string reference = as({"-f", name});
    EXPECT_TRUE(as({std::string("--") + name}) == reference) << name;
    if (std::string(name) != "ndjson") {  // --ndjson has no one-letter name
      EXPECT_TRUE(as({std::string("-") + name[0]}) == reference) << name;
    }
  }
  // docs/cli.md, "Output format rules": -f wins, then -j, -p, -t, --ndjson.
  EXPECT_TRUE(as({"--ndjson", "-t", "-p", "-j", "-f", "pcap"}) == as({"-f", "pcap"}));
  EXPECT_TRUE(as({"--ndjson", "-t", "-p", "-j"}) == as({"-f", "json"}));
  EXPECT_TRUE(as({"--ndjson", "-t", "-p"}) == as({"-f", "plist"}));
  EXPECT_TRUE(as({"--ndjson", "-t"}) == as({"-f", "tree"}));
  // The help lists them in that order, each saying what it means.
  for (const char* verb : {"extract", "reassemble"}) {
    std::string help = RunCli({verb, "--help"}).out;
    size_t at = 0;
    for (const char* line : {"-j,--json                   same as -f json",
                             "-p,--plist                  same as -f plist",
                             "-t,--tree                   same as -f tree",
                             "--ndjson                    same as -f ndjson"}) {
      size_t found = help.find(line, at);
      ASSERT_NE(found, std::string::npos) << verb << ": " << line << " in\n" << help;
      at = found;
    }
  }
}

TEST(CliFormats, TheReassemblyReportsFormatComesFromItsExtension) {
  std::string in = ReassemblyCapture();
  ScratchDir dir("reassembly-extensions");
  for (const DocumentedFormat& d : kDocumentedFormats) {
    if (d.name == "pcap" || d.name == "pcapng") continue;
    std::string reference =
        RunCli(With({"reassemble", in, "-o", "-", "-f", d.name, "-q"}, d.needs)).out;
    ASSERT_FALSE(reference.empty()) << d.name;
    for (const std::string& ext : d.extensions) {
      std::string out = dir.path + "/r" + ext;
      auto r = RunCli(With({"reassemble", in, "-o", out, "-q"}, d.needs));
      ASSERT_EQ(r.status, 0) << out << ": " << r.err;
      EXPECT_TRUE(ReadAll(out) == reference) << out << " is not " << d.name;
      // extract's companion report reads the same extensions; -e is the frames', so a
      // companion report cannot be flat.
      std::string companion = dir.path + "/companion" + ext;
      auto e = RunCli({"extract", in, "-o", dir.path + "/frames.pcap", "--reassemble", "all",
                       "--reassembly-output", companion});
      if (!d.needs.empty()) {
        EXPECT_EQ(e.status, 2) << companion;
        EXPECT_NE(e.err.find("give -e FIELD for the reassembly report"), std::string::npos)
            << e.err;
        continue;
      }
      ASSERT_EQ(e.status, 0) << companion << ": " << e.err;
      EXPECT_TRUE(ReadAll(companion) == reference) << companion << " is not " << d.name;
    }
  }
  // A capture format's extension names no reassembly report.
  auto r = RunCli({"reassemble", in, "-o", dir.path + "/r.pcap"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot infer the output format from '" + dir.path +
                       "/r.pcap': give -f json|ndjson|plist|tree|csv|tsv\n"),
            std::string::npos)
      << r.err;
  std::filesystem::remove(in);
}

TEST(CliFormats, HelpAndMessagesListTheFormats) {
  std::string in = Capture(1);
  auto message = [](std::vector<std::string> args) {
    auto r = RunCli(args);
    EXPECT_EQ(r.status, 2) << r.err;
    return r.err;
  };
  EXPECT_EQ(message({"extract", in, "-o", "-", "-f", "yaml"}),
            "pcapkit: usage error: unknown output format: yaml "
            "(known: json, ndjson, plist, tree, csv, tsv, pcap, pcapng)\n");
  EXPECT_EQ(message({"extract", in, "-o", "-"}),
            "pcapkit: usage error: output format unspecified: "
            "give -f json|ndjson|plist|tree|csv|tsv|pcap|pcapng\n");
  EXPECT_EQ(message({"extract", in, "-o", "/tmp/whatever.bin"}),
            "pcapkit: usage error: cannot infer the output format from '/tmp/whatever.bin': "
            "give -f json|ndjson|plist|tree|csv|tsv|pcap|pcapng\n");
  EXPECT_EQ(message({"extract", in, "-F", "-o", "/tmp/whatever"}),
            "pcapkit: usage error: -F needs a format: give -f "
            "json|ndjson|plist|tree|csv|tsv|pcap|pcapng\n");
  EXPECT_EQ(
      message({"reassemble", in, "-o", "-"}),
      "pcapkit: usage error: output format unspecified: give -f json|ndjson|plist|tree|csv|tsv\n");
  EXPECT_EQ(message({"reassemble", in, "-o", "-", "-f", "pcap"}),
            "pcapkit: usage error: reassembly records are written as json, ndjson, plist, tree, "
            "csv or tsv\n");
  EXPECT_EQ(message({"extract", in, "-o", "/tmp/whatever.json", "--reassemble", "tcp",
                     "--reassembly-format", "pcapng"}),
            "pcapkit: usage error: reassembly records are written as json, ndjson, plist, tree, "
            "csv or tsv\n");
  std::string extract = RunCli({"extract", "--help"}).out;
  EXPECT_NE(extract.find(
                "json, ndjson, plist, tree, csv, tsv, pcap, pcapng (default: from -o's extension)"),
            std::string::npos)
      << extract;
  EXPECT_NE(extract.find("json, ndjson, plist, tree (default: the report's, or json)"),
            std::string::npos)
      << extract;
  EXPECT_NE(extract.find("json, ndjson, plist, tree, pcap, pcapng: the trace files' format"),
            std::string::npos)
      << extract;
  std::string reassemble = RunCli({"reassemble", "--help"}).out;
  EXPECT_NE(reassemble.find("-f,--format TEXT            json, ndjson, plist, tree, csv, tsv "
                            "(default: from -o's extension)"),
            std::string::npos)
      << reassemble;
}

}  // namespace
