#include "stages/foreign/foreign_options.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <string_view>

#include "engine/io/byte_source.h"

namespace pcapkit::stages::foreign {

namespace {

bool Reassembling(const ReassemblyOptions& r) {
  return r.ipv4 || r.ipv6 || r.tcp;
}

// The option among those that shape pcapkit's own dissection or its stateful stages, none
// of which a foreign tool runs; nullptr when none is set.
const char* StageOption(const ExtractOptions& o) {
  const ExtractOptions defaults;
  if (o.stop_layer != LayerLevel::kNone) return "-L/--layer";
  if (!o.stop_protocol.empty()) return "-P/--protocol";
  if (Reassembling(o.reassembly)) return "--reassemble";
  if (o.flows.enabled) return "--flows";
  if (o.flow_id) return "--flow-id";
  if (!o.trace.folder.empty()) return "--trace";
  if (o.analyse.enabled) return "analyse";
  if (!o.filter.empty()) return "--filter";
  if (o.payload) return "--payload";
  if (o.names) return "--names";
  if (o.max_layers != defaults.max_layers) return "--max-layers";
  if (o.max_record != defaults.max_record) return "--max-record-length";
  return nullptr;
}

// The option among those of the input and the output; nullptr when none is set.
const char* IoOption(const ExtractOptions& o) {
  if (o.files) return "-F/--files";
  if (o.format == OutputFormat::kPcap) return "-f pcap";
  if (o.format == OutputFormat::kPcapng) return "-f pcapng";
  if (o.source) return "a capture source in memory";
  if (o.inputs.size() > 1) return "several inputs";
  return nullptr;
}

// The one capture file the tool is given: stdin, a folder and compressed captures are
// pcapkit's reader's to open.
const char* InputOption(const ExtractOptions& o) {
  std::string input = o.inputs.size() == 1 ? o.inputs.front() : o.input;
  if (input == "-") return "stdin as the input";
  int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;  // reported as pcapkit reports a missing input
  uint8_t magic[4] = {};
  ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  if (n < 0) return "a folder as the input";
  switch (io::CompressionOf(magic, size_t(n))) {
    case io::Compression::kGzip:
      return "a gzip-compressed input";
    case io::Compression::kZstd:
      return "a zstd-compressed input";
    case io::Compression::kNone:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

std::string EngineFlag(const ExtractOptions& o) {
  return "-E " + (o.engine.empty() ? std::string(StrategyName(o.strategy)) : o.engine);
}

Status CheckOptions(const ExtractOptions& o) {
  if (!IsForeignEngine(o.strategy)) return Status::Ok();
  const char* what = StageOption(o);
  if (what == nullptr) what = IoOption(o);
  if (what == nullptr) what = InputOption(o);
  if (what == nullptr) return Status::Ok();
  std::string why = std::string_view(what) == "--filter"
                        ? "pcapkit's filter runs on pcapkit's own dissection"
                    : std::string_view(what).find("input") != std::string_view::npos
                        ? "the tool is given one capture file; pcapkit's own engines read these"
                        : "pcapkit's own engines can";
  return Status::InvalidArgument(EngineFlag(o) + " cannot honour " + what + " (" + why + ")");
}

}  // namespace pcapkit::stages::foreign
