// The C++ entry point: open a capture, iterate its frames as they stream, or run a whole
// extraction to an output file exactly as `pcapkit extract` does.
//
//   pcapkit::Extractor ex({.input = "in.pcap"});
//   while (const pcapkit::Frame* f = ex.Next())
//     if (auto tcp = f->get<pcapkit::Tcp>()) use(tcp->dstport());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pcapkit/errors.h"
#include "pcapkit/frame.h"
#include "pcapkit/layers.h"
#include "pcapkit/options.h"
#include "pcapkit/reassembly.h"

namespace pcapkit {

// A capture of several inputs that could not be read to its end; the records before the
// fault are in the report.
struct InputFault {
  std::string file;
  std::string message;  // names the file, the frame and the byte offset
  uint64_t frame = 0;
  uint64_t offset = 0;
};

// One kind of malformed layer met in a run, as Zeek's weird.log counts them: a `raw` layer
// whose protocol failed to parse (LayerSpan::error), by protocol and message.
struct Anomaly {
  // The protocol tried: its record key ("tcp") and display name ("TCP"); raw's when none
  // was (too many nested layers).
  std::string protocol;
  std::string name;
  // The layer's `error`: "TCP: header length exceeds the captured bytes".
  std::string message;
  // How many layers were malformed so, and the number of the first frame holding one (in
  // its capture).
  uint64_t count = 0;
  uint64_t first_frame = 0;
};

struct ExtractSummary {
  uint64_t frames = 0;                   // frames read and written
  std::vector<InputFault> input_faults;  // several inputs: the captures skipped or cut short
  uint64_t bytes = 0;                    // captured bytes of those frames
  std::string output;                    // where the report went ("" with nofile)
  size_t max_inflight = 0;               // most batches between reader and writer at once
  uint64_t files = 0;                    // -F: files written
  bool interrupted = false;              // options.stop was raised: the report ends early
  // With reassembly on: what it did, and where its report went ("" when not written).
  ReassemblyStats reassembly;
  uint64_t reassembly_records = 0;     // records written (or that would be, --nofile)
  uint64_t reassembly_incomplete = 0;  // incomplete datagrams and stream records
  std::string reassembly_output;
  // With flows on: flow records written (or that would be), the most flows held at once,
  // flows the memory budget ended early, and where the records went.
  uint64_t flows = 0;
  uint64_t peak_flows = 0;
  uint64_t flows_evicted = 0;
  std::string flows_output;
  // With trace on: files written, frames in them, where the index went.
  uint64_t trace_files = 0;
  uint64_t trace_frames = 0;
  std::string trace_index;
  // With analyse on: transaction records written (or that would be), conversations an
  // analyser took, bodies stored (--bodies), and where the records went.
  uint64_t analysis_records = 0;
  uint64_t analysis_conversations = 0;
  uint64_t analysis_bodies = 0;
  std::string analysis_output;
  // Run() only: the malformed layers of the frames read, sorted by protocol then message;
  // the same under every strategy.
  std::vector<Anomaly> anomalies;
};

class Extractor {
 public:
  // Opens options.input. Throws InputError (cannot open, unknown format) or FormatError
  // (an unknown -P protocol, a filter libpcap cannot compile, a bad --frames list).
  explicit Extractor(ExtractOptions options);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // The next frame, dissected as the options say and selected as they say (filter,
  // frames, count, stop); nullptr at the end of the capture.
  // The frame stays valid until the next call. Throws InputError when the capture is
  // corrupt, after every earlier frame was returned; FormatError with a foreign engine
  // (-E dpkt, scapy, tshark), whose records only Run() writes.
  const Frame* Next();

  // Reads the whole capture and writes the report the options ask for (format inferred
  // from the output name when unset). Throws FormatError before reading anything when
  // the format cannot be told; InputError after writing every frame before a fault.
  ExtractSummary Run();

  const ExtractOptions& options() const;
  // The captures read, in order: the input, or the inputs with each folder replaced by the
  // captures in it (by name).
  std::vector<std::string> inputs() const;
  // What Run() wrote, also when it ended with an InputError.
  const ExtractSummary& summary() const;
  // "Ethernet:IPv4:TCP" for a frame this extractor returned.
  std::string ProtocolChain(const Frame& frame) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Resolves the output name and format as the CLI does (jspcapy's rules, documented in
// docs/cli.md): the format from -f, else from the output's extension; "out.<ext>" when
// no output is named; -a appends the format's extension. With reassembly on, also the
// reassembly report's name and format; and the input's name as ResolveInput has it.
// Throws FormatError.
void ResolveOutput(ExtractOptions& options);
// -a's rule for the input: "in" means "in.pcap" when "in" does not exist, has no capture
// extension and "in.pcap" does. Extractor applies it too.
void ResolveInput(ExtractOptions& options);

}  // namespace pcapkit
