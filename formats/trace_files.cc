#include "formats/trace_files.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "engine/util/hex.h"
#include "engine/util/time_format.h"

namespace pcapkit::formats {

namespace {

constexpr uint32_t kSnaplen = 262144;

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

namespace {
// A record format's end, written after a file's records whenever it is closed.
std::string EndOf(const TraceFileOptions& o) {
  if (o.writer == nullptr || !IsTextFormat(o.format)) return {};
  OutBuffer end;
  o.writer->End(/*empty=*/false, end);
  return std::string(end.view());
}
}  // namespace

TraceFiles::TraceFiles(TraceFileOptions options)
    : o_(std::move(options)),
      extension_(FormatExtension(o_.format)),
      writer_(o_.max_open, o_.force, EndOf(o_), o_.background) {
  buffer_.Reserve(o_.buffer_bytes);
}

TraceFiles::~TraceFiles() = default;

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
    return Status::IoError("cannot make the trace folder " + options.folder + ": " + ec.message());
  }
  out->reset(new TraceFiles(options));
  return Status::Ok();
}

TraceFiles::Id TraceFiles::Create(std::string_view label) {
  std::string unique(label);
  for (int n = 2; !labels_.insert(unique).second; ++n)
    unique = std::string(label) + '-' + std::to_string(n);
  Id id;
  if (!free_.empty() && !failed_) {  // after a failure a file's state may be in use
    id = free_.back();
    free_.pop_back();
    *files_[id] = File{};
  } else {
    id = Id(files_.size());
    files_.push_back(std::make_unique<File>());
  }
  File& f = *files_[id];
  f.label = std::move(unique);
  f.io.path = o_.folder + '/' + f.label + extension_;
  return id;
}

void TraceFiles::Piece(Id id, size_t from) {
  File& f = *files_[id];
  size_t to = buffer_.size();
  if (to == from) return;
  // Consecutive frames of one flow are adjacent in the buffer: one piece.
  if (!f.pieces.empty() && f.pieces.back().first + f.pieces.back().second == from)
    f.pieces.back().second += to - from;
  else
    f.pieces.emplace_back(from, to - from);
  if (!f.dirty) {
    f.dirty = true;
    dirty_.push_back(id);
  }
}

Status TraceFiles::Append(Id id, const FrameInfo& frame, const uint8_t* data,
                          std::string_view record) {
  size_t need = record.size() + frame.cap_len + 256;
  if (!buffer_.empty() && buffer_.size() + need > o_.buffer_bytes) {
    Status s = Flush();
    if (!s.ok()) return s;
  }
  File& f = *files_[id];
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
  Piece(id, from);
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
    return Status::InvalidArgument("frame " + std::to_string(frame.number) + " has link type " +
                                   std::to_string(frame.linktype) + ", but its flow's pcap file " +
                                   f.io.path + " has link type " + std::to_string(f.linktype) +
                                   ": trace to pcapng instead");
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

// Every file's pieces to the writer; the files closed since the last batch close after
// theirs. In the background the writer takes the buffer, and the files it closed in its
// previous batch may be given out again.
Status TraceFiles::Flush() {
  for (Id id : dirty_) {
    File& f = *files_[id];
    if (!f.dirty) continue;  // closed since
    f.dirty = false;
    batch_.push_back({&f.io, std::move(f.pieces), false});
    f.pieces.clear();
  }
  dirty_.clear();
  Status s = writer_.Submit(buffer_, batch_);
  failed_ = failed_ || !s.ok();
  buffer_.clear();
  batch_.clear();
  free_.insert(free_.end(), in_flight_.begin(), in_flight_.end());
  in_flight_.swap(closing_);
  closing_.clear();
  if (!o_.background) {  // written already
    free_.insert(free_.end(), in_flight_.begin(), in_flight_.end());
    in_flight_.clear();
  }
  return s;
}

Status TraceFiles::Close(Id id) {
  File& f = *files_[id];
  f.dirty = false;  // its entry in `dirty_` is skipped
  batch_.push_back({&f.io, std::move(f.pieces), true});
  f.pieces.clear();
  if (o_.background) {
    closing_.push_back(id);
    return Status::Ok();
  }
  // At once: a file closed is on disk, complete; the other files' pieces stay.
  Status s = writer_.Submit(buffer_, batch_);
  batch_.clear();
  failed_ = failed_ || !s.ok();
  free_.push_back(id);
  return s;
}

Status TraceFiles::Finish() {
  Status s = Flush();
  Status w = writer_.Finish();
  return s.ok() ? w : s;
}

}  // namespace pcapkit::formats
