#include "engine/io/byte_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace pcapkit::io {

Status ByteSource::ReadFully(uint8_t* out, size_t n, size_t* got) {
  *got = 0;
  while (*got < n) {
    size_t r = 0;
    Status s = Read(out + *got, n - *got, &r);
    if (!s.ok()) return s;
    if (r == 0) break;
    *got += r;
  }
  return Status::Ok();
}

namespace {

class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {
    struct stat st {};
    waits_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
  }
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  Status Read(uint8_t* out, size_t n, size_t* got) override {
    *got = 0;
    for (;;) {
      if (stop_ != nullptr && waits_ && !Ready()) {
        if (stop_->load(std::memory_order_relaxed)) return Status::Ok();  // as at the end
        continue;
      }
      ssize_t r = ::read(fd_, out, n);
      if (r >= 0) {
        *got = size_t(r);
        return Status::Ok();
      }
      if (errno != EINTR)
        return Status::CorruptInput(std::string("read failed: ") + strerror(errno));
    }
  }
  void set_stop(const std::atomic<bool>* stop) override { stop_ = stop; }

 private:
  // Whether a read would not block, waiting a quarter of a second at most (a signal may
  // cut the wait short).
  bool Ready() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 250) > 0;
  }

  int fd_;
  bool owned_;
  bool waits_;  // a pipe, FIFO, socket or terminal: a read may wait for input
  const std::atomic<bool>* stop_ = nullptr;
};

// Puts back the bytes sniffed for the magic in front of the underlying source.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::vector<uint8_t> prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  Status Read(uint8_t* out, size_t n, size_t* got) override {
    if (pos_ < prefix_.size()) {
      *got = std::min(n, prefix_.size() - pos_);
      std::memcpy(out, prefix_.data() + pos_, *got);
      pos_ += *got;
      return Status::Ok();
    }
    return rest_->Read(out, n, got);
  }
  void set_stop(const std::atomic<bool>* stop) override { rest_->set_stop(stop); }

 private:
  std::vector<uint8_t> prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

class MemSource : public ByteSource {
 public:
  MemSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  Status Read(uint8_t* out, size_t n, size_t* got) override {
    *got = std::min(n, size_ - pos_);
    if (*got > 0) std::memcpy(out, data_ + pos_, *got);
    pos_ += *got;
    return Status::Ok();
  }
  std::span<const uint8_t> InPlace() const override {
    return pos_ == 0 ? std::span<const uint8_t>(data_, size_) : std::span<const uint8_t>();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

constexpr size_t kCompressedChunk = 256 * 1024;

// gzip, including files made of several concatenated members (as `cat a.gz b.gz`).
class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> in) : in_(std::move(in)), buf_(kCompressedChunk) {
    std::memset(&zs_, 0, sizeof zs_);
    ready_ = inflateInit2(&zs_, 15 + 32) == Z_OK;
  }
  ~GzipSource() override {
    if (ready_) inflateEnd(&zs_);
  }
  void set_stop(const std::atomic<bool>* stop) override { in_->set_stop(stop); }
  Status Read(uint8_t* out, size_t n, size_t* got) override {
    if (!ready_) return Status::CorruptInput("gzip: cannot initialise zlib");
    if (!pending_.ok()) return pending_;
    zs_.next_out = out;
    zs_.avail_out = unsigned(std::min<size_t>(n, 1u << 30));
    while (!done_ && zs_.next_out == out) {
      if (zs_.avail_in == 0) {
        Status s = Refill();
        if (!s.ok() || done_) return Produced(out, got, s);
      }
      member_end_ = false;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_end_ = true;
        inflateReset(&zs_);
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        // What was decoded before the fault is the stream's, whatever the read size: it
        // goes out now, the fault with the next read.
        Status fault =
            Status::CorruptInput(std::string("gzip: ") + (zs_.msg ? zs_.msg : "corrupt data"));
        if (zs_.next_out == out) return Produced(out, got, fault);
        pending_ = fault;
        break;
      }
    }
    return Produced(out, got, Status::Ok());
  }

 private:
  // More compressed bytes; the end of the input is an error inside a member.
  Status Refill() {
    size_t r = 0;
    Status s = in_->Read(buf_.data(), buf_.size(), &r);
    if (!s.ok()) return s;
    zs_.avail_in = unsigned(r);
    zs_.next_in = buf_.data();
    if (r > 0) return Status::Ok();
    if (!member_end_) return Status::CorruptInput("gzip: compressed stream is truncated");
    done_ = true;
    return Status::Ok();
  }
  Status Produced(uint8_t* out, size_t* got, Status s) {
    *got = size_t(zs_.next_out - out);
    return s;
  }

  std::unique_ptr<ByteSource> in_;
  std::vector<uint8_t> buf_;
  z_stream zs_;
  bool ready_ = false;
  bool member_end_ = false;
  bool done_ = false;
  Status pending_;  // a fault met after some output, returned by the next read
};

class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), buf_(ZSTD_DStreamInSize()), ds_(ZSTD_createDStream()) {
    if (ds_ != nullptr) ZSTD_initDStream(ds_);
  }
  ~ZstdSource() override { ZSTD_freeDStream(ds_); }
  void set_stop(const std::atomic<bool>* stop) override { in_->set_stop(stop); }
  Status Read(uint8_t* out, size_t n, size_t* got) override {
    if (ds_ == nullptr) return Status::CorruptInput("zstd: cannot create a decoder");
    ZSTD_outBuffer ob{out, n, 0};
    *got = 0;
    while (ob.pos == 0) {
      if (in_pos_ == in_size_) {
        Status s = in_->Read(buf_.data(), buf_.size(), &in_size_);
        in_pos_ = 0;
        if (!s.ok()) return s;
        if (in_size_ == 0)
          return frame_end_ ? Status::Ok()
                            : Status::CorruptInput("zstd: compressed stream is truncated");
      }
      ZSTD_inBuffer ib{buf_.data(), in_size_, in_pos_};
      size_t rc = ZSTD_decompressStream(ds_, &ob, &ib);
      in_pos_ = ib.pos;
      if (ZSTD_isError(rc))
        return Status::CorruptInput(std::string("zstd: ") + ZSTD_getErrorName(rc));
      frame_end_ = (rc == 0);
    }
    *got = ob.pos;
    return Status::Ok();
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<uint8_t> buf_;
  size_t in_size_ = 0, in_pos_ = 0;
  ZSTD_DStream* ds_;
  bool frame_end_ = true;
};

}  // namespace

Status OpenSource(const std::string& path, std::unique_ptr<ByteSource>* out) {
  if (path == "-") {
    *out = std::make_unique<FdSource>(STDIN_FILENO, false);
    return Status::Ok();
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::CorruptInput(std::strerror(errno));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  *out = std::make_unique<FdSource>(fd, true);
  return Status::Ok();
}

Compression CompressionOf(const uint8_t* magic, size_t n) {
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Compression::kGzip;
  static constexpr uint8_t kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};
  if (n >= 4 && std::memcmp(magic, kZstdMagic, 4) == 0) return Compression::kZstd;
  return Compression::kNone;
}

Status Decompressed(std::unique_ptr<ByteSource>* source) {
  Compression compression;
  if (std::span<const uint8_t> whole = (*source)->InPlace(); !whole.empty()) {
    // In memory: look at the magic without reading, so the bytes stay in place.
    compression = CompressionOf(whole.data(), whole.size());
  } else {
    std::vector<uint8_t> magic(4);
    size_t got = 0;
    Status s = (*source)->ReadFully(magic.data(), magic.size(), &got);
    if (!s.ok()) return s;
    magic.resize(got);
    compression = CompressionOf(magic.data(), magic.size());
    *source = std::make_unique<PrefixedSource>(std::move(magic), std::move(*source));
  }
  if (compression == Compression::kGzip)
    *source = std::make_unique<GzipSource>(std::move(*source));
  else if (compression == Compression::kZstd)
    *source = std::make_unique<ZstdSource>(std::move(*source));
  return Status::Ok();
}

std::unique_ptr<ByteSource> MemorySource(const uint8_t* data, size_t size) {
  return std::make_unique<MemSource>(data, size);
}

}  // namespace pcapkit::io
