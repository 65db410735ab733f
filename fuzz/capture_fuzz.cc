// libFuzzer target: any bytes as a capture file (pcap, pcapng, snoop; gzip and zstd
// included), read in small batches so records straddle batch boundaries, every frame
// dissected and written in every text format and as pcapng.
#include <cstddef>
#include <cstdint>

#include "engine/capture/reader.h"
#include "engine/io/byte_source.h"
#include "engine/packet/dissector.h"
#include "formats/report_writer.h"
#include "stages/batch_stages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pcapkit;
  static const auto& registry = protocols::Registry::Builtin();
  static const Dissector dissector(registry, {});
  static const OutputFormat kFormats[] = {OutputFormat::kJson, OutputFormat::kPlist,
                                          OutputFormat::kTree, OutputFormat::kPcapng};
  try {
    auto reader = capture::Reader::FromSource(io::MemorySource(data, size), "fuzz", 256);
    stages::Source source(reader.get(), nullptr, nullptr);
    stages::WorkItem item;
    for (uint64_t seq = 0; source.Read(seq, item); ++seq) {
      for (OutputFormat f : kFormats) {
        auto writer = formats::MakeReportWriter(f, registry, {true});
        stages::ProcessOptions o{&dissector, writer.get(), &registry, true, false};
        item.report.clear();
        item.log.clear();
        item.entries = 0;
        stages::Process(o, item);
      }
    }
  } catch (const Error&) {
    // Unknown formats and corrupt files are refused with an exception at the boundary.
  }
  return 0;
}
