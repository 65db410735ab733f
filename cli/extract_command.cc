// `pcapkit extract`: jspcapy's flags, every frame of a capture dissected into a report.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/extraction.h"
#include "cli/flags.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

// What extract's flags hold until it runs: ExtractOptions' own fields, and the flags
// parsed only then (so that a bad value is a FormatError, reported as such).
struct ExtractFlags {
  ExtractOptions options;
  FormatFlags format;
  FieldFlags fields;
  StrategyFlags strategy;
  ReassemblyFlags reassembly;
  CaptureOutputFlags capture;
  std::string layer;
  std::string reassemble;
  std::string reassembly_format;
  std::string flows;  // --flows FILE
  std::string flows_format;
  std::string trace_format;
  bool fallback = false;  // --fallback
};

// jspcapy's precedence holds (-f and the shortcuts win over -o's extension), but a report
// named for one format and written in another is worth a word.
void WarnOfOtherExtension(const ExtractOptions& o) {
  if (o.format == OutputFormat::kNone || o.files || o.output.empty() || o.output == "-") return;
  OutputFormat named = FormatFromExtension(o.output);
  if (named == OutputFormat::kNone || named == o.format) return;
  spdlog::warn("writing {} into '{}', whose extension names {}", FormatName(o.format), o.output,
               FormatName(named));
}

// A foreign engine refuses an option it cannot honour (a usage error naming both), or,
// with --fallback, the default engine runs instead, as jspcap fell back.
void FallBackIfRefused(ExtractOptions& o, bool fallback) {
  std::string refusal = ForeignEngineRefusal(o);
  if (refusal.empty()) return;
  if (!fallback) throw FormatError(refusal);
  spdlog::warn("{}: running the sequential engine instead (--fallback)", refusal);
  o.strategy = Strategy::kSequential;
  o.engine.clear();
}

// The options the flags give, the reports named; throws FormatError before any input is
// read.
ExtractOptions ParseExtractFlags(const ExtractFlags& f) {
  ExtractOptions o = f.options;
  if (!f.reassemble.empty()) ParseReassembly(f.reassemble, o.reassembly);
  if (!f.reassembly_format.empty()) o.reassembly_format = ParseOutputFormat(f.reassembly_format);
  f.reassembly.Apply(o.reassembly);
  if (!f.flows.empty()) {
    o.flows.enabled = true;
    o.flows_output = f.flows;
  }
  if (!f.flows_format.empty()) o.flows_format = ParseOutputFormat(f.flows_format);
  if (!f.trace_format.empty()) o.trace.format = ParseOutputFormat(f.trace_format);
  o.format = f.format.Format();
  f.fields.Apply(o.fields);
  f.capture.Apply(o);
  if (!f.layer.empty()) o.stop_layer = ParseLayerLevel(f.layer);
  f.strategy.Apply(o);
  if (o.nofile && !o.output.empty())
    throw FormatError("--nofile writes no report: -o " + o.output + " has nothing to name");
  WarnOfOtherExtension(o);
  ResolveOutput(o);
  FallBackIfRefused(o, f.fallback);
  return o;
}

int RunExtract(const ExtractOptions& o) {
  std::string where = o.nofile ? "" : DescribeOutput(o.output);
  ExtractSummary s = RunExtraction(o, [&](uint64_t frames) {
    return o.nofile ? "" : "; " + std::to_string(frames) + " frames before it written to " + where;
  });
  if (s.interrupted) {
    spdlog::error("interrupted: {} frames written{}{}", s.frames, o.nofile ? "" : " to ", where);
    return kInterrupted;
  }
  if (!o.nofile) spdlog::info("Report file{} stored in {}", o.files ? "s" : "", where);
  bool reassembling = o.reassembly.ipv4 || o.reassembly.ipv6 || o.reassembly.tcp;
  if (reassembling && (o.verbose || o.nofile)) PrintReassemblySummary(s);
  if (o.flows.enabled && (o.verbose || o.nofile)) PrintFlowSummary(s);
  if (!o.trace.folder.empty() && (o.verbose || o.nofile)) PrintTraceSummary(s);
  return kOk;
}

}  // namespace

void AddExtractCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ExtractFlags>();
  ExtractOptions& o = f->options;
  CLI::App* cmd = app.add_subcommand("extract", "Dissect every frame of a capture into a report");
  cmd->add_option("-o,--output", o.output,
                  "report file, - for stdout (default out.<ext>); the folder with -F");
  f->format.Add(cmd, FormatSet::kAll);
  f->fields.Add(cmd);
  cmd->add_flag("-F,--files", o.files,
                "one file per record ('Frame 1.json', ...) in the folder named by -o");
  cmd->add_flag("--force", o.force, "-F: empty the folder first when it is not empty");
  AddInputFlags(cmd, o);
  f->capture.Add(cmd);
  cmd->add_flag("-a,--auto-extension", o.auto_extension,
                "add .pcap to the input and the format's extension to the output when missing");
  cmd->add_flag("-v,--verbose", o.verbose,
                "print 'Frame N: chain' per frame on stderr; --log-level info by default");
  cmd->add_option("-L,--layer", f->layer,
                  "stop dissecting after this layer: link, internet, transport, application");
  cmd->add_option("-P,--protocol", o.stop_protocol,
                  "stop dissecting after this protocol (see `pcapkit protocols`)");
  cmd->add_flag("--payload", o.payload, "write the bytes of undissected (raw) data as hex");
  cmd->add_flag(
      "--names", o.names,
      "enumerations also by name: type_name \"IPv4\" beside type 2048 (tree: 2048 (IPv4))");
  cmd->add_flag("--nofile", o.nofile, "dissect without writing a report");
  f->strategy.Add(cmd, o, "no progress line on stderr", true);
  cmd->add_flag("--fallback", f->fallback,
                "-E dpkt, scapy, tshark: run the sequential engine, with a warning, when the "
                "engine cannot honour an option (else a usage error)");
  cmd->add_option("--reassemble", f->reassemble,
                  "reassemble ipv4,ipv6,tcp (any of them; ip = both IP versions)");
  cmd->add_option("--reassembly-output", o.reassembly_output,
                  "the reassembly report (default: OUT.reassembly.<ext> beside the report)");
  cmd->add_option(
      "--reassembly-format", f->reassembly_format,
      OutputFormatNames(", ", FormatSet::kWholeRecords) + " (default: the report's, or json)");
  cmd->add_option("--flows", f->flows,
                  "also write a record per IP flow to FILE (- for stdout), as `pcapkit flows`");
  cmd->add_option("--flows-format", f->flows_format,
                  OutputFormatNames(", ", FormatSet::kWholeRecords) +
                      " (default: FILE's extension, the report's, or json)");
  cmd->add_flag(
      "--flow-id", o.flow_id,
      "add the flow's community_id and number (flow) to every frame record of an IP flow");
  AddFlowFlags(cmd, o.flows);
  cmd->add_option("--trace", o.trace.folder,
                  "also write every TCP flow to a file of its own in FOLDER, as `pcapkit trace`");
  cmd->add_option(
      "--trace-format", f->trace_format,
      OutputFormatNames(", ", FormatSet::kNotFlat) + ": the trace files' format (pcap)");
  cmd->add_flag("--trace-all", o.trace.all, "trace every IP flow, not TCP's alone");
  cmd->add_flag("--trace-unidirectional", o.trace.unidirectional,
                "trace a file per direction of each flow");
  cmd->add_option("--trace-max-open", o.trace.max_open,
                  "trace files open at once at most (64); others are reopened to append")
      ->check(CLI::Range(size_t(1), size_t(65536)));
  cmd->add_flag("--trace-force", o.trace.force, "trace into FOLDER even when it is not empty");
  AddLimitFlags(cmd, o);
  f->reassembly.Add(cmd, o.reassembly);
  cmd->callback([f, &exit_code] { exit_code = RunExtract(ParseExtractFlags(*f)); });
}

}  // namespace pcapkit::cli
