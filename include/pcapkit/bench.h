// Timing an extraction, for `pcapkit bench` and for C++ users who want the same figures:
// in this process (Extractor(options).Run(), the engine alone) or as a whole other
// process (a command line, start-up included, as a user sees it). Each job runs once to
// warm up, then `runs` timed runs; a job shorter than `min_seconds` is repeated within
// each timed run until the run lasts that long, so a tiny capture is not timed at the
// clock's resolution, and the figures are per pass.
//
//   pcapkit::BenchJob job;
//   job.options = {.input = "in.pcap", .output = "/dev/null",
//                  .format = pcapkit::OutputFormat::kNdjson};
//   pcapkit::BenchResult r = pcapkit::Bench(job);  // r.seconds / r.repeats per pass
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcapkit/options.h"

namespace pcapkit {

struct BenchJob {
  // In process: the extraction to time. Unused when `argv` is given.
  ExtractOptions options;
  // As a process: the command, run to completion with stdout to /dev/null and stdin from
  // /dev/null (argv[0] searched in PATH when it has no '/').
  std::vector<std::string> argv;
  int runs = 5;               // timed runs, after one warm-up run
  double min_seconds = 0.05;  // a timed run at least this long (repeating the job)
};

struct BenchResult {
  bool ok = false;  // false: the process failed (see `error`); nothing was timed
  // A process that failed (could not start, exited non-zero or of a signal): its status
  // and the last line it wrote on stderr ("tshark is not installed (Debian: tshark)").
  std::string error;
  int exit_code = 0;
  // Wall seconds of one pass of the job: the median over the timed runs of each run's
  // seconds divided by its passes.
  double seconds = 0;
  uint64_t repeats = 1;  // passes of the job in that median run (1: the job lasts long enough)
  int runs = 0;          // timed runs
  // The highest peak resident set size of the timed runs: a process's from wait4's
  // ru_maxrss (which covers what it ran in turn, the largest of them); in process, the
  // peak of this process during the run (VmHWM after resetting it), which includes what
  // the process held before. Unknown (false) when the kernel would not reset the peak —
  // the process's lifetime peak is never passed off as a run's — or when a child's peak
  // did not rise above this process's own, which a spawned child's ru_maxrss includes.
  bool peak_rss_known = false;
  uint64_t peak_rss_bytes = 0;
  // In process: this process's RSS when that run began (peak_rss_bytes less this is what
  // the run added); 0 for a process.
  uint64_t rss_before_bytes = 0;
  uint64_t frames = 0;  // in process: frames of one pass (ExtractSummary::frames)
  uint64_t bytes = 0;   // in process: their captured bytes
};

// Times the job. In process it throws as Extractor::Run() does (InputError for a capture
// that cannot be read, FormatError); a process that fails is a result with ok == false.
BenchResult Bench(const BenchJob& job);

// One run of a command to completion, stdout to `stdout_path` (created or truncated).
struct CommandResult {
  bool ok = false;    // started, and exited 0
  std::string error;  // as BenchResult::error
  int exit_code = -1;
  uint64_t peak_rss_bytes = 0;
  double wall_seconds = 0;
};
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdout_path);

}  // namespace pcapkit
