// `pcapkit trace`: every TCP flow (or every flow) into a capture file of its own, indexed.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/extraction.h"
#include "cli/flags.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

struct TraceFlags {
  ExtractOptions options;
  FormatFlags format;
  StrategyFlags strategy;
  CaptureOutputFlags capture;
};

// The options the flags give; throws FormatError before any input is read.
ExtractOptions ParseTraceFlags(const TraceFlags& f) {
  ExtractOptions o = f.options;
  OutputFormat format = f.format.Format();
  if (format != OutputFormat::kNone) o.trace.format = format;
  f.capture.Apply(o);
  f.strategy.Apply(o);
  // The frames are dissected but not written as a report: the files are the trace's.
  o.nofile = true;
  ResolveOutput(o);
  o.quiet = true;
  return o;
}

int RunTrace(const ExtractOptions& o, bool summary) {
  ExtractSummary s = RunExtraction(o, [&](uint64_t frames) {
    return "; the flows of the " + std::to_string(frames) + " frames before it traced to " +
           DescribeOutput(o.trace.folder);
  });
  if (summary) PrintTraceSummary(s);
  return s.interrupted ? kInterrupted : kOk;
}

}  // namespace

void AddTraceCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<TraceFlags>();
  ExtractOptions& o = f->options;
  o.trace.folder = "trace";
  CLI::App* cmd = app.add_subcommand(
      "trace", "Every TCP flow (--all: every flow) into a file of its own, with an index");
  cmd->add_option("-o,--output", o.trace.folder, "the folder of the flows' files (default trace)");
  f->format.Add(cmd, FormatSet::kNotFlat);
  cmd->add_flag("--all", o.trace.all, "every IP flow, not TCP's alone");
  cmd->add_flag("--unidirectional", o.trace.unidirectional,
                "a file per direction of each flow (PyPCAPKit's flows)");
  cmd->add_option("--max-open", o.trace.max_open,
                  "files open at once at most (64); others are reopened to append")
      ->check(CLI::Range(size_t(1), size_t(65536)));
  cmd->add_flag("--force", o.trace.force, "write into FOLDER even when it is not empty");
  f->capture.Add(cmd);
  cmd->add_flag("--payload", o.payload, "text formats: write the bytes of raw layers as hex");
  cmd->add_flag(
      "--names", o.names,
      "enumerations also by name: type_name \"IPv4\" beside type 2048 (tree: 2048 (IPv4))");
  AddInputFlags(cmd, o);
  f->strategy.Add(cmd, o, "no summary line on stderr");
  AddLimitFlags(cmd, o);
  AddFlowFlags(cmd, o.flows);
  cmd->callback([f, &exit_code] {
    exit_code = RunTrace(ParseTraceFlags(*f), /*summary=*/!f->options.quiet);
  });
}

}  // namespace pcapkit::cli
