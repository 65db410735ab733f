// The per-flow files of `pcapkit trace` (and extract --trace): one capture file, or one
// report of frame records, per flow, appended to frame by frame in capture order.
//
// A capture has thousands of concurrent flows; the files do not get a descriptor each.
// Frames are copied once into a buffer (`buffer_bytes`), each file's pieces of it listed;
// when it is full, every file's pieces go out in one gathering write each
// (formats/trace_writer.h: at most `max_open` files open, every closed file valid). With
// `background`, those writes run on a thread of their own while the next buffer fills.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/util/status.h"
#include "formats/out_buffer.h"
#include "formats/report_writer.h"
#include "formats/trace_writer.h"

namespace pcapkit::formats {

struct TraceFileOptions {
  std::string folder;
  OutputFormat format = OutputFormat::kPcap;
  const ReportWriter* writer = nullptr;  // the record formats': their frames' separator and end
  CaptureOptions capture;                // pcap and pcapng: byte order, resolution
  size_t max_open = 64;                  // --max-open
  bool force = false;                    // --force: write into a folder that is not empty
  size_t buffer_bytes = 16 << 20;        // frames held in memory (twice, with `background`)
  bool background = false;               // the writes on a thread of their own
};

class TraceFiles {
 public:
  using Id = uint32_t;

  // Makes the folder when it does not exist; InvalidArgument when it exists and is not
  // empty (unless `force`), IoError when it cannot be made.
  static Status Open(const TraceFileOptions& options, std::unique_ptr<TraceFiles>* out);
  ~TraceFiles();
  TraceFiles(const TraceFiles&) = delete;
  TraceFiles& operator=(const TraceFiles&) = delete;

  // A new file, FOLDER/<label>.<ext>; a label already used in this run gets "-2", "-3"...
  Id Create(std::string_view label);
  // Appends a frame: its bytes (capture formats) or its record written as a first entry
  // (record formats). InvalidArgument when a pcap file would need a second link type.
  Status Append(Id id, const FrameInfo& frame, const uint8_t* data, std::string_view record);
  // The file is complete: it is written out, ended and closed (in the background: with
  // the next batch). Its Path and Label stay until the next Create.
  Status Close(Id id);
  // Everything written, every file closed.
  Status Finish();

  const std::string& Path(Id id) const { return files_[id]->io.path; }
  const std::string& Label(Id id) const { return files_[id]->label; }
  uint64_t created() const { return writer_.created(); }

 private:
  struct File {
    std::string label;
    TraceWriter::File io;  // the writer's
    // Its bytes not yet written: (offset, length) pieces of the buffer, in order.
    std::vector<std::pair<size_t, size_t>> pieces;
    bool dirty = false;                                    // in `dirty_`
    bool any = false;                                      // holds a frame
    uint32_t linktype = 0;                                 // pcap: the header's
    std::vector<std::pair<uint32_t, uint8_t>> interfaces;  // pcapng: (link type, digits)
  };

  explicit TraceFiles(TraceFileOptions options);
  Status Frame(File& f, const FrameInfo& frame, const uint8_t* data);
  uint32_t Interface(File& f, const FrameInfo& frame);
  void Piece(Id id, size_t from);  // the buffer's bytes from `from` on are the file's
  Status Flush();                  // every file's pieces out; the buffer empty

  TraceFileOptions o_;
  std::string extension_;
  OutBuffer buffer_;  // the frames not yet written, of every file
  // Files, each at a fixed address (the writer holds them while it writes).
  std::vector<std::unique_ptr<File>> files_;
  TraceWriter writer_;  // after `files_`: gone (its thread joined) before they are
  std::vector<Id> free_;
  std::vector<Id> dirty_;
  std::vector<TraceWriter::Write> batch_;  // what the next Flush hands the writer
  std::vector<Id> closing_;                // closed in `batch_`: free once it is written
  std::vector<Id> in_flight_;              // closed in the batch being written
  std::unordered_set<std::string> labels_;
  bool failed_ = false;  // a write failed: no file is given out again
};

// The trace's file-safe label of one direction of a flow:
// <src>_<srcport>-<dst>_<dstport>-<time>, IPv6's colons as dots, the time in ISO 8601's
// basic UTC form (20240102T030405.123456Z) at the capture's resolution.
std::string TraceLabel(bool ipv6, const uint8_t* src, uint16_t srcport, const uint8_t* dst,
                       uint16_t dstport, const Timestamp& time);

}  // namespace pcapkit::formats
