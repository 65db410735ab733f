// `pcapkit analyse`: one record per application transaction (HTTP, TLS, DNS, ...), from
// reassembled TCP streams and UDP datagrams.
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/extraction.h"
#include "cli/flags.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

struct AnalyseFlags {
  ExtractOptions options;
  FormatFlags format;
  FieldFlags fields;
  StrategyFlags strategy;
  ReassemblyFlags reassembly;
};

// The options the flags give, the report named; throws FormatError before any input is
// read.
ExtractOptions ParseAnalyseFlags(const AnalyseFlags& f) {
  ExtractOptions o = f.options;
  AnalyseOptions& a = o.analyse;
  a.enabled = true;
  a.format = f.format.Format();
  f.fields.Apply(a.fields);
  f.reassembly.Apply(a.reassembly);
  f.strategy.Apply(o);
  // The frames are dissected but not written: the report is the transactions'.
  o.nofile = true;
  NameReport(a.output, a.format, o.auto_extension);
  ResolveOutput(o);
  o.quiet = true;  // no frame progress line: the frames are not the report
  return o;
}

int RunAnalyse(const ExtractOptions& o, bool summary) {
  ExtractSummary s = RunExtraction(o, [&](uint64_t frames) {
    return "; the transactions of the " + std::to_string(frames) + " frames before it written to " +
           DescribeOutput(o.analyse.output);
  });
  if (summary) PrintAnalysisSummary(s);
  return s.interrupted ? kInterrupted : kOk;
}

void AddAnalyseOptions(CLI::App* cmd, AnalyseFlags& f) {
  AnalyseOptions& a = f.options.analyse;
  cmd->add_option("--protocols", a.protocols,
                  "analysers that may claim a conversation: http,http2,tls,dns,ftp,unknown (all)");
  cmd->add_option("--bodies", a.bodies, "write each decoded HTTP/FTP body once to FOLDER/<sha256>");
  cmd->add_option("--max-body", a.max_body,
                  "body bytes of one message decoded, hashed and stored; beyond, only counted "
                  "(16 MiB)")
      ->check(CLI::Range(size_t(1), size_t(1) << 40));
  cmd->add_option("--max-decoded", a.max_decoded,
                  "bytes a decoder may produce from one body: a bomb stops there (64 MiB)")
      ->check(CLI::Range(size_t(1), size_t(1) << 40));
  cmd->add_option("--analyse-memory", a.memory,
                  "bytes all analysers may hold; least recently active end early beyond (64 MiB)")
      ->check(CLI::Range(size_t(1) << 20, size_t(1) << 40));
  cmd->add_option("--held-bodies", a.held_bodies,
                  "memory for uncoded bodies held to be hashed in parallel; 0: hash them on "
                  "the serial path, as one thread always does (16 MiB)")
      ->check(CLI::Range(size_t(0), size_t(1) << 40));
}

}  // namespace

void AddAnalyseCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<AnalyseFlags>();
  ExtractOptions& o = f->options;
  CLI::App* cmd = app.add_subcommand(
      "analyse", "One record per application transaction: HTTP, TLS, DNS, FTP, unknown");
  cmd->alias("analyze");
  cmd->add_option("-o,--output", o.analyse.output, "report file, - for stdout (default out.<ext>)");
  f->format.Add(cmd, FormatSet::kRecords);
  f->fields.Add(cmd);
  cmd->add_flag("-a,--auto-extension", o.auto_extension,
                "add the format's extension to the output when missing");
  AddInputFlags(cmd, o);
  f->strategy.Add(cmd, o, "no summary line on stderr");
  AddLimitFlags(cmd, o);
  AddAnalyseOptions(cmd, *f);
  f->reassembly.Add(cmd, o.analyse.reassembly, /*records=*/false);
  AddFlowFlags(cmd, o.flows);
  cmd->callback([f, &exit_code] {
    exit_code = RunAnalyse(ParseAnalyseFlags(*f), /*summary=*/!f->options.quiet);
  });
}

}  // namespace pcapkit::cli
