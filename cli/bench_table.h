// `pcapkit bench`'s rows, and the engine table they make: as text (jspcap's table, the
// machine in its header) or as a JSON list (--json).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/bench_check.h"
#include "pcapkit/bench.h"

namespace pcapkit::cli::bench {

// One engine on one case: pcapkit's own strategies in process or as a process, the
// foreign engines as a process.
struct Row {
  std::string engine;     // sequential, server, pipeline, dpkt, scapy, tshark, pyshark
  std::string case_name;  // nofile, ndjson, csv, reassemble, flows, flow-id, analyse
  unsigned threads = 1;
  bool process = false;       // timed as a whole `pcapkit` process, start-up included
  std::string command;        // the pcapkit command line the row times
  std::string status = "ok";  // ok; skipped (the engine cannot run here); failed
  std::string reason;         // why skipped or failed
  BenchResult result;
  const Agreement* check = nullptr;  // --check, on the engine's ndjson rows
};

// What the rows were measured on, for the header.
struct Context {
  std::string version;  // "pcapkit 0.1.0"
  std::string input;
  uint64_t frames = 0;  // of one pass over the capture
  uint64_t bytes = 0;   // their captured bytes
  int runs = 0;
  double min_seconds = 0.05;
  std::vector<std::string> cases;  // "ndjson: pcapkit extract INPUT -f ndjson -o /dev/null"
};

// Per packet, per second: what a row's timing amounts to.
struct Rates {
  double seconds_per_packet = 0;
  double packets_per_second = 0;
  double mb_per_second = 0;
};
Rates RatesOf(const Row& row, const Context& context);

void PrintTable(const Context& context, const std::vector<Row>& rows);
// The rows as one JSON list on stdout (docs/cli.md "pcapkit bench" lists the members).
void PrintJson(const Context& context, const std::vector<Row>& rows);

}  // namespace pcapkit::cli::bench
