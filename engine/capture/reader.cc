#include "engine/capture/reader.h"

#include <algorithm>
#include <cstring>

namespace pcapkit::capture {

std::unique_ptr<FormatParser> MakeParser(const uint8_t* head, size_t n) {
  if (n >= 8 && std::memcmp(head, "snoop\0\0\0", 8) == 0) return MakeSnoopParser();
  if (n >= 4) {
    uint32_t magic = Load32(head, false);
    switch (magic) {
      case 0xa1b2c3d4:
      case 0xd4c3b2a1:
      case 0xa1b23c4d:
      case 0x4d3cb2a1:
      case 0xa1b2cd34:
      case 0x34cdb2a1:
        return MakePcapParser();
      case 0x0A0D0D0A:
        return MakePcapngParser();
    }
  }
  return nullptr;
}

namespace {

std::string MagicText(const uint8_t* p, size_t n) {
  if (n == 0) return "<empty file>";
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string magic = "0x";
  for (size_t i = 0; i < std::min<size_t>(4, n); ++i) {
    magic += kDigits[p[i] >> 4];
    magic += kDigits[p[i] & 15];
  }
  return magic;
}

}  // namespace

Reader::Reader(std::unique_ptr<io::ByteSource> source, std::string name, size_t batch_bytes)
    : source_(std::move(source)), name_(std::move(name)), batch_bytes_(batch_bytes) {}

Status Reader::Open(const std::string& path, size_t batch_bytes, std::unique_ptr<Reader>* out) {
  std::string name = path == "-" ? "<stdin>" : path;
  std::unique_ptr<io::ByteSource> source;
  Status s = io::OpenSource(path, &source);
  if (!s.ok()) return Status::CorruptInput(name + ": cannot open: " + s.message(), 0, 0, name);
  return FromSource(std::move(source), name, batch_bytes, out);
}

Status Reader::FromSource(std::unique_ptr<io::ByteSource> source, const std::string& name,
                          size_t batch_bytes, std::unique_ptr<Reader>* out) {
  Status s = io::Decompressed(&source);
  if (!s.ok()) return Status::CorruptInput(name + ": " + s.message(), 0, 0, name);
  std::unique_ptr<Reader> r(new Reader(std::move(source), name, std::max<size_t>(batch_bytes, 64)));
  s = r->Sniff();
  if (!s.ok()) return s;
  *out = std::move(r);
  return Status::Ok();
}

// Picks the format from the first bytes; read ones stay in carry_ for the parser.
Status Reader::Sniff() {
  in_place_ = source_->InPlace();
  const uint8_t* head = in_place_.data();
  size_t n = std::min<size_t>(8, in_place_.size());
  if (head == nullptr) {
    carry_.resize(8);
    Status s = source_->ReadFully(carry_.data(), 8, &n);
    if (!s.ok()) return Status::CorruptInput(name_ + ": " + s.message(), 0, 0, name_);
    carry_.resize(n);
    head = carry_.data();
  }
  parser_ = MakeParser(head, n);
  if (!parser_)
    return Status::CorruptInput(name_ + ": frame 0, byte offset 0: unknown capture format (magic " +
                                    MagicText(head, n) + ")",
                                0, 0, name_);
  uint32_t magic = n >= 4 ? Load32(head, false) : 0;
  if (magic == 0xa1b23c4d || magic == 0x4d3cb2a1 || magic == 0x0A0D0D0A) digits_ = 9;
  return Status::Ok();
}

void Reader::Fail(const Status& fault) {
  status_ =
      Status::CorruptInput(name_ + ": frame " + std::to_string(fault.frame()) + ", byte offset " +
                               std::to_string(fault.offset()) + ": " + fault.message(),
                           fault.frame(), fault.offset(), name_);
  done_ = true;
}

bool Reader::Next(Batch& batch) {
  batch.Clear();
  if (done_) return false;
  return in_place_.data() != nullptr ? NextInPlace(batch) : NextCopied(batch);
}

bool Reader::ParseBatch(Batch& batch, size_t end, size_t* used) {
  Status fault = parser_->Parse(batch, 0, end, offset_, used);
  if (!fault.ok()) {
    Fail(fault);
    return !batch.Empty();
  }
  return !batch.Empty();
}

// The capture lies in memory: the batch is a window of it, from where the last one
// ended, as long as the batch size or the first whole record needs.
bool Reader::NextInPlace(Batch& batch) {
  size_t left = in_place_.size() - offset_;
  batch.base = in_place_.data() + offset_;
  batch.trickling = false;
  for (size_t window = std::min(batch_bytes_, left);; window = std::min(window * 2, left)) {
    size_t used = 0;
    bool has_records = ParseBatch(batch, window, &used);
    if (done_) return has_records;
    if (has_records) {
      offset_ += used;
      return true;
    }
    if (window == left) {  // nothing complete before the end
      if (left > used) Fail(parser_->Truncated(batch.base + used, left - used, offset_ + used));
      done_ = true;
      return false;
    }
  }
}

bool Reader::NextCopied(Batch& batch) {
  // Start the batch with the carried tail, then fill to the batch size.
  size_t capacity = std::max(batch_bytes_, carry_.size());
  if (batch.storage.size() < capacity) batch.storage.resize(capacity);
  batch.base = batch.storage.data();
  size_t have = carry_.size();
  std::memcpy(batch.storage.data(), carry_.data(), have);
  carry_.clear();

  for (;;) {
    if (!eof_ && have < batch.storage.size()) {
      // One read per round: a file fills the batch at once, a pipe gives what has
      // arrived, so records of a live capture go out without waiting for a full batch.
      size_t got = 0;
      Status s = source_->Read(batch.storage.data() + have, batch.storage.size() - have, &got);
      if (!s.ok()) {  // the records before the break are still read, then the fault
        source_fault_ = Status::CorruptInput(s.message(), 0, offset_ + have);
        got = 0;
      }
      eof_ = got == 0;
      have += got;
      batch.trickling = !eof_ && have < batch.storage.size();
    }
    size_t used = 0;
    bool has_records = ParseBatch(batch, have, &used);
    if (done_) return has_records;
    if (has_records) {
      carry_.assign(batch.storage.begin() + used, batch.storage.begin() + have);
      offset_ += used;
      return true;
    }
    // Nothing complete in the buffer.
    if (eof_) {
      if (!source_fault_.ok()) {
        // A stream that broke (a truncated gzip): the frame it cut, where it broke.
        uint64_t frame = offset_ + used == 0 ? 0 : parser_->next_frame();
        Fail(Status::CorruptInput(source_fault_.message(), frame, source_fault_.offset()));
      } else if (have > used) {
        Fail(parser_->Truncated(batch.base + used, have - used, offset_ + used));
      }
      done_ = true;
      return false;
    }
    // One record larger than the batch: grow for it (the parser bounds record sizes).
    if (have == batch.storage.size()) {
      batch.storage.resize(batch.storage.size() * 2);
      batch.base = batch.storage.data();
    }
  }
}

}  // namespace pcapkit::capture
