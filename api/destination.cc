// Where reports go: a user's sink or a file (compressed by its name), and -F's folder.
// Moved out of extractor.cc, which every verb's run goes through, to keep it readable.
#include <filesystem>

#include "api/io.h"
#include "formats/compressed_output.h"

namespace pcapkit {

Status OpenDestination(const std::shared_ptr<OutputSink>& sink, const std::string& path,
                       std::unique_ptr<formats::Output>* out) {
  if (sink) {
    *out = AdaptSink(sink);
    return Status::Ok();
  }
  std::unique_ptr<formats::OutputFile> file;
  Status s = formats::OutputFile::Open(path, &file);
  if (s.ok()) *out = formats::Compressed(std::move(file), formats::CompressionOf(path));
  return s;
}

Status PrepareFolder(const std::string& folder, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Status::IoError(folder + ": cannot create the folder: " + ec.message());
  if (fs::is_empty(folder, ec)) return Status::Ok();
  if (!force)
    return Status::InvalidArgument("-F: " + folder + " is not empty (--force empties it first)");
  for (const fs::directory_entry& e : fs::directory_iterator(folder, ec)) {
    fs::remove_all(e.path(), ec);
    if (ec) return Status::IoError(e.path().string() + ": cannot remove: " + ec.message());
  }
  return ec ? Status::IoError(folder + ": " + ec.message()) : Status::Ok();
}

uint64_t FilesSize(const std::vector<std::string>& paths) {
  std::error_code ec;
  uint64_t total = 0;
  for (const std::string& path : paths) {
    if (path == "-") return 0;
    total += std::filesystem::file_size(path, ec);
    if (ec) return 0;
  }
  return total;
}

}  // namespace pcapkit
