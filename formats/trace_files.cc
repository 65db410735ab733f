#include "formats/trace_files.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "engine/util/hex.h"
#include "engine/util/time_format.h"

namespace pcapkit::formats {

namespace {

constexpr uint32_t kSnaplen = 262144;

Status IoFailure(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

std::string TraceLabel(bool ipv6, const uint8_t* src, uint16_t srcport, const uint8_t* dst,
                       uint16_t dstport, const Timestamp& time) {
  char buf[64];
  std::string label;
  auto address = [&](const uint8_t* a) {
    char* end = ipv6 ? util::WriteIpv6(buf, a) : util::WriteIpv4(buf, a);
    for (char* c = buf; c < end; ++c) label.push_back(*c == ':' ? '.' : *c);
  };
  address(src);
  label += '_' + std::to_string(srcport) + '-';
  address(dst);
  label += '_' + std::to_string(dstport) + '-';
  // ISO 8601's basic form has no colons: file-safe everywhere, and it sorts by time.
  char* end = util::WriteIsoTime(buf, time);
  char* t = std::strchr(buf, 'T');
  for (char* c = buf; c < end; ++c)
    if (!((*c == '-' && c < t) || *c == ':')) label.push_back(*c);
  return label;
}

TraceFiles::TraceFiles(TraceFileOptions options) : o_(std::move(options)) {
  extension_ = FormatExtension(o_.format);
  if (o_.writer != nullptr && IsTextFormat(o_.format)) {
    OutBuffer end;
    o_.writer->End(/*empty=*/false, end);
    end_.assign(end.view());
  }
  buffer_.Reserve(o_.buffer_bytes);
  if (o_.max_open == 0) o_.max_open = 1;
}

TraceFiles::~TraceFiles() {
  for (File& f : files_)
    if (f.fd >= 0) ::close(f.fd);
}

Status TraceFiles::Open(const TraceFileOptions& options, std::unique_ptr<TraceFiles>* out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(options.folder, ec)) {
    if (!fs::is_directory(options.folder, ec))
      return Status::InvalidArgument("the trace folder " + options.folder + " is not a folder");
    if (!options.force && !fs::is_empty(options.folder, ec))
      return Status::InvalidArgument("the trace folder " + options.folder +
                                     " is not empty (--force writes into it anyway)");
  } else if (!fs::create_directories(options.folder, ec)) {
    return Status::IoError("cannot make the trace folder " + options.folder + ": " +
                           ec.message());
  }
  out->reset(new TraceFiles(options));
  return Status::Ok();
}

TraceFiles::Id TraceFiles::Create(std::string_view label) {
  std::string unique(label);
  for (int n = 2; !labels_.insert(unique).second; ++n)
    unique = std::string(label) + '-' + std::to_string(n);
  Id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    files_[id] = File{};
  } else {
    id = Id(files_.size());
    files_.emplace_back();
  }
  File& f = files_[id];
  f.label = std::move(unique);
  f.path = o_.folder + '/' + f.label + extension_;
  return id;
}

void TraceFiles::Piece(File& f, size_t from) {
  size_t to = buffer_.size();
  if (to == from) return;
  // Consecutive frames of one flow are adjacent in the buffer: one piece.
  if (!f.pieces.empty() && f.pieces.back().first + f.pieces.back().second == from)
    f.pieces.back().second += to - from;
  else
    f.pieces.emplace_back(from, to - from);
  if (!f.dirty) {
    f.dirty = true;
    dirty_.push_back(Id(&f - files_.data()));
  }
}

Status TraceFiles::Append(Id id, const FrameInfo& frame, const uint8_t* data,
                          std::string_view record) {
  size_t need = record.size() + frame.cap_len + 256;
  if (!buffer_.empty() && buffer_.size() + need > o_.buffer_bytes) {
    Status s = FlushDirty();
    if (!s.ok()) return s;
  }
  File& f = files_[id];
  size_t from = buffer_.size();
  if (!IsTextFormat(o_.format)) {
    Status s = Frame(f, frame, data);
    if (!s.ok()) return s;
  } else {
    if (!f.any) o_.writer->Begin(buffer_);
    if (f.any) buffer_.Append(o_.writer->Separator());
    buffer_.Append(record);
  }
  f.any = true;
  Piece(f, from);
  return Status::Ok();
}

// A capture format's frame, after what the file needs first.
Status TraceFiles::Frame(File& f, const FrameInfo& frame, const uint8_t* data) {
  if (o_.format == OutputFormat::kPcapng) {
    if (!f.any) AppendPcapngSection(o_.capture, buffer_);
    uint32_t interface = Interface(f, frame);
    AppendPcapngPacket(o_.capture, frame, interface, data, buffer_);
    return Status::Ok();
  }
  if (!f.any) {
    f.linktype = frame.linktype;
    AppendPcapHeader(o_.capture, frame.linktype, kSnaplen, buffer_);
  } else if (frame.linktype != f.linktype) {
    return Status::InvalidArgument(
        "frame " + std::to_string(frame.number) + " has link type " +
        std::to_string(frame.linktype) + ", but its flow's pcap file " + f.path +
        " has link type " + std::to_string(f.linktype) + ": trace to pcapng instead");
  }
  AppendPcapRecord(o_.capture, frame, data, buffer_);
  return Status::Ok();
}

// pcapng: the file's interface for the frame's link type and timestamp resolution,
// declared on first use.
uint32_t TraceFiles::Interface(File& f, const FrameInfo& frame) {
  std::pair<uint32_t, uint8_t> wanted{frame.linktype, frame.time.digits};
  for (size_t i = 0; i < f.interfaces.size(); ++i)
    if (f.interfaces[i] == wanted) return uint32_t(i);
  f.interfaces.push_back(wanted);
  AppendPcapngInterface(o_.capture, uint16_t(frame.linktype), 0, frame.time.digits, buffer_);
  return uint32_t(f.interfaces.size() - 1);
}

Status TraceFiles::FlushDirty() {
  for (Id id : dirty_) {
    if (!files_[id].dirty) continue;  // closed since (its id perhaps given out again)
    files_[id].dirty = false;
    Status s = Write(files_[id]);
    if (!s.ok()) return s;
  }
  dirty_.clear();
  buffer_.clear();
  return Status::Ok();
}

// The file's pieces out, the file opened (or reopened) for them.
Status TraceFiles::Write(File& f) {
  if (f.pieces.empty()) return Status::Ok();
  Status s = OpenFile(f);
  if (s.ok()) s = WritePieces(f);
  f.pieces.clear();
  return s;
}

// One gathering write per IOV_MAX pieces; a short write's rest piece by piece.
Status TraceFiles::WritePieces(File& f) {
  std::vector<iovec> iov;
  for (size_t i = 0; i < f.pieces.size();) {
    iov.clear();
    for (; i < f.pieces.size() && iov.size() < IOV_MAX; ++i)
      iov.push_back({const_cast<char*>(buffer_.data()) + f.pieces[i].first, f.pieces[i].second});
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

Status TraceFiles::OpenFile(File& f) {
  if (f.fd >= 0) {  // most recently written: first in line
    open_.splice(open_.begin(), open_, f.lru);
    return Status::Ok();
  }
  if (open_.size() >= o_.max_open) {
    Status s = Park(files_[open_.back()]);
    if (!s.ok()) return s;
  }
  int flags = O_WRONLY | O_CLOEXEC;
  if (!f.on_disk) flags |= O_CREAT | (o_.force ? O_TRUNC : O_EXCL);
  f.fd = ::open(f.path.c_str(), flags, 0644);
  if (f.fd < 0) return IoFailure("cannot write the trace file", f.path);
  if (f.on_disk) ++reopened_;
  if (!f.on_disk) ++created_;
  f.on_disk = true;
  if (f.ended && ::ftruncate(f.fd, off_t(f.size)) != 0)  // more records come: cut the end
    return IoFailure("cannot append to the trace file", f.path);
  f.ended = false;
  open_.push_front(Id(&f - files_.data()));
  f.lru = open_.begin();
  peak_open_ = std::max(peak_open_, open_.size());
  return Status::Ok();
}

// Closes the file's descriptor, after its end, so the file on disk is valid as it is.
Status TraceFiles::Park(File& f) {
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

Status TraceFiles::WriteAll(int fd, std::string_view bytes, uint64_t at, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), off_t(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoFailure("cannot write the trace file", path);
    bytes.remove_prefix(size_t(n));
    at += uint64_t(n);
  }
  return Status::Ok();
}

Status TraceFiles::Close(Id id) {
  File& f = files_[id];
  Status s = Write(f);
  if (s.ok() && f.fd >= 0) s = Park(f);
  f.dirty = false;  // its entry in `dirty_` is skipped
  free_.push_back(id);
  return s;
}

Status TraceFiles::Finish() {
  Status s = FlushDirty();
  while (s.ok() && !open_.empty()) s = Park(files_[open_.front()]);
  return s;
}

}  // namespace pcapkit::formats
