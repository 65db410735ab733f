// The descriptor side of trace's per-flow files (formats/trace_files.h): pieces of a
// buffer written to files, at most `max_open` of them open at once (the least recently
// written closed first, reopened to append), each file left valid whenever it is closed
// (a record format's end written after its records, cut off again on reopen).
//
// With `background`, the writes run on a thread of their own while the caller fills its
// next buffer (two buffers in all); the caller's thread then never touches a file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/util/status.h"
#include "formats/out_buffer.h"

namespace pcapkit::formats {

class TraceWriter {
 public:
  // One file's state on disk; owned by the caller, touched only by the writer.
  struct File {
    std::string path;
    int fd = -1;  // open: in `open_`, at `lru`
    std::list<File*>::iterator lru;
    bool on_disk = false;  // created
    bool ended = false;    // the end is written after `size`
    uint64_t size = 0;     // bytes on disk, the end not counted
  };
  // Pieces (offset, length) of the buffer for one file, in order; `close`: the file is
  // complete, and is closed after them.
  struct Write {
    File* file;
    std::vector<std::pair<size_t, size_t>> pieces;
    bool close = false;
  };

  // `end`: the record format's end ("" for captures); `force`: files may replace others.
  TraceWriter(size_t max_open, bool force, std::string end, bool background);
  ~TraceWriter();  // waits for the writes in progress; closes every descriptor
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // Writes `writes` from `buffer`. In the background: waits for the previous batch, then
  // takes `buffer` and `writes` (handing back the emptied buffer of the previous batch
  // and an empty list) and returns the previous batch's outcome. Else writes at once.
  Status Submit(OutBuffer& buffer, std::vector<Write>& writes);
  // Every batch written, every file closed (valid); the first failure, if any.
  Status Finish();

  uint64_t created() const { return created_; }

 private:
  Status Run(const OutBuffer& buffer, const std::vector<Write>& writes);
  Status WritePieces(File& f, const OutBuffer& buffer, const Write& w);
  Status OpenFile(File& f);
  Status Park(File& f);  // closes the descriptor, the file left valid
  Status WaitIdle();     // the background batch done: its outcome
  void Loop();

  size_t max_open_;
  bool force_;
  std::string end_;
  std::list<File*> open_;  // most recently written first
  std::atomic<uint64_t> created_{0};

  // The background thread and the batch it writes.
  bool background_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool busy_ = false, stop_ = false;
  OutBuffer buffer_;
  std::vector<Write> writes_;
  Status status_;  // of the batches written so far: the first failure
};

}  // namespace pcapkit::formats
