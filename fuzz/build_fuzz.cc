// libFuzzer target: `pcapkit build` on records made from the input — raw-IP frames from
// fuzz/ip_packets.h dissected into NDJSON with --payload, then the record text changed at
// a few places the input picks (a byte replaced, a span cut, a number's digits doubled):
// near-valid records that reach every reader. Oracles: unchanged records give their
// frames back byte for byte; changed ones build or are left out with a reason, and the
// capture written holds exactly the frames counted.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/byte_reader.h"
#include "fuzz/ip_packets.h"
#include "fuzz/oracles.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/pcapkit.h"

namespace {

using pcapkit::fuzz::ByteReader;
using pcapkit::fuzz::Fail;
namespace ips = pcapkit::ipsuite;

std::string Temp(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("build_fuzz-" + std::to_string(getpid()) + "-" + name))
      .string();
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Some of the input's packets as a raw-IP pcap, and the NDJSON extract writes for them.
std::string Records(ByteReader& in, std::vector<ips::Bytes>& frames) {
  std::vector<ips::CapturedFrame> captured;
  while (in.n > 0 && captured.size() < 16) {
    uint8_t kind = in.U8();
    std::vector<uint8_t> p = pcapkit::fuzz::MakePacket(in, kind);
    if (kind & 0x40) p = pcapkit::fuzz::Tunnel(p);
    frames.push_back(p);
    captured.push_back({.data = p, .sec = 1000 + int64_t(captured.size())});
  }
  std::string capture = Temp("in.pcap"), records = Temp("in.ndjson");
  ips::WriteFile(capture, ips::PcapFile(captured, {.linktype = 101}));
  pcapkit::ExtractOptions o;
  o.input = capture;
  o.output = records;
  o.format = pcapkit::OutputFormat::kNdjson;
  o.payload = true;
  pcapkit::Extractor(o).Run();
  return Slurp(records);
}

// The text changed where the rest of the input says.
bool Mutate(ByteReader& in, std::string& text) {
  bool changed = false;
  for (int k = in.U8() % 4; k > 0 && !text.empty(); --k, changed = true) {
    size_t at = in.U16() % text.size();
    switch (in.U8() % 3) {
      case 0:
        text[at] = char(in.U8());
        break;
      case 1:
        text.erase(at, in.U8() % 16);
        break;
      default:
        if (text[at] >= '0' && text[at] <= '9') text.insert(at, text.substr(at, 1 + in.U8() % 20));
    }
  }
  return changed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  ByteReader in{data, size};
  uint8_t mode = in.U8();
  std::vector<ips::Bytes> frames;
  std::string text = Records(in, frames);
  bool changed = Mutate(in, text);
  std::string records = Temp("changed.ndjson"), out = Temp("out.pcapng");
  std::ofstream(records, std::ios::binary) << text;
  ips::RebuildOptions o{.input = records,
                        .output = out,
                        .pcapng = (mode & 1) != 0,
                        .fix_checksums = (mode & 2) != 0,
                        .fix_lengths = (mode & 4) != 0,
                        .keep_going = true,
                        .threads = 1u + (mode >> 3 & 1u)};  // one worker, or two racing
  ips::RebuildSummary s = ips::RebuildCapture(o);
  pcapkit::ExtractOptions back;
  back.input = out;
  pcapkit::Extractor x(back);
  size_t k = 0;
  for (const pcapkit::Frame* f; (f = x.Next()) != nullptr; ++k) {
    // Records left out (a protocol with no reader yet) leave the frames unaligned.
    if (changed || o.fix_checksums || o.fix_lengths || s.skipped != 0) continue;
    auto got = f->data();
    if (k >= frames.size() ||
        !std::equal(got.begin(), got.end(), frames[k].begin(), frames[k].end()))
      Fail("an unchanged record did not give its frame back");
  }
  if (k != s.frames) Fail("the capture holds another number of frames than were built");
  for (const char* name : {"in.pcap", "in.ndjson", "changed.ndjson", "out.pcapng"})
    std::filesystem::remove(Temp(name));
  return 0;
}
