#include "engine/analysis/body.h"

#include <brotli/decode.h>
#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/util/hex.h"

namespace pcapkit::analysis {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// One decoder of a body's chain: it takes coded bytes and fills an output buffer of its
// own, which the next decoder (or the hash) takes before it is filled again.
class BodyReader::Stage {
 public:
  static constexpr size_t kBuffer = 16 << 10;
  struct Step {
    size_t used = 0, made = 0;  // input bytes taken, output bytes made
    bool error = false;         // error() says why
  };
  virtual ~Stage() = default;
  // Decodes from `in` into `out`. It stops when the input is used up, the output is full
  // (call again, with the rest of the input or none) or the coded stream ended (what
  // follows it is taken and ignored, as browsers do).
  virtual Step Run(std::span<const uint8_t> in, std::span<uint8_t> out) = 0;
  // The coded stream ended: the body decoded whole.
  virtual bool finished() const = 0;
  // Memory the decoder holds.
  virtual size_t state() const = 0;
  const std::string& error() const { return error_; }

  uint8_t buffer[kBuffer];
  uint64_t made = 0;  // bytes made in all, against max_decoded

 protected:
  std::string error_;
};

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

// A decoder for coding `name`; null with `error` set when there is none.
std::unique_ptr<BodyReader::Stage> MakeStage(std::string_view name, std::string& error) {
  if (SameName(name, "gzip") || SameName(name, "x-gzip")) return std::make_unique<ZlibStage>(true);
  if (SameName(name, "deflate")) return std::make_unique<ZlibStage>(false);
  if (SameName(name, "br")) return std::make_unique<BrotliStage>();
  if (SameName(name, "zstd")) return std::make_unique<ZstdStage>();
  error = "unsupported content coding: " + std::string(name.substr(0, 64));
  return nullptr;
}

const EVP_MD* Sha256() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

constexpr size_t kMaxCodings = 4;

}  // namespace

void BodySummary::Write(Emitter& out) const {
  if (hashed) out.Hex("body_sha256", sha256, sizeof sha256);
  if (!body_file.empty()) out.Text("body_file", body_file);
  if (body_truncated) out.Bool("body_truncated", true);
  if (decoded_truncated) out.Bool("decoded_truncated", true);
  if (!decode_error.empty()) out.Text("decode_error", decode_error);
  if (gaps) out.Uint("gaps", gaps);
}

BodyReader::BodyReader(const Limits& limits, BodyStore* store)
    : limits_(limits), store_(store), md_(EVP_MD_CTX_new()) {
  stages_.reserve(kMaxCodings);
}

BodyReader::~BodyReader() {
  EVP_MD_CTX_free(md_);
}

void BodyReader::Begin(std::string_view codings) {
  Release();
  codings_.assign(codings);
  started_ = active_ = keep_ = false;
  body_len_ = decoded_len_ = gaps_ = 0;
  body_truncated_ = decoded_truncated_ = false;
  error_.clear();
}

// The first byte came: the decoders are made (undoing the codings from the last applied)
// and the digest starts. A body that never has a byte costs none of this.
void BodyReader::Start() {
  started_ = true;
  std::string_view rest = codings_;
  std::string_view names[kMaxCodings];
  size_t n = 0;
  while (!rest.empty() && error_.empty()) {
    size_t comma = rest.find(',');
    std::string_view name = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (name.empty() || SameName(name, "identity")) continue;
    if (n == kMaxCodings)
      error_ = "more than 4 content codings";
    else
      names[n++] = name;
  }
  for (size_t i = n; i-- > 0 && error_.empty();)
    if (auto stage = MakeStage(names[i], error_)) stages_.push_back(std::move(stage));
  if (error_.empty() && !(md_ && Sha256() && EVP_DigestInit_ex2(md_, Sha256(), nullptr)))
    error_ = "SHA-256 unavailable";
  active_ = error_.empty();
  keep_ = active_ && store_ != nullptr;
  if (!active_) Release();
}

void BodyReader::Data(std::span<const uint8_t> bytes) {
  // Only the first max_body bytes are decoded; the rest is counted.
  size_t room = body_len_ < limits_.max_body ? size_t(limits_.max_body - body_len_) : 0;
  body_len_ += bytes.size();
  if (!started_) Start();
  if (!active_) return;
  std::span<const uint8_t> piece = bytes.first(std::min(room, bytes.size()));
  if (!piece.empty()) Pump(0, piece);
  if (piece.size() < bytes.size()) Stop();
  if (!active_) Release();
}

void BodyReader::Gap(uint64_t len) {
  body_len_ += len;
  gaps_ += len;
  started_ = true;  // nothing is decoded after a hole, not even when the body began with it
  Stop();
  Release();
}

// Runs `in` through decoder `stage` and those after it. Stop() may be called on the way
// down: the decoders are only released once the outermost Pump has returned.
void BodyReader::Pump(size_t stage, std::span<const uint8_t> in) {
  if (stage == stages_.size()) return Output(in);
  Stage& s = *stages_[stage];
  while (active_) {
    Stage::Step r = s.Run(in, s.buffer);
    in = in.subspan(r.used);
    if (r.error) {
      error_ = s.error();
      return Stop();
    }
    std::span<const uint8_t> out(s.buffer, r.made);
    if (!out.empty() && !Take(stage, out)) return;
    if (in.empty() && r.made < Stage::kBuffer) return;  // all taken, nothing left inside
    if (r.used == 0 && r.made == 0) return;             // no progress: the stream ended
  }
}

// Passes what decoder `stage` made to the next, up to max_decoded; false past it.
bool BodyReader::Take(size_t stage, std::span<const uint8_t>& out) {
  Stage& s = *stages_[stage];
  bool over = out.size() > limits_.max_decoded - std::min(s.made, uint64_t(limits_.max_decoded));
  if (over) out = out.first(size_t(limits_.max_decoded - s.made));
  s.made += out.size();
  Pump(stage + 1, out);
  if (over) {
    decoded_truncated_ = true;
    Stop();
  }
  return !over && active_;
}

void BodyReader::Output(std::span<const uint8_t> decoded) {
  if (!active_ || decoded.empty()) return;
  decoded_len_ += decoded.size();
  EVP_DigestUpdate(md_, decoded.data(), decoded.size());
  if (!keep_) return;
  if (kept_.size() + decoded.size() > limits_.max_body) {
    keep_ = false;  // a body decoded larger than --max-body is hashed but not stored
    std::vector<uint8_t>().swap(kept_);
    return;
  }
  kept_.insert(kept_.end(), decoded.begin(), decoded.end());
}

void BodyReader::Stop() {
  active_ = false;
}

void BodyReader::Release() {
  stages_.clear();
  std::vector<uint8_t>().swap(kept_);
  keep_ = false;
}

void BodyReader::Finish(bool complete, BodySummary& out) {
  out = BodySummary();
  out.body_len = body_len_;
  out.decoded_len = decoded_len_;
  out.gaps = gaps_;
  out.body_truncated = body_len_ > limits_.max_body;
  out.decoded_truncated = decoded_truncated_;
  if (active_ && complete && body_len_ > 0) {
    for (const auto& s : stages_)
      if (!s->finished() && error_.empty()) error_ = "coded data ends early";
    unsigned len = 0;
    out.hashed = error_.empty() && EVP_DigestFinal_ex(md_, out.sha256, &len) && len == 32;
  }
  if (out.hashed && keep_) {
    out.body_file = store_->Store(util::Hex(out.sha256, sizeof out.sha256), kept_);
  }
  out.decode_error = std::move(error_);
  Begin({});
}

size_t BodyReader::held() const {
  size_t n = codings_.size() + kept_.capacity();
  for (const auto& s : stages_) n += sizeof(Stage) + s->state();
  return n;
}

}  // namespace pcapkit::analysis
