// Running an extraction for a verb: SIGINT, the one-line input error, the summaries, and
// the diagnostics (spdlog) the run gives on the way.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "pcapkit/extractor.h"

namespace pcapkit::cli {

// Diagnostics go through spdlog's default logger, in pcapkit's words on stderr: critical
// "pcapkit: internal error: ...", an error "pcapkit: ...", a warning "pcapkit: warning:
// ...", information "[*] ...", "pcapkit: debug: ..." and "pcapkit: trace: ...". What a
// verb writes as its result (records, -v's frame lines, the "[*] Reassembly: ..."
// summaries) is no diagnostic: no level filters it.
//
// Until ConfigureLogging: stderr, warnings and errors.
void StartLogging();
// `level`: one of "trace", "debug", "info", "warning", "error", "critical", "off", or ""
// for warning (info when `verbose`); a FormatError otherwise. `file` (when not empty)
// gets every diagnostic too, appended with a UTC timestamp and the process id; an
// OutputError when it cannot be opened.
void ConfigureLogging(const std::string& level, const std::string& file, bool verbose);

// Runs the extraction `o` asks for. The first SIGINT stops reading at the next batch and
// what was read is still written; a second ends the process at once. An InputError is
// rethrown on one line with what was written before the fault: `written(frames)`.
// Logs the inputs (info), the strategy and the run's timing (debug), the malformed layers.
ExtractSummary RunExtraction(ExtractOptions o,
                             const std::function<std::string(uint64_t frames)>& written);

// How messages name an output: "<stdout>" for "-", else the quoted path.
std::string DescribeOutput(const std::string& path);

// "[*] Reassembly: ..." on stderr: what was reassembled, and where the report went.
void PrintReassemblySummary(const ExtractSummary& s);
// "[*] Flows: ..." on stderr: how many flows, and where their records went.
void PrintFlowSummary(const ExtractSummary& s);
void PrintTraceSummary(const ExtractSummary& s);
void PrintAnalysisSummary(const ExtractSummary& s);
// Information: how many layers of each protocol were malformed, by message (nothing when
// none was).
void LogAnomalies(const ExtractSummary& s);

}  // namespace pcapkit::cli
