// Several captures in one run (`pcapkit extract a.pcap b.pcapng dir/`): each record names
// its file, frames count per file, the output keeps the input order under every strategy,
// and a capture that cannot be read is reported while the others are still written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "pcapkit/extractor.h"
#include "pcapkit/ipsuite.h"
#include "testing/capture_files.h"
#include "testing/run_cli.h"
#include "testing/test_util.h"

using namespace pcapkit::ipsuite;
using namespace testutil;
using nlohmann::json;
using testutil::RunCli;
namespace fs = std::filesystem;

namespace {

Bytes Pcap(int n, uint32_t first_second = 1600000000) {
  return PcapFile(TcpFrames(n, first_second));
}

Bytes Pcapng(int n) {
  return PcapngFile(TcpFrames(n, 1700000000));
}

// A fresh folder for one test's captures.
std::string Folder(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("pcapkit-several-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Put(const std::string& path, const Bytes& data) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
  return path;
}

// (file, number) of each ndjson record.
std::vector<std::pair<std::string, int>> FileAndNumber(const std::string& ndjson) {
  std::vector<std::pair<std::string, int>> r;
  for (const json& j : testutil::NdjsonLines(ndjson))
    r.emplace_back(j.value("file", std::string("<none>")), j["number"].get<int>());
  return r;
}

TEST(SeveralInputs, RecordsNameTheirFileAndCountFramesPerFileInInputOrder) {
  std::string dir = Folder("order");
  std::string x = Put(dir + "/x.pcap", Pcap(2));
  std::string caps = dir + "/caps";
  fs::create_directories(caps + "/sub");
  Put(caps + "/b.pcap", Pcap(2));
  Put(caps + "/a.pcapng", Pcapng(3));
  Put(caps + "/c.bin", Gzip(Pcap(1)));         // a capture by its magic, whatever its name
  Put(caps + "/notes.txt", {'h', 'i', '\n'});  // not a capture: left out
  Put(caps + "/sub/d.pcap", Pcap(1));          // subfolders are not read

  auto r = RunCli({"extract", x, caps, "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::pair<std::string, int>> expected = {{x, 1},
                                                       {x, 2},
                                                       {caps + "/a.pcapng", 1},
                                                       {caps + "/a.pcapng", 2},
                                                       {caps + "/a.pcapng", 3},
                                                       {caps + "/b.pcap", 1},
                                                       {caps + "/b.pcap", 2},
                                                       {caps + "/c.bin", 1}};
  EXPECT_EQ(FileAndNumber(r.out), expected);

  // One capture is the single input it always was: no `file` member.
  r = RunCli({"extract", x, "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(FileAndNumber(r.out),
            (std::vector<std::pair<std::string, int>>{{"<none>", 1}, {"<none>", 2}}));
  // -e file selects it, like any frame member.
  r = RunCli(
      {"extract", x, caps + "/b.pcap", "-f", "csv", "-e", "file", "-e", "number", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "file,number\n" + x + ",1\n" + x + ",2\n" + caps + "/b.pcap,1\n" + caps +
                       "/b.pcap,2\n");
}

TEST(SeveralInputs, EveryStrategyWritesTheSameBytes) {
  std::string dir = Folder("strategies");
  std::vector<std::string> inputs;
  for (int i = 0; i < 4; ++i)
    inputs.push_back(Put(dir + "/" + std::to_string(i) + ".pcap", Pcap(300 + i)));
  auto run = [&](pcapkit::Strategy strategy, unsigned threads) {
    pcapkit::ExtractOptions o;
    o.inputs = inputs;
    o.format = pcapkit::OutputFormat::kNdjson;
    o.output = dir + "/out.ndjson";
    o.strategy = strategy;
    o.threads = threads;
    o.batch_bytes = 2048;  // many batches per capture, and captures meeting inside the graph
    pcapkit::Extractor(o).Run();
    return Read(o.output);
  };
  std::string sequential = run(pcapkit::Strategy::kSequential, 1);
  ASSERT_EQ(testutil::NdjsonLines(sequential).size(), 300u + 301 + 302 + 303);
  for (pcapkit::Strategy e : {pcapkit::Strategy::kServer, pcapkit::Strategy::kPipeline})
    for (unsigned threads : {2u, 4u}) EXPECT_EQ(run(e, threads), sequential) << int(e) << threads;
}

TEST(SeveralInputs, ACaptureThatCannotBeReadIsReportedAndTheRunGoesOn) {
  std::string dir = Folder("faults");
  std::string good = Put(dir + "/good.pcap", Pcap(2));
  Bytes cut = Pcap(3);
  cut.resize(cut.size() - 10);  // the third record breaks off
  std::string broken = Put(dir + "/broken.pcap", cut);
  std::string missing = dir + "/missing.pcap";
  auto r = RunCli({"extract", missing, broken, good, "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 1) << "an input error, though the others were written";
  std::vector<std::pair<std::string, int>> expected = {
      {broken, 1}, {broken, 2}, {good, 1}, {good, 2}};
  EXPECT_EQ(FileAndNumber(r.out), expected);
  EXPECT_NE(r.err.find(missing + ": cannot open"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(broken), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("frame 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 inputs could not be read"), std::string::npos) << r.err;
}

TEST(SeveralInputs, APcapReportHasOneHeaderAndEveryFrame) {
  std::string dir = Folder("pcap");
  std::string a = Put(dir + "/a.pcap", Pcap(2, 1600000000));
  std::string b = Put(dir + "/b.pcap", Pcap(3, 1600000100));
  std::string out = dir + "/out.pcap";
  auto r = RunCli({"extract", a, b, "-o", out});
  ASSERT_EQ(r.status, 0) << r.err;
  r = RunCli({"extract", out, "-f", "csv", "-e", "number", "-e", "time_sec", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "number,time_sec\n1,1600000000\n2,1600000001\n3,1600000100\n4,1600000101\n"
            "5,1600000102\n");
}

TEST(SeveralInputs, JsonReportNamesStayUnique) {
  std::string dir = Folder("json");
  std::string a = Put(dir + "/a.pcap", Pcap(1));
  std::string b = Put(dir + "/b.pcap", Pcap(1));
  auto r = RunCli({"extract", a, b, a, "-f", "json", "-o", "-"});  // a named twice: read once
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> keys;
  json::parser_callback_t note = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key) keys.push_back(parsed.get<std::string>());
    return true;
  };
  EXPECT_TRUE(json::parse(r.out, note).is_object());
  EXPECT_EQ(keys, (std::vector<std::string>{"Global Header (" + a + ")", "Frame 1 (" + a + ")",
                                            "Global Header (" + b + ")", "Frame 1 (" + b + ")"}));
}

TEST(SeveralInputs, FramesAndCountApplyToEachFile) {
  std::string dir = Folder("selection");
  std::string a = Put(dir + "/a.pcap", Pcap(3));
  std::string b = Put(dir + "/b.pcap", Pcap(3));
  auto r = RunCli({"extract", a, b, "--frames", "2-3", "--count", "1", "-f", "ndjson", "-o", "-"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(FileAndNumber(r.out), (std::vector<std::pair<std::string, int>>{{a, 2}, {b, 2}}));
}

TEST(SeveralInputs, OneCaptureAtATimeForTheStatefulStagesAndFiles) {
  std::string dir = Folder("refused");
  std::string a = Put(dir + "/a.pcap", Pcap(1));
  std::string b = Put(dir + "/b.pcap", Pcap(1));
  for (std::vector<std::string> args :
       {std::vector<std::string>{"flows", a, b, "-f", "ndjson", "-o", "-"},
        {"analyse", a, b, "-f", "ndjson", "-o", "-"},
        {"extract", a, b, "--reassemble", "tcp", "-f", "ndjson", "-o", dir + "/r.ndjson"},
        {"extract", a, b, "-F", "-f", "json", "-o", dir + "/files"}}) {
    auto r = RunCli(args);
    EXPECT_EQ(r.status, 2) << args[0] << " " << args[4] << ": " << r.err;
    EXPECT_NE(r.err.find("one capture at a time"), std::string::npos) << r.err;
  }
}

TEST(SeveralInputs, AFolderWithoutCapturesIsAnInputError) {
  std::string dir = Folder("empty");
  Put(dir + "/notes.txt", {'x'});
  auto r = RunCli({"extract", dir, "-f", "ndjson", "-o", "-"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("holds no capture"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
