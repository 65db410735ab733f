#include "formats/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pcapkit::formats {

namespace {
std::string TempNameFor(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + base + ".pcapkit-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + ".tmp";
}
}  // namespace

Status OutputFile::Open(const std::string& path, std::unique_ptr<OutputFile>* out) {
  std::unique_ptr<OutputFile> file(new OutputFile(path));
  if (path == "-") {
    file->fd_ = STDOUT_FILENO;
    *out = std::move(file);
    return Status::Ok();
  }
  struct stat st {};
  bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  std::string target = special ? path : TempNameFor(path);
  file->fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file->fd_ < 0) return Status::IoError(path + ": cannot create: " + std::strerror(errno));
  file->owned_ = true;
  if (!special) file->temp_ = target;
  *out = std::move(file);
  return Status::Ok();
}

OutputFile::~OutputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status OutputFile::Write(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError((path_ == "-" ? std::string("<stdout>") : path_) +
                             ": write failed: " + std::strerror(errno));
    }
    p += w;
    n -= size_t(w);
  }
  return Status::Ok();
}

Status OutputFile::Close() {
  if (owned_ && fd_ >= 0) {
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return Status::IoError(path_ + ": close failed: " + std::strerror(errno));
  }
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), path_.c_str()) != 0)
      return Status::IoError(path_ + ": cannot rename into place: " + std::strerror(errno));
    temp_.clear();
  }
  return Status::Ok();
}

}  // namespace pcapkit::formats
