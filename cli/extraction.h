// Running an extraction for a verb: SIGINT, the one-line input error, the summaries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "pcapkit/extractor.h"

namespace pcapkit::cli {

// Runs the extraction `o` asks for. The first SIGINT stops reading at the next batch and
// what was read is still written; a second ends the process at once. An InputError is
// rethrown on one line with what was written before the fault: `written(frames)`.
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

}  // namespace pcapkit::cli
