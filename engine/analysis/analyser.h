// Application analysis: what `pcapkit analyse` makes of a conversation's bytes — one
// record per application transaction (an HTTP request and its response, a DNS query and
// its answer, a TLS handshake, ...).
//
// An Analyser follows one conversation of one protocol. TCP streams reach it as the
// reassembler hands them out — each direction's bytes in order, as soon as they are
// contiguous, with the holes that were certainly never captured as gaps — and UDP as one
// call per datagram. It writes each transaction when it completes, through the
// RecordSink, field by field (the Emitter interface the record formats implement); the
// sink writes the members every record shares first. Nothing is ever made of bytes that
// were not seen: a message with missing bytes says so.
//
// An analyser file registers itself (Register, from a static initialiser) with how it
// recognises its protocol: by content first (the first bytes of either direction), by
// port second. Nothing here throws; malformed input ends the analyser's understanding of
// the conversation (it says so in its records) and never the run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/protocols/registry.h"
#include "engine/util/status.h"
#include "pcapkit/emitter.h"
#include "pcapkit/frame.h"

namespace pcapkit::analysis {

enum class Kind : uint8_t { kHttp, kHttp2, kTls, kDns, kFtp, kUnknown };
// "http", "http2", "tls", "dns", "ftp", "unknown": the records' `kind`.
const char* KindName(Kind kind);

// Where a byte of a stream (or a datagram) was captured: its frame and that frame's time.
struct Position {
  uint64_t frame = 0;
  Timestamp time;
};

// The conversation a record belongs to: its flow, as `extract --flow-id` numbers it, and
// its endpoints, the client (TCP: the SYN's sender; UDP: the first datagram's) first.
struct Conversation {
  uint64_t flow = 0;
  char community_id[31] = {};
  bool ipv6 = false;
  bool tcp = true;
  uint8_t client[16] = {}, server[16] = {};  // 4 or 16 bytes used
  uint16_t client_port = 0, server_port = 0;
};

class BlockPool;  // body.h

// Bodies held undecoded, so that a later stage hashes them off the serial path: only
// bodies without a content coding, whose records are then the same whether they are held
// or hashed as they come (no decoder, whose state the analysers' budget would count,
// and SHA-256 does not care how the bytes were cut). The bytes live in blocks of a pool
// of their own, outside the analysers' budget: blocks are charged until the body is
// hashed, on whichever thread, and a body that finds no room is hashed as it comes.
struct HeldBodies {
  size_t limit = size_t(16) << 20;
  std::shared_ptr<BlockPool> blocks;  // made when the first body is held
};

// What one analyser may hold or produce, from the command line.
struct Limits {
  // --max-body: body bytes of one message that are decoded, hashed and kept for
  // --bodies; past it the body is only counted (`body_truncated`).
  size_t max_body = size_t(16) << 20;
  // --max-decoded: bytes a decoder may produce from one body (a decompression bomb stops
  // there: `decoded_truncated`).
  size_t max_decoded = size_t(64) << 20;
  // A message head (request or status line and headers) longer than this is malformed.
  size_t max_head = size_t(64) << 10;
  // Where bodies without a coding may be held, for a later stage to hash them off the
  // serial path (the analyse stage gives one; null: every body is hashed as it comes).
  HeldBodies* held_bodies = nullptr;
};

// Where finished transactions go. `fields` writes the analyser's own members of the
// record; the sink writes the shared ones before them: kind, flow, community_id, src,
// srcport, dst, dstport, first_frame, last_frame, first, last (docs/schema.md
// "Analysis records").
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void Write(Kind kind, const Conversation& conversation, const Position& first,
                     const Position& last, const std::function<void(Emitter&)>& fields) = 0;
};

// --bodies FOLDER: content-addressed storage of decoded bodies. Store returns the name the
// record gives (the file's name in the folder: the SHA-256 in hex); a body already stored
// is not written again.
class BodyStore {
 public:
  virtual ~BodyStore() = default;
  virtual std::string Store(std::string_view sha256_hex, std::span<const uint8_t> body) = 0;
};

class Analyser;
struct Context;

// A connection an analyser announces before it opens (FTP's PORT, EPRT, PASV, EPSV: the
// data connection). The next TCP connection whose server — the side its SYN goes to — is
// `server`:`port` is given to `make`'s analyser, whatever its bytes look like. An
// expectation lasts `seconds` of capture time; at most kMaxExpectations wait at once
// (the oldest goes first).
struct Expectation {
  bool ipv6 = false;
  uint8_t server[16] = {};
  uint16_t port = 0;
  double seconds = 120;
  std::function<std::unique_ptr<Analyser>(const Context&)> make;
};
constexpr size_t kMaxExpectations = 1024;

class Expectations {
 public:
  virtual ~Expectations() = default;
  // `at`: the capture time it is announced at.
  virtual void Expect(Expectation expectation, const Timestamp& at) = 0;
};

// What an analyser is made with.
struct Context {
  const Conversation* conversation = nullptr;  // outlives the analyser
  RecordSink* sink = nullptr;
  const Limits* limits = nullptr;
  BodyStore* bodies = nullptr;           // null without --bodies
  Expectations* expectations = nullptr;  // null where no connection can follow
};

// A conversation that changes protocol midway (HTTP/1.1's `101 Switching Protocols` to
// h2c): the analyser that saw it hands the rest over. `rest[dir]` are the bytes of each
// direction it received but did not take (they start the new protocol), `at[dir]` where
// they came from.
struct Handover {
  Kind kind = Kind::kUnknown;
  std::vector<uint8_t> rest[2];
  Position at[2];
};

class Analyser {
 public:
  virtual ~Analyser() = default;
  // Bytes of direction `dir` (0: client to server, 1: back). TCP: the stream's next bytes
  // in order, `at` the frame that brought the first of them. UDP: one whole datagram.
  virtual void Data(int dir, std::span<const uint8_t> bytes, const Position& at) = 0;
  // TCP: `len` bytes of direction `dir` that were never captured come next in the stream.
  virtual void Gap(int dir, uint64_t len, const Position& at) = 0;
  // The conversation ended (FIN, RST, timeout, eviction, the capture's end): whatever is
  // pending is written, marked incomplete where it is. `at` is the last frame seen.
  virtual void End(const Position& at) = 0;
  // Bytes held between calls (partial messages, decoder state): charged to the budget.
  virtual size_t held() const = 0;
  // Asked after each Data: true when the conversation changed protocol. The table then
  // ends this analyser (End) and gives `out->rest` and everything after it to a new one
  // of `out->kind` (when --protocols allows it; else to no one).
  virtual bool TakeHandover(Handover* out) {
    (void)out;
    return false;
  }
};

// How an analyser is found and made. Registered once per analyser file.
struct AnalyserInfo {
  Kind kind = Kind::kUnknown;
  const char* name = "";  // --protocols names it: "http", "dns", ...
  bool tcp = false, udp = false;
  // Content detection on the first bytes of direction `dir` (at most a few hundred):
  // true when they can only be this protocol's start. Null: by port only.
  bool (*detect)(int dir, std::span<const uint8_t> bytes) = nullptr;
  // Server ports that claim a conversation no content detection did (0: unused).
  std::array<uint16_t, 4> ports = {};
  std::unique_ptr<Analyser> (*make)(const Context& context) = nullptr;
  // The analyser's own record members, after the ones every record shares (FieldSpec
  // paths; formats/analysis_record.h has the shared ones): `pcapkit schema` is made of
  // them, and the tests check that the analyser writes nothing else.
  std::span<const protocols::FieldSpec> fields = {};
};

// Adds an analyser to the table (from a static initialiser: `static const bool
// registered = Register({...});`). Returns true.
bool Register(const AnalyserInfo& info);
// Every registered analyser, in the order content detection tries them (by kind).
const std::vector<AnalyserInfo>& Analysers();
// The own members of `kind`'s records (AnalyserInfo::fields); empty when none registered.
std::span<const protocols::FieldSpec> FieldsOf(Kind kind);

// --protocols "http,dns": the analysers' bits (1 << Kind), every one when `list` is
// empty; InvalidArgument naming the known ones on an unknown name.
Status KindsOf(const std::string& list, uint32_t* kinds);

}  // namespace pcapkit::analysis
