// `pcapkit extract`: jspcapy's flags, every frame of a capture dissected into a report.
#include <cstdio>
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
  StrategyFlags strategy;
  ReassemblyFlags reassembly;
  std::string byteorder;
  bool nanosecond = false;
  bool microsecond = false;
  std::string layer;
  std::string reassemble;
  std::string reassembly_format;
  std::string flows;  // --flows FILE
  std::string flows_format;
};

// --byteorder, --nanosecond, --microsecond into `o`.
void ApplyCaptureOutputFlags(const ExtractFlags& f, ExtractOptions& o) {
  if (f.byteorder == "big") {
    o.big_endian = true;
  } else if (!f.byteorder.empty() && f.byteorder != "little") {
    throw FormatError("--byteorder takes little or big, not '" + f.byteorder + "'");
  }
  if (f.nanosecond && f.microsecond)
    throw FormatError("--nanosecond and --microsecond exclude each other");
  if (f.nanosecond) o.resolution = ExtractOptions::Resolution::kNano;
  if (f.microsecond) o.resolution = ExtractOptions::Resolution::kMicro;
}

// The options the flags give, the reports named; throws FormatError before any input is
// read.
ExtractOptions ParseExtractFlags(const ExtractFlags& f) {
  ExtractOptions o = f.options;
  if (!f.reassemble.empty()) ParseReassembly(f.reassemble, o.reassembly);
  if (!f.reassembly_format.empty()) o.reassembly_format = ParseOutputFormat(f.reassembly_format);
  f.reassembly.Apply(o);
  if (!f.flows.empty()) {
    o.flows.enabled = true;
    o.flows_output = f.flows;
  }
  if (!f.flows_format.empty()) o.flows_format = ParseOutputFormat(f.flows_format);
  o.format = f.format.Format();
  ApplyCaptureOutputFlags(f, o);
  if (!f.layer.empty()) o.stop_layer = ParseLayerLevel(f.layer);
  f.strategy.Apply(o);
  ResolveOutput(o);
  return o;
}

int RunExtract(const ExtractOptions& o) {
  std::string where = o.nofile ? "" : DescribeOutput(o.output);
  if (o.verbose) std::fprintf(stderr, "[*] Loading file '%s'\n", o.input.c_str());
  ExtractSummary s = RunExtraction(o, [&](uint64_t frames) {
    return o.nofile ? "" : "; " + std::to_string(frames) + " frames before it written to " + where;
  });
  if (s.interrupted) {
    std::fprintf(stderr, "pcapkit: interrupted: %llu frames written%s%s\n",
                 static_cast<unsigned long long>(s.frames), o.nofile ? "" : " to ", where.c_str());
    return kInterrupted;
  }
  if (o.verbose && !o.nofile)
    std::fprintf(stderr, "[*] Report file%s stored in %s\n", o.files ? "s" : "", where.c_str());
  bool reassembling = o.reassembly.ipv4 || o.reassembly.ipv6 || o.reassembly.tcp;
  if (reassembling && (o.verbose || o.nofile)) PrintReassemblySummary(s);
  if (o.flows.enabled && (o.verbose || o.nofile)) PrintFlowSummary(s);
  return kOk;
}

}  // namespace

void AddExtractCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ExtractFlags>();
  ExtractOptions& o = f->options;
  CLI::App* cmd = app.add_subcommand("extract", "Dissect every frame of a capture into a report");
  cmd->add_option("-o,--output", o.output,
                  "report file, - for stdout (default out.<ext>); the folder with -F");
  f->format.Add(cmd, /*text_only=*/false);
  cmd->add_flag("-F,--files", o.files,
                "one file per record ('Frame 1.json', ...) in the folder named by -o");
  AddInputFlags(cmd, o);
  cmd->add_option("--byteorder", f->byteorder,
                  "pcap/pcapng output byte order: little (default), big");
  cmd->add_flag("--nanosecond", f->nanosecond, "pcap output with nanosecond timestamps");
  cmd->add_flag("--microsecond", f->microsecond, "pcap output with microsecond timestamps");
  cmd->add_flag("-a,--auto-extension", o.auto_extension,
                "add .pcap to the input and the format's extension to the output when missing");
  cmd->add_flag("-v,--verbose", o.verbose, "print 'Frame N: chain' per frame on stderr");
  cmd->add_option("-L,--layer", f->layer,
                  "stop dissecting after this layer: link, internet, transport, application");
  cmd->add_option("-P,--protocol", o.stop_protocol,
                  "stop dissecting after this protocol (see `pcapkit protocols`)");
  cmd->add_flag("--payload", o.payload, "write the bytes of undissected (raw) data as hex");
  cmd->add_flag("--nofile", o.nofile, "dissect without writing a report");
  f->strategy.Add(cmd, o, "no progress line on stderr");
  cmd->add_option("--reassemble", f->reassemble,
                  "reassemble ipv4,ipv6,tcp (any of them; ip = both IP versions)");
  cmd->add_option("--reassembly-output", o.reassembly_output,
                  "the reassembly report (default: OUT.reassembly.<ext> beside the report)");
  cmd->add_option(
      "--reassembly-format", f->reassembly_format,
      OutputFormatNames(", ", /*text_only=*/true) + " (default: the report's, or json)");
  cmd->add_option("--flows", f->flows,
                  "also write a record per IP flow to FILE (- for stdout), as `pcapkit flows`");
  cmd->add_option("--flows-format", f->flows_format,
                  OutputFormatNames(", ", /*text_only=*/true) +
                      " (default: FILE's extension, the report's, or json)");
  AddFlowFlags(cmd, o.flows);
  AddLimitFlags(cmd, o);
  f->reassembly.Add(cmd, o.reassembly);
  cmd->callback([f, &exit_code] { exit_code = RunExtract(ParseExtractFlags(*f)); });
}

}  // namespace pcapkit::cli
