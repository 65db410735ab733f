// Output formats and selection, end to end through the CLI: per-record files, capture
// output, tcpdump filters, frame ranges, counts, the temporary-file rule and SIGINT; and
// the tree layout against a golden file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/io/byte_source.h"
#include "pcapkit/extractor.h"
#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using nlohmann::json;
using testutil::Endian;
using testutil::PcapngBlocks;
using testutil::RunCli;
using testutil::WriteTemp;
namespace fs = std::filesystem;

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<json> Lines(const std::string& text) {
  return testutil::NdjsonLines(text);
}

// Frames 1..n alternate TCP, UDP, ARP, a second and a millisecond apart.
std::vector<CapturedFrame> Mixed(int n) {
  std::vector<CapturedFrame> r;
  for (int i = 0; i < n; ++i) {
    Packet frame;
    if (i % 3 == 0)
      frame = Ethernet{} / Ipv4{} / Tcp{.dstport = 80} / Bytes{'t'};
    else if (i % 3 == 1)
      frame = Ethernet{} / Ipv4{} / Udp{.srcport = 53, .dstport = 4000} / Bytes{'u'};
    else
      frame = Ethernet{} / Arp{.oper = 1};
    r.push_back({.data = frame.Build(), .sec = 1600000000 + i, .nsec = uint32_t(i) * 1000000});
  }
  return r;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/pcapkit-out-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Files, OneDocumentPerRecordNamedWithoutDoubleDots) {
  TempDir dir;
  std::string in = WriteTemp(PcapFile(Mixed(3)), ".pcap");
  auto r = RunCli({"extract", in, "-F", "-j", "-o", dir.path + "/frames", "-v"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path + "/frames"))
    names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"Global Header.json", "Frame 1.json", "Frame 2.json",
                                          "Frame 3.json"}));
  json frame = json::parse(Slurp(dir.path + "/frames/Frame 2.json"));
  EXPECT_EQ(frame.size(), 1u);
  EXPECT_EQ(frame["Frame 2"]["protocols"], "Ethernet:IPv4:UDP:Raw");
  EXPECT_NE(r.err.find("Report files stored in"), std::string::npos) << r.err;

  auto nd = RunCli({"extract", in, "-F", "-f", "ndjson", "-o", dir.path + "/nd"});
  ASSERT_EQ(nd.status, 0) << nd.err;
  EXPECT_FALSE(fs::exists(dir.path + "/nd/Global Header.ndjson"));
  EXPECT_EQ(Lines(Slurp(dir.path + "/nd/Frame 3.ndjson")).at(0)["number"], 3);

  auto pc = RunCli({"extract", in, "-F", "-f", "pcap", "-o", dir.path + "/pc"});
  ASSERT_EQ(pc.status, 0) << pc.err;
  std::string one = Slurp(dir.path + "/pc/Frame 1.pcap");
  auto back = testutil::ReadAll(Bytes(one.begin(), one.end()));
  ASSERT_EQ(back.frames.size(), 1u);
  EXPECT_EQ(back.data[0], Mixed(3)[0].data);

  EXPECT_EQ(RunCli({"extract", in, "-F", "-o", dir.path + "/x"}).status, 2);  // needs a format
}

// A second run into the same folder would leave the first's Frame 3..6 beside its own:
// a folder that is not empty is refused, and --force empties it first.
TEST(Files, AFolderNotEmptyIsRefusedOrEmptiedWithForce) {
  TempDir dir;
  std::string six = WriteTemp(PcapFile(Mixed(6)), ".pcap");
  std::string two = WriteTemp(PcapFile(Mixed(2)), ".pcap");
  std::string out = dir.path + "/frames";
  ASSERT_EQ(RunCli({"extract", six, "-F", "-f", "ndjson", "-o", out}).status, 0);
  auto again = RunCli({"extract", two, "-F", "-f", "ndjson", "-o", out});
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("is not empty (--force empties it first)"), std::string::npos)
      << again.err;
  EXPECT_TRUE(fs::exists(out + "/Frame 6.ndjson"));  // nothing touched
  auto forced = RunCli({"extract", two, "-F", "-f", "ndjson", "-o", out, "--force"});
  ASSERT_EQ(forced.status, 0) << forced.err;
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"Frame 1.ndjson", "Frame 2.ndjson"}));
}

TEST(Capture, PcapRoundTripKeepsBytesAndTimes) {
  TempDir dir;
  std::vector<CapturedFrame> records = Mixed(6);
  records[2].nsec = 999999999;
  std::string in = WriteTemp(PcapFile(records, {.nanosecond = true}), ".pcap");
  for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--byteorder", "big"}}) {
    std::string out = dir.path + "/out.pcap";
    std::vector<std::string> args{"extract", in, "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = RunCli(args);
    ASSERT_EQ(r.status, 0) << r.err;
    std::string bytes = Slurp(out);
    auto back = testutil::ReadAll(Bytes(bytes.begin(), bytes.end()));
    ASSERT_EQ(back.frames.size(), 6u);
    EXPECT_EQ(back.frames[2].time.digits, 9);  // an ns input stays ns
    EXPECT_EQ(back.frames[2].time.frac, 999999999u);
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(back.data[i], records[i].data);
    EXPECT_EQ(back.metas.at(0).fields[2].text, extra.empty() ? "little" : "big");
  }
  auto us = RunCli({"extract", in, "-f", "pcap", "-o", dir.path + "/us.pcap", "--microsecond"});
  ASSERT_EQ(us.status, 0) << us.err;
  std::string bytes = Slurp(dir.path + "/us.pcap");
  auto back = testutil::ReadAll(Bytes(bytes.begin(), bytes.end()));
  EXPECT_EQ(back.frames[2].time.frac, 999999u);
}

TEST(Capture, PcapRefusesSeveralLinkTypesPcapngKeepsThem) {
  TempDir dir;
  PcapngBlocks w;
  w.Section(Endian::kLittle).Interface(1).Interface(101, 0, 9);
  w.Enhanced(0, 5, Mixed(1)[0].data)
      .Enhanced(1, 7000000001ull, (Ipv4{} / Udp{.srcport = 1, .dstport = 2}).Build());
  std::string in = WriteTemp(w.bytes(), ".pcapng");
  auto pcap = RunCli({"extract", in, "-f", "pcap", "-o", dir.path + "/a.pcap"});
  EXPECT_EQ(pcap.status, 2);
  EXPECT_NE(pcap.err.find("-f pcapng"), std::string::npos) << pcap.err;
  EXPECT_FALSE(fs::exists(dir.path + "/a.pcap"));  // nothing under the final name
  auto ng = RunCli({"extract", in, "-o", dir.path + "/a.pcapng"});
  ASSERT_EQ(ng.status, 0) << ng.err;
  std::string bytes = Slurp(dir.path + "/a.pcapng");
  auto back = testutil::ReadAll(Bytes(bytes.begin(), bytes.end()));
  ASSERT_EQ(back.frames.size(), 2u);
  EXPECT_EQ(back.frames[1].linktype, 101u);
  EXPECT_EQ(back.frames[1].time.sec, 7);
  EXPECT_EQ(back.frames[1].time.frac, 1u);
}

TEST(Selection, FilterFramesAndCount) {
  std::string in = WriteTemp(PcapFile(Mixed(30)), ".pcap");
  auto tcp = Lines(RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--filter", "tcp"}).out);
  ASSERT_EQ(tcp.size(), 10u);
  EXPECT_EQ(tcp[1]["number"], 4);  // numbers stay those of the capture
  auto arp = Lines(
      RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--filter", "arp", "--count", "2"}).out);
  ASSERT_EQ(arp.size(), 2u);
  EXPECT_EQ(arp[1]["number"], 6);
  auto some =
      Lines(RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--frames", "28-40,2,5-6"}).out);
  std::vector<int> numbers;
  for (auto& l : some) numbers.push_back(l["number"]);
  EXPECT_EQ(numbers, (std::vector<int>{2, 5, 6, 28, 29, 30}));
  for (const char* engine : {"server", "pipeline"}) {
    auto r = RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--filter", "udp", "--count", "3",
                     "-E", engine});
    EXPECT_EQ(Lines(r.out).size(), 3u) << engine;
  }
  auto bad = RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--filter", "tcp port banana"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--filter"), std::string::npos) << bad.err;
  // Ranges either way round, overlapping: 5-2 is 2-5, and 1-10 covers what 3-4 adds.
  auto numbers_of = [&](const char* list) {
    std::vector<int> out;
    for (auto& l : Lines(RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--frames", list}).out))
      out.push_back(l["number"]);
    return out;
  };
  EXPECT_EQ(numbers_of("5-2"), (std::vector<int>{2, 3, 4, 5}));
  EXPECT_EQ(numbers_of("1-6,3-4,8"), (std::vector<int>{1, 2, 3, 4, 5, 6, 8}));
  EXPECT_EQ(RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--frames", "0"}).status, 2);
}

// A raw-IP capture (LINKTYPE_RAW, 101) filters as libpcap's DLT_RAW, whose number differs.
TEST(Selection, FilterOnRawIpCapture) {
  std::vector<CapturedFrame> frames{{.data = (Ipv4{} / Tcp{.srcport = 1, .dstport = 80}).Build()},
                                    {.data = (Ipv4{} / Udp{.srcport = 1, .dstport = 53}).Build()},
                                    {.data = (Ipv6{} / Tcp{.srcport = 2, .dstport = 443}).Build()}};
  std::string in = WriteTemp(PcapFile(frames, {.linktype = 101}), ".pcap");
  auto r = RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--filter", "tcp"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto tcp = Lines(r.out);
  ASSERT_EQ(tcp.size(), 2u);
  EXPECT_EQ(tcp[0]["number"], 1);
  EXPECT_EQ(tcp[1]["number"], 3);
}

TEST(Selection, CountStopsReadingBeforeALaterFault) {
  Bytes file = PcapFile(Mixed(10));
  file.resize(file.size() - 4);
  std::string in = WriteTemp(file, ".pcap");
  auto r = RunCli({"extract", in, "-f", "ndjson", "-o", "-", "--count", "3"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 3u);
}

TEST(Robust, ACorruptCaptureLeavesAValidReportAndSaysWhatWasWritten) {
  TempDir dir;
  Bytes file = PcapFile(Mixed(5));
  file.resize(file.size() - 4);
  std::string in = WriteTemp(file, ".pcap");
  for (const char* fmt : {"json", "plist", "txt", "pcap"}) {  // by extension
    std::string out = dir.path + "/r." + fmt;
    auto r = RunCli({"extract", in, "-o", out});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("4 frames before it written to '" + out + "'"), std::string::npos)
        << r.err;
    EXPECT_TRUE(fs::exists(out));
  }
  EXPECT_TRUE(json::parse(Slurp(dir.path + "/r.json")).contains("Frame 4"));
  // No temporary file is left beside the reports.
  for (const auto& e : fs::directory_iterator(dir.path))
    EXPECT_EQ(e.path().filename().string().find(".pcapkit-"), std::string::npos) << e.path();
}

// `pcapkit extract FIFO -o OUT -q` in a child process.
static pid_t ExtractFromFifo(const std::string& fifo, const std::string& out) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(PCAPKIT_CLI, PCAPKIT_CLI, "extract", fifo.c_str(), "-o", out.c_str(), "-q",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Whether the run has begun: its temporary report appears once the SIGINT handler is
// installed. Waits up to five seconds.
static bool RunStarted(const std::string& dir) {
  for (int i = 0; i < 500; ++i) {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename().string().find(".pcapkit-") != std::string::npos) return true;
    usleep(10 * 1000);
  }
  return false;
}

TEST(Robust, SigintWritesWhatWasReadAndClosesTheReport) {
  TempDir dir;
  std::string fifo = dir.path + "/in.fifo", out = dir.path + "/out.json";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Bytes file = PcapFile(Mixed(40));
  size_t half = 24 + (file.size() - 24) / 2;
  pid_t pid = ExtractFromFifo(fifo, out);
  int fd = open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, file.data(), half), ssize_t(half));
  // Once the run has begun, the reader waits on the FIFO for the second half.
  ASSERT_TRUE(RunStarted(dir.path));
  usleep(100 * 1000);
  kill(pid, SIGINT);
  usleep(100 * 1000);
  // The run may be gone already (it does not wait for the pipe): the rest may not be read.
  signal(SIGPIPE, SIG_IGN);
  (void)!write(fd, file.data() + half, file.size() - half);
  signal(SIGPIPE, SIG_DFL);
  close(fd);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  json report = json::parse(Slurp(out));  // closed and renamed into place
  EXPECT_TRUE(report.contains("Frame 1"));
}

// A quiet pipe (tcpdump -w - on an idle link) does not hold a SIGINT back: the run stops
// within a second, closes the report and exits 130, the writer still connected.
TEST(Robust, SigintOnAQuietPipeStopsWithinASecond) {
  TempDir dir;
  std::string fifo = dir.path + "/in.fifo", out = dir.path + "/out.ndjson";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Bytes file = PcapFile(Mixed(10));
  pid_t pid = ExtractFromFifo(fifo, out);
  int fd = open(fifo.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, file.data(), file.size()), ssize_t(file.size()));
  ASSERT_TRUE(RunStarted(dir.path));
  usleep(200 * 1000);  // the ten frames are read; the reader waits for more
  kill(pid, SIGINT);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 100 && done == 0; ++i) {  // a second, in 10 ms steps
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0) usleep(10 * 1000);
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  close(fd);
  ASSERT_NE(done, 0) << "still waiting on the pipe a second after SIGINT";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(testutil::NdjsonLines(Slurp(out)).size(), 10u);
}

// The tree layout of PyPCAPKit, frozen: a capture built here, compared with the committed
// golden file. PCAPKIT_UPDATE_GOLDEN=1 rewrites the file and fails: review its diff, commit
// it, and run again without the variable, which is the only run that can pass.
TEST(Tree, GoldenLayout) {
  PcapngBlocks w;
  w.Section(Endian::kLittle, {{1, Bytes{'A', ' ', 'c', 'o', 'm', 'm', 'e', 'n', 't', ' ', 'l', 'o',
                                        'n', 'g', 'e', 'r', ' ', 't', 'h', 'a', 'n', ' ', 'f', 'o',
                                        'r', 't', 'y', ' ', 'c', 'h', 'a', 'r', 'a', 'c', 't', 'e',
                                        'r', 's', ',', ' ', 'w', 'r', 'a', 'p', 'p', 'e', 'd'}}})
      .Interface(1, 65535, 6, 0, "eth0");
  // The golden file holds the IPv4 id and TCP checksum given here.
  Packet tcp =
      Ethernet{} / Vlan{.pcp = 3, .dei = true, .vid = 42} /
      Ipv4{.id = 0x1234, .options = {{.kind = 0x94, .data = {0, 0}}}} /
      Tcp{.dstport = 80,
          .options = {{.kind = 2, .data = {5, 0xb4}}, {.kind = 1}, {.kind = 3, .data = {7}}},
          .checksum = 0xbeef} /
      Bytes(20, 0x41);
  w.Enhanced(0, 1600000000123456ull, tcp.Build());
  w.Enhanced(0, 1600000001000000ull, (Ethernet{} / Arp{.oper = 2, .tha = kMacB}).Build());
  pcapkit::ExtractOptions o;
  o.payload = true;
  std::string tree = testutil::RawReport(w.bytes(), pcapkit::OutputFormat::kTree, o);
  std::string golden_path = std::string(PCAPKIT_SOURCE_DIR) + "/tests/golden/tree_layout.txt";
  if (std::getenv("PCAPKIT_UPDATE_GOLDEN")) {
    std::ofstream(golden_path) << tree;
    FAIL() << "PCAPKIT_UPDATE_GOLDEN: rewrote " << golden_path
           << "; review `git diff` on it, then run again without the variable";
  }
  EXPECT_EQ(tree, Slurp(golden_path))
      << "layout changed; see " << golden_path << " (PCAPKIT_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace

namespace {

TEST(Selection, TheApiIteratorSelectsAsTheCliDoes) {
  std::string in = WriteTemp(PcapFile(Mixed(30)), ".pcap");
  pcapkit::ExtractOptions o;
  o.input = in;
  o.filter = "udp";
  o.count = 4;
  pcapkit::Extractor ex(o);
  std::vector<uint64_t> numbers;
  while (const pcapkit::Frame* f = ex.Next()) {
    EXPECT_TRUE(f->has("udp"));
    numbers.push_back(f->number());
  }
  EXPECT_EQ(numbers, (std::vector<uint64_t>{2, 5, 8, 11}));
  o.filter = "not a filter (";
  EXPECT_THROW(pcapkit::Extractor{o}, pcapkit::FormatError);
}

}  // namespace

namespace {

// A file's bytes, gzip or zstd undone by the project's own reader of compressed captures.
std::string Decompress(const std::string& packed) {
  std::unique_ptr<pcapkit::io::ByteSource> source =
      pcapkit::io::MemorySource(reinterpret_cast<const uint8_t*>(packed.data()), packed.size());
  pcapkit::Raise(pcapkit::io::Decompressed(&source));
  std::string out(64 << 20, '\0');
  size_t got = 0;
  pcapkit::Raise(source->ReadFully(reinterpret_cast<uint8_t*>(out.data()), out.size(), &got));
  out.resize(got);
  return out;
}

}  // namespace

// -o out.ndjson.gz / .zst: the report compressed as it is written, its format named by the
// extension inside; the bytes once decompressed are those of the plain report.
TEST(Compressed, ReportsEndingInGzOrZstAreCompressed) {
  TempDir dir;
  std::string in = WriteTemp(PcapFile(Mixed(300)), ".pcap");
  auto plain = RunCli({"extract", in, "-o", "-", "-f", "ndjson", "-q"});
  ASSERT_EQ(plain.status, 0) << plain.err;
  for (const char* name : {"r.ndjson.gz", "r.ndjson.zst", "R.NDJSON.GZ"}) {
    std::string out = dir.path + "/" + name;
    auto r = RunCli({"extract", in, "-o", out, "-q"});
    ASSERT_EQ(r.status, 0) << name << ": " << r.err;
    std::string packed = Slurp(out);
    EXPECT_LT(packed.size(), plain.out.size() / 3) << name;
    EXPECT_TRUE(Decompress(packed) == plain.out) << name;
  }
  // Every verb's report; a capture format too (pcapkit reads it back).
  auto flows = RunCli({"flows", in, "-o", dir.path + "/f.csv.gz", "-e", "proto,src", "-q"});
  ASSERT_EQ(flows.status, 0) << flows.err;
  EXPECT_EQ(Decompress(Slurp(dir.path + "/f.csv.gz")).substr(0, 10), "proto,src\n");
  auto pcap = RunCli({"extract", in, "-o", dir.path + "/c.pcap.zst", "-q"});
  ASSERT_EQ(pcap.status, 0) << pcap.err;
  auto back = RunCli({"extract", dir.path + "/c.pcap.zst", "-o", "-", "-f", "ndjson", "-q"});
  EXPECT_TRUE(back.out == plain.out);
  // No extension inside: the format must be given.
  EXPECT_EQ(RunCli({"extract", in, "-o", dir.path + "/x.gz"}).status, 2);
}
