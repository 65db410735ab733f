#include "engine/capture/reader.h"

#include <cstring>
#include <stdexcept>

namespace pcapkit::capture {

Reader::Reader(std::unique_ptr<io::ByteSource> source, std::string name, size_t batch_bytes)
    : source_(std::move(source)), name_(std::move(name)), batch_bytes_(batch_bytes) {}

std::unique_ptr<Reader> Reader::Open(const std::string& path, size_t batch_bytes) {
  std::unique_ptr<io::ByteSource> source;
  try {
    source = io::OpenSource(path);  // decompression is stacked in FromSource
  } catch (const std::exception& e) {
    std::string name = path == "-" ? "<stdin>" : path;
    throw InputError(name + ": cannot open: " + e.what(), name, 0, 0);
  }
  return FromSource(std::move(source), path == "-" ? "<stdin>" : path, batch_bytes);
}

std::unique_ptr<Reader> Reader::FromSource(std::unique_ptr<io::ByteSource> source,
                                           const std::string& name, size_t batch_bytes) {
  try {
    source = io::Decompressed(std::move(source));
  } catch (const std::exception& e) {
    throw InputError(name + ": " + e.what(), name, 0, 0);
  }
  std::unique_ptr<Reader> r(new Reader(std::move(source), name, std::max<size_t>(batch_bytes, 64)));
  // Sniff the format from the first bytes; they stay in carry_ for the parser.
  r->carry_.resize(8);
  try {
    r->carry_.resize(r->source_->ReadFully(r->carry_.data(), 8));
  } catch (const std::exception& e) {
    throw InputError(name + ": " + e.what(), name, 0, 0);
  }
  r->parser_ = MakeParser(r->carry_.data(), r->carry_.size());
  if (r->carry_.size() >= 4) {
    uint32_t magic = Load32(r->carry_.data(), false);
    if (magic == 0xa1b23c4d || magic == 0x4d3cb2a1 || magic == 0x0A0D0D0A) r->digits_ = 9;
  }
  if (!r->parser_) {
    std::string magic;
    static constexpr char kDigits[] = "0123456789abcdef";
    for (size_t i = 0; i < std::min<size_t>(4, r->carry_.size()); ++i) {
      magic += kDigits[r->carry_[i] >> 4];
      magic += kDigits[r->carry_[i] & 15];
    }
    throw InputError(name + ": frame 0, byte offset 0: unknown capture format (magic " +
                         (magic.empty() ? std::string("<empty file>") : "0x" + magic) + ")",
                     name, 0, 0);
  }
  return r;
}

void Reader::Fail(const std::string& what, uint64_t frame, uint64_t offset) {
  error_.emplace(name_ + ": frame " + std::to_string(frame) + ", byte offset " +
                     std::to_string(offset) + ": " + what,
                 name_, frame, offset);
  done_ = true;
}

bool Reader::Next(Batch& batch) {
  batch.Clear();
  if (done_) return false;
  // Start the batch with the carried tail, then fill to the batch size.
  size_t capacity = std::max(batch_bytes_, carry_.size());
  if (batch.bytes.size() < capacity) batch.bytes.resize(capacity);
  size_t have = carry_.size();
  std::memcpy(batch.bytes.data(), carry_.data(), have);
  carry_.clear();

  for (;;) {
    if (!eof_ && have < batch.bytes.size()) {
      // One read per round: a file fills the batch at once, a pipe gives what has
      // arrived, so records of a live capture go out without waiting for a full batch.
      size_t got;
      try {
        got = source_->Read(batch.bytes.data() + have, batch.bytes.size() - have);
      } catch (const std::exception& e) {
        Fail(e.what(), 0, offset_ + have);
        return !batch.Empty();
      }
      eof_ = got == 0;
      have += got;
      batch.trickling = !eof_ && have < batch.bytes.size();
    }
    Fault fault;
    size_t used = parser_->Parse(batch, 0, have, offset_, fault);
    if (fault.set) {
      Fail(fault.message, fault.frame, fault.offset);
      return !batch.Empty();
    }
    if (!batch.Empty()) {
      carry_.assign(batch.bytes.begin() + used, batch.bytes.begin() + have);
      offset_ += used;
      return true;
    }
    // Nothing complete in the buffer.
    if (eof_) {
      if (have > used) {
        parser_->Truncated(batch.bytes.data() + used, have - used, offset_ + used, fault);
        Fail(fault.message, fault.frame, fault.offset);
      }
      done_ = true;
      return false;
    }
    // One record larger than the batch: grow for it (the parser bounds record sizes).
    if (have == batch.bytes.size()) batch.bytes.resize(batch.bytes.size() * 2);
  }
}

}  // namespace pcapkit::capture
