#include "engine/io/byte_source.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace pcapkit::io {

size_t ByteSource::ReadFully(uint8_t* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    size_t r = Read(out + got, n - got);
    if (r == 0) break;
    got += r;
  }
  return got;
}

namespace {

class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  size_t Read(uint8_t* out, size_t n) override {
    for (;;) {
      ssize_t r = ::read(fd_, out, n);
      if (r >= 0) return size_t(r);
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
    }
  }

 private:
  int fd_;
  bool owned_;
};

// Puts back the bytes sniffed for the magic in front of the underlying source.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::vector<uint8_t> prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  size_t Read(uint8_t* out, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(out, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return rest_->Read(out, n);
  }

 private:
  std::vector<uint8_t> prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

class MemSource : public ByteSource {
 public:
  MemSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  size_t Read(uint8_t* out, size_t n) override {
    size_t k = std::min(n, size_ - pos_);
    std::memcpy(out, data_ + pos_, k);
    pos_ += k;
    return k;
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
    if (inflateInit2(&zs_, 15 + 32) != Z_OK)
      throw std::runtime_error("gzip: cannot initialise zlib");
  }
  ~GzipSource() override { inflateEnd(&zs_); }
  size_t Read(uint8_t* out, size_t n) override {
    zs_.next_out = out;
    zs_.avail_out = unsigned(std::min<size_t>(n, 1u << 30));
    while (!done_) {
      if (zs_.avail_in == 0) {
        zs_.avail_in = unsigned(in_->Read(buf_.data(), buf_.size()));
        zs_.next_in = buf_.data();
        if (zs_.avail_in == 0) {
          if (!member_end_) throw std::runtime_error("gzip: compressed stream is truncated");
          done_ = true;
          break;
        }
      }
      member_end_ = false;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_end_ = true;
        inflateReset(&zs_);
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        throw std::runtime_error(std::string("gzip: ") + (zs_.msg ? zs_.msg : "corrupt data"));
      }
      size_t produced = size_t(zs_.next_out - out);
      if (produced > 0) return produced;
    }
    return size_t(zs_.next_out - out);
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<uint8_t> buf_;
  z_stream zs_;
  bool member_end_ = false;
  bool done_ = false;
};

class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> in)
      : in_(std::move(in)), buf_(ZSTD_DStreamInSize()), ds_(ZSTD_createDStream()) {
    if (ds_ == nullptr) throw std::runtime_error("zstd: cannot create a decoder");
    ZSTD_initDStream(ds_);
  }
  ~ZstdSource() override { ZSTD_freeDStream(ds_); }
  size_t Read(uint8_t* out, size_t n) override {
    ZSTD_outBuffer ob{out, n, 0};
    while (ob.pos == 0) {
      if (in_pos_ == in_size_) {
        in_size_ = in_->Read(buf_.data(), buf_.size());
        in_pos_ = 0;
        if (in_size_ == 0) {
          if (!frame_end_) throw std::runtime_error("zstd: compressed stream is truncated");
          return 0;
        }
      }
      ZSTD_inBuffer ib{buf_.data(), in_size_, in_pos_};
      size_t rc = ZSTD_decompressStream(ds_, &ob, &ib);
      in_pos_ = ib.pos;
      if (ZSTD_isError(rc)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(rc));
      frame_end_ = (rc == 0);
    }
    return ob.pos;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  std::vector<uint8_t> buf_;
  size_t in_size_ = 0, in_pos_ = 0;
  ZSTD_DStream* ds_;
  bool frame_end_ = true;
};

}  // namespace

std::unique_ptr<ByteSource> OpenSource(const std::string& path) {
  std::unique_ptr<ByteSource> raw;
  if (path == "-") {
    raw = std::make_unique<FdSource>(STDIN_FILENO, false);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::strerror(errno));
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    raw = std::make_unique<FdSource>(fd, true);
  }
  return raw;
}

std::unique_ptr<ByteSource> Decompressed(std::unique_ptr<ByteSource> raw) {
  std::vector<uint8_t> magic(4);
  magic.resize(raw->ReadFully(magic.data(), magic.size()));
  bool gzip = magic.size() >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  bool zstd = magic.size() == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
              magic[3] == 0xfd;
  auto src = std::make_unique<PrefixedSource>(std::move(magic), std::move(raw));
  if (gzip) return std::make_unique<GzipSource>(std::move(src));
  if (zstd) return std::make_unique<ZstdSource>(std::move(src));
  return src;
}

std::unique_ptr<ByteSource> MemorySource(const uint8_t* data, size_t size) {
  return std::make_unique<MemSource>(data, size);
}

}  // namespace pcapkit::io
