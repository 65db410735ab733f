// The engine table: jspcap's columns (engine, threads, seconds per packet, packets/s,
// MB/s, peak RSS, speed-up over the slowest row), the machine and version above it.
#include "cli/bench_table.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace pcapkit::cli::bench {

namespace {

using json = nlohmann::ordered_json;

// The CPU model, cores and memory, from /proc: "Intel(R) Xeon(R) ..., 2 cores, 23.5 GiB".
std::string DescribeMachine() {
  std::string model = "unknown CPU", line;
  std::ifstream cpuinfo("/proc/cpuinfo");
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    size_t colon = line.find(':');
    if (colon != std::string::npos) model = line.substr(line.find_first_not_of(" \t", colon + 1));
    break;
  }
  uint64_t mem_kib = 0;
  std::ifstream meminfo("/proc/meminfo");
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemTotal:", 0) == 0) mem_kib = std::stoull(line.substr(9));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, ", %u cores, %.1f GiB memory",
                std::max(1u, std::thread::hardware_concurrency()), double(mem_kib) / (1 << 20));
  return model + buf;
}

// The seconds per packet of the slowest measured row (0: none measured).
double Slowest(const Context& context, const std::vector<Row>& rows) {
  double slowest = 0;
  for (const Row& r : rows)
    if (r.status == "ok") slowest = std::max(slowest, RatesOf(r, context).seconds_per_packet);
  return slowest;
}

std::string Duration(double s) {
  char buf[32];
  if (s < 1e-6)
    std::snprintf(buf, sizeof buf, "%.1f ns", s * 1e9);
  else if (s < 1e-3)
    std::snprintf(buf, sizeof buf, "%.2f us", s * 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  return buf;
}

std::string Rate(double per_second) {
  char buf[32];
  if (per_second >= 1e6)
    std::snprintf(buf, sizeof buf, "%.2f M", per_second / 1e6);
  else if (per_second >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1f k", per_second / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", per_second);
  return buf;
}

std::string Rss(const BenchResult& r) {
  if (!r.peak_rss_known) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", double(r.peak_rss_bytes) / (1 << 20));
  return buf;
}

void PrintHeader(const Context& c) {
  char size[32];
  if (c.bytes >= 1000000)
    std::snprintf(size, sizeof size, "%.1f MB", double(c.bytes) / 1e6);
  else
    std::snprintf(size, sizeof size, "%llu bytes", (unsigned long long)c.bytes);
  std::printf("%s bench: %s, %llu packets, %s captured\n", c.version.c_str(), c.input.c_str(),
              (unsigned long long)c.frames, size);
  std::printf("machine: %s\n", DescribeMachine().c_str());
  std::printf("median of %d timed run%s per row after one warm-up run\n", c.runs,
              c.runs == 1 ? "" : "s");
  std::printf("%-10s %7s  %-10s  %-10s %7s %10s %10s %9s %10s %9s\n", "engine", "threads", "mode",
              "case", "repeats", "s/packet", "packets/s", "MB/s", "peak RSS", "speed-up");
}

void PrintRow(const Context& c, const Row& r, double slowest) {
  std::printf("%-10s %7u  %-10s  %-10s ", r.engine.c_str(), r.threads,
              r.process ? "process" : "in-process", r.case_name.c_str());
  if (r.status != "ok") {
    std::printf("%s: %s\n", r.status.c_str(), r.reason.c_str());
    return;
  }
  Rates x = RatesOf(r, c);
  std::printf("%7llu %10s %10s %9.1f %10s %8.1fx\n", (unsigned long long)r.result.repeats,
              Duration(x.seconds_per_packet).c_str(), Rate(x.packets_per_second).c_str(),
              x.mb_per_second, Rss(r.result).c_str(), slowest / x.seconds_per_packet);
}

void PrintNotes(const Context& c, const std::vector<Row>& rows) {
  bool repeated = std::any_of(rows.begin(), rows.end(), [](const Row& r) {
    return r.status == "ok" && r.result.repeats > 1;
  });
  if (repeated)
    std::printf(
        "repeats: a pass under %.0f ms is repeated within each timed run until the run lasts "
        "that long; the per-packet figures are divided accordingly\n",
        c.min_seconds * 1e3);
  std::printf(
      "in-process: Extractor::Run() in this process, peak RSS that of this process during the "
      "run; process: a whole pcapkit command, start-up included, peak RSS from wait4\n");
  std::printf(
      "cases (own engines add -E ENGINE [--threads N] -q; --json gives each row's command):\n");
  for (const std::string& line : c.cases) std::printf("  %s\n", line.c_str());
}

json JsonCheck(const Agreement& a) {
  json fields = json::object();
  for (const auto& [name, f] : a.fields) {
    fields[name] = {{"equal", f.equal},
                    {"different", f.different},
                    {"absent", f.absent},
                    {"missing", f.missing}};
    auto example = a.examples.find(name);
    if (example != a.examples.end()) fields[name]["first_difference"] = example->second;
  }
  return {{"reference", "sequential"}, {"agrees", a.agrees()},
          {"records", a.frames},       {"reference_records", a.reference_frames},
          {"equal", a.total.equal},    {"different", a.total.different},
          {"absent", a.total.absent},  {"missing", a.total.missing},
          {"fields", fields}};
}

json JsonRow(const Context& c, const Row& r, double slowest) {
  json j = {{"engine", r.engine},   {"case", r.case_name},
            {"threads", r.threads}, {"mode", r.process ? "process" : "in-process"},
            {"command", r.command}, {"status", r.status}};
  if (r.status != "ok") {
    j["reason"] = r.reason;
    for (const char* k : {"seconds_per_packet", "packets_per_second", "mb_per_second",
                          "peak_rss_bytes", "repeats", "runs", "seconds", "speedup"})
      j[k] = nullptr;
  } else {
    Rates x = RatesOf(r, c);
    j["seconds_per_packet"] = x.seconds_per_packet;
    j["packets_per_second"] = x.packets_per_second;
    j["mb_per_second"] = x.mb_per_second;
    j["peak_rss_bytes"] = r.result.peak_rss_known ? json(r.result.peak_rss_bytes) : json(nullptr);
    if (!r.process)
      j["rss_before_bytes"] =
          r.result.peak_rss_known ? json(r.result.rss_before_bytes) : json(nullptr);
    j["repeats"] = r.result.repeats;
    j["runs"] = r.result.runs;
    j["seconds"] = r.result.seconds;
    j["speedup"] = slowest / x.seconds_per_packet;
  }
  j["packets"] = c.frames;
  j["bytes"] = c.bytes;
  if (r.check != nullptr) j["check"] = r.check->ran ? JsonCheck(*r.check) : json(nullptr);
  return j;
}

}  // namespace

Rates RatesOf(const Row& row, const Context& c) {
  Rates x;
  double seconds = std::max(row.result.seconds, 1e-12);  // one pass
  x.seconds_per_packet = seconds / double(std::max<uint64_t>(c.frames, 1));
  x.packets_per_second = double(c.frames) / seconds;
  x.mb_per_second = double(c.bytes) / seconds / 1e6;
  return x;
}

void PrintTable(const Context& context, const std::vector<Row>& rows) {
  PrintHeader(context);
  double slowest = Slowest(context, rows);
  for (const Row& r : rows) PrintRow(context, r, slowest);
  PrintNotes(context, rows);
}

void PrintJson(const Context& context, const std::vector<Row>& rows) {
  json list = json::array();
  double slowest = Slowest(context, rows);
  for (const Row& r : rows) list.push_back(JsonRow(context, r, slowest));
  std::printf("%s\n", list.dump(1).c_str());
}

}  // namespace pcapkit::cli::bench
