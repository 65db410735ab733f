// `pcapkit extract` (jspcapy's flags) and `pcapkit protocols`.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "engine/protocols/registry.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

void AddExtractCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ExtractOptions>();
  auto format = std::make_shared<std::string>();
  auto layer = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto ndjson = std::make_shared<bool>(false);
  auto engine = std::make_shared<std::string>();

  CLI::App* cmd = app.add_subcommand("extract", "Dissect every frame of a capture into a report");
  cmd->add_option("input", opts->input,
                  "capture file (pcap, pcapng, snoop; gzip/zstd), - for stdin")
      ->required();
  cmd->add_option("-o,--output", opts->output, "report file, - for stdout (default out.<ext>)");
  cmd->add_option("-f,--format", *format,
                  "report format: json, ndjson (default: from -o's extension)");
  cmd->add_flag("-j,--json", *json, "same as -f json");
  cmd->add_flag("--ndjson", *ndjson, "same as -f ndjson");
  cmd->add_flag("-a,--auto-extension", opts->auto_extension,
                "add .pcap to the input and the format's extension to the output when missing");
  cmd->add_flag("-v,--verbose", opts->verbose, "print 'Frame N: chain' per frame on stderr");
  cmd->add_option("-L,--layer", *layer,
                  "stop dissecting after this layer: link, internet, transport, application");
  cmd->add_option("-P,--protocol", opts->stop_protocol,
                  "stop dissecting after this protocol (see `pcapkit protocols`)");
  cmd->add_flag("--payload", opts->payload, "write the bytes of undissected (raw) data as hex");
  cmd->add_flag("--nofile", opts->nofile, "dissect without writing a report");
  cmd->add_option(
      "-E,--engine", *engine,
      "strategy: sequential (default), server (Asio worker pool), pipeline (TBB flow graph)");
  cmd->add_option("--threads", opts->threads,
                  "worker threads of server/pipeline (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--inflight", opts->inflight,
                  "batches in flight at most (default 2 per thread + 2); bounds memory")
      ->check(CLI::Range(size_t(1), size_t(4096)));
  cmd->add_flag("-q,--quiet", opts->quiet, "no progress line on stderr");

  cmd->callback([=, &exit_code] {
    ExtractOptions o = *opts;
    if (!format->empty())
      o.format = ParseOutputFormat(*format);
    else if (*json)
      o.format = OutputFormat::kJson;
    else if (*ndjson)
      o.format = OutputFormat::kNdjson;
    if (!layer->empty()) o.stop_layer = ParseLayerLevel(*layer);
    if (!engine->empty()) o.strategy = ParseStrategy(*engine);
    ResolveOutput(o);  // a FormatError here comes before any input is read
    bool to_stdout = o.output == "-";
    if (o.verbose) std::fprintf(stderr, "[*] Loading file '%s'\n", o.input.c_str());
    Extractor extractor(o);
    ExtractSummary s = extractor.Run();
    if (o.verbose && !o.nofile)
      std::fprintf(stderr, "[*] Report file stored in '%s'\n",
                   to_stdout ? "<stdout>" : s.output.c_str());
    exit_code = kOk;
  });
}

void AddProtocolsCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd =
      app.add_subcommand("protocols", "List the protocols pcapkit dissects, with their keys");
  cmd->callback([&exit_code] {
    const auto& registry = protocols::Registry::Builtin();
    static const char* const kLayers[] = {"-", "link", "internet", "transport", "application"};
    std::printf("%-12s %-12s %-12s %s\n", "NAME", "KEY", "LAYER", "BOUND TO");
    for (const auto& p : registry.All()) {
      if (p.id == ProtocolId::kNone) continue;
      std::string bound;
      for (const auto& b : registry.BindingsOf(p.id)) {
        char item[48];
        std::snprintf(item, sizeof item, "%s%s=%s%x", bound.empty() ? "" : " ",
                      protocols::TableName(b.table),
                      b.table == protocols::Table::kEtherType ? "0x" : "", b.key);
        if (b.table != protocols::Table::kEtherType)
          std::snprintf(item, sizeof item, "%s%s=%u", bound.empty() ? "" : " ",
                        protocols::TableName(b.table), b.key);
        bound += item;
      }
      std::printf("%-12s %-12s %-12s %s\n", p.name, p.key, kLayers[size_t(p.layer)],
                  bound.empty() ? "(content)" : bound.c_str());
    }
    exit_code = kOk;
  });
}

}  // namespace pcapkit::cli
