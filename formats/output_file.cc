#include "formats/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pcapkit/errors.h"

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

OutputFile::OutputFile(const std::string& path) : path_(path) {
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  struct stat st {};
  bool special = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
  std::string target = special ? path : TempNameFor(path);
  fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw OutputError(path + ": cannot create: " + std::strerror(errno));
  owned_ = true;
  if (!special) temp_ = target;
}

OutputFile::~OutputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void OutputFile::Write(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw OutputError((path_ == "-" ? std::string("<stdout>") : path_) +
                        ": write failed: " + std::strerror(errno));
    }
    p += w;
    n -= size_t(w);
  }
}

void OutputFile::Close() {
  if (owned_ && fd_ >= 0) {
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw OutputError(path_ + ": close failed: " + std::strerror(errno));
  }
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), path_.c_str()) != 0)
      throw OutputError(path_ + ": cannot rename into place: " + std::strerror(errno));
    temp_.clear();
  }
}

}  // namespace pcapkit::formats
