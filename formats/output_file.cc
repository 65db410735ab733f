#include "formats/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

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

int WriteGathered(int fd, std::span<const std::string_view> pieces, int64_t offset) {
  std::vector<iovec> iov;
  while (!pieces.empty()) {
    iov.clear();
    size_t total = 0;
    for (size_t i = 0; i < pieces.size() && iov.size() < IOV_MAX; ++i) {
      iov.push_back({const_cast<char*>(pieces[i].data()), pieces[i].size()});
      total += pieces[i].size();
    }
    ssize_t w;
    do {
      w = offset < 0 ? ::writev(fd, iov.data(), int(iov.size()))
                     : ::pwritev(fd, iov.data(), int(iov.size()), off_t(offset));
    } while (w < 0 && errno == EINTR);
    if (w < 0) return errno;
    size_t done = size_t(w);
    if (offset >= 0) offset += int64_t(done);
    pieces = pieces.subspan(iov.size());
    if (done == total) continue;
    // A short write (a pipe, a signal, a limit): the rest of this batch, piece by piece.
    size_t i = 0;
    for (; done >= iov[i].iov_len; ++i) done -= iov[i].iov_len;
    for (; i < iov.size(); ++i, done = 0) {
      std::string_view rest(static_cast<const char*>(iov[i].iov_base) + done,
                            iov[i].iov_len - done);
      if (int err = WriteGathered(fd, {&rest, 1}, offset); err != 0) return err;
      if (offset >= 0) offset += int64_t(rest.size());
    }
  }
  return 0;
}

Status OutputFile::Write(std::string_view bytes) {
  return WriteV({&bytes, 1});
}

Status OutputFile::WriteV(std::span<const std::string_view> pieces) {
  int err = WriteGathered(fd_, pieces, -1);
  if (err == 0) return Status::Ok();
  return Status::IoError((path_ == "-" ? std::string("<stdout>") : path_) +
                         ": write failed: " + std::strerror(err));
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
