// Where report bytes go: a file or stdout, written with write(2) in large chunks. A
// regular file is written under a temporary name beside it and renamed into place only
// by Close(), so an interrupted or failed run never leaves a half file under the final
// name. Devices and pipes (/dev/null, a FIFO) are written directly.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace pcapkit::formats {

// Writes `pieces` in order to `fd`: at `offset` (pwritev), or where the file is when
// `offset` < 0 (writev); IOV_MAX pieces a call, a short write finished piece by piece.
// 0, or the errno of the write that failed.
int WriteGathered(int fd, std::span<const std::string_view> pieces, int64_t offset);

// Where a report's bytes go: a file (OutputFile, below) or a sink the API's user gave.
class Output {
 public:
  virtual ~Output() = default;
  // Writes all of `bytes`; IoError on failure (disk full, closed pipe).
  virtual Status Write(std::string_view bytes) = 0;
  // Writes the pieces in order, as one Write of them joined would.
  virtual Status WriteV(std::span<const std::string_view> pieces) {
    for (std::string_view p : pieces)
      if (Status s = Write(p); !s.ok()) return s;
    return Status::Ok();
  }
  // The report is complete.
  virtual Status Close() = 0;
  // Its name in messages and summaries.
  virtual const std::string& path() const = 0;
};

class OutputFile final : public Output {
 public:
  // Creates `path` ("-": stdout) into `*out`; IoError when it cannot be created.
  static Status Open(const std::string& path, std::unique_ptr<OutputFile>* out);
  // Without Close(), the temporary file is removed.
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status Write(std::string_view bytes) override;
  Status WriteV(std::span<const std::string_view> pieces) override;  // writev(2)
  // Completes the file and gives it its final name.
  Status Close() override;
  const std::string& path() const override { return path_; }

 private:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::string temp_;  // the name written to until Close(), when it differs from path_
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace pcapkit::formats
