#include "cli/flags.h"

#include <filesystem>
#include <memory>

#include "cli/extraction.h"

namespace pcapkit::cli {

namespace {

// "-j,--json" has a one-letter name; "--ndjson" has none.
bool HasOneLetterName(std::string_view flag) {
  return flag.size() > 1 && flag[0] == '-' && flag[1] != '-';
}

}  // namespace

void AddInputFlags(CLI::App* cmd, ExtractOptions& o) {
  cmd->add_option("input", o.inputs,
                  "capture files (pcap, pcapng, snoop; gzip/zstd), - for stdin; a folder "
                  "means the captures in it")
      ->required();
  cmd->add_option("--filter", o.filter,
                  "select frames with a tcpdump expression (libpcap's BPF compiler)");
  cmd->add_option("--frames", o.frames, "select frames by number: 100-200,305");
  cmd->add_option("--count", o.count, "stop after this many selected frames");
}

void AddLimitFlags(CLI::App* cmd, ExtractOptions& o) {
  cmd->add_option("--max-record-length", o.max_record,
                  "a capture record longer than this many bytes is an input error (256 MiB)")
      ->check(CLI::Range(64u, 1u << 30));
  cmd->add_option("--max-layers", o.max_layers,
                  "layers dissected per frame at most; the rest is raw (32, at most 32)")
      ->check(CLI::Range(2u, 32u));
}

// jspcapy's one-letter shortcuts (-j, -p, -t) come first, then pcapkit's long ones
// (--ndjson): that is their order in the help and their precedence (docs/cli.md).
void FormatFlags::Add(CLI::App* cmd, FormatSet set) {
  bool text_only = set == FormatSet::kRecords || set == FormatSet::kWholeRecords;
  cmd->add_option("-f,--format", name_,
                  OutputFormatNames(", ", set) + " (default: from -o's extension)");
  for (bool one_letter : {true, false}) {
    for (const OutputFormatInfo& f : OutputFormats()) {
      std::string_view flag = f.shortcut;
      if (flag.empty() || (text_only && !f.text) || HasOneLetterName(flag) != one_letter) continue;
      Shortcut& shortcut = shortcuts_.emplace_back(Shortcut{f.format});
      cmd->add_flag(f.shortcut, shortcut.given, std::string("same as -f ") + f.name);
    }
  }
}

OutputFormat FormatFlags::Format() const {
  if (!name_.empty()) return ParseOutputFormat(name_);
  for (const Shortcut& shortcut : shortcuts_)
    if (shortcut.given) return shortcut.format;
  return OutputFormat::kNone;
}

void FieldFlags::Add(CLI::App* cmd) {
  cmd->add_option("-e", names_,
                  "a field to write as a column (repeatable): a record member (number, "
                  "time_epoch) or PROTOCOL.PATH (ipv4.src, tcp.flags.syn); see `pcapkit fields`")
      ->allow_extra_args(false)
      ->type_name("FIELD");
  cmd->add_option("--fields", lists_, "the columns as one comma-separated list: F1,F2,...")
      ->allow_extra_args(false)
      ->type_name("LIST");
  cmd->add_option("--occurrence", occurrence_,
                  "which occurrences of a field a column gets: first (default), last, all");
  cmd->add_flag("--no-header", no_header_, "csv, tsv: no header line");
}

std::vector<std::string> SplitCommas(const std::string& list) {
  std::vector<std::string> items;
  size_t from = 0;
  for (size_t comma; (comma = list.find(',', from)) != std::string::npos; from = comma + 1)
    items.push_back(list.substr(from, comma - from));
  items.push_back(list.substr(from));
  return items;
}

void FieldFlags::Apply(FieldOptions& fields) const {
  for (const std::vector<std::string>* given : {&names_, &lists_})
    for (const std::string& list : *given)
      for (std::string& name : SplitCommas(list)) fields.names.push_back(std::move(name));
  fields.occurrence = ParseOccurrence(occurrence_);
  fields.header = !no_header_;
}

void StrategyFlags::Add(CLI::App* cmd, ExtractOptions& o, const char* quiet_help, bool foreign) {
  verb_ = cmd->get_name();
  foreign_ = foreign;
  cmd->add_option("-E,--engine", engine_,
                  foreign ? "engine: sequential (default), server (Asio worker pool), pipeline "
                            "(TBB flow graph), dpkt, scapy, tshark or pyshark (that tool's "
                            "dissection as pcapkit's records)"
                          : "strategy: sequential (default), server (Asio worker pool), "
                            "pipeline (TBB flow graph)");
  cmd->add_option("--threads", o.threads,
                  "worker threads of server/pipeline (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--inflight", o.inflight,
                  "batches in flight at most (default 2 per thread + 2); bounds memory")
      ->check(CLI::Range(size_t(1), size_t(4096)));
  cmd->add_flag("-q,--quiet", o.quiet, quiet_help);
}

void StrategyFlags::Apply(ExtractOptions& o) const {
  if (engine_.empty()) return;
  o.strategy = ParseStrategy(engine_);
  o.engine = engine_;
  if (IsForeignEngine(o.strategy) && !foreign_)
    throw FormatError("-E " + engine_ + " runs extract only: " + verb_ +
                      " needs pcapkit's own engines (sequential, server, pipeline)");
}

void CaptureOutputFlags::Add(CLI::App* cmd) {
  cmd->add_option("--byteorder", byteorder_,
                  "pcap/pcapng output byte order: little (default), big");
  cmd->add_flag("--nanosecond", nanosecond_, "pcap output with nanosecond timestamps");
  cmd->add_flag("--microsecond", microsecond_, "pcap output with microsecond timestamps");
}

void CaptureOutputFlags::Apply(ExtractOptions& o) const {
  if (byteorder_ == "big") {
    o.big_endian = true;
  } else if (!byteorder_.empty() && byteorder_ != "little") {
    throw FormatError("--byteorder takes little or big, not '" + byteorder_ + "'");
  }
  if (nanosecond_ && microsecond_)
    throw FormatError("--nanosecond and --microsecond exclude each other");
  if (nanosecond_) o.resolution = ExtractOptions::Resolution::kNano;
  if (microsecond_) o.resolution = ExtractOptions::Resolution::kMicro;
}

void ReassemblyFlags::Add(CLI::App* cmd, ReassemblyOptions& r, bool records) {
  if (records) {
    cmd->add_flag("--strict", r.strict,
                  "also write incomplete datagrams and streams with gaps (their received runs)");
    cmd->add_flag("--tcp-messages", r.tcp_messages,
                  "one TCP record per run of data sharing an ACK number (PyPCAPKit's view)");
    cmd->add_option("--tcp-buffer", r.tcp_buffer,
                    "bytes one TCP direction holds before writing a record (64 KiB)")
        ->check(CLI::Range(size_t(1), size_t(1) << 40));
  }
  cmd->add_option("--overlap", overlap_,
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
}

void ReassemblyFlags::Apply(ReassemblyOptions& r) const {
  if (!overlap_.empty()) r.overlap = ParseOverlapPolicy(overlap_);
}

void AddLogFlags(CLI::App* verb, bool verbose_flag) {
  struct Settings {
    std::string level, file;
    bool verbose = false;
  };
  auto s = std::make_shared<Settings>();
  CLI::Option* verbose = verb->get_option_no_throw("--verbose");
  if (verbose == nullptr && verbose_flag)
    verbose = verb->add_flag("-v,--verbose", s->verbose,
                             "--log-level info: the inputs read, the malformed layers met");
  verb->add_option("--log-level", s->level,
                   std::string("diagnostics shown on stderr: trace, debug, info, warning, error, "
                               "critical, off (default: warning") +
                       (verbose ? "; info with -v)" : ")"))
      ->type_name("LEVEL");
  verb->add_option("--log-file", s->file,
                   "also append the diagnostics to FILE, each line timestamped (UTC)")
      ->type_name("FILE");
  // Run once the verb's flags are parsed, before the verb itself: its messages already go
  // where the flags say. (A bad --log-level is reported as the defaults have it.)
  verb->parse_complete_callback([s, verbose] {
    ConfigureLogging(s->level, s->file, verbose != nullptr && verbose->count() > 0);
  });
}

void NameReport(std::string& out, OutputFormat& format, bool auto_extension) {
  if (format == OutputFormat::kNone) format = TextFormatFromExtension(out);
  if (format == OutputFormat::kNone) {
    std::string give = "give -f " + OutputFormatNames("|", FormatSet::kRecords);
    throw FormatError(out.empty() || out == "-"
                          ? "output format unspecified: " + give
                          : "cannot infer the output format from '" + out + "': " + give);
  }
  const char* extension = FormatExtension(format);
  if (out.empty())
    out = std::string("out") + extension;
  else if (auto_extension && out != "-" && std::filesystem::path(out).extension() != extension)
    out += extension;
}

}  // namespace pcapkit::cli
