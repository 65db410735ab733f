#include "pcapkit/extractor.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "engine/capture/reader.h"
#include "engine/packet/dissector.h"
#include "engine/strategies/strategy.h"
#include "formats/output_file.h"
#include "formats/record.h"
#include "formats/report_writer.h"

namespace pcapkit {

namespace {

bool HasExtension(const std::string& name, std::initializer_list<const char*> exts) {
  std::string ext = std::filesystem::path(name).extension().string();
  for (const char* e : exts)
    if (ext == e) return true;
  return false;
}

}  // namespace

void ResolveOutput(ExtractOptions& o) {
  if (o.nofile) return;
  if (o.format == OutputFormat::kNone) {
    if (HasExtension(o.output, {".json"}))
      o.format = OutputFormat::kJson;
    else if (HasExtension(o.output, {".ndjson", ".jsonl"}))
      o.format = OutputFormat::kNdjson;
    else
      throw FormatError(o.output.empty() || o.output == "-"
                            ? "output format unspecified: give -f json|ndjson or -j"
                            : "cannot infer the output format from '" + o.output +
                                  "': give -f json|ndjson or -j");
  }
  if (o.output.empty()) {
    o.output = std::string("out") + FormatExtension(o.format);
  } else if (o.auto_extension && o.output != "-" &&
             !HasExtension(o.output, {FormatExtension(o.format)})) {
    o.output += FormatExtension(o.format);
  }
}

struct Extractor::Impl {
  explicit Impl(ExtractOptions o)
      : options(std::move(o)),
        registry(protocols::Registry::Builtin()),
        dissector(registry, options) {
    if (options.auto_extension && options.input != "-" &&
        !HasExtension(options.input, {".pcap", ".cap", ".pcapng"}) &&
        !std::filesystem::exists(options.input) && std::filesystem::exists(options.input + ".pcap"))
      options.input += ".pcap";
    reader = capture::Reader::Open(options.input, options.batch_bytes);
  }

  ExtractOptions options;
  const protocols::Registry& registry;
  Dissector dissector;
  std::unique_ptr<capture::Reader> reader;
  capture::Batch batch;
  size_t next_frame = 0;
  Frame frame;
};

Extractor::Extractor(ExtractOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Extractor::~Extractor() = default;

const ExtractOptions& Extractor::options() const {
  return impl_->options;
}

const Frame* Extractor::Next() {
  Impl& m = *impl_;
  while (m.next_frame >= m.batch.frames.size()) {
    m.next_frame = 0;
    if (!m.reader->Next(m.batch)) {
      if (m.reader->error()) throw *m.reader->error();
      return nullptr;
    }
  }
  const capture::FrameRecord& record = m.batch.frames[m.next_frame++];
  m.dissector.Dissect(record, m.batch.Data(record), m.frame);
  return &m.frame;
}

std::string Extractor::ProtocolChain(const Frame& frame) const {
  std::string s;
  formats::AppendProtocolChain(frame, impl_->registry, s);
  return s;
}

ExtractSummary Extractor::Run() {
  Impl& m = *impl_;
  ResolveOutput(m.options);
  std::unique_ptr<formats::ReportWriter> writer;
  std::unique_ptr<formats::OutputFile> output;
  if (!m.options.nofile) {
    writer = formats::MakeReportWriter(m.options.format, m.registry, {m.options.payload});
    output = std::make_unique<formats::OutputFile>(m.options.output);
  }
  // A progress line only for a person watching: stderr a terminal, no -v lines, no --quiet.
  bool progress = !m.options.quiet && !m.options.verbose && ::isatty(STDERR_FILENO);
  uint64_t input_size = 0;
  std::error_code ec;
  if (m.options.input != "-") input_size = std::filesystem::file_size(m.options.input, ec);
  stages::Sink sink(output.get(), writer.get(), progress, ec ? 0 : input_size);
  unsigned threads =
      m.options.threads ? m.options.threads : std::max(1u, std::thread::hardware_concurrency());
  strategies::RunContext context{m.reader.get(),
                                 {&m.dissector, writer.get(), &m.registry, m.options.verbose},
                                 &sink,
                                 threads,
                                 m.options.inflight ? m.options.inflight : 2 * threads + 2};
  ExtractSummary summary;
  sink.Begin();
  switch (m.options.strategy) {
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
  // The report is closed (valid) even when the capture turned out corrupt.
  sink.Finish();
  summary.frames = sink.frames();
  summary.bytes = sink.bytes();
  if (output) summary.output = output->path();
  if (m.reader->error()) throw *m.reader->error();
  return summary;
}

}  // namespace pcapkit
