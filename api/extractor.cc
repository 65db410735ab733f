#include "pcapkit/extractor.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "engine/capture/reader.h"
#include "engine/packet/dissector.h"
#include "formats/output_file.h"
#include "formats/record.h"
#include "formats/report_writer.h"
#include "stages/reassembly_stage.h"
#include "stages/selection.h"
#include "stages/strategies/strategy.h"

namespace pcapkit {

namespace {

bool HasExtension(const std::string& name, std::initializer_list<const char*> exts) {
  std::string ext = std::filesystem::path(name).extension().string();
  for (const char* e : exts)
    if (ext == e) return true;
  return false;
}

}  // namespace

struct Extractor::Impl {
  explicit Impl(ExtractOptions o)
      : options(std::move(o)),
        registry(protocols::Registry::Builtin()),
        dissector(registry, options),
        selection(options.filter, options.frames, options.count) {
    if (options.auto_extension && options.input != "-" &&
        !HasExtension(options.input, {".pcap", ".cap", ".pcapng"}) &&
        !std::filesystem::exists(options.input) && std::filesystem::exists(options.input + ".pcap"))
      options.input += ".pcap";
    reader = capture::Reader::Open(options.input, options.batch_bytes);
    reader->set_max_record_bytes(options.max_record);
    source = std::make_unique<stages::Source>(
        reader.get(), selection.active() ? &selection : nullptr, options.stop);
  }

  ExtractOptions options;
  const protocols::Registry& registry;
  Dissector dissector;
  stages::Selection selection;  // --filter, --frames, --count: for Next() and Run() alike
  std::unique_ptr<capture::Reader> reader;
  std::unique_ptr<stages::Source> source;
  stages::WorkItem item;  // Next()'s current batch
  uint64_t sequence = 0;
  size_t next_frame = 0;
  Frame frame;
  ExtractSummary summary;
};

Extractor::Extractor(ExtractOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Extractor::~Extractor() = default;

const ExtractOptions& Extractor::options() const {
  return impl_->options;
}

const Frame* Extractor::Next() {
  Impl& m = *impl_;
  const capture::Batch& batch = m.item.batch;
  while (m.next_frame >= batch.frames.size()) {
    m.next_frame = 0;
    if (!m.source->Read(m.sequence++, m.item)) {
      if (m.reader->error() && !m.selection.done() && !m.source->interrupted())
        throw *m.reader->error();
      return nullptr;
    }
  }
  const capture::FrameRecord& record = batch.frames[m.next_frame++];
  m.dissector.Dissect(record, batch.Data(record), m.frame);
  return &m.frame;
}

std::string Extractor::ProtocolChain(const Frame& frame) const {
  std::string s;
  AppendProtocolChain(frame, impl_->registry, s);
  return s;
}

const ExtractSummary& Extractor::summary() const {
  return impl_->summary;
}

ExtractSummary Extractor::Run() {
  Impl& m = *impl_;
  ExtractOptions& o = m.options;
  ResolveOutput(o);
  // Everything that can be refused was checked when the extractor was made, or is now,
  // before any output exists.
  stages::Selection& selection = m.selection;
  std::unique_ptr<formats::ReportWriter> writer;
  std::unique_ptr<formats::OutputFile> output;
  std::string directory;
  if (!o.nofile) {
    formats::CaptureOptions capture;
    capture.big_endian = o.big_endian;
    capture.nanosecond =
        o.resolution == ExtractOptions::Resolution::kNano ||
        (o.resolution == ExtractOptions::Resolution::kAuto && m.reader->resolution_digits() > 6);
    writer = formats::MakeReportWriter(o.format, m.registry, {o.payload}, capture);
    if (o.files) {
      directory = o.output;
      std::error_code ec;
      std::filesystem::create_directories(directory, ec);
      if (ec) throw OutputError(directory + ": cannot create the folder: " + ec.message());
    } else {
      output = std::make_unique<formats::OutputFile>(o.output);
    }
  }
  // A progress line only for a person watching: stderr a terminal, no -v lines, no --quiet.
  bool progress = !o.quiet && !o.verbose && ::isatty(STDERR_FILENO);
  uint64_t input_size = 0;
  std::error_code ec;
  if (o.input != "-") input_size = std::filesystem::file_size(o.input, ec);
  stages::Sink sink(output.get(), writer.get(), directory, FormatExtension(o.format), progress,
                    ec ? 0 : input_size);
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  // The stateful stage and its report, when reassembly is on.
  std::unique_ptr<formats::ReportWriter> reassembly_writer;
  std::unique_ptr<formats::OutputFile> reassembly_output;
  std::unique_ptr<stages::ReassemblyStage> reassembly;
  reassembly::Wanted wanted;
  if (o.reassembly.ipv4 || o.reassembly.ipv6 || o.reassembly.tcp) {
    if (!o.reassembly_output.empty()) {
      if (o.reassembly_output != "-" && o.reassembly_output == o.output)
        throw FormatError("the reassembly report and the frame report are the same file");
      reassembly_writer = formats::MakeReportWriter(o.reassembly_format, m.registry, {o.payload});
      reassembly_output = std::make_unique<formats::OutputFile>(o.reassembly_output);
    }
    reassembly = std::make_unique<stages::ReassemblyStage>(
        o.reassembly, &m.dissector, m.registry, formats::RecordOptions{o.payload},
        reassembly_writer.get(), reassembly_output.get());
    wanted = reassembly->wanted();
  }
  stages::Source& source = *m.source;
  strategies::RunContext context{
      &source,
      {&m.dissector, writer.get(), &m.registry, o.verbose, o.files, reassembly ? &wanted : nullptr},
      &sink,
      threads,
      o.inflight ? o.inflight : 2 * threads + 2,
      reassembly.get()};
  ExtractSummary& summary = m.summary;
  sink.Begin();
  switch (o.strategy) {
    case Strategy::kSequential:
      summary.max_inflight = strategies::RunSequential(context);
      break;
    case Strategy::kPipeline:
      summary.max_inflight = strategies::RunPipeline(context);
      break;
    case Strategy::kServer:
      summary.max_inflight = strategies::RunServer(context);
      break;
  }
  // The report is closed (valid) and renamed into place even when the capture turned out
  // corrupt: it holds every frame before the fault.
  sink.Finish();
  if (reassembly) {
    // Like the frame report, the reassembly report is completed after an input fault:
    // what was pending comes out as partial, then the summary.
    reassembly->Finish();
    summary.reassembly = reassembly->stats();
    summary.reassembly_records = reassembly->records();
    summary.reassembly_incomplete = reassembly->incomplete();
    if (reassembly_output) summary.reassembly_output = reassembly_output->path();
  }
  summary.frames = sink.frames();
  summary.bytes = sink.bytes();
  summary.files = sink.files();
  summary.interrupted = source.interrupted();
  if (output) summary.output = output->path();
  if (o.files) summary.output = directory;
  if (m.reader->error() && !summary.interrupted && !selection.done()) throw *m.reader->error();
  return summary;
}

}  // namespace pcapkit
