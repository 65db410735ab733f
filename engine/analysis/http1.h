// The `http` analyser: HTTP/1.x (RFC 9112) transactions, as Zeek's http.log has them — each
// request and the response it got, paired in order on the connection (pipelining
// included), with their heads, body lengths, and the bodies decoded and hashed (body.h).
//
// Each direction is parsed as its bytes come, in any pieces: a head is gathered line by
// line (at most max_head bytes), then the body as the message frames it (RFC 9112 6.3):
// none, Content-Length, chunked, or up to the connection's close. A response is read as
// the request it answers says (HEAD: no body; CONNECT 2xx: a tunnel). A 101 or a CONNECT's
// 2xx ends HTTP on the connection. Bytes after an upgrade request are held back until its
// response says whether they are still HTTP; an accepted h2c upgrade hands them, and the
// server's bytes after the 101, to the `http2` analyser (TakeHandover).
//
// An HTTP/0.9 request (a request line without version) is the line alone; its response is
// every byte the server sends up to the close, unless they start with a status line.
//
// Nothing is made of bytes that were not seen: a hole inside a body of known length is
// counted and the parsing goes on after it. A hole anywhere else cuts the message it falls
// in (what arrived of its head is written) and loses the framing: the direction looks for
// the next message where one can start — at the start of the first piece after the hole,
// or at a line start within max_head bytes — and goes on from there, the bytes passed over
// counted as the cut message's `gaps`. A body of known length the connection's end cuts
// counts what is missing as `gaps` too. Malformed input stops its direction (`error`).
//
// The class is split by phase: http1.cc reads the bytes (heads, bodies, chunks, upgrades),
// http1_gaps.cc the holes, the search after them and the cut messages,
// http1_transactions.cc pairs the messages and writes them; http1_message.cc holds the
// syntax.
#pragma once

#include <deque>
#include <span>
#include <string>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/body.h"
#include "engine/analysis/http1_message.h"

namespace pcapkit::analysis::http1 {

// What a direction's parser expects next.
enum class Phase : uint8_t {
  kHead,       // a start line and header fields (empty lines before it are skipped)
  kBody,       // `remaining` bytes of a body of known length
  kChunkSize,  // a chunk-size line, with chunk extensions
  kChunkData,  // `remaining` bytes of a chunk
  kChunkEnd,   // the CRLF after a chunk's data
  kTrailers,   // the trailer section after the last chunk
  kCloseBody,  // a response body the connection's end ends
  kHold,       // requests after an upgrade request, kept until its response decides
  kHandover,   // the server's bytes after an accepted h2c upgrade, kept for the handover
  kResync,     // after a hole that lost the framing: looking for the next message's start
  kStopped,    // no longer HTTP, or its framing lost for good: the bytes are ignored
};

inline bool InBody(Phase p) {
  return p == Phase::kBody || p == Phase::kChunkSize || p == Phase::kChunkData ||
         p == Phase::kChunkEnd || p == Phase::kCloseBody;
}

struct Side {
  Side(const Limits& limits, BodyStore* store) : body(limits, store) {}
  Phase phase = Phase::kHead;
  std::string head;        // the head, trailer section or chunk-size line so far
  size_t line = 0;         // where the line being gathered starts in `head`
  uint64_t remaining = 0;  // kBody, kChunkData: bytes to come
  uint64_t depth = 0;      // the transaction of the message in progress (0: none)
  bool cr = false;         // kChunkEnd: the CR came
  // kResync: bytes passed over since the hole (against max_head); the next piece follows a
  // hole (its start may start a message); the last byte passed over was an LF. `head`
  // holds the first bytes of a possible start line, too few to tell, from `probe_at`.
  uint64_t scanned = 0;
  bool after_hole = false, line_start = false;
  Position probe_at;
  BodyReader body;
};

class Http1Analyser final : public Analyser {
 public:
  explicit Http1Analyser(const Context& c)
      : c_(c), side_{{*c.limits, c.bodies}, {*c.limits, c.bodies}} {}

  void Data(int dir, std::span<const uint8_t> bytes, const Position& at) override;
  void Gap(int dir, uint64_t len, const Position& at) override;
  void End(const Position& at) override;
  size_t held() const override;
  bool TakeHandover(Handover* out) override;

 private:
  // Input, by phase (http1.cc).
  void Feed(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t Step(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t TakeLine(int dir, std::span<const uint8_t> bytes, bool& complete);
  size_t Head(int dir, std::span<const uint8_t> bytes, const Position& at);
  size_t Body(int dir, std::span<const uint8_t> bytes);
  size_t ChunkSize(int dir, std::span<const uint8_t> bytes);
  size_t ChunkEnd(int dir, std::span<const uint8_t> bytes);
  size_t Hold(std::span<const uint8_t> bytes, const Position& at);
  size_t KeepForHandover(std::span<const uint8_t> bytes, const Position& at);
  bool SimpleResponse(std::span<const uint8_t> bytes, const Position& at);
  Transaction* SimpleRequest();
  void BeginSimpleResponse(Transaction& t, const Position& at);

  // Holes, the search for the next message after one, cut messages (http1_gaps.cc).
  uint64_t GapInBody(int dir, uint64_t len, const Position& at);
  void GapInHead(int dir, uint64_t len, const Position& at);
  void GapInChunks(int dir, uint64_t len, const Position& at);
  void LoseFraming(int dir, uint64_t len);
  size_t Resync(int dir, std::span<const uint8_t> bytes, const Position& at);
  Probe ProbeHeld(int dir, std::span<const uint8_t> bytes);
  void PassOver(int dir, uint64_t len);
  void Resynced(int dir, const Position& at);
  void CutHead(int dir);
  void EndCut(int dir);
  void CutByEnd(int dir);

  // Messages and transactions (http1_transactions.cc).
  bool BeginMessage(int dir, const Position& at);
  void OnHead(int dir);
  void OnRequest(Transaction& t);
  void OnResponse(Transaction& t);
  void OnTrailers(int dir);
  void StartBody(int dir, const Framing& f);
  void FinishBody(int dir, bool complete);
  void EndMessage(int dir);
  void Upgrade(Transaction& t, bool connect);
  bool StartHandover(Transaction& t);
  void Resume();
  void Stop(int dir, std::string_view error);
  Transaction* Find(uint64_t depth);
  Message* Current(int dir);
  void Touch(int dir, const Position& at);
  void Flush();
  void Write(const Transaction& t);

  Context c_;
  Side side_[2];
  std::deque<Transaction> pending_;  // by depth, contiguous; written from the front
  uint64_t next_depth_ = 1;
  uint64_t answered_ = 0;  // the last transaction a response was paired with
  size_t pending_bytes_ = 0;
  // Requests after an upgrade request (transaction hold_depth_), until its response.
  uint64_t hold_depth_ = 0;
  std::string hold_;
  Position hold_at_;
  bool hold_lost_ = false;  // more than max_head of them, or a hole: they cannot be parsed
  // An accepted h2c upgrade, until TakeHandover: the client's bytes are hold_, the
  // server's after the 101 rest_ (both at most max_head; past it, or at a hole, lost).
  bool handover_ = false;
  std::string rest_;
  bool rest_lost_ = false;
  Position handover_at_[2];
  bool ended_ = false;
};

}  // namespace pcapkit::analysis::http1
