// libFuzzer target: any bytes as a capture file (pcap, pcapng, snoop; gzip and zstd
// included), read in small batches so records straddle batch boundaries, every frame
// dissected and written by every writer (JSON, NDJSON, PLIST, tree, pcap, pcapng; both
// byte orders for the captures; one document per record as -F writes them, too).
// Besides the sanitizers, oracles abort on a wrong result, not only on a crash:
//   - the JSON report parses, and no object in it repeats a key (ETL jobs key on names);
//   - the PLIST report is UTF-8 XML that plist readers load, its dicts key/value pairs;
//   - every NDJSON line parses on its own, one per frame;
//   - the pcapng outputs read back give the same frames: bytes, lengths and instants.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/capture/input_sequence.h"
#include "engine/capture/reader.h"
#include "engine/io/byte_source.h"
#include "engine/packet/dissector.h"
#include "formats/field_selection.h"
#include "formats/record.h"
#include "formats/report_writer.h"
#include "fuzz/oracles.h"
#include "stages/batch_stages.h"
#include "testing/test_util.h"

namespace {

using namespace pcapkit;
using fuzz::CheckJson;
using fuzz::Fail;

// A frame as the oracle compares it: its bytes, lengths and instant in nanoseconds.
struct FrameDigest {
  std::string bytes;
  uint32_t len;
  __int128 nanos;
  bool operator==(const FrameDigest&) const = default;
};

FrameDigest Digest(const capture::Batch& batch, const capture::FrameRecord& r) {
  static constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  uint8_t d = r.time.digits > 9 ? 9 : r.time.digits;
  return {std::string(reinterpret_cast<const char*>(batch.Data(r)), r.cap_len), r.len,
          __int128(r.time.sec) * 1000000000 + __int128(r.time.frac) * kPow10[9 - d]};
}

// Reads a whole capture; false if the reader refused it or stopped on a fault.
bool ReadAll(std::string_view bytes, std::vector<FrameDigest>& frames) {
  std::unique_ptr<capture::Reader> reader;
  if (!capture::Reader::FromSource(
           io::MemorySource(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), "again",
           1 << 16, &reader)
           .ok())
    return false;
  capture::Batch batch;
  while (reader->Next(batch))
    for (const capture::FrameRecord& r : batch.frames) frames.push_back(Digest(batch, r));
  return reader->status().ok();
}

// The csv report's columns: frame members, pcapng's context, fields deep in layers, a
// list of scalars, an object selected whole, every occurrence.
std::shared_ptr<const formats::FieldSelection> FlatFields(const protocols::Registry& registry) {
  static const std::shared_ptr<const formats::FieldSelection> selection = [&] {
    FieldOptions o;
    o.names = {"number",   "time_sec",  "comment",     "interface_name",     "ipv4.src",
               "ipv6.dst", "tcp.flags", "udp.dstport", "dns.questions.name", "raw.error",
               "protocols"};
    o.occurrence = FieldOccurrence::kAll;
    std::shared_ptr<const formats::FieldSelection> s;
    if (!formats::FieldSelection::Make(o, {formats::FrameFields(), &registry, true}, &s).ok())
      abort();
    return s;
  }();
  return selection;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto& registry = protocols::Registry::Builtin();
  static const Dissector dissector(registry, {});
  struct Writer {
    OutputFormat format;
    formats::CaptureOptions capture;
  };
  static const Writer kWriters[] = {{OutputFormat::kJson, {}},
                                    {OutputFormat::kNdjson, {}},
                                    {OutputFormat::kPlist, {}},
                                    {OutputFormat::kTree, {}},
                                    {OutputFormat::kPcap, {}},
                                    {OutputFormat::kPcapng, {}},
                                    {OutputFormat::kPcap, {.big_endian = true, .nanosecond = true}},
                                    {OutputFormat::kPcapng, {.big_endian = true}},
                                    {OutputFormat::kCsv, {}}};
  constexpr size_t kJson = 0, kNdjson = 1, kPlist = 2, kCount = std::size(kWriters);
  constexpr size_t kPcapngOutputs[] = {5, 7};
  std::unique_ptr<formats::ReportWriter> writers[kCount];
  formats::OutBuffer reports[kCount];
  for (size_t i = 0; i < kCount; ++i) {
    formats::RecordOptions record{true, nullptr};
    if (kWriters[i].format == OutputFormat::kCsv) record.fields = FlatFields(registry);
    writers[i] =
        formats::MakeReportWriter(kWriters[i].format, registry, record, kWriters[i].capture);
    writers[i]->Begin(reports[i]);
  }
  std::vector<FrameDigest> read;
  uint64_t entries = 0;
  // Read as a stream (copied into tiny batches, records carried across them); reading the
  // same bytes in place must give the same frames.
  std::unique_ptr<capture::Reader> reader;
  std::unique_ptr<capture::InputSequence> inputs;
  if (capture::Reader::FromSource(testutil::CopiedSource(data, size), "fuzz", 256, &reader).ok()) {
    inputs = std::make_unique<capture::InputSequence>(std::move(reader));
    stages::Source source(inputs.get(), nullptr, nullptr);
    stages::WorkItem item;
    for (uint64_t seq = 0; source.Read(seq, item); ++seq) {
      for (const capture::FrameRecord& r : item.batch.frames) read.push_back(Digest(item.batch, r));
      for (size_t i = 0; i < kCount; ++i) {
        // The report as one document (batch outputs concatenated, as the sink does) ...
        stages::ProcessOptions o{&dissector, writers[i].get(), &registry, true, false};
        item.report.clear();
        item.log.clear();
        item.entries = 0;
        stages::Process(o, item);
        reports[i].Append({item.report.data(), item.report.size()});
        if (i == 0) entries += item.entries;
        // ... and as -F's one document per record, for every other batch.
        if (seq % 2 == 0) {
          o.documents = true;
          item.report.clear();
          item.documents.clear();
          stages::Process(o, item);
          if (i == kJson)
            for (const auto& d : item.documents)
              CheckJson({item.report.data() + d.offset, d.length}, "a -F JSON document");
        }
      }
    }
  } else {
    return 0;  // not a capture: refused before anything was read
  }
  for (size_t i = 0; i < kCount; ++i) writers[i]->End(entries == 0, reports[i]);
  std::vector<FrameDigest> in_place;
  bool in_place_ok = ReadAll({reinterpret_cast<const char*>(data), size}, in_place);
  if (in_place != read || in_place_ok != inputs->status().ok())
    Fail("reading in place and reading copies disagree");

  CheckJson({reports[kJson].data(), reports[kJson].size()}, "the JSON report");
  fuzz::CheckPlist({reports[kPlist].data(), reports[kPlist].size()});
  std::string_view ndjson(reports[kNdjson].data(), reports[kNdjson].size());
  size_t lines = 0;
  for (size_t at = 0; at < ndjson.size(); ++lines) {
    size_t end = ndjson.find('\n', at);
    if (end == std::string_view::npos) Fail("an NDJSON line without its newline");
    CheckJson(ndjson.substr(at, end - at), "an NDJSON line");
    at = end + 1;
  }
  if (lines != read.size()) Fail("NDJSON lines and frames differ in number");

  // Written back as pcapng (either byte order) and read again, the capture keeps every
  // frame as it was. Its timestamps must fit pcapng's 64-bit tick count for the instant
  // to survive.
  if (!read.empty()) {
    bool representable = true;
    for (const FrameDigest& f : read)
      if (f.nanos < 0 || f.nanos > __int128(UINT64_MAX)) representable = false;
    for (size_t k : kPcapngOutputs) {
      std::vector<FrameDigest> again;
      if (!ReadAll({reports[k].data(), reports[k].size()}, again))
        Fail("pcapng output does not read back");
      if (again.size() != read.size()) Fail("pcapng output lost or added frames");
      for (size_t i = 0; i < read.size(); ++i) {
        if (again[i].bytes != read[i].bytes || again[i].len != read[i].len)
          Fail("pcapng output changed a frame");
        if (representable && again[i].nanos != read[i].nanos)
          Fail("pcapng output changed a timestamp");
      }
    }
  }
  return 0;
}
