// The stages a batch goes through between the reader and the output: read (Source),
// dissect and serialize (Process), write (Sink). stages/flow_graph.cc chains them, with
// the stateful stages, into the one graph every strategy runs.
//
// `Process` dissects and serializes each frame in one pass, and picks out what the
// stateful stages need (a frame's IP fragment and TCP segment, as pointers into the
// batch); the stateful stage (stages/reassembly_stage.h) then only consumes those, so
// the per-frame work stays parallel.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/capture/batch.h"
#include "engine/capture/input_sequence.h"
#include "engine/flows/flow_packet.h"
#include "engine/packet/dissector.h"
#include "engine/reassembly/inputs.h"
#include "formats/output_file.h"
#include "formats/record_tape.h"
#include "formats/report_writer.h"
#include "pcapkit/extractor.h"
#include "stages/selection.h"

namespace pcapkit::stages {

// A batch on its way through the stages, with what the stages made of it. Items are
// pooled and reused: the capacity of their buffers stays allocated.
struct WorkItem {
  uint64_t sequence = 0;  // 0-based batch number: the output order
  capture::Batch batch;
  formats::OutBuffer report;  // serialized records
  formats::OutBuffer log;     // -v lines for stderr
  uint64_t entries = 0;       // records written to `report`
  uint64_t bytes = 0;         // captured bytes of the batch's frames
  // -F: `report` holds one complete document per record, each to go to its own file.
  struct Document {
    std::string name;  // "Frame 12", "Global Header"
    size_t offset, length;
  };
  std::vector<Document> documents;
  // With reassembly on: what the stateful stage takes from the batch's frames (their IP
  // fragments and TCP segments), the first `input_count` entries, in frame order.
  std::vector<reassembly::FrameInputs> inputs;
  size_t input_count = 0;
  // With flows on: each IP frame's flow packet, the first `flow_count` entries, in order.
  std::vector<flows::FlowPacket> flow_packets;
  size_t flow_count = 0;
  // With analysis on: each flow packet's flow as the flow stage found it (same index).
  struct FlowLabel {
    uint64_t number;
    char community_id[31];
    int from;  // 0: sent by the flow's originator
  };
  std::vector<FlowLabel> flow_labels;
  // With analysis holding bodies: the transactions the analysis stage found in this batch,
  // recorded with their held bodies unhashed, and their records as the parallel stage
  // after it wrote them (those bodies hashed there) for the serial one that appends them.
  formats::RecordTape transactions;
  formats::OutBuffer transaction_report;
  // trace with a record format: the traced frames' records, written as first entries
  // (FlowPacket::record_at/record_len point into it).
  formats::OutBuffer trace_records;
  // extract --flow-id: members the flow stage adds to `report`, which the sink writes
  // between its bytes: `members[from, from + length)` goes in at `report` offset `at`
  // (in order of `at`). -F's documents get theirs spliced in instead (no insertions).
  struct Insertion {
    size_t at, from, length;
  };
  std::vector<Insertion> insertions;
  // Where the frame records' splice points are (ReportWriter::Frame), for the flow stage:
  // FlowPacket::splice_from and splice_count index them.
  formats::SplicePoints splices;
  formats::OutBuffer members;
  // The batch's malformed layers, by (protocol tried, error): counted here, where the
  // batch is dissected in parallel, and merged by the sink in capture order, so the totals
  // are the same under every strategy. Malformed layers are rare and of few kinds: a
  // linear search of a vector whose capacity the pooled item keeps.
  struct Anomaly {
    ProtocolId attempted;
    const char* error;  // static text
    uint64_t count;
    uint64_t first_frame;
  };
  std::vector<Anomaly> anomalies;
};

struct ProcessOptions {
  const Dissector* dissector;
  const formats::ReportWriter* writer;  // null with --nofile
  const protocols::Registry* registry;
  bool verbose;
  bool documents;                                  // -F: one document per record
  const reassembly::Wanted* reassembly = nullptr;  // collect reassembly inputs
  bool flows = false;                              // collect flow packets
  bool flow_ids = false;  // extract --flow-id: note where each flow packet's record splices
  // trace with a record format: write the traced frames' records (every IP frame's with
  // `trace_all`, else the TCP frames') to WorkItem::trace_records.
  const formats::ReportWriter* trace_writer = nullptr;
  bool trace_all = false;
};

// Stage 1 (serial): where batches come from, selected (--filter, --frames, --count), and
// when to stop: at the end of the captures, when no further frame can be selected, or
// when `stop` is raised (SIGINT). With several captures, the selection applies to each.
class Source {
 public:
  Source(capture::InputSequence* inputs, Selection* selection, const std::atomic<bool>* stop)
      : inputs_(inputs), selection_(selection), stop_(stop) {}
  // The next batch into `item`. False when there is nothing more to write: then status()
  // says why, when it is a failure (a filter that does not compile for a new link type;
  // the captures' own faults are the input sequence's).
  bool Read(uint64_t sequence, WorkItem& item);
  bool interrupted() const { return interrupted_; }
  const Status& status() const { return status_; }

 private:
  capture::InputSequence* inputs_;
  Selection* selection_;
  const std::atomic<bool>* stop_;
  bool interrupted_ = false;
  Status status_;
};

// Stage 2 (parallel): dissect every frame, serialize it and its neighbouring file records
// into item.report and the -v lines into item.log. Thread-safe for distinct items.
void Process(const ProcessOptions& options, WorkItem& item);

// Stage 3 (serial, in order): where report bytes go, and what was written so far.
class Sink {
 public:
  // `output` null with --nofile or -F; `directory` the folder of -F's files (else empty).
  // `progress`: redraw a progress line on stderr.
  Sink(formats::Output* output, const formats::ReportWriter* writer, std::string directory,
       std::string extension, bool progress, uint64_t input_size);
  void Begin();
  // Serial, in batch order. Fails when the output cannot be written (IoError) or a pcap
  // output meets a second link type (InvalidArgument).
  Status Write(WorkItem& item);
  // Closes the report (valid even after an input error) and the file.
  Status Finish();
  uint64_t frames() const { return frames_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t files() const { return files_; }
  // What was written: frames, bytes, files, and the malformed layers of every batch by
  // protocol key then message (their names from `registry`).
  void Summarize(const protocols::Registry& registry, pcapkit::ExtractSummary& s) const;

 private:
  Status Flush(bool force);
  void DrawProgress(bool final);

  Status CheckLinkTypes(const WorkItem& item);
  const std::vector<std::string_view>& Pieces(const WorkItem& item);
  Status WriteDocuments(const WorkItem& item);

  formats::Output* output_;
  const formats::ReportWriter* writer_;
  std::string directory_, extension_;
  uint64_t files_ = 0;
  uint32_t linktype_ = 0;  // of the first frame, for single-link-type formats
  bool have_linktype_ = false;
  // The malformed layers, in order of first appearance.
  std::vector<WorkItem::Anomaly> anomalies_;
  formats::OutBuffer pending_;  // small batches are coalesced into large writes
  std::vector<std::string_view> pieces_;
  uint64_t entries_ = 0, frames_ = 0, bytes_ = 0;
  bool progress_;
  uint64_t input_size_;
  double start_ = 0, last_draw_ = 0;
};

}  // namespace pcapkit::stages
