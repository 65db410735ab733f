#include "engine/analysis/body_decoders.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace pcapkit::analysis {

namespace {

using Step = BodyReader::Stage::Step;

// zlib and brotli allocate through these, so held() can say what they hold: each block
// is prefixed with its size (16 bytes keep malloc's alignment).
constexpr size_t kPrefix = 16;

void* CountedAlloc(size_t* total, size_t n) {
  if (n > (size_t(1) << 40)) return nullptr;
  auto* p = static_cast<unsigned char*>(std::malloc(n + kPrefix));
  if (!p) return nullptr;
  std::memcpy(p, &n, sizeof n);
  *total += n;
  return p + kPrefix;
}

void CountedFree(size_t* total, void* q) {
  if (!q) return;
  unsigned char* p = static_cast<unsigned char*>(q) - kPrefix;
  size_t n;
  std::memcpy(&n, p, sizeof n);
  *total -= n;
  std::free(p);
}

voidpf ZAlloc(voidpf opaque, uInt items, uInt size) {
  return CountedAlloc(static_cast<size_t*>(opaque), size_t(items) * size);
}
void ZFree(voidpf opaque, voidpf p) {
  CountedFree(static_cast<size_t*>(opaque), p);
}
void* BAlloc(void* opaque, size_t n) {
  return CountedAlloc(static_cast<size_t*>(opaque), n);
}
void BFree(void* opaque, void* p) {
  CountedFree(static_cast<size_t*>(opaque), p);
}

// gzip (RFC 1952, members one after another) and deflate: "deflate" is meant as zlib
// (RFC 1950) but servers send raw deflate (RFC 1951) too, so the first two bytes decide,
// as browsers do: a valid zlib header, or raw.
class ZlibStage final : public BodyReader::Stage {
 public:
  explicit ZlibStage(bool gzip) : gzip_(gzip) {
    z_.zalloc = ZAlloc;
    z_.zfree = ZFree;
    z_.opaque = &mem_;
  }
  ~ZlibStage() override {
    if (init_) inflateEnd(&z_);
  }
  Step Run(std::span<const uint8_t> in, std::span<uint8_t> out) override {
    Step r;
    if (!init_) {
      // deflate: the two header bytes are kept until both have come.
      size_t take = gzip_ ? 0 : std::min(2 - stash_len_, in.size());
      std::memcpy(stash_ + stash_len_, in.data(), take);
      stash_len_ += take;
      r.used = take;
      if (!gzip_ && stash_len_ < 2) return r;
      if (!Init()) {
        r.error = true;
        return r;
      }
    }
    if (stash_pos_ < stash_len_) {  // the header bytes go in first
      Step s = Inflate({stash_ + stash_pos_, stash_len_ - stash_pos_}, out);
      stash_pos_ += s.used;
      s.used = r.used;
      return s;
    }
    Step s = Inflate(in.subspan(r.used), out);
    s.used += r.used;
    return s;
  }
  bool finished() const override { return ended_; }
  size_t state() const override { return mem_; }

 private:
  bool Init() {
    bool zlib = (stash_[0] & 0x0f) == 8 && (stash_[0] >> 4) <= 7 &&
                (unsigned(stash_[0]) << 8 | stash_[1]) % 31 == 0;
    init_ = inflateInit2(&z_, gzip_ ? 15 + 16 : zlib ? 15 : -15) == Z_OK;
    if (!init_) error_ = gzip_ ? "gzip: cannot start" : "deflate: cannot start";
    return init_;
  }
  Step Inflate(std::span<const uint8_t> in, std::span<uint8_t> out) {
    if (ended_) {
      // Another gzip member may follow; anything else after the stream is ignored.
      if (!gzip_ || in.empty() || in[0] != 0x1f || inflateReset(&z_) != Z_OK)
        return {in.size(), 0, false};
      ended_ = false;
    }
    in = in.first(std::min<size_t>(in.size(), 1u << 30));
    z_.next_in = const_cast<Bytef*>(in.data());
    z_.avail_in = uInt(in.size());
    z_.next_out = out.data();
    z_.avail_out = uInt(out.size());
    int rc = inflate(&z_, Z_NO_FLUSH);
    Step s{in.size() - z_.avail_in, out.size() - z_.avail_out, false};
    if (rc == Z_STREAM_END) {
      ended_ = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s.error = true;
      error_ = std::string(gzip_ ? "gzip: " : "deflate: ") + (z_.msg ? z_.msg
                                                              : rc == Z_NEED_DICT
                                                                  ? "needs a preset dictionary"
                                                                  : "error");
    }
    return s;
  }

  z_stream z_{};
  bool gzip_, init_ = false, ended_ = false;
  uint8_t stash_[2] = {};
  size_t stash_len_ = 0, stash_pos_ = 0, mem_ = 0;
};

class BrotliStage final : public BodyReader::Stage {
 public:
  BrotliStage() : s_(BrotliDecoderCreateInstance(BAlloc, BFree, &mem_)) {}
  ~BrotliStage() override {
    if (s_) BrotliDecoderDestroyInstance(s_);
  }
  Step Run(std::span<const uint8_t> in, std::span<uint8_t> out) override {
    if (!s_) {
      error_ = "br: cannot start";
      return {0, 0, true};
    }
    if (ended_) return {in.size(), 0, false};
    size_t avail_in = in.size(), avail_out = out.size();
    const uint8_t* next_in = in.data();
    uint8_t* next_out = out.data();
    BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(s_, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    Step s{in.size() - avail_in, out.size() - avail_out, false};
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
      ended_ = true;
    } else if (rc == BROTLI_DECODER_RESULT_ERROR) {
      std::string_view why = BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s_));
      while (!why.empty() && why.front() == '_') why.remove_prefix(1);
      error_ = "br: " + std::string(why);
      s.error = true;
    }
    return s;
  }
  bool finished() const override { return ended_; }
  size_t state() const override { return mem_; }

 private:
  size_t mem_ = 0;  // before s_: the instance is allocated through it
  BrotliDecoderState* s_;
  bool ended_ = false;
};

class ZstdStage final : public BodyReader::Stage {
 public:
  ZstdStage() : d_(ZSTD_createDStream()) {
    // RFC 9659: HTTP's zstd windows are at most 8 MiB; a larger one would let a sender
    // make us hold up to 2 GiB.
    if (d_) ZSTD_DCtx_setParameter(d_, ZSTD_d_windowLogMax, 23);
  }
  ~ZstdStage() override { ZSTD_freeDStream(d_); }
  Step Run(std::span<const uint8_t> in, std::span<uint8_t> out) override {
    if (!d_) {
      error_ = "zstd: cannot start";
      return {0, 0, true};
    }
    if (ended_ && in.empty()) return {};  // a frame ended and nothing is left to flush
    ZSTD_inBuffer i{in.data(), in.size(), 0};
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    size_t rc = ZSTD_decompressStream(d_, &o, &i);
    Step s{i.pos, o.pos, false};
    if (ZSTD_isError(rc)) {
      error_ = std::string("zstd: ") + ZSTD_getErrorName(rc);
      s.error = true;
    } else {
      ended_ = rc == 0;  // a frame ended; input after it starts another
    }
    return s;
  }
  bool finished() const override { return ended_; }
  size_t state() const override { return ZSTD_sizeof_DStream(d_); }

 private:
  ZSTD_DStream* d_;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<BodyReader::Stage> MakeStage(std::string_view name, std::string& error) {
  if (SameName(name, "gzip") || SameName(name, "x-gzip")) return std::make_unique<ZlibStage>(true);
  if (SameName(name, "deflate")) return std::make_unique<ZlibStage>(false);
  if (SameName(name, "br")) return std::make_unique<BrotliStage>();
  if (SameName(name, "zstd")) return std::make_unique<ZstdStage>();
  error = "unsupported content coding: " + std::string(name.substr(0, 64));
  return nullptr;
}

}  // namespace pcapkit::analysis
