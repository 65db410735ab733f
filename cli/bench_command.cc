// `pcapkit bench`: times the extraction of one capture under each strategy, in process,
// and prints packets/s and MB/s (median of --runs runs, after one warm-up run that also
// brings the capture into the page cache).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "pcapkit/extractor.h"

namespace pcapkit::cli {

namespace {

// What a case runs besides the frames (none of them: extract alone).
struct Stages {
  bool reassemble = false;  // --reassemble ipv4,ipv6,tcp
  bool flows = false;       // the flows verb: flow records to /dev/null
  bool flow_id = false;     // extract --flow-id
  bool analyse = false;     // the analyse verb: transaction records to /dev/null
  bool csv = false;         // -f csv with six fields (number, time_epoch, IPv4 and TCP's)
};

struct Case {
  const char* label;
  Strategy strategy;
  bool nofile;
  Stages stages = {};
};

double TimeOnce(ExtractOptions o, ExtractSummary& summary) {
  auto start = std::chrono::steady_clock::now();
  summary = Extractor(o).Run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void AddBenchCommand(CLI::App& app, int& exit_code) {
  auto input = std::make_shared<std::string>();
  auto runs = std::make_shared<int>(5);
  auto threads = std::make_shared<unsigned>(0);
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time extraction of a capture under every strategy (packets/s, MB/s)");
  cmd->add_option("input", *input, "capture file")->required();
  cmd->add_option("--runs", *runs, "timed runs per case (median reported)")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--threads", *threads,
                  "worker threads of server/pipeline (default: one per core)");
  cmd->callback([=, &exit_code] {
    unsigned t = *threads ? *threads : std::max(1u, std::thread::hardware_concurrency());
    using enum Strategy;
    const Case cases[] = {
        {"sequential --nofile", kSequential, true},
        {"pipeline   --nofile", kPipeline, true},
        {"sequential -f ndjson -o /dev/null", kSequential, false},
        {"server     -f ndjson -o /dev/null", kServer, false},
        {"pipeline   -f ndjson -o /dev/null", kPipeline, false},
        {"sequential -f csv -e (6 fields) -o /dev/null", kSequential, false, {.csv = true}},
        {"pipeline   -f csv -e (6 fields) -o /dev/null", kPipeline, false, {.csv = true}},
        {"sequential --nofile --reassemble all", kSequential, true, {.reassemble = true}},
        {"pipeline   --nofile --reassemble all", kPipeline, true, {.reassemble = true}},
        {"sequential flows -f ndjson -o /dev/null", kSequential, true, {.flows = true}},
        {"pipeline   flows -f ndjson -o /dev/null", kPipeline, true, {.flows = true}},
        {"sequential --flow-id -f ndjson -o /dev/null", kSequential, false, {.flow_id = true}},
        {"pipeline   --flow-id -f ndjson -o /dev/null", kPipeline, false, {.flow_id = true}},
        {"sequential analyse -f ndjson -o /dev/null", kSequential, true, {.analyse = true}},
        {"pipeline   analyse -f ndjson -o /dev/null", kPipeline, true, {.analyse = true}},
    };
    std::printf("capture %s, %u threads for server/pipeline, median of %d runs\n", input->c_str(),
                t, *runs);
    std::printf("%-46s %12s %10s %10s\n", "case", "packets/s", "MB/s", "seconds");
    for (const Case& c : cases) {
      ExtractOptions o;
      o.input = *input;
      o.nofile = c.nofile;
      o.output = "/dev/null";
      o.format = OutputFormat::kNdjson;
      o.strategy = c.strategy;
      o.threads = t;
      o.quiet = true;
      const Stages& st = c.stages;
      o.reassembly.ipv4 = o.reassembly.ipv6 = o.reassembly.tcp = st.reassemble;
      o.flows.enabled = st.flows;
      o.flow_id = st.flow_id;
      if (st.flows) {
        o.flows_output = "/dev/null";
        o.flows_format = OutputFormat::kNdjson;
      }
      if (st.csv) {
        o.format = OutputFormat::kCsv;
        o.fields.names = {"number",   "time_epoch",  "ipv4.src",
                          "ipv4.dst", "tcp.srcport", "tcp.dstport"};
      }
      o.analyse.enabled = st.analyse;
      if (st.analyse) {
        o.analyse.output = "/dev/null";
        o.analyse.format = OutputFormat::kNdjson;
      }
      ExtractSummary summary;
      TimeOnce(o, summary);  // warm-up
      std::vector<double> times;
      for (int i = 0; i < *runs; ++i) times.push_back(TimeOnce(o, summary));
      std::sort(times.begin(), times.end());
      double median = std::max(times[times.size() / 2], 1e-9);
      std::printf("%-46s %10.3f M %10.1f %10.3f\n", c.label, double(summary.frames) / median / 1e6,
                  double(summary.bytes) / median / 1e6, median);
    }
    exit_code = kOk;
  });
}

}  // namespace pcapkit::cli
