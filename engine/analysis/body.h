// A message body as an analyser sees it: fed in pieces (and gaps) as the stream brings
// them, counted, decoded by its content codings (gzip, deflate, br, zstd, a list of them
// undone in reverse order), hashed (SHA-256 of the decoded bytes) and, with --bodies,
// kept and stored. HTTP/1.x, HTTP/2 and FTP data share it.
//
// Everything it holds is bounded by the Limits: only the first max_body wire bytes are
// decoded (the rest is only counted), a decoder stops after max_decoded bytes, and only
// a decoded body no larger than max_body is kept for the BodyStore. A gap, a decoder
// error or a limit ends the decoding and hashing of the message: a hash is only ever
// given for a whole body that was seen and decoded. Nothing throws; decoders are made per
// message, and nothing is allocated per byte.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "pcapkit/emitter.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace pcapkit::analysis {

// Case-insensitive equality of ASCII names (header names, codings, tokens).
bool SameName(std::string_view a, std::string_view b);
// `v` without the blanks (spaces, tabs) around it.
std::string_view Trim(std::string_view v);

// The members HTTP/1.x and HTTP/2 message objects share (`message`: "request" or
// "response"), for their analysers' field tables: the header fields, the body's length,
// type and codings, the trailers and BodySummary::Write's members.
#define PCAPKIT_HTTP_MESSAGE_FIELDS(message)                                                \
  {message ".headers", protocols::kList, "the header fields in wire order"},                \
      {message ".headers[].name", protocols::kText, "a header field's name"},               \
      {message ".headers[].value", protocols::kText, "a header field's value, trimmed"},    \
      {message ".body_len", protocols::kInt,                                                \
       "body bytes after de-chunking, missing ones included"},                              \
      {message ".content_type", protocols::kText, "the Content-Type"},                      \
      {message ".content_encoding", protocols::kText, "the content codings, comma-joined"}, \
      {message ".decoded_len", protocols::kInt, "bytes the body decoded to"},               \
      {message ".trailers", protocols::kList, "trailer fields after the body"},             \
      {message ".trailers[].name", protocols::kText, "a trailer field's name"},             \
      {message ".trailers[].value", protocols::kText, "a trailer field's value, trimmed"},  \
      {message ".body_sha256", protocols::kHex, "SHA-256 of the whole decoded body"},       \
      {message ".body_file", protocols::kText, "--bodies: the stored file's name"},         \
      {message ".body_truncated", protocols::kBool, "longer than --max-body"},              \
      {message ".decoded_truncated", protocols::kBool, "decoding passed --max-decoded"},    \
      {message ".decode_error", protocols::kText, "why the body could not be decoded"}, {   \
    message ".gaps", protocols::kInt, "bytes of the message that are missing"               \
  }

class BodyJob;  // a body held unhashed (body.cc)

// Blocks for held bytes, charged against a limit while they are out, and kept once put
// back (on whichever thread hashed them) for the next bodies: memory that malloc would
// hand back to the kernel and fault in again, a page at a time, for every body.
class BlockPool {
 public:
  static constexpr size_t kBlock = size_t(16) << 10;
  explicit BlockPool(size_t limit) : limit_(limit) {}
  // `n` blocks appended to `out`, or none when they would pass the limit.
  bool Get(size_t n, std::vector<std::unique_ptr<uint8_t[]>>& out);
  void Put(std::unique_ptr<uint8_t[]> block);
  size_t out() const;  // bytes of the blocks handed out and not put back

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<uint8_t[]>> free_;
  size_t limit_, out_ = 0;
};

// Bytes held undecoded, in blocks that stay where they were written: appending never
// copies what came before. The blocks go back to their pool when the bytes are dropped.
class HeldBytes {
 public:
  static constexpr size_t kBlock = BlockPool::kBlock;
  HeldBytes() = default;
  explicit HeldBytes(std::shared_ptr<BlockPool> pool) : pool_(std::move(pool)) {}
  HeldBytes(HeldBytes&& o) noexcept;
  HeldBytes& operator=(HeldBytes&& o) noexcept;
  ~HeldBytes() { Clear(); }
  // False, with nothing appended, when the pool has no room for the bytes.
  bool Append(std::span<const uint8_t> bytes);
  void Clear();
  size_t size() const { return size_; }
  // Each block's bytes, in order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0, left = size_; i < blocks_.size(); ++i, left -= kBlock)
      f(std::span<const uint8_t>(blocks_[i].get(), std::min(left, kBlock)));
  }

 private:
  std::shared_ptr<BlockPool> pool_;
  std::vector<std::unique_ptr<uint8_t[]>> blocks_;
  size_t size_ = 0;
};

// What became of one body: the members of its message's record object.
struct BodySummary {
  uint64_t body_len = 0;           // wire bytes (after de-chunking), missing ones included
  uint64_t decoded_len = 0;        // bytes the decoders made of the first max_body wire bytes
  uint64_t gaps = 0;               // missing bytes
  bool body_truncated = false;     // longer than max_body: only its start was decoded
  bool decoded_truncated = false;  // a decoder made more than max_decoded bytes
  bool hashed = false;             // sha256 holds the whole decoded body's digest
  uint8_t sha256[32] = {};
  std::string decode_error;  // why the body could not be decoded
  std::string body_file;     // the BodyStore's name for the decoded body
  // A body held unhashed (Limits::held_bodies): its hashing is left to whoever writes
  // the record, through Emitter::Defer; decoded_len, the hash and decode_error are the
  // job's, not the members above (held bodies have no coding and no store).
  std::shared_ptr<BodyJob> pending;

  // Writes body_sha256, body_file, body_truncated, decoded_truncated, decode_error and
  // gaps, those that apply (body_len and decoded_len are the caller's to place).
  void Write(Emitter& out) const;
  void WriteDecodedLen(Emitter& out) const;
};

class BodyReader {
 public:
  // `limits` outlives the reader; `store` is null without --bodies.
  BodyReader(const Limits& limits, BodyStore* store);
  ~BodyReader();
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  // Starts a body coded as `codings`: a Content-Encoding value (a comma-separated list,
  // applied in order, so undone from the last; empty or "identity": not coded).
  void Begin(std::string_view codings);
  // The body's next bytes.
  void Data(std::span<const uint8_t> bytes);
  // `len` bytes of the body that were never captured: counted, and the decoding stops.
  void Gap(uint64_t len);
  // The body ended, whole (`complete`) or cut short (the stream ended or stopped being
  // understood); `out` gets its summary (a hash only for a complete body, and the body is
  // stored then). The reader is ready for the next Begin.
  void Finish(bool complete, BodySummary& out);

  uint64_t body_len() const { return body_len_; }
  // Bytes held: decoder state, their buffers and the kept body.
  size_t held() const;

  class Stage;  // one decoder of the chain (body_decoders.h)

 private:
  friend class BodyJob;  // decodes a held body with a reader of its own
  bool HoldBack(std::span<const uint8_t> piece, bool rest_counted);
  void Start();
  void Pump(size_t stage, std::span<const uint8_t> in);
  bool Take(size_t stage, std::span<const uint8_t>& out);
  void Output(std::span<const uint8_t> decoded);
  void Stop();
  void Release();

  const Limits& limits_;
  BodyStore* store_;
  EVP_MD_CTX* md_ = nullptr;

  std::string codings_;                         // the Begin value, parsed when the first byte comes
  std::vector<std::unique_ptr<Stage>> stages_;  // the decoders, the first to run first
  std::vector<uint8_t> kept_;                   // the decoded body, for the store
  // Holding the body undecoded (Limits::held_bodies): its first max_body bytes before any
  // hole, `seen` once a piece came before a hole, `stopped` after a hole or max_body.
  bool holding_ = false, held_seen_ = false, held_stopped_ = false;
  HeldBytes held_;
  bool started_ = false;  // the first byte came: decoders made, digest started
  bool active_ = false;   // decoding and hashing go on
  bool keep_ = false;     // the decoded body is kept for the store
  uint64_t body_len_ = 0, fed_ = 0, decoded_len_ = 0, gaps_ = 0;
  bool body_truncated_ = false, decoded_truncated_ = false;
  std::string error_;
};

}  // namespace pcapkit::analysis
