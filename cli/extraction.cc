#include "cli/extraction.h"

#include <atomic>
#include <csignal>
#include <cstdio>

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

// A tcpdump filter sees one frame at a time: a datagram's later fragments carry no
// transport header, so `tcp port 80` drops them and IP reassembly finds it incomplete.
void WarnOfFilterWithFragments(const ExtractOptions& o) {
  const ReassemblyOptions& r = o.analyse.enabled ? o.analyse.reassembly : o.reassembly;
  if (o.filter.empty() || !(r.ipv4 || r.ipv6)) return;
  std::fprintf(stderr,
               "pcapkit: warning: --filter tests each frame before IP reassembly: a "
               "datagram's later fragments have no ports, so a port or protocol test drops "
               "them (filter on addresses to keep them; docs/cli.md \"--filter\")\n");
}

// Several inputs: the captures that could not be read were skipped (their records before
// the fault are in the report); the run says which, and ends as an input error.
void ReportInputFaults(const ExtractSummary& s, const ExtractOptions& o) {
  if (s.input_faults.empty()) return;
  for (const InputFault& f : s.input_faults)
    std::fprintf(stderr, "pcapkit: %s (the run went on)\n", f.message.c_str());
  size_t n = s.input_faults.size();
  throw InputError(std::to_string(n) + (n == 1 ? " input" : " inputs") +
                       " could not be read to the end; " + std::to_string(s.frames) +
                       " frames written" + (o.nofile ? "" : " to " + DescribeOutput(o.output)),
                   s.input_faults.front().file, s.input_faults.front().frame,
                   s.input_faults.front().offset);
}

}  // namespace

ExtractSummary RunExtraction(ExtractOptions o,
                             const std::function<std::string(uint64_t frames)>& written) {
  WarnOfFilterWithFragments(o);
  InstallInterruptHandler();
  o.stop = &g_interrupted;
  Extractor extractor(o);
  ExtractSummary summary;
  try {
    summary = extractor.Run();
  } catch (const InputError& e) {
    // One line: the fault, then what the report holds.
    throw InputError(e.what() + written(extractor.summary().frames), e.file(), e.frame(),
                     e.offset());
  }
  ReportInputFaults(summary, o);
  return summary;
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
