#include "testing/test_util.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "engine/capture/reader.h"
#include "engine/packet/dissector.h"
#include "formats/field_selection.h"
#include "formats/report_writer.h"
#include "stages/batch_stages.h"
#include "testing/fuzz_seeds.h"
#include "testing/schema_check.h"
#include "testing/strict_json.h"

namespace testutil {

using namespace pcapkit;

namespace {
// PCAPKIT_FUZZ_SEEDS=DIR: the captures and frames the tests craft are kept as fuzz seeds,
// DIR/capture for capture_fuzz and DIR/dissect for dissect_fuzz (its selector byte, then
// the frame), one file per input, named by content (fuzz/run.sh runs the tests so).
void KeepSeed(const char* kind, std::string_view bytes) {
  static const char* const dir = std::getenv("PCAPKIT_FUZZ_SEEDS");
  if (dir == nullptr || bytes.size() > (1u << 20)) return;
  std::filesystem::path folder = std::filesystem::path(dir) / kind;
  std::filesystem::create_directories(folder);
  pcapkit::fuzz::WriteSeed(folder, bytes);
}
std::string_view View(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// The bytes of a capture in memory, as a stream that must be read (a pipe, a file): the
// reader copies them into its batches instead of pointing into them.
class StreamOf : public pcapkit::io::ByteSource {
 public:
  StreamOf(const uint8_t* data, size_t size) : memory_(pcapkit::io::MemorySource(data, size)) {}
  pcapkit::Status Read(uint8_t* out, size_t n, size_t* got) override {
    return memory_->Read(out, n, got);
  }

 private:
  std::unique_ptr<pcapkit::io::ByteSource> memory_;
};

ReadResult ReadWith(std::unique_ptr<pcapkit::io::ByteSource> source, size_t batch_bytes) {
  ReadResult out;
  std::unique_ptr<capture::Reader> reader;
  // A capture that cannot be opened throws, as the API does.
  pcapkit::Raise(capture::Reader::FromSource(std::move(source), "mem", batch_bytes, &reader));
  capture::Batch batch;
  while (reader->Next(batch)) {
    size_t meta = 0;
    for (size_t i = 0; i <= batch.frames.size(); ++i) {
      for (; meta < batch.metas.size() && batch.metas[meta].before_frame <= i; ++meta)
        out.metas.push_back(batch.metas[meta]);
      if (i == batch.frames.size()) break;
      out.frames.push_back(batch.frames[i]);
      const uint8_t* d = batch.Data(batch.frames[i]);
      out.data.emplace_back(d, d + batch.frames[i].cap_len);
    }
  }
  if (!reader->status().ok()) {
    out.error = reader->status().message();
    out.error_frame = reader->status().frame();
    out.error_offset = reader->status().offset();
  }
  return out;
}

bool SameRead(const ReadResult& a, const ReadResult& b) {
  if (a.error != b.error || a.error_frame != b.error_frame || a.error_offset != b.error_offset ||
      a.data != b.data || a.frames.size() != b.frames.size() || a.metas.size() != b.metas.size())
    return false;
  for (size_t i = 0; i < a.frames.size(); ++i) {
    const capture::FrameRecord &x = a.frames[i], &y = b.frames[i];
    if (x.number != y.number || x.time.sec != y.time.sec || x.time.frac != y.time.frac ||
        x.cap_len != y.cap_len || x.len != y.len || x.interface != y.interface ||
        x.linktype != y.linktype)
      return false;
  }
  for (size_t i = 0; i < a.metas.size(); ++i)
    if (a.metas[i].Title() != b.metas[i].Title() ||
        a.metas[i].fields.size() != b.metas[i].fields.size())
      return false;
  return true;
}

}  // namespace

std::unique_ptr<pcapkit::io::ByteSource> CopiedSource(const uint8_t* data, size_t size) {
  return std::make_unique<StreamOf>(data, size);
}

namespace {

// Every field of every frame of the batch as docs/schema.md declares it.
void CheckSchema(const Dissector& dissector, const capture::Batch& batch) {
  if (g_on_undeclared_field == nullptr) return;
  pcapkit::Frame frame;
  for (const capture::FrameRecord& record : batch.frames) {
    dissector.Dissect(record, batch.Data(record), frame);
    for (const std::string& problem : UndeclaredFields(frame)) g_on_undeclared_field(problem);
  }
}

}  // namespace

// Read both ways — in place, as a capture held in memory is, and copied into batches, as
// a file or a pipe is — which must agree.
ReadResult ReadAll(const Bytes& file, size_t batch_bytes) {
  KeepSeed("capture", View(file));
  ReadResult in_place = ReadWith(pcapkit::io::MemorySource(file.data(), file.size()), batch_bytes);
  ReadResult copied = ReadWith(CopiedSource(file.data(), file.size()), batch_bytes);
  if (!SameRead(in_place, copied)) {
    in_place.error = "reading in place and reading copies disagree";
    in_place.frames.clear();
  }
  return in_place;
}

std::string RawReport(const Bytes& file, OutputFormat format, ExtractOptions options) {
  KeepSeed("capture", View(file));
  const auto& registry = protocols::Registry::Builtin();
  pcapkit::DissectOptions dissect;
  pcapkit::Raise(pcapkit::MakeDissectOptions(registry, options, &dissect));
  Dissector dissector(registry, dissect);
  formats::RecordOptions record{options.payload, nullptr, options.names};
  if (!options.fields.empty())
    pcapkit::Raise(formats::FieldSelection::Make(
        options.fields, {formats::FrameFields(), &registry, true}, &record.fields));
  formats::CaptureOptions capture;
  capture.big_endian = options.big_endian;
  auto writer = formats::MakeReportWriter(format, registry, record, capture);
  std::unique_ptr<capture::Reader> reader;
  pcapkit::Raise(capture::Reader::FromSource(pcapkit::io::MemorySource(file.data(), file.size()),
                                             "mem", 1 << 20, &reader));
  formats::OutBuffer out;
  writer->Begin(out);
  stages::WorkItem item;
  stages::ProcessOptions process{&dissector, writer.get(), &registry, false, false};
  capture::InputSequence inputs(std::move(reader));
  stages::Source source(&inputs, nullptr, nullptr);
  uint64_t entries = 0;
  for (uint64_t seq = 0; source.Read(seq, item); ++seq) {
    stages::Process(process, item);
    CheckSchema(dissector, item.batch);
    out.Append(item.report.view());
    entries += item.entries;
  }
  writer->End(entries == 0, out);
  return std::string(out.view());
}

nlohmann::json JsonReport(const Bytes& file, OutputFormat format, ExtractOptions options) {
  std::string out = RawReport(file, format, options);
  if (format == OutputFormat::kJson) return StrictParse(out);
  nlohmann::json lines = nlohmann::json::array();
  for (nlohmann::json& line : NdjsonLines(out)) lines.push_back(std::move(line));
  return lines;
}

std::vector<nlohmann::json> NdjsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(StrictParse(line));
  return out;
}

nlohmann::json DissectFrame(const Bytes& frame, uint32_t linktype, ExtractOptions options) {
  if (auto seed = pcapkit::fuzz::DissectSeed(linktype, View(frame))) KeepSeed("dissect", *seed);
  auto file = pcapkit::ipsuite::PcapFile({{.data = frame}}, {.linktype = linktype});
  return JsonReport(file, OutputFormat::kNdjson, options).at(0);
}

}  // namespace testutil
