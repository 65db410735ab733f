#include "formats/trace_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "formats/output_file.h"

namespace pcapkit::formats {

namespace {

Status IoFailure(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

Status WriteAt(const TraceWriter::File& f, std::span<const std::string_view> pieces) {
  int err = WriteGathered(f.fd, pieces, int64_t(f.size));
  if (err == 0) return Status::Ok();
  errno = err;
  return IoFailure("cannot write the trace file", f.path);
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

Status TraceWriter::WritePieces(File& f, const OutBuffer& buffer, const Write& w) {
  std::vector<std::string_view> pieces;
  pieces.reserve(w.pieces.size());
  size_t total = 0;
  for (const auto& [at, length] : w.pieces) {
    pieces.emplace_back(buffer.data() + at, length);
    total += length;
  }
  Status s = WriteAt(f, pieces);
  if (s.ok()) f.size += total;
  return s;
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
  if (!f.on_disk) ++created_;
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
    std::string_view end = end_;
    s = WriteAt(f, {&end, 1});
    f.ended = s.ok();
  }
  open_.erase(f.lru);
  if (::close(f.fd) != 0 && s.ok()) s = IoFailure("cannot close the trace file", f.path);
  f.fd = -1;
  return s;
}

}  // namespace pcapkit::formats
