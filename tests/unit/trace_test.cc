// trace on captures built packet by packet: a file per flow holding exactly its frames,
// the index, the same files whatever the descriptors, buffer, strategy or threads, every
// format valid (also when files were closed and reopened on the way, or the run was
// interrupted), and extract --flow-id's members spliced into every format's records.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>

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
namespace fs = std::filesystem;

// An IPv4 packet over Ethernet at `sec` seconds and `usec` microseconds.
CapturedFrame At(uint32_t sec, uint32_t usec, const Packet& ip) {
  return {.data = (Ethernet{} / ip).Build(), .sec = sec, .nsec = usec * 1000};
}

Packet Udp4(const char* src, const char* dst, uint16_t sport, uint16_t dport) {
  return Ipv4Udp(src, dst, sport, dport, Bytes(20, 'u'));
}

// `n` connections 10.0.0.1:(40000+i) -> 10.0.0.2:80 open at once, their packets
// interleaved one by one, with a UDP datagram between them; returns the TCP frame numbers.
std::vector<CapturedFrame> Concurrent(int n, std::set<uint64_t>* tcp_frames = nullptr) {
  const char *c = "10.0.0.1", *s = "10.0.0.2";
  std::vector<std::vector<Packet>> conns;
  for (int i = 0; i < n; ++i) {
    auto port = uint16_t(40000 + i);
    uint32_t x = 1000 + i, y = 9000;
    conns.push_back({Ipv4Tcp(c, s, port, 80, x, 0, kSyn),
                     Ipv4Tcp(s, c, 80, port, y, x + 1, kSyn | kAck),
                     Ipv4Tcp(c, s, port, 80, x + 1, y + 1, kPsh | kAck, Bytes(200 + i, 'q')),
                     Ipv4Tcp(s, c, 80, port, y + 1, x + 201 + i, kPsh | kAck, Bytes(900, 'r')),
                     Ipv4Tcp(c, s, port, 80, x + 201 + i, y + 901, kFin | kAck),
                     Ipv4Tcp(s, c, 80, port, y + 901, x + 202 + i, kFin | kAck),
                     Ipv4Tcp(c, s, port, 80, x + 202 + i, y + 902, kAck)});
  }
  std::vector<CapturedFrame> r;
  uint32_t usec = 0;
  for (size_t k = 0; k < conns[0].size(); ++k)
    for (int i = 0; i < n; ++i) {
      r.push_back(At(100, usec++, conns[size_t(i)][k]));
      if (tcp_frames) tcp_frames->insert(r.size());
      if (i % 10 == 0) r.push_back(At(100, usec++, Udp4("10.0.0.3", "10.0.0.4", 5000, 53)));
    }
  return r;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Every file of a folder: name -> bytes.
std::map<std::string, std::string> Folder(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    files[e.path().filename().string()] = Slurp(e.path().string());
  return files;
}

std::string Fresh(const std::string& name) {
  // Per process: ctest runs each test in a process of its own, several at once.
  std::string dir =
      (fs::temp_directory_path() / ("pcapkit-trace-" + std::to_string(getpid()) + "-" + name))
          .string();
  fs::remove_all(dir);
  return dir;
}

// Runs trace of `capture` into `dir`, with `tweak` applied to the options.
pcapkit::ExtractSummary Trace(const std::string& capture, const std::string& dir,
                              const std::function<void(pcapkit::ExtractOptions&)>& tweak = {}) {
  pcapkit::ExtractOptions o;
  o.input = capture;
  o.nofile = true;
  o.trace.folder = dir;
  if (tweak) tweak(o);
  return pcapkit::Extractor(o).Run();
}

// The frames of a capture file: number -> (time, bytes).
std::map<uint64_t, std::pair<std::string, std::string>> Frames(const std::string& path) {
  pcapkit::ExtractOptions o;
  o.input = path;
  pcapkit::Extractor x(o);
  std::map<uint64_t, std::pair<std::string, std::string>> frames;
  while (const pcapkit::Frame* f = x.Next()) {
    auto d = f->data();
    frames[f->number()] = {std::to_string(f->time().sec) + "." + std::to_string(f->time().frac),
                           std::string(d.begin(), d.end())};
  }
  return frames;
}

TEST(Trace, EveryTcpFlowInAFileOfItsOwnWithExactlyItsFrames) {
  std::set<uint64_t> tcp;
  std::string in = WriteTemp(PcapFile(Concurrent(120, &tcp)), ".pcap");
  std::string dir = Fresh("each");
  pcapkit::ExtractSummary s = Trace(in, dir);
  EXPECT_EQ(s.trace_files, 120u);
  EXPECT_EQ(s.trace_frames, tcp.size());
  auto input = Frames(in);
  std::vector<json> index = testutil::NdjsonLines(Slurp(dir + "/index.ndjson"));
  ASSERT_EQ(index.size(), 120u);
  std::set<uint64_t> seen;
  const std::regex name(R"(10\.0\.0\.1_(4\d{4})-10\.0\.0\.2_80-19700101T000140\.\d{6}Z)");
  for (const json& line : index) {
    std::string label = line["label"];
    std::smatch m;
    ASSERT_TRUE(std::regex_match(label, m, name)) << label;
    EXPECT_EQ(std::stoi(m[1]), int(line["srcport"]));  // the originator first
    EXPECT_EQ(line["fpout"], dir + "/" + label + ".pcap");
    EXPECT_EQ(line["state"], "SF");
    auto frames = Frames(line["fpout"]);
    ASSERT_EQ(frames.size(), line["index"].size());
    size_t k = 1;
    for (uint64_t number : line["index"]) {
      EXPECT_TRUE(seen.insert(number).second) << "frame " << number << " in two files";
      EXPECT_EQ(frames[k++], input[number]) << "frame " << number;  // bytes and time
    }
  }
  EXPECT_EQ(seen, tcp);  // every TCP frame, once; no UDP frame
  fs::remove_all(dir);
  fs::remove(in);
}

// Two descriptors and a 4 KiB buffer (files closed and reopened all the time) give the
// same files as the defaults, in every format; JSON and plist files parse.
TEST(Trace, ParkedAndReopenedFilesAreTheSameFilesInEveryFormat) {
  std::string in = WriteTemp(PcapFile(Concurrent(40)), ".pcap");
  for (auto format : {pcapkit::OutputFormat::kPcap, pcapkit::OutputFormat::kPcapng,
                      pcapkit::OutputFormat::kJson, pcapkit::OutputFormat::kNdjson,
                      pcapkit::OutputFormat::kPlist, pcapkit::OutputFormat::kTree}) {
    std::string a = Fresh("wide"), b = Fresh("narrow");
    Trace(in, a, [&](pcapkit::ExtractOptions& o) { o.trace.format = format; });
    pcapkit::ExtractSummary s = Trace(in, b, [&](pcapkit::ExtractOptions& o) {
      o.trace.format = format;
      o.trace.max_open = 2;
      o.trace.buffer_bytes = 4096;
    });
    EXPECT_EQ(s.trace_files, 40u);
    auto wide = Folder(a), narrow = Folder(b);
    ASSERT_EQ(wide.size(), 41u);
    for (auto& [file, bytes] : wide) {
      if (file == "index.ndjson") continue;
      EXPECT_EQ(bytes, narrow[file]) << file;
      if (format == pcapkit::OutputFormat::kJson) {
        json doc = json::parse(bytes);
        EXPECT_EQ(doc.size(), 7u) << file;
        EXPECT_TRUE(doc.begin().key().rfind("Frame ", 0) == 0);
      }
      if (format == pcapkit::OutputFormat::kPlist) {
        pugi::xml_document doc;
        ASSERT_TRUE(doc.load_string(bytes.c_str())) << file;
        EXPECT_EQ(doc.select_nodes("/plist/dict/key").size(), 7u) << file;
      }
    }
    fs::remove_all(a);
    fs::remove_all(b);
  }
  fs::remove(in);
}

TEST(Trace, TheSameFilesUnderEveryStrategyAndThreadCount) {
  std::string in = WriteTemp(PcapFile(Concurrent(300)), ".pcap");
  std::string base = Fresh("base");
  Trace(in, base, [](pcapkit::ExtractOptions& o) { o.batch_bytes = 4096; });
  auto expected = Folder(base);
  std::string index = expected["index.ndjson"];
  for (auto strategy : {pcapkit::Strategy::kServer, pcapkit::Strategy::kPipeline})
    for (unsigned threads : {1u, 2u, 4u, 8u}) {
      std::string dir = Fresh("strategy");
      Trace(in, dir, [&](pcapkit::ExtractOptions& o) {
        o.strategy = strategy;
        o.threads = threads;
        o.batch_bytes = 4096;  // many batches in flight
        // Many buffers written in the background, through few descriptors.
        o.trace.buffer_bytes = 8192;
        o.trace.max_open = 4;
      });
      auto got = Folder(dir);
      // The index names the folder; the files themselves must be identical.
      got["index.ndjson"] = std::regex_replace(got["index.ndjson"], std::regex(dir), base);
      EXPECT_TRUE(got == expected) << "threads " << threads;
      fs::remove_all(dir);
    }
  fs::remove_all(base);
  fs::remove(in);
}

TEST(Trace, UnidirectionalAllAndTheFolderRule) {
  std::string in = WriteTemp(PcapFile(Concurrent(5)), ".pcap");
  std::string dir = Fresh("uni");
  pcapkit::ExtractSummary s =
      Trace(in, dir, [](pcapkit::ExtractOptions& o) { o.trace.unidirectional = true; });
  EXPECT_EQ(s.trace_files, 10u);
  EXPECT_TRUE(fs::exists(dir + "/10.0.0.2_80-10.0.0.1_40003-19700101T000140.000010Z.pcap"));
  auto index = testutil::NdjsonLines(Slurp(dir + "/index.ndjson"));
  ASSERT_EQ(index.size(), 10u);
  EXPECT_EQ(index[0]["index"].size() + index[1]["index"].size(), 7u);
  // A folder that is not empty is refused (a usage error), unless --force.
  auto refused = testutil::RunCli({"trace", in, "-o", dir});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("not empty"), std::string::npos) << refused.err;
  auto forced = testutil::RunCli({"trace", in, "-o", dir, "--force", "--all", "-q"});
  EXPECT_EQ(forced.status, 0) << forced.err;
  index = testutil::NdjsonLines(Slurp(dir + "/index.ndjson"));
  EXPECT_EQ(index.size(), 6u);  // --all: the UDP flow too
  EXPECT_TRUE(fs::exists(dir + "/10.0.0.3_5000-10.0.0.4_53-19700101T000140.000001Z.pcap"));
  fs::remove_all(dir);
  fs::remove(in);
}

// A run stopped midway (SIGINT raises the stop flag) leaves every file valid and indexed.
TEST(Trace, AnInterruptedRunLeavesValidFiles) {
  Bytes file = PcapFile(Concurrent(200));
  std::atomic<bool> stop{false};
  size_t at = 0;
  pcapkit::ExtractOptions o;
  o.source = pcapkit::CallbackCapture(
      [&](uint8_t* out, size_t n) {
        if (at > file.size() / 2) stop = true;
        n = std::min({n, size_t(4096), file.size() - at});
        std::memcpy(out, file.data() + at, n);
        at += n;
        return n;
      },
      "half");
  o.batch_bytes = 4096;
  o.stop = &stop;
  o.nofile = true;
  std::string dir = Fresh("stop");
  o.trace.folder = dir;
  o.trace.format = pcapkit::OutputFormat::kJson;
  o.trace.max_open = 3;
  pcapkit::ExtractSummary s = pcapkit::Extractor(o).Run();
  EXPECT_TRUE(s.interrupted);
  auto index = testutil::NdjsonLines(Slurp(dir + "/index.ndjson"));
  EXPECT_EQ(index.size(), s.trace_files);
  EXPECT_GT(s.trace_files, 0u);
  for (const json& line : index) {
    json doc = json::parse(Slurp(line["fpout"]));
    EXPECT_EQ(doc.size(), line["index"].size());
    EXPECT_EQ(line["end"], "eof");
  }
  fs::remove_all(dir);
}

// A file that cannot be written (here: past the process's file size limit) fails the
// run with an error, whichever files come after it (a review found a crash here).
TEST(Trace, AWriteThatFailsEndsTheRunWithAnError) {
  std::vector<CapturedFrame> r;
  for (int i = 0; i < 3; ++i)
    r.push_back(At(100, uint32_t(i), Ipv4{} / Udp{.srcport = 1, .dstport = 2} / Bytes(1000, 'x')));
  r.push_back(At(105, 0, Udp4("10.0.0.5", "10.0.0.6", 3, 4)));
  r.push_back(At(110, 0, Udp4("10.0.0.7", "10.0.0.8", 5, 6)));
  std::string in = WriteTemp(PcapFile(r), ".pcap");
  std::string dir = Fresh("fsize");
  pid_t child = fork();
  if (child == 0) {
    rlimit limit{2048, 2048};
    setrlimit(RLIMIT_FSIZE, &limit);
    signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead
    try {
      Trace(in, dir, [](pcapkit::ExtractOptions& o) {
        o.trace.all = true;
        o.trace.max_open = 1;
        o.flows.timeout = 1;
      });
    } catch (const pcapkit::Error& e) {
      _exit(std::string(e.what()).find("cannot write the trace file") != std::string::npos ? 7 : 8);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 7);
  fs::remove_all(dir);
  fs::remove(in);
}

// extract --flow-id: the members are in every IP frame's record, numbered as the flow
// records are, and removing them gives back the report without them, byte for byte.
TEST(FlowId, EveryFormatGetsTheFlowsMembersAndNothingElseChanges) {
  std::vector<CapturedFrame> r = Concurrent(12);
  r.push_back(
      {.data = (Ethernet{.type = 0x0806} / Bytes(28, 0)).Build(), .sec = 101});  // ARP: no flow
  std::string in = WriteTemp(PcapFile(r), ".pcap");
  std::string flows = Fresh("flows.ndjson");
  auto f = testutil::RunCli({"flows", in, "-o", flows, "-q"});
  ASSERT_EQ(f.status, 0) << f.err;
  std::map<uint64_t, json> by_first;  // first frame -> flow record
  for (const json& flow : testutil::NdjsonLines(Slurp(flows))) by_first[flow["first_frame"]] = flow;
  const std::map<std::string, std::regex> strip = {
      {"ndjson", std::regex(R"(,"community_id":"1:[^"]+","flow":\d+)")},
      {"json", std::regex(R"(,"community_id":"1:[^"]+","flow":\d+)")},
      {"plist",
       std::regex(
           R"(\t\t<key>community_id</key><string>1:[^<]+</string>\n\t\t<key>flow</key><integer>\d+</integer>\n)")},
      {"txt", std::regex(R"(  \|-- community_id -> 1:\S+\n  \|-- flow -> \d+\n)")}};
  for (const auto& [format, members] : strip) {
    std::string plain = Fresh("plain." + format), with = Fresh("with." + format);
    ASSERT_EQ(testutil::RunCli({"extract", in, "-o", plain, "-q"}).status, 0);
    auto w = testutil::RunCli({"extract", in, "-o", with, "-q", "--flow-id", "-E", "pipeline"});
    ASSERT_EQ(w.status, 0) << w.err;
    std::string spliced = Slurp(with);
    EXPECT_NE(spliced, Slurp(plain)) << format;
    EXPECT_EQ(std::regex_replace(spliced, members, ""), Slurp(plain)) << format;
    fs::remove(plain);
    fs::remove(with);
  }
  // The numbers are the flow records': each flow's first frame carries its number and id.
  auto lines = testutil::RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-q", "--flow-id"});
  size_t with_flow = 0;
  for (const json& frame : testutil::NdjsonLines(lines.out)) {
    if (!frame.contains("flow")) {
      EXPECT_EQ(frame["number"], r.size());  // the ARP frame
      continue;
    }
    ++with_flow;
    auto it = by_first.find(frame["number"]);
    if (it == by_first.end()) continue;
    EXPECT_EQ(frame["flow"], it->second["flow"]);
    EXPECT_EQ(frame["community_id"], it->second["community_id"]);
  }
  EXPECT_EQ(with_flow, r.size() - 1);
  // -F's documents get them too; a capture format has no records to add them to.
  std::string dir = Fresh("docs");
  ASSERT_EQ(testutil::RunCli({"extract", in, "-F", "-o", dir, "-j", "-q", "--flow-id"}).status, 0);
  EXPECT_EQ(json::parse(Slurp(dir + "/Frame 3.json"))["Frame 3"]["flow"], 2);
  auto pcap = testutil::RunCli({"extract", in, "-o", Fresh("x.pcap"), "--flow-id"});
  EXPECT_EQ(pcap.status, 2);
  fs::remove_all(dir);
  fs::remove(flows);
  fs::remove(in);
}

// extract --flow-id with -e: `flow` and `community_id` are columns like any other, in
// any place among them, holding what the whole records hold; empty (csv, tsv) or absent
// (ndjson) on a frame outside IP; the same bytes under every strategy.
TEST(FlowId, SelectedAsColumnsAnywhereInTheRow) {
  std::vector<CapturedFrame> r = Concurrent(12);
  r.push_back(
      {.data = (Ethernet{.type = 0x0806} / Bytes(28, 0)).Build(), .sec = 101});  // ARP: no flow
  std::string in = WriteTemp(PcapFile(r), ".pcap");
  auto whole = testutil::RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-q", "--flow-id"});
  ASSERT_EQ(whole.status, 0) << whole.err;
  std::vector<json> records = testutil::NdjsonLines(whole.out);
  ASSERT_EQ(records.size(), r.size());
  const std::vector<std::vector<std::string>> orders = {{"number", "flow", "community_id"},
                                                        {"flow", "number", "community_id"},
                                                        {"flow", "community_id", "number"},
                                                        {"community_id", "flow"},
                                                        {"flow"}};
  for (const std::vector<std::string>& columns : orders) {
    std::vector<std::string> args = {"extract", in, "-o", "-", "-q", "--flow-id"};
    for (const std::string& c : columns) args.insert(args.end(), {"-e", c});
    std::vector<std::string> ndjson = args, csv = args;
    ndjson.insert(ndjson.end(), {"-f", "ndjson"});
    csv.insert(csv.end(), {"-f", "csv", "--no-header"});
    auto flat = testutil::RunCli(ndjson);
    ASSERT_EQ(flat.status, 0) << flat.err;
    std::vector<json> rows = testutil::NdjsonLines(flat.out);  // each must parse
    ASSERT_EQ(rows.size(), records.size()) << flat.out;
    std::vector<std::string> lines;
    std::istringstream split(testutil::RunCli(csv).out);
    for (std::string line; std::getline(split, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), records.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      std::string expected;  // the csv row the whole record predicts
      for (size_t k = 0; k < columns.size(); ++k) {
        const std::string& c = columns[k];
        if (k > 0) expected += ",";
        if (!records[i].contains(c)) {
          EXPECT_FALSE(rows[i].contains(c)) << rows[i].dump();
          continue;
        }
        EXPECT_EQ(rows[i][c], records[i][c]) << c << " in " << rows[i].dump();
        const json& v = records[i][c];
        expected += v.is_string() ? v.get<std::string>() : v.dump();
      }
      EXPECT_EQ(lines[i], expected) << "frame " << i + 1;
    }
    args.insert(args.end(), {"-f", "tsv", "-E", "pipeline", "--threads", "2"});
    std::vector<std::string> sequential = args;
    sequential[sequential.size() - 3] = "sequential";
    EXPECT_EQ(testutil::RunCli(args).out, testutil::RunCli(sequential).out);
  }
  auto without = testutil::RunCli({"extract", in, "-o", "-", "-e", "flow", "-f", "csv"});
  EXPECT_EQ(without.status, 2);
  EXPECT_NE(without.err.find("-e flow: needs --flow-id"), std::string::npos) << without.err;
  fs::remove(in);
}

}  // namespace
