#include "formats/trace_writer.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string_view>

namespace pcapkit::formats {

namespace {

Status IoFailure(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

Status WriteAll(int fd, std::string_view bytes, uint64_t at, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), off_t(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoFailure("cannot write the trace file", path);
    bytes.remove_prefix(size_t(n));
    at += uint64_t(n);
  }
  return Status::Ok();
}

}  // namespace

TraceWriter::TraceWriter(size_t max_open, bool force, std::string end, bool background)
    : max_open_(std::max<size_t>(max_open, 1)),
      force_(force),
      end_(std::move(end)),
      background_(background) {
  if (background_) thread_ = std::thread([this] { Loop(); });
}

TraceWriter::~TraceWriter() {
  if (background_) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // A run that failed: the files still open are ended (best effort), so they stay valid.
  while (!open_.empty()) Park(*open_.front());
}

Status TraceWriter::Submit(OutBuffer& buffer, std::vector<Write>& writes) {
  if (!background_) return Run(buffer, writes);
  Status previous = WaitIdle();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    buffer_.swap(buffer);
    writes_.swap(writes);
    busy_ = true;
  }
  cv_.notify_all();
  buffer.clear();
  writes.clear();
  return previous;
}

Status TraceWriter::WaitIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return !busy_; });
  return status_;
}

void TraceWriter::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return busy_ || stop_; });
    if (!busy_) return;
    lock.unlock();
    Status s = Run(buffer_, writes_);
    lock.lock();
    if (status_.ok()) status_ = s;
    busy_ = false;
    cv_.notify_all();
  }
}

Status TraceWriter::Finish() {
  Status s = background_ ? WaitIdle() : Status::Ok();
  while (!open_.empty()) {
    Status p = Park(*open_.front());
    if (s.ok()) s = p;
  }
  return s;
}

// A batch: each file's pieces, then the files that are complete closed.
Status TraceWriter::Run(const OutBuffer& buffer, const std::vector<Write>& writes) {
  for (const Write& w : writes) {
    File& f = *w.file;
    Status s;
    if (!w.pieces.empty()) {
      s = OpenFile(f);
      if (s.ok()) s = WritePieces(f, buffer, w);
    }
    if (s.ok() && w.close && f.fd >= 0) s = Park(f);
    if (!s.ok()) {
      if (f.fd >= 0) Park(f);  // what is on disk stays valid where it can
      return s;
    }
  }
  return Status::Ok();
}

// One gathering write per IOV_MAX pieces; a short write's rest piece by piece.
Status TraceWriter::WritePieces(File& f, const OutBuffer& buffer, const Write& w) {
  std::vector<iovec> iov;
  for (size_t i = 0; i < w.pieces.size();) {
    iov.clear();
    for (; i < w.pieces.size() && iov.size() < IOV_MAX; ++i)
      iov.push_back({const_cast<char*>(buffer.data()) + w.pieces[i].first, w.pieces[i].second});
    ssize_t n = ::pwritev(f.fd, iov.data(), int(iov.size()), off_t(f.size));
    size_t done = n < 0 ? 0 : size_t(n);
    f.size += done;
    for (const iovec& v : iov) {
      if (done >= v.iov_len) {
        done -= v.iov_len;
        continue;
      }
      std::string_view rest(static_cast<const char*>(v.iov_base) + done, v.iov_len - done);
      done = 0;
      if (Status s = WriteAll(f.fd, rest, f.size, f.path); !s.ok()) return s;
      f.size += rest.size();
    }
  }
  return Status::Ok();
}

Status TraceWriter::OpenFile(File& f) {
  if (f.fd >= 0) {  // most recently written: first in line
    open_.splice(open_.begin(), open_, f.lru);
    return Status::Ok();
  }
  if (open_.size() >= max_open_) {
    Status s = Park(*open_.back());
    if (!s.ok()) return s;
  }
  int flags = O_WRONLY | O_CLOEXEC;
  if (!f.on_disk) flags |= O_CREAT | (force_ ? O_TRUNC : O_EXCL);
  f.fd = ::open(f.path.c_str(), flags, 0644);
  if (f.fd < 0) return IoFailure("cannot write the trace file", f.path);
  ++(f.on_disk ? reopened_ : created_);
  f.on_disk = true;
  if (f.ended && ::ftruncate(f.fd, off_t(f.size)) != 0) {  // more records come: cut the end
    Status s = IoFailure("cannot append to the trace file", f.path);
    ::close(f.fd);
    f.fd = -1;
    return s;
  }
  f.ended = false;
  open_.push_front(&f);
  f.lru = open_.begin();
  return Status::Ok();
}

// Closes the file's descriptor, after its end, so the file on disk is valid as it is.
Status TraceWriter::Park(File& f) {
  Status s;
  if (!end_.empty() && !f.ended) {
    s = WriteAll(f.fd, end_, f.size, f.path);
    f.ended = s.ok();
  }
  open_.erase(f.lru);
  if (::close(f.fd) != 0 && s.ok()) s = IoFailure("cannot close the trace file", f.path);
  f.fd = -1;
  return s;
}

}  // namespace pcapkit::formats
