#include "ipsuite/records/record_stream.h"

#include <cstring>

namespace pcapkit::ipsuite::records {
namespace {

constexpr size_t kChunk = 4 << 20;
// The longest record read: memory stays bounded by it whatever a line holds. A frame's
// record with --payload is a few times its bytes, so this holds any frame pcapkit reads.
constexpr size_t kMaxRecord = 64 << 20;

}  // namespace

Status RecordStream::Open(const std::string& path, std::unique_ptr<RecordStream>* out) {
  std::unique_ptr<io::ByteSource> source;
  if (Status s = io::OpenSource(path, &source); !s.ok()) return s;
  if (Status s = io::Decompressed(&source); !s.ok()) return s;
  out->reset(new RecordStream(std::move(source)));
  return Status::Ok();
}

Status RecordStream::Refill(bool* more) {
  *more = false;
  if (eof_) return Status::Ok();
  // Keep the unread bytes, at the front.
  size_t unread = end_ - start_;
  if (unread > 0) std::memmove(buffer_.data(), buffer_.data() + start_, unread);
  buffer_at_ += start_;
  start_ = 0;
  end_ = unread;
  buffer_.resize(end_ + kChunk);
  size_t got = 0;
  Status s = source_->ReadFully(reinterpret_cast<uint8_t*>(buffer_.data() + end_), kChunk, &got);
  if (!s.ok()) return s;
  end_ += got;
  eof_ = got < kChunk;
  *more = got > 0;
  return Status::Ok();
}

// NDJSON: the line. The report: the object after `"Frame N":`, less the comma after it.
std::string_view RecordStream::FrameText(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return {};
  if (shape_ == Shape::kUnknown) shape_ = line == "{" ? Shape::kReport : Shape::kNdjson;
  if (shape_ == Shape::kNdjson) return line;
  if (!line.starts_with("\"Frame ")) return {};  // "{", "}", file records
  size_t colon = line.find("\":");
  if (colon == std::string_view::npos) return {};
  line.remove_prefix(colon + 2);
  if (!line.empty() && line.back() == ',') line.remove_suffix(1);
  return line;
}

Status RecordStream::Next(std::string_view* record, uint64_t* offset, bool* got) {
  *got = false;
  for (;;) {
    const char* begin = buffer_.data() + start_;
    // memchr on an empty (perhaps unallocated) buffer is undefined: look only when bytes wait.
    const char* newline =
        end_ > start_ ? static_cast<const char*>(std::memchr(begin, '\n', end_ - start_)) : nullptr;
    if (newline == nullptr && !eof_) {
      if (end_ - start_ > kMaxRecord)
        return Status::CorruptInput("a record longer than 64 MiB (no line end)", 0,
                                    buffer_at_ + start_);
      bool more;
      if (Status s = Refill(&more); !s.ok()) return s;
      if (more || end_ > start_) continue;
    }
    if (newline == nullptr && start_ == end_) return Status::Ok();  // the end
    size_t line_end = newline ? size_t(newline - buffer_.data()) : end_;
    std::string_view line(begin, line_end - start_);
    uint64_t at = buffer_at_ + start_;
    start_ = newline ? line_end + 1 : end_;
    std::string_view text = FrameText(line);
    if (text.empty()) continue;
    *record = text;
    *offset = at;
    *got = true;
    return Status::Ok();
  }
}

}  // namespace pcapkit::ipsuite::records
