#include "formats/compressed_output.h"

#include <strings.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <vector>

namespace pcapkit::formats {

namespace {

constexpr size_t kChunk = 256 * 1024;  // compressed bytes handed to the file at once

// The stream's compressor, behind the Output interface: Write feeds it, and whatever it
// has made goes to the inner output in chunks.
class CompressedOutput final : public Output {
 public:
  CompressedOutput(std::unique_ptr<Output> inner, Compression compression)
      : inner_(std::move(inner)), compression_(compression), buf_(kChunk) {
    if (compression_ == Compression::kGzip) {
      std::memset(&zs_, 0, sizeof zs_);
      ready_ = deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                            Z_DEFAULT_STRATEGY) == Z_OK;
    } else {
      zstd_ = ZSTD_createCStream();
      ready_ = zstd_ != nullptr && !ZSTD_isError(ZSTD_initCStream(zstd_, 3));
    }
  }
  ~CompressedOutput() override {
    if (compression_ == Compression::kGzip && ready_) deflateEnd(&zs_);
    if (zstd_ != nullptr) ZSTD_freeCStream(zstd_);
  }

  Status Write(std::string_view bytes) override { return Feed(bytes, false); }
  Status Close() override {
    if (Status s = Feed({}, true); !s.ok()) return s;
    return inner_->Close();
  }
  const std::string& path() const override { return inner_->path(); }

 private:
  // Compresses `bytes` (and with `finish`, ends the stream), writing full chunks out.
  Status Feed(std::string_view bytes, bool finish) {
    if (!ready_) return Status::IoError(path() + ": cannot initialise the compressor");
    return compression_ == Compression::kGzip ? FeedGzip(bytes, finish) : FeedZstd(bytes, finish);
  }

  Status FeedGzip(std::string_view bytes, bool finish) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs_.avail_in = uInt(bytes.size());
    for (;;) {
      zs_.next_out = reinterpret_cast<Bytef*>(buf_.data());
      zs_.avail_out = uInt(buf_.size());
      int rc = deflate(&zs_, finish ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return Status::IoError(path() + ": gzip: deflate failed");
      size_t made = buf_.size() - zs_.avail_out;
      if (made > 0)
        if (Status s = inner_->Write({buf_.data(), made}); !s.ok()) return s;
      if (finish ? rc == Z_STREAM_END : zs_.avail_in == 0 && zs_.avail_out != 0)
        return Status::Ok();
    }
  }

  Status FeedZstd(std::string_view bytes, bool finish) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
      size_t left = finish ? ZSTD_endStream(zstd_, &out) : ZSTD_compressStream(zstd_, &out, &in);
      if (ZSTD_isError(left)) return Status::IoError(path() + ": zstd: " + ZSTD_getErrorName(left));
      if (out.pos > 0)
        if (Status s = inner_->Write({buf_.data(), out.pos}); !s.ok()) return s;
      if (finish ? left == 0 : in.pos == in.size) return Status::Ok();
    }
  }

  std::unique_ptr<Output> inner_;
  Compression compression_;
  std::vector<char> buf_;
  bool ready_ = false;
  z_stream zs_{};
  ZSTD_CStream* zstd_ = nullptr;
};

bool EndsWith(const std::string& path, const char* ext) {
  size_t n = std::strlen(ext);
  return path.size() > n && strcasecmp(path.c_str() + path.size() - n, ext) == 0;
}

}  // namespace

Compression CompressionOf(const std::string& path) {
  if (EndsWith(path, ".gz")) return Compression::kGzip;
  if (EndsWith(path, ".zst")) return Compression::kZstd;
  return Compression::kNone;
}

std::unique_ptr<Output> Compressed(std::unique_ptr<Output> inner, Compression compression) {
  if (compression == Compression::kNone) return inner;
  return std::make_unique<CompressedOutput>(std::move(inner), compression);
}

}  // namespace pcapkit::formats
