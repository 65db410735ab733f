// ipsuite: built frames written as capture files, by the same writers `extract -f pcap`
// and `-f pcapng` use.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pcapkit::ipsuite {

using Bytes = std::vector<uint8_t>;

// A frame of a capture: its bytes and when it was seen.
struct CapturedFrame {
  Bytes data;
  int64_t sec = 1500000000;
  uint32_t nsec = 0;                  // written as µs in a microsecond pcap
  std::optional<uint32_t> len;        // the length on the wire; data.size() when empty
  uint32_t interface = 0;             // pcapng: the interface's index
  std::vector<std::string> comments;  // pcapng: opt_comment
};

struct PcapOptions {
  uint32_t linktype = 1;
  uint32_t snaplen = 262144;
  bool nanosecond = false;  // the a1b23c4d magic
  bool big_endian = false;
};
Bytes PcapFile(const std::vector<CapturedFrame>& frames, const PcapOptions& options = {});

struct PcapngInterface {
  uint16_t linktype = 1;
  uint32_t snaplen = 0;
  std::string name, description;
  uint8_t digits = 9;  // if_tsresol: timestamps in units of 10^-digits seconds
};
struct PcapngOptions {
  std::vector<PcapngInterface> interfaces{PcapngInterface{}};
  bool big_endian = false;
};
// One section: its interfaces, then an enhanced packet block per frame.
Bytes PcapngFile(const std::vector<CapturedFrame>& frames, const PcapngOptions& options = {});

// Writes `bytes` to `path`; throws OutputError when it cannot.
void WriteFile(const std::string& path, const Bytes& bytes);

// `pcapkit build`: records as `extract` writes them (NDJSON, or the JSON report; gzip or
// zstd compressed too) back to the frames they came from. Each layer is built from its
// fields as written, so an unedited record gives its frame's bytes back, wrong checksums
// included; `fix_checksums` and `fix_lengths` recompute them after an edit.
struct RebuildOptions {
  std::string input = "-";   // "-": stdin
  std::string output = "-";  // "-": stdout
  bool pcapng = false;
  bool fix_checksums = false;
  bool fix_lengths = false;
  // Go on past a record that cannot be built instead of stopping there: it is left out,
  // counted, and `on_skip` (when set) is told why, as InputError's message would say.
  bool keep_going = false;
  std::function<void(const std::string& why)> on_skip;  // called on the writing thread
  // Threads that read, parse and build records (0: the cores this process may use).
  // Frames are written in input order whatever the count.
  unsigned threads = 0;
};
struct RebuildSummary {
  uint64_t frames = 0;   // written
  uint64_t skipped = 0;  // keep_going: records left out
};
// A record that cannot be built throws InputError naming its frame, the field and the
// record's byte offset in the input, after every earlier frame is written; a capture that
// cannot be written throws OutputError.
RebuildSummary RebuildCapture(const RebuildOptions& options);

}  // namespace pcapkit::ipsuite
