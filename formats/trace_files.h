// The per-flow files of `pcapkit trace` (and extract --trace): one capture file, or one
// report of frame records, per flow, appended to frame by frame in capture order.
//
// A capture has thousands of concurrent flows; the files do not get a descriptor each.
// Frames gather in one buffer (`buffer_bytes`), copied there once, each file's pieces
// listed; when it is full, every file's pieces go out in one gathering write (pwritev).
// At most `max_open` files are open at once, the least recently written closed first and
// reopened to append later. A file is valid whenever it is closed: a pcap or pcapng file
// after every whole record, and a JSON or plist report is closed with its end, which is
// cut off again when more records come. So an interrupted run leaves valid files.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/util/status.h"
#include "formats/out_buffer.h"
#include "formats/report_writer.h"

namespace pcapkit::formats {

struct TraceFileOptions {
  std::string folder;
  OutputFormat format = OutputFormat::kPcap;
  const ReportWriter* writer = nullptr;  // the record formats': their frames' separator and end
  CaptureOptions capture;                // pcap and pcapng: byte order, resolution
  size_t max_open = 64;                  // --max-open
  bool force = false;                    // --force: write into a folder that is not empty
  size_t buffer_bytes = 16 << 20;        // frames held in memory at most
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
  // The file is complete: written, ended and closed; `id` may be given out again.
  Status Close(Id id);
  // Closes every file still open.
  Status Finish();

  const std::string& Path(Id id) const { return files_[id].path; }
  const std::string& Label(Id id) const { return files_[id].label; }
  uint64_t created() const { return created_; }
  uint64_t reopened() const { return reopened_; }
  size_t peak_open() const { return peak_open_; }

 private:
  struct File {
    std::string label, path;
    // Its bytes not yet written: (offset, length) pieces of the buffer, in order.
    std::vector<std::pair<size_t, size_t>> pieces;
    int fd = -1;             // open: in `open_`, at `lru`
    std::list<Id>::iterator lru;
    bool on_disk = false;    // created
    bool ended = false;      // the report's end is written after `size`
    bool dirty = false;      // in `dirty_`
    bool any = false;        // holds a frame
    uint64_t size = 0;       // bytes on disk, the end not counted
    uint32_t linktype = 0;   // pcap: the header's
    std::vector<std::pair<uint32_t, uint8_t>> interfaces;  // pcapng: (link type, digits)
  };

  explicit TraceFiles(TraceFileOptions options);
  Status Frame(File& f, const FrameInfo& frame, const uint8_t* data);
  uint32_t Interface(File& f, const FrameInfo& frame);
  void Piece(File& f, size_t from);  // the buffer's bytes from `from` on are f's
  Status Write(File& f);
  Status WritePieces(File& f);
  Status OpenFile(File& f);
  Status Park(File& f);  // closes the descriptor, the file left valid
  Status WriteAll(int fd, std::string_view bytes, uint64_t at, const std::string& path);
  Status FlushDirty();  // every file's pieces out; the buffer empty

  TraceFileOptions o_;
  std::string extension_;
  std::string end_;  // the record format's end, written when a file is closed
  OutBuffer buffer_;  // the frames not yet written, of every file
  std::vector<File> files_;
  std::vector<Id> free_;
  std::vector<Id> dirty_;
  std::list<Id> open_;  // most recently written first
  std::unordered_set<std::string> labels_;
  uint64_t created_ = 0, reopened_ = 0;
  size_t peak_open_ = 0;
};

// The trace's file-safe label of one direction of a flow:
// <src>_<srcport>-<dst>_<dstport>-<time>, IPv6's colons as dots, the time in ISO 8601's
// basic UTC form (20240102T030405.123456Z) at the capture's resolution.
std::string TraceLabel(bool ipv6, const uint8_t* src, uint16_t srcport, const uint8_t* dst,
                       uint16_t dstport, const Timestamp& time);

}  // namespace pcapkit::formats
