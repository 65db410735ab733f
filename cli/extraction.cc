#include "cli/extraction.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

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

// %* in a pattern: the words pcapkit puts before a message of each level, so that the
// messages read as they always have ("pcapkit: warning: ...", "[*] Loading file ...").
class LevelPrefix : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view prefix = Prefix(msg.level);
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelPrefix>();
  }

 private:
  static std::string_view Prefix(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::trace:
        return "pcapkit: trace: ";
      case spdlog::level::debug:
        return "pcapkit: debug: ";
      case spdlog::level::info:
        return "[*] ";
      case spdlog::level::warn:
        return "pcapkit: warning: ";
      case spdlog::level::critical:
        return "pcapkit: internal error: ";
      default:
        return "pcapkit: ";
    }
  }
};

// `timestamped`: the log file's lines, which runs append to, begin with when (UTC, ISO
// 8601) and which process; stderr's are the bare messages.
std::unique_ptr<spdlog::formatter> Formatter(bool timestamped) {
  auto f = std::make_unique<spdlog::pattern_formatter>(
      timestamped ? spdlog::pattern_time_type::utc : spdlog::pattern_time_type::local);
  f->add_flag<LevelPrefix>('*').set_pattern(timestamped ? "%Y-%m-%dT%H:%M:%S.%eZ %P %*%v" : "%*%v");
  return f;
}

void UseLogger(std::vector<spdlog::sink_ptr> sinks, spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>("pcapkit", sinks.begin(), sinks.end());
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);  // few lines, each where it belongs at once
  spdlog::set_default_logger(std::move(logger));
}

spdlog::sink_ptr StderrSink() {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(Formatter(false));
  return sink;
}

// Debug: how the run is spread over threads, with the defaults Extractor applies
// (docs/cli.md, "Strategies").
void LogStrategy(const ExtractOptions& o) {
  if (IsForeignEngine(o.strategy)) {
    spdlog::debug(
        "engine {}: its Python adapter's records, replayed (docs/cli.md \"Foreign "
        "engines\")",
        StrategyName(o.strategy));
    return;
  }
  if (o.strategy == Strategy::kSequential) {
    spdlog::debug("engine sequential: one thread, batches of {} bytes", o.batch_bytes);
    return;
  }
  unsigned threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  spdlog::debug("engine {}: {} threads, at most {} batches in flight, batches of {} bytes",
                StrategyName(o.strategy), threads, o.inflight ? o.inflight : 2 * threads + 2,
                o.batch_bytes);
}

// A tcpdump filter sees one frame at a time: a datagram's later fragments carry no
// transport header, so `tcp port 80` drops them and IP reassembly finds it incomplete.
void WarnOfFilterWithFragments(const ExtractOptions& o) {
  const ReassemblyOptions& r = o.analyse.enabled ? o.analyse.reassembly : o.reassembly;
  if (o.filter.empty() || !(r.ipv4 || r.ipv6)) return;
  spdlog::warn(
      "--filter tests each frame before IP reassembly: a datagram's later fragments have no "
      "ports, so a port or protocol test drops them (filter on addresses to keep them; "
      "docs/cli.md \"--filter\")");
}

// Several inputs: the captures that could not be read were skipped (their records before
// the fault are in the report); the run says which, and ends as an input error.
void ReportInputFaults(const ExtractSummary& s, const ExtractOptions& o) {
  if (s.input_faults.empty()) return;
  for (const InputFault& f : s.input_faults) spdlog::error("{} (the run went on)", f.message);
  size_t n = s.input_faults.size();
  throw InputError(std::to_string(n) + (n == 1 ? " input" : " inputs") +
                       " could not be read to the end; " + std::to_string(s.frames) +
                       " frames written" + (o.nofile ? "" : " to " + DescribeOutput(o.output)),
                   s.input_faults.front().file, s.input_faults.front().frame,
                   s.input_faults.front().offset);
}

}  // namespace

void StartLogging() {
  UseLogger({StderrSink()}, spdlog::level::warn);
}

void ConfigureLogging(const std::string& level, const std::string& file, bool verbose) {
  static const char* const kLevels[] = {"trace", "debug",    "info", "warning",
                                        "error", "critical", "off"};
  if (!level.empty() &&
      std::find(std::begin(kLevels), std::end(kLevels), level) == std::end(kLevels))
    throw FormatError(
        "--log-level takes trace, debug, info, warning, error, critical or off, not '" + level +
        "'");
  std::vector<spdlog::sink_ptr> sinks{StderrSink()};
  if (!file.empty()) {
    // spdlog's own message on failure names neither the flag nor the cause plainly.
    if (std::FILE* f = std::fopen(file.c_str(), "a"))
      std::fclose(f);
    else
      throw OutputError(file + ": cannot open the log file: " + std::strerror(errno));
    sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
    sinks.back()->set_formatter(Formatter(true));
  }
  UseLogger(std::move(sinks), !level.empty() ? spdlog::level::from_str(level)
                              : verbose      ? spdlog::level::info
                                             : spdlog::level::warn);
}

ExtractSummary RunExtraction(ExtractOptions o,
                             const std::function<std::string(uint64_t frames)>& written) {
  WarnOfFilterWithFragments(o);
  LogStrategy(o);
  InstallInterruptHandler();
  o.stop = &g_interrupted;
  auto start = std::chrono::steady_clock::now();
  Extractor extractor(o);
  for (const std::string& input : extractor.inputs())  // a folder's captures, each
    spdlog::info("Loading file '{}'", input);
  ExtractSummary summary;
  try {
    summary = extractor.Run();
  } catch (const InputError& e) {
    LogAnomalies(extractor.summary());  // of the frames before the fault
    // One line: the fault, then what the report holds.
    throw InputError(e.what() + written(extractor.summary().frames), e.file(), e.frame(),
                     e.offset());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::debug("run: {} frames, {} bytes in {:.3f} s ({:.1f} MB/s); batches in flight at most: {}",
                summary.frames, summary.bytes, secs,
                double(summary.bytes) / std::max(secs, 1e-9) / 1e6, summary.max_inflight);
  LogAnomalies(summary);
  ReportInputFaults(summary, o);
  return summary;
}

void LogAnomalies(const ExtractSummary& s) {
  if (s.anomalies.empty()) return;
  uint64_t total = 0;
  for (const Anomaly& a : s.anomalies) total += a.count;
  spdlog::info("Malformed layers: {}", total);
  for (const Anomaly& a : s.anomalies)
    spdlog::info("  {}: {}, first in frame {}: {}", a.protocol, a.count, a.first_frame, a.message);
}

std::string DescribeOutput(const std::string& path) {
  return path == "-" ? "<stdout>" : "'" + path + "'";
}

void PrintReassemblySummary(const ExtractSummary& s) {
  const ReassemblyStats& r = s.reassembly;
  std::string where =
      s.reassembly_output.empty() ? "" : "; report in " + DescribeOutput(s.reassembly_output);
  std::fprintf(stderr,
               "[*] Reassembly: %llu datagrams (%llu complete) from %llu fragments; "
               "%llu stream records (%llu complete) from %llu connections; %llu incomplete%s\n",
               (unsigned long long)r.datagrams, (unsigned long long)r.datagrams_complete,
               (unsigned long long)r.fragments, (unsigned long long)r.streams,
               (unsigned long long)r.streams_complete, (unsigned long long)r.connections,
               (unsigned long long)s.reassembly_incomplete, where.c_str());
}

void PrintFlowSummary(const ExtractSummary& s) {
  std::string where = s.flows_output.empty() ? "" : "; report in " + DescribeOutput(s.flows_output);
  std::fprintf(
      stderr, "[*] Flows: %llu flows from %llu frames (at most %llu at once, %llu evicted)%s\n",
      (unsigned long long)s.flows, (unsigned long long)s.frames, (unsigned long long)s.peak_flows,
      (unsigned long long)s.flows_evicted, where.c_str());
}

void PrintAnalysisSummary(const ExtractSummary& s) {
  std::string where =
      s.analysis_output.empty() ? "" : "; report in " + DescribeOutput(s.analysis_output);
  std::string bodies =
      s.analysis_bodies ? ", " + std::to_string(s.analysis_bodies) + " bodies stored" : "";
  std::fprintf(stderr,
               "[*] Analysis: %llu transactions in %llu conversations from %llu frames%s%s\n",
               (unsigned long long)s.analysis_records, (unsigned long long)s.analysis_conversations,
               (unsigned long long)s.frames, bodies.c_str(), where.c_str());
}

void PrintTraceSummary(const ExtractSummary& s) {
  std::fprintf(stderr, "[*] Trace: %llu frames in %llu files; index in %s\n",
               (unsigned long long)s.trace_frames, (unsigned long long)s.trace_files,
               DescribeOutput(s.trace_index).c_str());
}

}  // namespace pcapkit::cli
