// The foreign engines (-E dpkt, scapy, tshark; docs/cli.md "Foreign engines"): another
// tool dissects the capture, a small Python adapter of pcapkit's maps what it found into
// pcapkit's records, one NDJSON line each, and pcapkit writes them in the report format
// asked for, as they come (streaming: the adapter's output is never held whole).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/protocols/registry.h"
#include "engine/util/status.h"
#include "formats/output_file.h"
#include "formats/report_writer.h"
#include "pcapkit/options.h"

namespace pcapkit::stages::foreign {

struct ForeignRun {
  const ExtractOptions* options = nullptr;  // CheckOptions(*options) holds
  const protocols::Registry* registry = nullptr;
  const formats::ReportWriter* writer = nullptr;  // null with --nofile
  formats::Output* output = nullptr;              // null with --nofile
  // tshark: what the adapter reads on stdin, the field map of `pcapkit fields --json`.
  std::string field_map;
};

struct ForeignResult {
  uint64_t frames = 0;  // frame records written (or read, --nofile)
  uint64_t bytes = 0;   // the input file's size
  bool interrupted = false;
  // The capture broke off (CorruptInput, naming file, frame and offset): every record
  // before it is written and the report closed.
  Status input;
};

// Runs the engine to the end of the capture (or of --count, --frames, a raised stop) and
// closes the report. A failure (the tool missing: InvalidArgument naming the Debian
// package; the adapter failing: Internal, quoting its stderr; the output: IoError) leaves
// the report unclosed.
Status RunForeignEngine(const ForeignRun& run, ForeignResult* result);

// Where the engine's adapter is ("<folder>/dpkt_adapter.py"), looked for in
// $PCAPKIT_ENGINES, <the executable's folder>/../share/pcapkit/engines, the installed
// data folder, then the source tree; Internal naming the places when in none.
Status FindAdapter(Strategy engine, std::string* path);

}  // namespace pcapkit::stages::foreign
