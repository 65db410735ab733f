// Where report bytes go: a file or stdout, written with write(2) in large chunks. A
// regular file is written under a temporary name beside it and renamed into place only
// by Close(), so an interrupted or failed run never leaves a half file under the final
// name. Devices and pipes (/dev/null, a FIFO) are written directly.
#pragma once

#include <string>
#include <string_view>

namespace pcapkit::formats {

class OutputFile {
 public:
  // "-" is stdout. Throws OutputError when the file cannot be created.
  explicit OutputFile(const std::string& path);
  // Without Close(), the temporary file is removed.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Writes all of `bytes`; throws OutputError on failure (disk full, closed pipe).
  void Write(std::string_view bytes);
  // Completes the file and gives it its final name.
  void Close();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_;  // the name written to until Close(), when it differs from path_
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace pcapkit::formats
