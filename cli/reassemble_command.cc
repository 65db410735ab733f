// `pcapkit reassemble`: IP datagrams and TCP streams rebuilt; the report is theirs.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/extraction.h"
#include "cli/flags.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

// What reassemble's flags hold until it runs.
struct ReassembleFlags {
  ExtractOptions options;
  FormatFlags format;
  FieldFlags fields;
  StrategyFlags strategy;
  ReassemblyFlags reassembly;
};

// The options the flags give, the report named; throws FormatError before any input is
// read.
ExtractOptions ParseReassembleFlags(const ReassembleFlags& f) {
  ExtractOptions o = f.options;
  ReassemblyOptions& r = o.reassembly;
  if (!r.ipv4 && !r.ipv6 && !r.tcp) r.ipv4 = r.ipv6 = r.tcp = true;
  f.reassembly.Apply(o.reassembly);
  o.reassembly_format = f.format.Format();
  f.fields.Apply(o.reassembly_fields);
  f.strategy.Apply(o);
  // The frames are dissected but not written: the report is the reassembly's.
  o.nofile = true;
  NameReport(o.reassembly_output, o.reassembly_format, o.auto_extension);
  ResolveOutput(o);
  o.quiet = true;  // no frame progress line: the frames are not the report
  return o;
}

// `summary`: -q was not given.
int RunReassemble(const ExtractOptions& o, bool summary) {
  ExtractSummary s = RunExtraction(o, [&](uint64_t frames) {
    return "; the reassembly of the " + std::to_string(frames) + " frames before it written to " +
           DescribeOutput(o.reassembly_output);
  });
  if (summary) PrintReassemblySummary(s);
  return s.interrupted ? kInterrupted : kOk;
}

}  // namespace

void AddReassembleCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ReassembleFlags>();
  ExtractOptions& o = f->options;
  CLI::App* cmd = app.add_subcommand(
      "reassemble", "Rebuild IP datagrams from fragments and TCP streams from segments");
  cmd->add_flag("--ipv4", o.reassembly.ipv4, "reassemble IPv4 fragments");
  cmd->add_flag("--ipv6", o.reassembly.ipv6, "reassemble IPv6 fragments");
  cmd->add_flag("--tcp", o.reassembly.tcp, "reassemble TCP streams");
  cmd->add_option("-o,--output", o.reassembly_output,
                  "report file, - for stdout (default out.<ext>)");
  f->format.Add(cmd, FormatSet::kRecords);
  f->fields.Add(cmd);
  cmd->add_flag("-a,--auto-extension", o.auto_extension,
                "add the format's extension to the output when missing");
  AddInputFlags(cmd, o);
  cmd->add_flag("--payload", o.payload, "write the bytes of undissected (raw) data as hex");
  cmd->add_flag(
      "--names", o.names,
      "enumerations also by name: type_name \"IPv4\" beside type 2048 (tree: 2048 (IPv4))");
  f->strategy.Add(cmd, o, "no summary line on stderr");
  AddLimitFlags(cmd, o);
  f->reassembly.Add(cmd, o.reassembly);
  cmd->callback([f, &exit_code] {
    exit_code = RunReassemble(ParseReassembleFlags(*f), /*summary=*/!f->options.quiet);
  });
}

}  // namespace pcapkit::cli
