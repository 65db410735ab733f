#include "pcapkit/extractor.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "api/io.h"
#include "engine/analysis/analyser.h"
#include "engine/capture/input_sequence.h"
#include "engine/packet/dissector.h"
#include "formats/analysis_record.h"
#include "formats/field_selection.h"
#include "formats/flow_record.h"
#include "formats/output_file.h"
#include "formats/record.h"
#include "formats/report_writer.h"
#include "pcapkit/protocols.h"
#include "stages/analysis_stage.h"
#include "stages/flow_graph.h"
#include "stages/flow_stage.h"
#include "stages/foreign/foreign_engine.h"
#include "stages/reassembly_stage.h"
#include "stages/selection.h"
#include "stages/strategies/strategy.h"

namespace pcapkit {

namespace {

bool Reassembling(const ExtractOptions& o) {
  return o.reassembly.ipv4 || o.reassembly.ipv6 || o.reassembly.tcp;
}

// What an extraction writes to: the report writers, their files and the stages that own
// them. Made before anything is read, so everything refusable is refused first.
struct Outputs {
  std::unique_ptr<formats::ReportWriter> writer;
  std::unique_ptr<formats::Output> file;  // null with --nofile and -F
  std::string directory;                  // -F's folder
  std::unique_ptr<stages::Sink> sink;
  std::unique_ptr<formats::ReportWriter> reassembly_writer;
  std::unique_ptr<formats::Output> reassembly_file;
  std::unique_ptr<stages::ReassemblyStage> reassembly;
  reassembly::Wanted wanted;
  std::unique_ptr<formats::ReportWriter> flows_writer;
  std::unique_ptr<formats::Output> flows_file;
  std::unique_ptr<stages::FlowStage> flows;
  std::unique_ptr<formats::ReportWriter> trace_writer;  // the trace's records (text formats)
  std::unique_ptr<formats::ReportWriter> analysis_writer;
  std::unique_ptr<formats::Output> analysis_file;
  std::unique_ptr<stages::AnalysisStage> analysis;
};

bool Tracing(const ExtractOptions& o) {
  return !o.trace.folder.empty();
}

// The worker threads of the strategy (--threads 0: one per core).
unsigned ThreadsOf(const ExtractOptions& o) {
  return o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
}

formats::CaptureOptions CaptureOptionsOf(const ExtractOptions& o, unsigned input_digits) {
  formats::CaptureOptions capture;
  capture.big_endian = o.big_endian;
  capture.nanosecond = o.resolution == ExtractOptions::Resolution::kNano ||
                       (o.resolution == ExtractOptions::Resolution::kAuto && input_digits > 6);
  return capture;
}

}  // namespace

struct Extractor::Impl {
  explicit Impl(ExtractOptions o)
      : options(std::move(o)), registry(protocols::Registry::Builtin()) {
    ResolveInput(options);
    DissectOptions dissect;
    Raise(MakeDissectOptions(registry, options, &dissect));
    dissector = std::make_unique<Dissector>(registry, dissect);
    Raise(stages::Selection::Make(options.filter, options.frames, options.count, &selection));
    Raise(OpenInputs());
    source = std::make_unique<stages::Source>(
        inputs.get(), selection->active() ? selection.get() : nullptr, options.stop);
  }

  ExtractOptions options;
  const protocols::Registry& registry;
  std::unique_ptr<Dissector> dissector;
  std::unique_ptr<stages::Selection> selection;  // --filter, --frames, --count
  std::unique_ptr<capture::InputSequence> inputs;
  std::unique_ptr<stages::Source> source;
  stages::WorkItem item;  // Next()'s current batch
  uint64_t sequence = 0;
  size_t next_frame = 0;
  Frame frame;
  ExtractSummary summary;

  Status OpenInputs();
  Status CheckSeveralInputs() const;
  uint64_t InputSize() const;
  void NoteInputFaults() {
    summary.input_faults.clear();
    for (const capture::InputFault& f : inputs->faults())
      summary.input_faults.push_back(
          {f.file, f.status.message(), f.status.frame(), f.status.offset()});
  }
  Status MakeWriter(OutputFormat format, const FieldOptions& fields,
                    const formats::FieldCatalogue& catalogue, const std::string& report,
                    std::unique_ptr<formats::ReportWriter>* out,
                    const formats::CaptureOptions& capture = {});
  ExtractSummary Run();
  ExtractSummary RunForeign();
  Status OpenReport(Outputs& out);
  Status OpenReassembly(Outputs& out);
  Status OpenFlows(Outputs& out);
  Status OpenTrace(Outputs& out);
  Status OpenAnalysis(Outputs& out);
  Status RunGraph(Outputs& out, size_t* max_inflight);
  void Summarize(const Outputs& out, size_t max_inflight);
};

Extractor::Extractor(ExtractOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Extractor::~Extractor() = default;

const ExtractOptions& Extractor::options() const {
  return impl_->options;
}

std::vector<std::string> Extractor::inputs() const {
  if (impl_->inputs->several()) return impl_->inputs->paths();
  return {impl_->options.source ? impl_->options.source->name() : impl_->options.input};
}

const Frame* Extractor::Next() {
  Impl& m = *impl_;
  // Frames are pcapkit's typed views of its own dissection; another tool's records exist
  // only as the report Run() writes.
  if (IsForeignEngine(m.options.strategy))
    throw FormatError(std::string("Next() gives frames of pcapkit's own dissection: -E ") +
                      StrategyName(m.options.strategy) + " writes records through Run()");
  const capture::Batch& batch = m.item.batch;
  while (m.next_frame >= batch.frames.size()) {
    m.next_frame = 0;
    if (!m.source->Read(m.sequence++, m.item)) {
      Raise(m.source->status());
      if (!m.selection->done() && !m.source->interrupted()) Raise(m.inputs->status());
      m.NoteInputFaults();
      return nullptr;
    }
  }
  const capture::FrameRecord& record = batch.frames[m.next_frame++];
  m.dissector->Dissect(record, batch.Data(record), m.frame);
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

// The captures: the options' source, else the file (-a: "name" may mean "name.pcap"),
// else several files, opened in turn as they are reached.
Status Extractor::Impl::OpenInputs() {
  if (!options.inputs.empty() && !options.source) {
    std::vector<std::string> paths;
    if (Status s = capture::ExpandInputs(options.inputs, &paths); !s.ok()) return s;
    inputs = std::make_unique<capture::InputSequence>(
        std::move(paths),
        capture::InputSequence::Settings{options.batch_bytes, options.max_record, options.stop});
    return Status::Ok();
  }
  std::unique_ptr<capture::Reader> reader;
  Status s = options.source
                 ? capture::Reader::FromSource(AdaptSource(options.source), options.source->name(),
                                               options.batch_bytes, &reader)
                 : capture::Reader::Open(options.input, options.batch_bytes, &reader);
  if (!s.ok()) return s;
  reader->set_max_record_bytes(options.max_record);
  reader->set_stop(options.stop);
  inputs = std::make_unique<capture::InputSequence>(std::move(reader));
  return Status::Ok();
}

// Several captures make one report of frames: the stateful stages would follow flows
// across files whose frame numbers restart, and -F's names would collide.
Status Extractor::Impl::CheckSeveralInputs() const {
  const ExtractOptions& o = options;
  if (!inputs->several()) return Status::Ok();
  const char* what = Reassembling(o)     ? "--reassemble"
                     : o.flows.enabled   ? "flows"
                     : o.flow_id         ? "--flow-id"
                     : Tracing(o)        ? "trace"
                     : o.analyse.enabled ? "analyse"
                     : o.files           ? "-F"
                                         : nullptr;
  if (what == nullptr) return Status::Ok();
  return Status::InvalidArgument(std::string(what) +
                                 " reads one capture at a time: give one INPUT (or merge the "
                                 "captures first)");
}

// The bytes to read, for the progress line (0: unknown).
uint64_t Extractor::Impl::InputSize() const {
  if (options.source) return 0;
  return FilesSize(inputs->several() ? inputs->paths() : std::vector<std::string>{options.input});
}

// The writer of one report: whole records, or the columns `fields` selects (csv, tsv,
// ndjson) from what `catalogue` offers. `report` names it in messages.
Status Extractor::Impl::MakeWriter(OutputFormat format, const FieldOptions& fields,
                                   const formats::FieldCatalogue& catalogue,
                                   const std::string& report,
                                   std::unique_ptr<formats::ReportWriter>* out,
                                   const formats::CaptureOptions& capture) {
  formats::RecordOptions record{options.payload, nullptr, options.names};
  std::string name = FormatName(format);
  if (IsFlatFormat(format) && fields.empty())
    return Status::InvalidArgument(name + " writes the fields -e selects: give -e FIELD for " +
                                   report + " (see `pcapkit fields`)");
  if (!fields.empty()) {
    if (format != OutputFormat::kNdjson && !IsFlatFormat(format))
      return Status::InvalidArgument("-e selects the columns of csv, tsv and ndjson reports; " +
                                     report + " is " + name);
    if (Status s = formats::FieldSelection::Make(fields, catalogue, &record.fields); !s.ok())
      return s;
  }
  *out = formats::MakeReportWriter(format, registry, record, capture);
  return Status::Ok();
}

Status Extractor::Impl::OpenReport(Outputs& out) {
  const ExtractOptions& o = options;
  if (!o.nofile) {
    formats::CaptureOptions capture = CaptureOptionsOf(o, inputs->resolution_digits());
    // --flow-id's flow stage splices `community_id` and `flow` into the frame records.
    auto spliced = o.flow_id ? formats::FrameFlowFields() : std::span<const protocols::FieldSpec>();
    for (const protocols::FieldSpec& f : formats::FrameFlowFields())
      if (!o.flow_id && std::ranges::count(o.fields.names, std::string_view(f.path)))
        return Status::InvalidArgument(std::string("-e ") + f.path + ": needs --flow-id");
    Status s = MakeWriter(o.format, o.fields, {formats::FrameFields(), &registry, true, spliced},
                          "the frame report", &out.writer, capture);
    if (!s.ok()) return s;
    if (o.files) {
      out.directory = o.output;
      if (s = PrepareFolder(out.directory, o.force); !s.ok()) return s;
    } else if (s = OpenDestination(o.sink, o.output, &out.file); !s.ok()) {
      return s;
    }
  }
  // A progress line only for a person watching: stderr a terminal, no -v lines, no --quiet.
  bool progress = !o.quiet && !o.verbose && ::isatty(STDERR_FILENO);
  out.sink = std::make_unique<stages::Sink>(out.file.get(), out.writer.get(), out.directory,
                                            FormatExtension(o.format), progress, InputSize());
  return Status::Ok();
}

// The stateful stage and its report, when reassembly is on.
Status Extractor::Impl::OpenReassembly(Outputs& out) {
  const ExtractOptions& o = options;
  if (!Reassembling(o)) return Status::Ok();
  if (Status s = reassembly::Engine::Check(o.reassembly); !s.ok()) return s;
  if (!o.reassembly_output.empty() || o.reassembly_sink) {
    if (!o.reassembly_sink && o.reassembly_output != "-" && o.reassembly_output == o.output)
      return Status::InvalidArgument(
          "the reassembly report and the frame report are the same file");
    Status s = MakeWriter(o.reassembly_format, o.reassembly_fields, {{}, nullptr, false},
                          "the reassembly report", &out.reassembly_writer);
    if (!s.ok()) return s;
    s = OpenDestination(o.reassembly_sink, o.reassembly_output, &out.reassembly_file);
    if (!s.ok()) return s;
  }
  out.reassembly = std::make_unique<stages::ReassemblyStage>(
      o.reassembly, dissector.get(), registry, formats::RecordOptions{o.payload, nullptr, o.names},
      out.reassembly_writer.get(), out.reassembly_file.get());
  out.wanted = out.reassembly->wanted();
  return Status::Ok();
}

// The flow table and its report, when flows are on.
Status Extractor::Impl::OpenFlows(Outputs& out) {
  const ExtractOptions& o = options;
  if (!o.flows.enabled && !o.flow_id && !Tracing(o) && !o.analyse.enabled) return Status::Ok();
  if (o.flow_id && !o.nofile && !IsTextFormat(o.format))
    return Status::InvalidArgument(
        "--flow-id adds fields to frame records, and a capture format has none");
  if (o.flows.timeout < 0) return Status::InvalidArgument("--flow-timeout must not be negative");
  if (o.flows.memory < 64 * stages::FlowStage::CostPerFlow())
    return Status::InvalidArgument("--flow-memory must hold at least 64 flows (" +
                                   std::to_string(64 * stages::FlowStage::CostPerFlow()) +
                                   " bytes)");
  if (!o.flows_output.empty() || o.flows_sink) {
    // Two reports into one file would interleave; "-" and devices (/dev/null) may be shared.
    bool device = o.flows_output == "-" || o.flows_output.rfind("/dev/", 0) == 0;
    bool frames_there = !o.nofile && o.output == o.flows_output;
    bool reassembly_there = Reassembling(o) && o.reassembly_output == o.flows_output;
    if (!o.flows_sink && !device && (frames_there || reassembly_there))
      return Status::InvalidArgument("the flow report and another report are the same file");
    Status s = MakeWriter(o.flows_format, o.flows_fields, {formats::FlowFields(), nullptr, true},
                          "the flow report", &out.flows_writer);
    if (!s.ok()) return s;
    s = OpenDestination(o.flows_sink, o.flows_output, &out.flows_file);
    if (!s.ok()) return s;
  }
  out.flows = std::make_unique<stages::FlowStage>(o.flows, registry, out.flows_writer.get(),
                                                  out.flows_file.get());
  if (o.flow_id && out.writer) out.flows->set_flow_ids(out.writer.get());
  out.flows->set_labels(o.analyse.enabled);
  return OpenTrace(out);
}

// The analysis stage and its report, for `analyse`. It needs the flow stage (each
// record's flow) and runs a reassembly engine of its own.
Status Extractor::Impl::OpenAnalysis(Outputs& out) {
  const AnalyseOptions& a = options.analyse;
  if (!a.enabled) return Status::Ok();
  if (out.reassembly)
    return Status::InvalidArgument("analyse reassembles by itself: no --reassemble with it");
  if (Status s = reassembly::Engine::Check(a.reassembly); !s.ok()) return s;
  if (a.max_body == 0 || a.max_decoded == 0 || a.memory < (1u << 20))
    return Status::InvalidArgument(
        "--max-body and --max-decoded must be positive, --analyse-memory at least 1 MiB");
  uint32_t kinds = 0;
  if (Status s = analysis::KindsOf(a.protocols, &kinds); !s.ok()) return s;
  if (!a.output.empty() || a.sink) {
    OutputFormat format =
        a.format != OutputFormat::kNone ? a.format : TextFormatFromExtension(a.output);
    if (format == OutputFormat::kNone) format = OutputFormat::kJson;
    if (!IsTextFormat(format))
      return Status::InvalidArgument("analyse writes records: " +
                                     OutputFormatNames(", ", FormatSet::kRecords, " or "));
    Status s = MakeWriter(format, a.fields, {formats::AnalysisRecordFields(), nullptr, true},
                          "the analysis report", &out.analysis_writer);
    if (!s.ok()) return s;
    s = OpenDestination(a.sink, a.output, &out.analysis_file);
    if (!s.ok()) return s;
  }
  std::unique_ptr<formats::BodyFiles> bodies;
  if (!a.bodies.empty())
    if (Status s = formats::BodyFiles::Open(a.bodies, &bodies); !s.ok()) return s;
  // Nothing to gain by holding bodies with one thread, no report, or --bodies (serial).
  AnalyseOptions resolved = a;
  if (options.strategy == Strategy::kSequential || ThreadsOf(options) == 1 ||
      !out.analysis_writer || bodies)
    resolved.held_bodies = 0;
  out.analysis =
      std::make_unique<stages::AnalysisStage>(resolved, kinds, dissector.get(), std::move(bodies),
                                              out.analysis_writer.get(), out.analysis_file.get());
  out.wanted = out.analysis->wanted();
  return Status::Ok();
}

// The trace's folder, files and index, when trace is on.
Status Extractor::Impl::OpenTrace(Outputs& out) {
  const TraceOptions& t = options.trace;
  if (!Tracing(options)) return Status::Ok();
  if (t.max_open == 0) return Status::InvalidArgument("--max-open must be at least 1");
  // The files come on top of the descriptors the run holds itself (input, reports).
  if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
                      t.max_open + 32 > limit.rlim_cur)
    return Status::InvalidArgument(
        "--max-open " + std::to_string(t.max_open) + " leaves too few of the process's " +
        std::to_string(limit.rlim_cur) + " file descriptors (ulimit -n)");
  formats::TraceFileOptions files{
      t.folder,   t.format, nullptr,        CaptureOptionsOf(options, inputs->resolution_digits()),
      t.max_open, t.force,  t.buffer_bytes, options.strategy != Strategy::kSequential};
  if (IsTextFormat(t.format)) {
    if (IsFlatFormat(t.format))
      return Status::InvalidArgument(
          "trace files hold whole records: json, ndjson, plist, tree, "
          "pcap or pcapng");
    out.trace_writer =
        formats::MakeReportWriter(t.format, registry, {options.payload, nullptr, options.names});
    files.writer = out.trace_writer.get();
  }
  std::unique_ptr<formats::TraceFiles> trace_files;
  if (Status s = formats::TraceFiles::Open(files, &trace_files); !s.ok()) return s;
  std::unique_ptr<formats::OutputFile> index;
  if (Status s = formats::OutputFile::Open(t.folder + "/index.ndjson", &index); !s.ok()) return s;
  out.flows->set_trace(std::make_unique<stages::FlowTrace>(
      std::move(trace_files), t.all, t.unidirectional,
      formats::MakeReportWriter(OutputFormat::kNdjson, registry,
                                {options.payload, nullptr, options.names}),
      std::move(index)));
  return Status::Ok();
}

Status Extractor::Impl::RunGraph(Outputs& out, size_t* max_inflight) {
  const ExtractOptions& o = options;
  stages::ProcessOptions process{dissector.get(),
                                 out.writer.get(),
                                 &registry,
                                 o.verbose,
                                 o.files,
                                 out.reassembly || out.analysis ? &out.wanted : nullptr,
                                 out.flows != nullptr,
                                 o.flow_id && out.writer != nullptr,
                                 out.trace_writer.get(),
                                 o.trace.all};
  stages::GraphParts parts{source.get(),       process,       out.reassembly.get(), out.flows.get(),
                           out.analysis.get(), out.sink.get()};
  stages::FlowGraph graph = stages::MakeFlowGraph(parts);
  unsigned threads = ThreadsOf(o);
  strategies::RunLimits limits{threads, o.inflight ? o.inflight : 2 * threads + 2};
  switch (o.strategy) {
    case Strategy::kPipeline:
      return strategies::RunPipeline(graph, limits, max_inflight);
    case Strategy::kServer:
      return strategies::RunServer(graph, limits, max_inflight);
    default:  // the foreign engines run without the graph (RunForeign)
      break;
  }
  return strategies::RunSequential(graph, limits, max_inflight);
}

ExtractSummary Extractor::Run() {
  return impl_->Run();
}

ExtractSummary Extractor::Impl::Run() {
  ResolveOutput(options);
  if (IsForeignEngine(options.strategy)) return RunForeign();
  Outputs out;
  Raise(CheckSeveralInputs());
  Raise(OpenReport(out));
  Raise(OpenReassembly(out));
  Raise(OpenFlows(out));
  Raise(OpenAnalysis(out));
  out.sink->Begin();
  size_t max_inflight = 0;
  // A stage that fails (the output cannot be written) ends the run without a report: the
  // temporary files go. A corrupt capture ends the reading only: the reports are closed
  // (valid) and renamed into place, holding every record before the fault.
  Raise(RunGraph(out, &max_inflight));
  Raise(source->status());
  Raise(out.sink->Finish());
  if (out.reassembly) Raise(out.reassembly->Finish());
  if (out.flows) Raise(out.flows->Finish());
  if (out.analysis) Raise(out.analysis->Finish());
  Summarize(out, max_inflight);
  if (!source->interrupted() && !selection->done()) Raise(inputs->status());
  return summary;
}

// -E dpkt, scapy, tshark (docs/cli.md "Foreign engines"): as with pcapkit's own, a
// capture that breaks off leaves the report closed, holding every record before the fault.
ExtractSummary Extractor::Impl::RunForeign() {
  Outputs out;
  Raise(OpenReport(out));
  std::string map = options.strategy == Strategy::kTshark ? ProtocolsJson(ListProtocols()) : "";
  stages::foreign::ForeignRun run{&options, &registry, out.writer.get(), out.file.get(), map};
  stages::foreign::ForeignResult result;
  Raise(stages::foreign::RunForeignEngine(run, &result));
  summary.frames = result.frames;
  summary.bytes = result.bytes;
  summary.interrupted = result.interrupted;
  summary.output = out.file ? out.file->path() : "";
  Raise(result.input);
  return summary;
}

void Extractor::Impl::Summarize(const Outputs& out, size_t max_inflight) {
  ExtractSummary& s = summary;
  s.max_inflight = max_inflight;
  out.sink->Summarize(registry, s);
  s.interrupted = source->interrupted();
  NoteInputFaults();
  s.output = out.file ? out.file->path() : options.files ? out.directory : "";
  if (out.reassembly) {
    s.reassembly = out.reassembly->stats();
    s.reassembly_records = out.reassembly->records();
    s.reassembly_incomplete = out.reassembly->incomplete();
    if (out.reassembly_file) s.reassembly_output = out.reassembly_file->path();
  }
  if (out.flows) {
    s.flows = out.flows->stats().flows;
    s.peak_flows = out.flows->stats().peak_flows;
    s.flows_evicted = out.flows->stats().evicted;
    if (out.flows_file) s.flows_output = out.flows_file->path();
    if (const stages::FlowTrace* trace = out.flows->trace()) {
      s.trace_files = trace->files();
      s.trace_frames = trace->frames();
      s.trace_index = trace->index_path();
    }
  }
  if (out.analysis) {
    s.analysis_records = out.analysis->records();
    s.analysis_conversations = out.analysis->stats().conversations;
    s.analysis_bodies = out.analysis->bodies_written();
    if (out.analysis_file) s.analysis_output = out.analysis_file->path();
  }
}

}  // namespace pcapkit
