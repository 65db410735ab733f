// `pcapkit flows`: one record per IP flow, with its Community ID, written when it ends.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/extraction.h"
#include "cli/flags.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

struct FlowsFlags {
  ExtractOptions options;
  FormatFlags format;
  FieldFlags fields;
  StrategyFlags strategy;
};

// The options the flags give, the report named; throws FormatError before any input is
// read.
ExtractOptions ParseFlowsFlags(const FlowsFlags& f) {
  ExtractOptions o = f.options;
  o.flows.enabled = true;
  o.flows_format = f.format.Format();
  f.fields.Apply(o.flows_fields);
  f.strategy.Apply(o);
  // The frames are dissected but not written: the report is the flows'.
  o.nofile = true;
  NameReport(o.flows_output, o.flows_format, o.auto_extension);
  ResolveOutput(o);
  o.quiet = true;  // no frame progress line: the frames are not the report
  return o;
}

int RunFlows(const ExtractOptions& o, bool summary) {
  ExtractSummary s = RunExtraction(o, [&](uint64_t frames) {
    return "; the flows of the " + std::to_string(frames) + " frames before it written to " +
           DescribeOutput(o.flows_output);
  });
  if (summary) PrintFlowSummary(s);
  return s.interrupted ? kInterrupted : kOk;
}

}  // namespace

void AddFlowFlags(CLI::App* cmd, FlowOptions& flows) {
  cmd->add_option("--community-id-seed", flows.community_id_seed,
                  "seed of the Community ID hash (0)");
  cmd->add_option("--flow-timeout", flows.timeout,
                  "seconds of idleness that end a flow (default TCP 300, others 60)")
      ->check(CLI::Range(0.0, 1e12));
  cmd->add_option("--flow-memory", flows.memory,
                  "bytes the flow table may hold; least recently active flows end beyond (32 MiB)")
      ->check(CLI::Range(size_t(4096), size_t(1) << 40));
}

void AddFlowsCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<FlowsFlags>();
  ExtractOptions& o = f->options;
  CLI::App* cmd =
      app.add_subcommand("flows", "One record per IP flow (connection), with its Community ID");
  cmd->add_option("-o,--output", o.flows_output, "report file, - for stdout (default out.<ext>)");
  f->format.Add(cmd, FormatSet::kRecords);
  f->fields.Add(cmd);
  cmd->add_flag("-a,--auto-extension", o.auto_extension,
                "add the format's extension to the output when missing");
  AddInputFlags(cmd, o);
  f->strategy.Add(cmd, o, "no summary line on stderr");
  AddLimitFlags(cmd, o);
  AddFlowFlags(cmd, o.flows);
  cmd->callback([f, &exit_code] {
    exit_code = RunFlows(ParseFlowsFlags(*f), /*summary=*/!f->options.quiet);
  });
}

}  // namespace pcapkit::cli
