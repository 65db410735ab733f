#include "formats/body_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace pcapkit::formats {

Status BodyFiles::Open(const std::string& folder, std::unique_ptr<BodyFiles>* out) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return Status::IoError(folder + ": cannot create the folder: " + ec.message());
  out->reset(new BodyFiles(folder));
  return Status::Ok();
}

std::string BodyFiles::Store(std::string_view sha256_hex, std::span<const uint8_t> body) {
  std::string name(sha256_hex);
  std::string path = folder_ + "/" + name;
  if (!status_.ok() || ::access(path.c_str(), F_OK) == 0) return name;  // stored before
  std::string temporary = path + ".part";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  for (size_t at = 0; ok && at < body.size();) {
    ssize_t n = ::write(fd, body.data() + at, body.size() - at);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) at += size_t(n);
  }
  int saved = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) ok = false, saved = errno;
  if (ok && ::rename(temporary.c_str(), path.c_str()) != 0) ok = false, saved = errno;
  if (!ok) {
    ::unlink(temporary.c_str());
    status_ = Status::IoError(path + ": cannot write the body: " + std::strerror(saved));
    return name;
  }
  ++written_;
  return name;
}

}  // namespace pcapkit::formats
