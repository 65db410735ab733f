// libFuzzer target: `trace` over a capture built from the input (raw-IP frames from
// fuzz/ip_packets.h, times drawn from it), with a tiny flow budget, one to four open
// files, a buffer of a few KiB, in the background or not, in any format, both ways or
// one: what it writes must hold together. Every file the index names exists and holds
// exactly the frames its `index` lists, byte for byte (capture formats, read back), or
// parses (JSON, PLIST); no frame is in two files; the folder holds those files and the
// index, nothing else.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/byte_reader.h"
#include "fuzz/ip_packets.h"
#include "fuzz/oracles.h"
#include "pcapkit/pcapkit.h"

namespace {

using pcapkit::fuzz::ByteReader;
using pcapkit::fuzz::Fail;

constexpr pcapkit::OutputFormat kFormats[] = {
    pcapkit::OutputFormat::kPcap,   pcapkit::OutputFormat::kPcapng, pcapkit::OutputFormat::kJson,
    pcapkit::OutputFormat::kNdjson, pcapkit::OutputFormat::kPlist,  pcapkit::OutputFormat::kTree};

void Put32le(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
}

// A raw-IP pcap of the frames the input describes.
std::vector<uint8_t> Capture(ByteReader& in, std::vector<std::vector<uint8_t>>& frames) {
  std::vector<uint8_t> file;
  for (uint32_t v : {0xa1b2c3d4u, 0x00040002u, 0u, 0u, 65535u, 101u}) Put32le(file, v);
  uint32_t sec = 1000;
  while (in.n > 0 && frames.size() < 512) {
    uint8_t kind = in.U8();
    sec += uint32_t(in.U8() >> 4);
    std::vector<uint8_t> p = pcapkit::fuzz::MakePacket(in, kind);
    if (kind & 0x40) p = pcapkit::fuzz::Tunnel(p);
    for (uint32_t v : {sec, uint32_t(frames.size()), uint32_t(p.size()), uint32_t(p.size())})
      Put32le(file, v);
    file.insert(file.end(), p.begin(), p.end());
    frames.push_back(std::move(p));
  }
  return file;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The index's files against the input's frames.
void Check(const std::string& dir, pcapkit::OutputFormat format,
           const std::vector<std::vector<uint8_t>>& frames, uint64_t files) {
  std::set<uint64_t> seen;
  size_t lines = 0;
  std::istringstream index(Slurp(dir + "/index.ndjson"));
  for (std::string line; std::getline(index, line); ++lines) {
    nlohmann::json entry = nlohmann::json::parse(line);
    std::string path = entry["fpout"];
    std::string text = Slurp(path);
    if (text.empty()) Fail("an indexed trace file is missing or empty");
    for (uint64_t n : entry["index"])
      if (n == 0 || n > frames.size() || !seen.insert(n).second)
        Fail("a frame indexed twice, or not a frame");
    if (format == pcapkit::OutputFormat::kJson) pcapkit::fuzz::CheckJson(text, "a trace file");
    if (format == pcapkit::OutputFormat::kPlist) pcapkit::fuzz::CheckPlist(text);
    if (format != pcapkit::OutputFormat::kPcap && format != pcapkit::OutputFormat::kPcapng)
      continue;
    pcapkit::ExtractOptions o;
    o.input = path;
    pcapkit::Extractor x(o);
    size_t k = 0;
    for (const pcapkit::Frame* f; (f = x.Next()) != nullptr; ++k) {
      if (k >= entry["index"].size()) Fail("a trace file holds frames its index does not list");
      const auto& want = frames[size_t(entry["index"][k]) - 1];
      auto got = f->data();
      if (!std::equal(got.begin(), got.end(), want.begin(), want.end()))
        Fail("a traced frame differs from the input's");
    }
    if (k != entry["index"].size()) Fail("a trace file lacks frames its index lists");
  }
  size_t in_folder = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) in_folder += !e.is_directory();
  if (lines != files || in_folder != files + 1) Fail("files, index lines and folder disagree");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  ByteReader in{data, size};
  uint8_t mode = in.U8(), more = in.U8();
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint8_t> file = Capture(in, frames);
  static const std::string dir =
      (std::filesystem::temp_directory_path() / ("trace_fuzz-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  pcapkit::ExtractOptions o;
  o.source = pcapkit::MemoryCapture(file);
  o.nofile = true;
  o.batch_bytes = 2048;
  o.trace.folder = dir;
  o.trace.format = kFormats[mode % 6];
  o.trace.all = mode & 0x08;
  o.trace.unidirectional = mode & 0x10;
  o.trace.max_open = 1 + (mode >> 5 & 3);
  o.trace.buffer_bytes = size_t(1024) << (more & 7);
  o.strategy = more & 0x08 ? pcapkit::Strategy::kPipeline : pcapkit::Strategy::kSequential;
  o.threads = 2;
  o.flows.enabled = true;
  o.flows.memory = 64 * 1024 * (1 + (more >> 4 & 3));
  o.flows.timeout = more & 0x40 ? 3 : 0;
  pcapkit::ExtractSummary s = pcapkit::Extractor(o).Run();
  Check(dir, o.trace.format, frames, s.trace_files);
  std::filesystem::remove_all(dir);
  return 0;
}
