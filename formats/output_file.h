// Where report bytes go: a file or stdout, written with write(2) in large chunks.
#pragma once

#include <string>
#include <string_view>

namespace pcapkit::formats {

class OutputFile {
 public:
  // "-" is stdout. Throws OutputError when the file cannot be created.
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Writes all of `bytes`; throws OutputError on failure (disk full, closed pipe).
  void Write(std::string_view bytes);
  void Close();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool owned_ = false;
};

}  // namespace pcapkit::formats
