// `pcapkit bench`: the engine table of issue 16. Every case (extract --nofile, NDJSON, a
// six-field csv, reassembly, flows, --flow-id, analyse) under each of pcapkit's own
// strategies and thread counts, timed in this process (the engine alone) and as a whole
// `pcapkit` process (what a user waits for); the foreign engines (dpkt, scapy, tshark)
// as a process running `pcapkit extract -E ENGINE -f ndjson`, the only case they have.
// The rows are only ever CLI commands for the foreign engines, so an engine that cannot
// run here (its tool missing) is a skipped row naming why.
#include <spdlog/spdlog.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/bench_check.h"
#include "cli/bench_table.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/version.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

using bench::Agreement;
using bench::Row;

// --check found an engine whose records differ from sequential's (docs/cli.md).
constexpr int kDisagreement = 4;

// -E's default: every engine; pyshark runs tshark, so it is only timed when named.
const char* const kDefaultEngines[] = {"sequential", "server", "pipeline",
                                       "dpkt",       "scapy",  "tshark"};

// pcapkit's own strategies, as against the foreign engines (options.h knows which is
// which; the names were checked by EngineName).
bool IsOwn(const std::string& engine) {
  return !IsForeignEngine(ParseStrategy(engine));
}

// An -E name as the rows give it: checked by ParseStrategy (FormatError naming the known
// engines), lower case, "default" as "sequential"; pyshark stays pyshark, as asked.
std::string EngineName(const std::string& name) {
  Strategy strategy = ParseStrategy(name);
  if (strategy == Strategy::kTshark && strcasecmp(name.c_str(), "pyshark") == 0) return "pyshark";
  return StrategyName(strategy);
}

// A case: how it is asked of the Extractor and of the pcapkit command.
struct Case {
  const char* name;  // the JSON `case`
  const char* verb;
  std::vector<std::string> flags;  // after the input
  void (*configure)(ExtractOptions& o);
};

// The csv case's columns, as --fields takes them (the process rows) and as ExtractOptions
// holds them (in process).
constexpr const char* kCsvFields = "number,time_epoch,ipv4.src,ipv4.dst,tcp.srcport,tcp.dstport";

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"nofile", "extract", {"--nofile"}, [](ExtractOptions& o) { o.nofile = true; }},
      {"ndjson", "extract", {"-f", "ndjson", "-o", "/dev/null"}, [](ExtractOptions&) {}},
      {"csv",
       "extract",
       {"-f", "csv", "--fields", kCsvFields, "-o", "/dev/null"},
       [](ExtractOptions& o) {
         o.format = OutputFormat::kCsv;
         o.fields.names = SplitCommas(kCsvFields);
       }},
      {"reassemble",
       "extract",
       {"--nofile", "--reassemble", "ipv4,ipv6,tcp"},
       [](ExtractOptions& o) {
         o.nofile = true;
         o.reassembly.ipv4 = o.reassembly.ipv6 = o.reassembly.tcp = true;
       }},
      {"flows",
       "flows",
       {"-f", "ndjson", "-o", "/dev/null"},
       [](ExtractOptions& o) {
         o.nofile = true;
         o.flows.enabled = true;
         o.flows_output = "/dev/null";
         o.flows_format = OutputFormat::kNdjson;
       }},
      {"flow-id",
       "extract",
       {"--flow-id", "-f", "ndjson", "-o", "/dev/null"},
       [](ExtractOptions& o) { o.flow_id = true; }},
      {"analyse",
       "analyse",
       {"-f", "ndjson", "-o", "/dev/null"},
       [](ExtractOptions& o) {
         o.nofile = true;
         o.analyse.enabled = true;
         o.analyse.output = "/dev/null";
         o.analyse.format = OutputFormat::kNdjson;
       }},
  };
  return cases;
}

struct BenchFlags {
  std::string input;
  std::vector<std::string> engines;
  std::vector<unsigned> threads;
  int runs = 5;
  bool json = false;
  bool check = false;
};

// What a run of the table needs besides the flags.
struct Plan {
  BenchFlags flags;
  std::string exe;  // this pcapkit, for the process rows
  bench::Context context;
};

// The pcapkit command line of an engine on a case (argv[0] is `exe`).
std::vector<std::string> CommandOf(const std::string& exe, const std::string& input,
                                   const std::string& engine, unsigned threads, const Case& c) {
  if (!IsOwn(engine))
    return {exe, "extract", "-E", engine, "-f", "ndjson", "-o", "/dev/null", input};
  std::vector<std::string> argv = {exe, c.verb, input};
  argv.insert(argv.end(), c.flags.begin(), c.flags.end());
  argv.insert(argv.end(), {"-E", engine});
  if (engine != "sequential") argv.insert(argv.end(), {"--threads", std::to_string(threads)});
  argv.push_back("-q");
  return argv;
}

std::string Join(std::vector<std::string> argv) {
  argv[0] = "pcapkit";
  std::string s;
  for (const std::string& a : argv) {
    bool quote = a.find_first_of(" '\"") != std::string::npos;
    s += (s.empty() ? "" : " ") + (quote ? "'" + a + "'" : a);
  }
  return s;
}

ExtractOptions OptionsOf(const std::string& input, const std::string& engine, unsigned threads,
                         const Case& c) {
  ExtractOptions o;
  o.input = input;
  o.output = "/dev/null";
  o.format = OutputFormat::kNdjson;
  o.strategy = ParseStrategy(engine);
  o.threads = threads;
  o.quiet = true;
  c.configure(o);
  return o;
}

Row Measure(const Plan& plan, const std::string& engine, unsigned threads, bool process,
            const Case& c) {
  Row row{.engine = engine, .case_name = c.name, .threads = threads, .process = process};
  std::vector<std::string> argv = CommandOf(plan.exe, plan.flags.input, engine, threads, c);
  row.command = Join(argv);
  BenchJob job{.runs = plan.flags.runs, .min_seconds = plan.context.min_seconds};
  if (process)
    job.argv = argv;
  else
    job.options = OptionsOf(plan.flags.input, engine, threads, c);
  row.result = Bench(job);
  const char* mode = process ? "process" : "in-process";
  if (!row.result.ok) {
    // A foreign engine that cannot run here says why (its tool, the Debian package);
    // pcapkit's own failing is a fault.
    row.status = IsOwn(engine) ? "failed" : "skipped";
    row.reason = row.result.error;
    spdlog::warn("bench: {} {} {} {}: {}", engine, threads, mode, c.name, row.reason);
  } else {
    spdlog::info("bench: {} {} {} {}: {:.4g} s a pass, {} passes a run", engine, threads, mode,
                 c.name, row.result.seconds, row.result.repeats);
  }
  return row;
}

// The cases as the table's legend lists them.
std::vector<std::string> Legend(const std::vector<std::string>& engines) {
  std::vector<std::string> lines;
  bool own = std::any_of(engines.begin(), engines.end(), IsOwn);
  for (const Case& c : Cases()) {
    if (!own) break;
    std::string line = std::string(c.name) + ": pcapkit " + c.verb + " INPUT";
    for (const std::string& flag : c.flags) line += " " + flag;
    lines.push_back(line);
  }
  if (std::any_of(engines.begin(), engines.end(), [](const std::string& e) { return !IsOwn(e); }))
    lines.push_back(
        "ndjson of dpkt, scapy, tshark, pyshark: pcapkit extract -E ENGINE -f ndjson "
        "-o /dev/null INPUT");
  return lines;
}

// The thread counts a strategy is timed with.
std::vector<unsigned> ThreadsOf(const Plan& plan, const std::string& engine) {
  if (engine != "server" && engine != "pipeline") return {1};
  return plan.flags.threads;
}

// Every row, case by case: the own strategies in process, then as processes, then (on
// the ndjson case) the foreign engines. The process rows are measured first, while this
// process is small: a child's peak RSS as wait4 reports it cannot be below this
// process's (see pcapkit/bench.h).
std::vector<Row> MeasureAll(const Plan& plan) {
  struct Spec {
    std::string engine;
    unsigned threads;
    bool process;
    const Case* c;
  };
  std::vector<Spec> specs;
  for (const Case& c : Cases()) {
    for (bool process : {false, true})
      for (const std::string& e : plan.flags.engines)
        if (IsOwn(e))
          for (unsigned t : ThreadsOf(plan, e)) specs.push_back({e, t, process, &c});
    if (std::string(c.name) != "ndjson") continue;
    for (const std::string& e : plan.flags.engines)
      if (!IsOwn(e)) specs.push_back({e, 1, true, &c});
  }
  std::vector<Row> rows(specs.size());
  for (bool process : {true, false})
    for (size_t i = 0; i < specs.size(); ++i)
      if (specs[i].process == process)
        rows[i] = Measure(plan, specs[i].engine, specs[i].threads, process, *specs[i].c);
  return rows;
}

// --check: every engine once to an NDJSON file, compared with sequential's.
std::vector<Agreement> CheckAll(const Plan& plan) {
  char pattern[] = "/tmp/pcapkit-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw OutputError("cannot make a folder in /tmp for --check");
  std::string dir = pattern;
  const Case& ndjson = Cases()[1];
  auto run = [&](const std::string& engine, Agreement* a) {
    unsigned threads = *std::max_element(plan.flags.threads.begin(), plan.flags.threads.end());
    std::vector<std::string> argv = CommandOf(plan.exe, plan.flags.input, engine, threads, ndjson);
    std::string out = dir + "/" + engine + ".ndjson";
    *std::find(argv.begin(), argv.end(), "/dev/null") = out;
    CommandResult r = RunCommand(argv, "/dev/null");
    a->engine = engine;
    a->ran = r.ok;
    a->reason = r.error;
    return out;
  };
  Agreement reference;
  std::string reference_out = run("sequential", &reference);
  if (!reference.ran)
    throw InputError("--check: the sequential engine failed: " + reference.reason, plan.flags.input,
                     0, 0);
  std::vector<Agreement> agreements;
  for (const std::string& engine : plan.flags.engines) {
    if (engine == "sequential") continue;
    Agreement a;
    a.strict = IsOwn(engine);
    std::string out = run(engine, &a);
    if (a.ran) bench::CompareRecords(reference_out, out, &a);
    std::filesystem::remove(out);  // a 1 M-packet report is a gigabyte
    agreements.push_back(std::move(a));
  }
  std::filesystem::remove_all(dir);
  return agreements;
}

void AttachChecks(const std::vector<Agreement>& agreements, std::vector<Row>& rows) {
  for (Row& row : rows)
    for (const Agreement& a : agreements)
      if (row.engine == a.engine && row.case_name == "ndjson") row.check = &a;
}

// The capture's frames and bytes, read once before anything is printed: a missing or
// unreadable input fails here as extract's does (InputError, exit 1).
void CountCapture(Plan& plan) {
  if (plan.flags.input == "-")
    throw FormatError("bench reads INPUT many times: name a file, not -");
  ExtractOptions o{.input = plan.flags.input, .nofile = true, .quiet = true};
  ExtractSummary s = Extractor(o).Run();
  plan.context.frames = s.frames;
  plan.context.bytes = s.bytes;
}

// The list without its repetitions, in its order.
template <typename T>
void Unique(std::vector<T>& list) {
  std::vector<T> seen;
  for (const T& x : list)
    if (std::find(seen.begin(), seen.end(), x) == seen.end()) seen.push_back(x);
  list = std::move(seen);
}

void Validate(BenchFlags& f) {
  if (f.engines.empty()) f.engines.assign(std::begin(kDefaultEngines), std::end(kDefaultEngines));
  for (std::string& e : f.engines) e = EngineName(e);
  if (f.threads.empty()) {
    for (unsigned t = 1; t <= std::max(1u, std::thread::hardware_concurrency()); ++t)
      f.threads.push_back(t);
  }
  Unique(f.engines);
  Unique(f.threads);
}

int RunBench(const BenchFlags& flags) {
  Plan plan{.flags = flags};
  Validate(plan.flags);
  CountCapture(plan);
  plan.exe = std::filesystem::read_symlink("/proc/self/exe");
  plan.context.version = kVersion;
  plan.context.input = plan.flags.input;
  plan.context.runs = plan.flags.runs;
  plan.context.cases = Legend(plan.flags.engines);
  std::vector<Row> rows = MeasureAll(plan);
  // After the timing: the comparison's allocations would raise the floor under the
  // process rows' peak RSS (see MeasureAll).
  std::vector<Agreement> agreements;
  if (plan.flags.check) agreements = CheckAll(plan);
  AttachChecks(agreements, rows);
  if (plan.flags.json) {
    bench::PrintJson(plan.context, rows);
  } else {
    bench::PrintTable(plan.context, rows);
    for (const Agreement& a : agreements) bench::PrintAgreement(a);
  }
  bool failed =
      std::any_of(rows.begin(), rows.end(), [](const Row& r) { return r.status == "failed"; });
  bool disagrees = std::any_of(agreements.begin(), agreements.end(),
                               [](const Agreement& a) { return a.ran && !a.agrees(); });
  return failed ? kInternalError : disagrees ? kDisagreement : kOk;
}

}  // namespace

void AddBenchCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<BenchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Time every engine and strategy on a capture: seconds per packet, packets/s, MB/s, "
      "peak RSS");
  cmd->add_option("input", f->input, "capture file")->required();
  cmd->add_option("-E,--engine", f->engines,
                  "engines to time, comma-separated (default: sequential,server,pipeline,"
                  "dpkt,scapy,tshark; also pyshark)")
      ->delimiter(',');
  cmd->add_option("--threads", f->threads,
                  "thread counts of server/pipeline, comma-separated (default: 1 to one per core)")
      ->delimiter(',')
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--runs", f->runs, "timed runs per row, after one warm-up (median reported)")
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--json", f->json, "the rows as a JSON list on stdout");
  cmd->add_flag("--check", f->check,
                "also compare every engine's NDJSON records with sequential's, field by field");
  cmd->callback([f, &exit_code] { exit_code = RunBench(*f); });
}

}  // namespace pcapkit::cli
