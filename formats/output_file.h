// Where report bytes go: a file or stdout, written with write(2) in large chunks. A
// regular file is written under a temporary name beside it and renamed into place only
// by Close(), so an interrupted or failed run never leaves a half file under the final
// name. Devices and pipes (/dev/null, a FIFO) are written directly.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace pcapkit::formats {

class OutputFile {
 public:
  // Creates `path` ("-": stdout) into `*out`; IoError when it cannot be created.
  static Status Open(const std::string& path, std::unique_ptr<OutputFile>* out);
  // Without Close(), the temporary file is removed.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Writes all of `bytes`; IoError on failure (disk full, closed pipe).
  Status Write(std::string_view bytes);
  // Completes the file and gives it its final name.
  Status Close();
  const std::string& path() const { return path_; }

 private:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
  std::string temp_;  // the name written to until Close(), when it differs from path_
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace pcapkit::formats
