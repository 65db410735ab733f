// `pcapkit extract` (jspcapy's flags) and `pcapkit reassemble`.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {
// SIGINT stops reading at the next batch; what was read is still written and the report
// closed. A second SIGINT (the handler resets itself) ends the process at once, leaving
// only the temporary file, never a half report under the final name.
std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) {
  g_interrupted.store(true);
}
void InstallInterruptHandler() {
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
}
// The flags of reassembly's policy, timeouts and budgets, shared by `extract` and
// `reassemble`.
struct ReassemblyFlags {
  std::string overlap;
};

// Limits against hostile input, shared by every verb that reads a capture.
void AddLimitFlags(CLI::App* cmd, ExtractOptions& o) {
  cmd->add_option("--max-record-length", o.max_record,
                  "a capture record longer than this many bytes is an input error (256 MiB)")
      ->check(CLI::Range(64u, 1u << 30));
  cmd->add_option("--max-layers", o.max_layers,
                  "layers dissected per frame at most; the rest is raw (32, at most 32)")
      ->check(CLI::Range(2u, 32u));
}

void AddReassemblyFlags(CLI::App* cmd, ExtractOptions& o, ReassemblyFlags& f) {
  AddLimitFlags(cmd, o);
  ReassemblyOptions& r = o.reassembly;
  cmd->add_flag("--strict", r.strict,
                "also write incomplete datagrams and streams with gaps (their received runs)");
  cmd->add_flag("--tcp-messages", r.tcp_messages,
                "one TCP record per run of data sharing an ACK number (PyPCAPKit's view)");
  cmd->add_option("--overlap", f.overlap,
                  "overlapping bytes: first (keep the first received, default) or last");
  cmd->add_option("--ipv4-timeout", r.ipv4_timeout,
                  "seconds of capture time an IPv4 datagram may wait for fragments (15)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ipv6-timeout", r.ipv6_timeout,
                  "seconds of capture time an IPv6 datagram may wait for fragments (60)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--tcp-timeout", r.tcp_timeout,
                  "seconds of capture time a TCP connection may stay idle (300)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ip-memory", r.ip_memory,
                  "bytes pending IP datagrams may hold; oldest evicted beyond (32 MiB)")
      ->check(CLI::Range(size_t(4096), size_t(1) << 40));
  cmd->add_option("--tcp-memory", r.tcp_memory,
                  "bytes all TCP connections may hold; least recently active evicted (128 MiB)")
      ->check(CLI::Range(size_t(4096), size_t(1) << 40));
  cmd->add_option("--tcp-buffer", r.tcp_buffer,
                  "bytes one TCP direction holds before writing a record (64 KiB)")
      ->check(CLI::Range(size_t(1), size_t(1) << 40));
}

void ApplyReassemblyFlags(const ReassemblyFlags& f, ExtractOptions& o) {
  if (!f.overlap.empty()) o.reassembly.overlap = ParseOverlapPolicy(f.overlap);
}

void PrintReassemblySummary(const ExtractSummary& s) {
  const ReassemblyStats& r = s.reassembly;
  std::fprintf(
      stderr,
      "[*] Reassembly: %llu datagrams (%llu complete) from %llu fragments; "
      "%llu stream records (%llu complete) from %llu connections; %llu incomplete%s%s\n",
      (unsigned long long)r.datagrams, (unsigned long long)r.datagrams_complete,
      (unsigned long long)r.fragments, (unsigned long long)r.streams,
      (unsigned long long)r.streams_complete, (unsigned long long)r.connections,
      (unsigned long long)s.reassembly_incomplete,
      s.reassembly_output.empty() ? "" : "; report in ",
      s.reassembly_output.empty()
          ? ""
          : (s.reassembly_output == "-" ? "<stdout>" : ("'" + s.reassembly_output + "'").c_str()));
}

}  // namespace

void AddExtractCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ExtractOptions>();
  auto format = std::make_shared<std::string>();
  auto layer = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto ndjson = std::make_shared<bool>(false);
  auto plist = std::make_shared<bool>(false);
  auto tree = std::make_shared<bool>(false);
  auto engine = std::make_shared<std::string>();
  auto byteorder = std::make_shared<std::string>();
  auto nanosecond = std::make_shared<bool>(false);
  auto microsecond = std::make_shared<bool>(false);

  CLI::App* cmd = app.add_subcommand("extract", "Dissect every frame of a capture into a report");
  cmd->add_option("input", opts->input,
                  "capture file (pcap, pcapng, snoop; gzip/zstd), - for stdin")
      ->required();
  cmd->add_option("-o,--output", opts->output,
                  "report file, - for stdout (default out.<ext>); the folder with -F");
  cmd->add_option("-f,--format", *format,
                  "json, ndjson, plist, tree, pcap, pcapng (default: from -o's extension)");
  cmd->add_flag("-j,--json", *json, "same as -f json");
  cmd->add_flag("-p,--plist", *plist, "same as -f plist");
  cmd->add_flag("-t,--tree", *tree, "same as -f tree");
  cmd->add_flag("--ndjson", *ndjson, "same as -f ndjson");
  cmd->add_flag("-F,--files", opts->files,
                "one file per record ('Frame 1.json', ...) in the folder named by -o");
  cmd->add_option("--filter", opts->filter,
                  "select frames with a tcpdump expression (libpcap's BPF compiler)");
  cmd->add_option("--frames", opts->frames, "select frames by number: 100-200,305");
  cmd->add_option("--count", opts->count, "stop after this many selected frames");
  cmd->add_option("--byteorder", *byteorder,
                  "pcap/pcapng output byte order: little (default), big");
  cmd->add_flag("--nanosecond", *nanosecond, "pcap output with nanosecond timestamps");
  cmd->add_flag("--microsecond", *microsecond, "pcap output with microsecond timestamps");
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
  auto reassemble = std::make_shared<std::string>();
  auto reassembly_format = std::make_shared<std::string>();
  auto rflags = std::make_shared<ReassemblyFlags>();
  cmd->add_option("--reassemble", *reassemble,
                  "reassemble ipv4,ipv6,tcp (any of them; ip = both IP versions)");
  cmd->add_option("--reassembly-output", opts->reassembly_output,
                  "the reassembly report (default: OUT.reassembly.<ext> beside the report)");
  cmd->add_option("--reassembly-format", *reassembly_format,
                  "json, ndjson, plist, tree (default: the report's, or json)");
  AddReassemblyFlags(cmd, *opts, *rflags);

  cmd->callback([=, &exit_code] {
    ExtractOptions o = *opts;
    if (!reassemble->empty()) ParseReassembly(*reassemble, o.reassembly);
    if (!reassembly_format->empty()) o.reassembly_format = ParseOutputFormat(*reassembly_format);
    ApplyReassemblyFlags(*rflags, o);
    if (!format->empty())
      o.format = ParseOutputFormat(*format);
    else if (*json)
      o.format = OutputFormat::kJson;
    else if (*plist)
      o.format = OutputFormat::kPlist;
    else if (*tree)
      o.format = OutputFormat::kTree;
    else if (*ndjson)
      o.format = OutputFormat::kNdjson;
    if (*byteorder == "big") {
      o.big_endian = true;
    } else if (!byteorder->empty() && *byteorder != "little") {
      throw FormatError("--byteorder takes little or big, not '" + *byteorder + "'");
    }
    if (*nanosecond && *microsecond)
      throw FormatError("--nanosecond and --microsecond exclude each other");
    if (*nanosecond) o.resolution = ExtractOptions::Resolution::kNano;
    if (*microsecond) o.resolution = ExtractOptions::Resolution::kMicro;
    if (!layer->empty()) o.stop_layer = ParseLayerLevel(*layer);
    if (!engine->empty()) o.strategy = ParseStrategy(*engine);
    ResolveOutput(o);  // a FormatError here comes before any input is read
    bool to_stdout = o.output == "-";
    if (o.verbose) std::fprintf(stderr, "[*] Loading file '%s'\n", o.input.c_str());
    InstallInterruptHandler();
    o.stop = &g_interrupted;
    Extractor extractor(o);
    std::string where = o.nofile ? "" : to_stdout ? "<stdout>" : "'" + o.output + "'";
    ExtractSummary s;
    try {
      s = extractor.Run();
    } catch (const InputError& e) {
      // One line: the fault, then what the report holds.
      const ExtractSummary& done = extractor.summary();
      std::string what =
          o.nofile ? ""
                   : "; " + std::to_string(done.frames) + " frames before it written to " + where;
      throw InputError(e.what() + what, e.file(), e.frame(), e.offset());
    }
    if (s.interrupted) {
      std::fprintf(stderr, "pcapkit: interrupted: %llu frames written%s%s\n",
                   static_cast<unsigned long long>(s.frames), o.nofile ? "" : " to ",
                   where.c_str());
      exit_code = kInterrupted;
      return;
    }
    if (o.verbose && !o.nofile)
      std::fprintf(stderr, "[*] Report file%s stored in %s\n", o.files ? "s" : "", where.c_str());
    bool reassembling = o.reassembly.ipv4 || o.reassembly.ipv6 || o.reassembly.tcp;
    if (reassembling && (o.verbose || o.nofile)) PrintReassemblySummary(s);
    exit_code = kOk;
  });
}

void AddReassembleCommand(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ExtractOptions>();
  auto format = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto ndjson = std::make_shared<bool>(false);
  auto plist = std::make_shared<bool>(false);
  auto tree = std::make_shared<bool>(false);
  auto engine = std::make_shared<std::string>();
  auto rflags = std::make_shared<ReassemblyFlags>();
  CLI::App* cmd = app.add_subcommand(
      "reassemble", "Rebuild IP datagrams from fragments and TCP streams from segments");
  cmd->add_option("input", opts->input,
                  "capture file (pcap, pcapng, snoop; gzip/zstd), - for stdin")
      ->required();
  cmd->add_flag("--ipv4", opts->reassembly.ipv4, "reassemble IPv4 fragments");
  cmd->add_flag("--ipv6", opts->reassembly.ipv6, "reassemble IPv6 fragments");
  cmd->add_flag("--tcp", opts->reassembly.tcp, "reassemble TCP streams");
  cmd->add_option("-o,--output", opts->reassembly_output,
                  "report file, - for stdout (default out.<ext>)");
  cmd->add_option("-f,--format", *format,
                  "json, ndjson, plist, tree (default: from -o's extension)");
  cmd->add_flag("-j,--json", *json, "same as -f json");
  cmd->add_flag("-p,--plist", *plist, "same as -f plist");
  cmd->add_flag("-t,--tree", *tree, "same as -f tree");
  cmd->add_flag("--ndjson", *ndjson, "same as -f ndjson");
  cmd->add_flag("-a,--auto-extension", opts->auto_extension,
                "add the format's extension to the output when missing");
  cmd->add_option("--filter", opts->filter,
                  "select frames with a tcpdump expression (libpcap's BPF compiler)");
  cmd->add_option("--frames", opts->frames, "select frames by number: 100-200,305");
  cmd->add_option("--count", opts->count, "stop after this many selected frames");
  cmd->add_flag("--payload", opts->payload, "write the bytes of undissected (raw) data as hex");
  cmd->add_option("-E,--engine", *engine, "strategy: sequential (default), server, pipeline");
  cmd->add_option("--threads", opts->threads, "worker threads of server/pipeline")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--inflight", opts->inflight, "batches in flight at most")
      ->check(CLI::Range(size_t(1), size_t(4096)));
  cmd->add_flag("-q,--quiet", opts->quiet, "no summary line on stderr");
  AddReassemblyFlags(cmd, *opts, *rflags);

  cmd->callback([=, &exit_code] {
    ExtractOptions o = *opts;
    ReassemblyOptions& r = o.reassembly;
    if (!r.ipv4 && !r.ipv6 && !r.tcp) r.ipv4 = r.ipv6 = r.tcp = true;
    ApplyReassemblyFlags(*rflags, o);
    if (!format->empty())
      o.reassembly_format = ParseOutputFormat(*format);
    else if (*json)
      o.reassembly_format = OutputFormat::kJson;
    else if (*plist)
      o.reassembly_format = OutputFormat::kPlist;
    else if (*tree)
      o.reassembly_format = OutputFormat::kTree;
    else if (*ndjson)
      o.reassembly_format = OutputFormat::kNdjson;
    if (!engine->empty()) o.strategy = ParseStrategy(*engine);
    // The frames are dissected but not written: the report is the reassembly's.
    o.nofile = true;
    std::string& out = o.reassembly_output;
    if (o.reassembly_format == OutputFormat::kNone) {
      std::string ext = std::filesystem::path(out).extension().string();
      for (OutputFormat f :
           {OutputFormat::kJson, OutputFormat::kNdjson, OutputFormat::kPlist, OutputFormat::kTree})
        if (ext == FormatExtension(f)) o.reassembly_format = f;
      if (ext == ".jsonl") o.reassembly_format = OutputFormat::kNdjson;
      if (ext == ".xml") o.reassembly_format = OutputFormat::kPlist;
    }
    if (o.reassembly_format == OutputFormat::kNone)
      throw FormatError(out.empty() || out == "-"
                            ? "output format unspecified: give -f json|ndjson|plist|tree"
                            : "cannot infer the output format from '" + out +
                                  "': give -f json|ndjson|plist|tree");
    if (out.empty())
      out = std::string("out") + FormatExtension(o.reassembly_format);
    else if (o.auto_extension && out != "-" &&
             std::filesystem::path(out).extension() != FormatExtension(o.reassembly_format))
      out += FormatExtension(o.reassembly_format);
    ResolveOutput(o);
    InstallInterruptHandler();
    o.stop = &g_interrupted;
    o.quiet = true;  // no frame progress line: the frames are not the report
    Extractor extractor(o);
    ExtractSummary s;
    try {
      s = extractor.Run();
    } catch (const InputError& e) {
      const ExtractSummary& done = extractor.summary();
      throw InputError(std::string(e.what()) + "; the reassembly of the " +
                           std::to_string(done.frames) + " frames before it written to " +
                           (out == "-" ? "<stdout>" : "'" + out + "'"),
                       e.file(), e.frame(), e.offset());
    }
    if (!opts->quiet) PrintReassemblySummary(s);
    exit_code = s.interrupted ? kInterrupted : kOk;
  });
}

}  // namespace pcapkit::cli
