// pcapkit/bench.h: timing extractions in process and as processes (issue 16's engine
// table). A process is run by io::RunProcess, which reports wait4's peak RSS; in process
// the peak is read from /proc/self/status after resetting it.
#include "pcapkit/bench.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "engine/io/subprocess.h"
#include "pcapkit/extractor.h"

namespace pcapkit {

namespace {

// A pass of the job: its wall seconds and peak RSS.
struct Pass {
  bool ok = true;
  std::string error;
  int exit_code = 0;
  double seconds = 0;
  uint64_t peak_rss = 0;
  bool peak_rss_known = true;
  uint64_t passes = 1;      // of a timed run: how many passes it made
  uint64_t rss_before = 0;  // in process: this process's RSS when the run began
  uint64_t frames = 0;
  uint64_t bytes = 0;
};

// The last non-empty line of a child's stderr, for a one-line reason.
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n \t");
  if (end == std::string::npos) return {};
  size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end + 1 - start);
}

std::string DescribeFailure(const io::ProcessResult& r) {
  std::string how = r.signal ? "killed by signal " + std::to_string(r.signal)
                             : "exit status " + std::to_string(r.exit_code);
  std::string line = LastLine(r.stderr_text);
  return line.empty() ? how : line + " (" + how + ")";
}

// The peak RSS of this process, reset so that what follows measures one run: writing "5"
// to /proc/self/clear_refs sets the kernel's high-water mark (VmHWM) to the current RSS
// (Linux 4.0 and later). Without it VmHWM would be the peak of the whole process — of an
// earlier, larger row — so a reset that fails makes the run's peak unknown.
bool ResetPeakRss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return f.good();
}

// VmHWM of /proc/self/status in bytes; 0 when it cannot be read.
uint64_t ReadPeakRss() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::istringstream in(line.substr(6));
    uint64_t kib = 0;
    in >> kib;
    return kib * 1024;
  }
  return 0;
}

// A child's ru_maxrss is never below its parent's peak when it was spawned: exec records
// the peak of the memory it replaces, which under posix_spawn (vfork) is this process's.
// So this process's peak is reset first (to its current RSS) and read as the floor; a
// child reported at that floor peaked at most there, how much lower is unknown.
Pass RunProcessOnce(const std::vector<std::string>& argv, const std::string& stdout_path) {
  io::ProcessOptions o;
  o.stdout_path = stdout_path;
  io::ProcessResult r;
  bool reset = ResetPeakRss();
  uint64_t floor = ReadPeakRss();
  Status s = io::RunProcess(argv, o, &r);
  Pass p;
  if (!s.ok()) {
    p.ok = false;
    p.error = s.message();
    p.exit_code = -1;
    return p;
  }
  p.seconds = r.wall_seconds;
  p.peak_rss = r.peak_rss_bytes;
  p.peak_rss_known = reset && floor > 0 && r.peak_rss_bytes > floor + (64 << 10);
  p.exit_code = r.exit_code;
  if (!r.exited_ok()) {
    p.ok = false;
    p.error = DescribeFailure(r);
  }
  return p;
}

Pass RunInProcessOnce(const ExtractOptions& options) {
  auto start = std::chrono::steady_clock::now();
  ExtractSummary s = Extractor(options).Run();
  Pass p;
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  p.frames = s.frames;
  p.bytes = s.bytes;
  return p;
}

Pass RunOnce(const BenchJob& job) {
  return job.argv.empty() ? RunInProcessOnce(job.options) : RunProcessOnce(job.argv, "/dev/null");
}

// One timed run: passes of the job until the run has lasted min_seconds (a capture too
// small to time is repeated), so that the clock and the start of threads are a small part
// of it. Its peak RSS is the highest of its passes; in process, this process's peak over
// the run (reset before it).
Pass TimedRun(const BenchJob& job) {
  constexpr uint64_t kMaxPasses = 10'000'000;
  bool in_process = job.argv.empty();
  bool reset = in_process && ResetPeakRss();
  Pass total;
  total.passes = 0;
  if (reset) total.rss_before = ReadPeakRss();  // just reset: the current RSS
  while (total.ok && (total.passes == 0 || total.seconds < job.min_seconds) &&
         total.passes < kMaxPasses) {
    Pass p = RunOnce(job);
    total.ok = p.ok;
    total.error = p.error;
    total.exit_code = p.exit_code;
    total.seconds += p.seconds;
    total.peak_rss = std::max(total.peak_rss, p.peak_rss);
    total.peak_rss_known = total.peak_rss_known && p.peak_rss_known;
    ++total.passes;
  }
  if (in_process) {
    total.peak_rss = reset ? ReadPeakRss() : 0;
    total.peak_rss_known = reset && total.peak_rss > 0;
  }
  return total;
}

}  // namespace

BenchResult Bench(const BenchJob& job) {
  BenchResult result;
  // What earlier jobs left allocated goes back to the kernel: the peaks measured here
  // start from this process's own size (see RunProcessOnce).
  malloc_trim(0);
  Pass warmup = RunOnce(job);
  result.frames = warmup.frames;
  result.bytes = warmup.bytes;
  std::vector<Pass> runs;
  for (int i = 0; warmup.ok && i < std::max(job.runs, 1); ++i) {
    runs.push_back(TimedRun(job));
    if (!runs.back().ok) warmup = runs.back();
  }
  if (!warmup.ok) {
    result.error = warmup.error;
    result.exit_code = warmup.exit_code;
    return result;
  }
  for (Pass& p : runs) p.seconds /= double(p.passes);
  std::sort(runs.begin(), runs.end(),
            [](const Pass& a, const Pass& b) { return a.seconds < b.seconds; });
  const Pass& median = runs[runs.size() / 2];
  result.seconds = median.seconds;
  result.repeats = median.passes;
  result.runs = static_cast<int>(runs.size());
  result.peak_rss_known = true;
  for (const Pass& p : runs) {
    result.peak_rss_known = result.peak_rss_known && p.peak_rss_known;
    if (p.peak_rss >= result.peak_rss_bytes) result.rss_before_bytes = p.rss_before;
    result.peak_rss_bytes = std::max(result.peak_rss_bytes, p.peak_rss);
  }
  if (!result.peak_rss_known) result.peak_rss_bytes = result.rss_before_bytes = 0;
  result.ok = true;
  return result;
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdout_path) {
  Pass p = RunProcessOnce(argv, stdout_path);
  CommandResult r;
  r.ok = p.ok;
  r.error = p.error;
  r.exit_code = p.exit_code;
  r.peak_rss_bytes = p.peak_rss;
  r.wall_seconds = p.seconds;
  return r;
}

}  // namespace pcapkit
