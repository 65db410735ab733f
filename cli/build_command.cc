// `pcapkit build INPUT [-o OUTPUT|-] [-f pcap|pcapng] [--fix-checksums] [--fix-lengths]
// [--keep-going] [--threads N]`:
// records back to frames (docs/cli.md "build").
#include <spdlog/spdlog.h>

#include <memory>

#include "cli/commands.h"
#include "pcapkit/errors.h"
#include "pcapkit/ipsuite.h"

namespace pcapkit::cli {

void AddBuildCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ipsuite::RebuildOptions>();
  auto format = std::make_shared<std::string>("pcap");
  CLI::App* cmd = app.add_subcommand(
      "build", "Build frames back from records (extract --payload -f ndjson or json)");
  cmd->add_option("input", o->input, "the records: NDJSON or the JSON report, - for stdin")
      ->required();
  cmd->add_option("-o,--output", o->output, "the capture to write, - for stdout (default)");
  cmd->add_option("-f,--format", *format, "pcap (default) or pcapng")
      ->check(CLI::IsMember({"pcap", "pcapng"}));
  cmd->add_flag("--fix-checksums", o->fix_checksums,
                "recompute every checksum instead of writing the records' (after an edit)");
  cmd->add_flag("--fix-lengths", o->fix_lengths,
                "recompute lengths, counts and header lengths (after an edit that resizes)");
  cmd->add_flag("--keep-going", o->keep_going,
                "leave out a record that cannot be built, with a warning, and go on (exit 1 "
                "at the end)");
  cmd->add_option("--threads", o->threads,
                  "threads that parse and build records (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd->callback([o, format, &exit_code] {
    o->pcapng = *format == "pcapng";
    o->on_skip = [](const std::string& why) { spdlog::warn("{}", why); };
    ipsuite::RebuildSummary s = ipsuite::RebuildCapture(*o);
    spdlog::info("{} frames built, {} records left out", s.frames, s.skipped);
    exit_code = s.skipped == 0 ? kOk : kInputError;
  });
}

}  // namespace pcapkit::cli
