// The frame records of `extract`'s output, read a chunk at a time: NDJSON (a record per
// line) or the JSON report (a member per line; "Frame N" members are the frames, the file
// records are left out). Each record's JSON text is handed out unparsed, for the builders
// to parse on their threads. Memory stays at a chunk and the longest line, whatever the
// input's size.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/io/byte_source.h"
#include "engine/util/status.h"

namespace pcapkit::ipsuite::records {

class RecordStream {
 public:
  // Opens `path` ("-": stdin; gzip and zstd are read through).
  static Status Open(const std::string& path, std::unique_ptr<RecordStream>* out);

  // The next frame record's JSON text (valid until the next call) and the byte offset of
  // its line in the input; `*got` false at the end.
  Status Next(std::string_view* record, uint64_t* offset, bool* got);

 private:
  explicit RecordStream(std::unique_ptr<io::ByteSource> source) : source_(std::move(source)) {}
  // Reads more input after the unread lines; false when there is none.
  Status Refill(bool* more);
  // The JSON object a line holds, or an empty view for a line without a frame.
  std::string_view FrameText(std::string_view line);

  std::unique_ptr<io::ByteSource> source_;
  std::vector<char> buffer_;  // input [start_, end_)
  size_t start_ = 0, end_ = 0;
  uint64_t buffer_at_ = 0;  // the input offset of buffer_[0]
  bool eof_ = false;
  enum class Shape { kUnknown, kNdjson, kReport } shape_ = Shape::kUnknown;
};

}  // namespace pcapkit::ipsuite::records
