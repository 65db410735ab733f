#include "engine/analysis/body.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "engine/analysis/body_decoders.h"
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

namespace {

const EVP_MD* Sha256() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

constexpr size_t kMaxCodings = 4;

// A Content-Encoding value that names no coding but identity.
bool Uncoded(std::string_view codings) {
  while (!codings.empty()) {
    size_t comma = codings.find(',');
    std::string_view name = Trim(codings.substr(0, comma));
    if (!name.empty() && !SameName(name, "identity")) return false;
    codings = comma == std::string_view::npos ? std::string_view() : codings.substr(comma + 1);
  }
  return true;
}

// The members a held body's decoding makes, in the parts the record places apart.
enum BodyPart { kDecodedLen, kDigest, kOutcome };

void WriteBodyPart(const BodySummary& s, Emitter& out, int part) {
  switch (part) {
    case kDecodedLen:
      out.Uint("decoded_len", s.decoded_len);
      break;
    case kDigest:
      if (s.hashed) out.Hex("body_sha256", s.sha256, sizeof s.sha256);
      if (!s.body_file.empty()) out.Text("body_file", s.body_file);
      break;
    case kOutcome:
      if (s.decoded_truncated) out.Bool("decoded_truncated", true);
      if (!s.decode_error.empty()) out.Text("decode_error", s.decode_error);
      break;
  }
}

}  // namespace

// A body held unhashed, with what its reader saw: hashed by a reader of its own when the
// record is written, on whichever thread writes it, exactly as it would have been as it
// came (it has no coding, and SHA-256 does not depend on how the bytes were cut).
class BodyJob final : public Deferred {
 public:
  BodyJob(const Limits& limits, std::string codings, HeldBytes wire, bool stopped,
          uint64_t body_len, uint64_t gaps, bool complete)
      : limits_(limits),
        codings_(std::move(codings)),
        wire_(std::move(wire)),
        stopped_(stopped),
        body_len_(body_len),
        gaps_(gaps),
        complete_(complete) {
    limits_.held_bodies = nullptr;
  }

  void Compute() override {
    std::call_once(done_, [this] { Decode(); });
  }
  void Write(Emitter& out, int part) const override { WriteBodyPart(result_, out, part); }

 private:
  void Decode() {
    BodyReader reader(limits_, nullptr);
    reader.Begin(codings_);
    if (wire_.size() == 0) reader.Data({});  // a piece came, empty: the decoders start
    wire_.ForEach([&](std::span<const uint8_t> block) { reader.Data(block); });
    wire_.Clear();  // its blocks back to the pool now, not when the record goes
    reader.body_len_ = body_len_;
    reader.gaps_ = gaps_;
    if (stopped_) reader.Stop();
    reader.Finish(complete_, result_);
  }

  Limits limits_;
  std::string codings_;
  HeldBytes wire_;
  bool stopped_;
  uint64_t body_len_, gaps_;
  bool complete_;
  std::once_flag done_;  // a record's writer computes it, on any thread
  BodySummary result_;
};

void BodySummary::Write(Emitter& out) const {
  if (pending)
    out.Defer(pending, kDigest);
  else
    WriteBodyPart(*this, out, kDigest);
  if (body_truncated) out.Bool("body_truncated", true);
  if (pending)
    out.Defer(pending, kOutcome);
  else
    WriteBodyPart(*this, out, kOutcome);
  if (gaps) out.Uint("gaps", gaps);
}

void BodySummary::WriteDecodedLen(Emitter& out) const {
  if (pending)
    out.Defer(pending, kDecodedLen);
  else
    WriteBodyPart(*this, out, kDecodedLen);
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
  held_.Clear();  // its blocks back to the pool
  codings_.assign(codings);
  // Held for a later stage to hash: a body without a coding (HeldBodies says why), and
  // not with a store, which is serial.
  holding_ = limits_.held_bodies != nullptr && store_ == nullptr && Uncoded(codings);
  held_seen_ = held_stopped_ = false;
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
  std::span<const uint8_t> piece = bytes.first(std::min(room, bytes.size()));
  bool rest_counted = piece.size() < bytes.size();
  if (holding_ && HoldBack(piece, rest_counted)) return;
  if (!started_) Start();
  if (!active_) return;
  if (!piece.empty()) Pump(0, piece);
  if (rest_counted) Stop();
  if (!active_) Release();
}

// Holding: keeps `piece` for the BodyJob while the pool has room. Without room the body
// is hashed from here on: what was held goes through now, and false tells Data to take
// `piece` itself.
bool BodyReader::HoldBack(std::span<const uint8_t> piece, bool rest_counted) {
  if (held_stopped_) return true;  // after a hole or max_body the bytes are only counted
  HeldBodies& pool = *limits_.held_bodies;
  if (!held_seen_) {
    if (!pool.blocks) pool.blocks = std::make_shared<BlockPool>(pool.limit);
    held_ = HeldBytes(pool.blocks);
  }
  if (held_.Append(piece)) {
    held_seen_ = true;
    held_stopped_ = rest_counted;
    return true;
  }
  holding_ = false;
  Start();
  held_.ForEach([&](std::span<const uint8_t> block) {
    if (active_) Pump(0, block);
  });
  held_.Clear();  // its blocks back to the pool
  if (!active_) Release();
  return false;
}

bool BlockPool::Get(size_t n, std::vector<std::unique_ptr<uint8_t[]>>& out) {
  size_t reused = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (out_ + n * kBlock > limit_) return false;
    out_ += n * kBlock;
    for (; reused < n && !free_.empty(); ++reused) {
      out.push_back(std::move(free_.back()));
      free_.pop_back();
    }
  }
  for (; reused < n; ++reused)
    out.emplace_back(new uint8_t[kBlock]);  // uninitialised: written at once
  return true;
}

// Kept for reuse: blocks are only made when none is free, so the free and the out
// together never pass the limit.
void BlockPool::Put(std::unique_ptr<uint8_t[]> block) {
  std::lock_guard<std::mutex> lock(mutex_);
  out_ -= kBlock;
  free_.push_back(std::move(block));
}

size_t BlockPool::out() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return out_;
}

HeldBytes::HeldBytes(HeldBytes&& o) noexcept
    : pool_(std::move(o.pool_)), blocks_(std::move(o.blocks_)), size_(o.size_) {
  o.blocks_.clear();
  o.size_ = 0;
}

HeldBytes& HeldBytes::operator=(HeldBytes&& o) noexcept {
  if (this != &o) {
    Clear();
    pool_ = std::move(o.pool_);
    blocks_ = std::move(o.blocks_);
    size_ = o.size_;
    o.blocks_.clear();
    o.size_ = 0;
  }
  return *this;
}

void HeldBytes::Clear() {
  for (auto& block : blocks_) pool_->Put(std::move(block));
  blocks_.clear();
  size_ = 0;
}

bool HeldBytes::Append(std::span<const uint8_t> bytes) {
  size_t blocks = (size_ + bytes.size() + kBlock - 1) / kBlock;
  if (blocks > blocks_.size() && !pool_->Get(blocks - blocks_.size(), blocks_)) return false;
  while (!bytes.empty()) {
    size_t used = size_ % kBlock;
    size_t n = std::min(kBlock - used, bytes.size());
    std::memcpy(blocks_[size_ / kBlock].get() + used, bytes.data(), n);
    size_ += n;
    bytes = bytes.subspan(n);
  }
  return true;
}

void BodyReader::Gap(uint64_t len) {
  body_len_ += len;
  gaps_ += len;
  started_ = true;       // nothing is decoded after a hole, not even when the body began with it
  held_stopped_ = true;  // what was held before it is still decoded, later
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
  if (holding_ && held_seen_) {
    // Counted now; hashed when the record is written.
    out.body_len = body_len_;
    out.gaps = gaps_;
    out.body_truncated = body_len_ > limits_.max_body;
    out.pending = std::make_shared<BodyJob>(limits_, std::move(codings_), std::move(held_),
                                            held_stopped_, body_len_, gaps_, complete);
    Begin({});
    return;
  }
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

// Held bodies are not counted here: their blocks are charged to their BlockPool.
size_t BodyReader::held() const {
  size_t n = codings_.size() + kept_.capacity();
  for (const auto& s : stages_) n += sizeof(Stage) + s->state();
  return n;
}

}  // namespace pcapkit::analysis
