// Reassembly of IP fragments (IPv4, IPv6) and TCP streams, fed frame by frame.
//
//   pcapkit::Extractor ex({.input = "in.pcap"});
//   pcapkit::Reassembler r({.ipv4 = true, .ipv6 = true, .tcp = true},
//                          {.datagram = [](const pcapkit::Datagram& d) { ... },
//                           .stream = [](const pcapkit::StreamData& s) { ... }});
//   while (const pcapkit::Frame* f = ex.Next()) r.Feed(*f);
//   r.Finish();  // what is still pending comes out as partial
//
// Everything is driven by the capture's own timestamps (timeouts) and by the bytes fed
// (budgets), never by the wall clock, so the same frames always give the same results,
// on a file or on a live capture. Memory is bounded by ReassemblyOptions' budgets: what
// has to go to stay within them is handed out (status kEvicted), never dropped silently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pcapkit/frame.h"

namespace pcapkit {

// What to do with bytes that arrive for a range already received.
enum class OverlapPolicy {
  kFirst,  // keep the bytes received first (RFC 9293's rule for TCP; the default)
  kLast,   // the newest bytes replace the old ones
};

struct ReassemblyOptions {
  bool ipv4 = false;  // --reassemble ipv4 / --ipv4
  bool ipv6 = false;  // --reassemble ipv6 / --ipv6
  bool tcp = false;   // --reassemble tcp / --tcp
  // --strict: incomplete datagrams and streams with gaps are records too (their received
  // runs); without it they are only counted and listed in the summary.
  bool strict = false;
  // --tcp-messages: PyPCAPKit's view of a stream, one record per run of in-order data
  // sharing an acknowledgement number, instead of one record per direction.
  bool tcp_messages = false;
  OverlapPolicy overlap = OverlapPolicy::kFirst;  // --overlap first|last
  double ipv4_timeout = 15;                       // --ipv4-timeout seconds (RFC 791), capture time
  double ipv6_timeout = 60;                       // --ipv6-timeout seconds (RFC 8200), capture time
  double tcp_timeout = 300;                       // --tcp-timeout seconds of idleness, capture time
  size_t ip_memory = 32 << 20;    // --ip-memory: bytes held by pending datagrams at most
  size_t tcp_memory = 128 << 20;  // --tcp-memory: bytes held by all connections at most
  size_t tcp_buffer = 64 << 10;   // --tcp-buffer: bytes one direction holds before a record
  size_t summary_limit = 1000;    // incomplete records listed by name in the summary
};

enum class ReassemblyStatus {
  kComplete,  // every byte is there
  kPartial,   // bytes are missing (the capture ended, or a gap was certain)
  kTimedOut,  // still incomplete when its timeout passed
  kEvicted,   // still incomplete when the memory budget needed its room
};
const char* StatusName(ReassemblyStatus status);  // "complete", "partial", ...

// A range of bytes that never arrived: IP offsets in bytes from the start of the
// datagram's payload; TCP `seq` is the wire sequence number of the first missing byte.
struct Gap {
  uint64_t seq;
  uint64_t len;
};

// A contiguous range of bytes that did arrive.
struct Run {
  uint64_t seq;  // IP: offset in the payload; TCP: wire sequence number of the first byte
  std::span<const uint8_t> data;
};

// An IP datagram rebuilt from its fragments.
struct Datagram {
  bool ipv6 = false;
  const uint8_t* src = nullptr;  // 4 or 16 bytes
  const uint8_t* dst = nullptr;
  uint32_t id = 0;
  uint8_t protocol = 0;  // IPv4's protocol; IPv6: the Fragment header's next header
  ReassemblyStatus status = ReassemblyStatus::kComplete;
  bool conflict = false;            // overlapping fragments disagreed on some byte
  bool oversize = false;            // a fragment reached past 65,535 bytes; its excess was dropped
  std::span<const uint64_t> index;  // frame numbers of the fragments, in arrival order
  // The offset-0 fragment's IP header (IPv6: the fixed header and every extension
  // header before the Fragment header); empty when that fragment never came.
  std::span<const uint8_t> header;
  std::span<const uint8_t> payload;  // complete: the whole payload; else empty
  std::vector<Run> runs;             // what arrived, in offset order
  std::vector<Gap> gaps;             // what did not (up to the end when it is known)
  int64_t total_length = -1;         // payload bytes, once the last fragment told it
  Timestamp first, last;             // capture times of the first and last fragment
  // Complete: the payload dissected as its upper layer (frame number and time are those
  // of the last fragment). Null otherwise.
  const Frame* packet = nullptr;
};

// Why a stream record ended.
enum class StreamEnd {
  kFin,      // the direction's FIN was reached
  kRst,      // the connection was reset
  kTimeout,  // idle longer than tcp_timeout
  kEvicted,  // the tcp_memory budget needed its room
  kLimit,    // the direction held tcp_buffer bytes: more records follow
  kMessage,  // --tcp-messages: the acknowledgement number changed
  kEof,      // the capture ended (Finish)
  kReused,   // a new SYN took the 5-tuple over: the old connection ended unseen
};
const char* StreamEndName(StreamEnd end);  // "fin", "rst", ...

struct Endpoint {
  const uint8_t* addr = nullptr;  // 4 or 16 bytes
  uint16_t port = 0;
};

// In-order bytes of one direction of a TCP connection.
struct StreamData {
  bool ipv6 = false;
  Endpoint src, dst;        // the direction's sender and receiver
  bool from_client = true;  // client: the SYN's sender, else the first packet's
  uint64_t connection = 0;  // 1-based number of the connection, in order of appearance
  uint32_t part = 1;        // 1-based record number within this direction
  ReassemblyStatus status = ReassemblyStatus::kComplete;
  StreamEnd end = StreamEnd::kEof;
  bool conflict = false;  // a retransmission disagreed with bytes still held
  bool has_ack = false;   // --tcp-messages: the acknowledgement number the data carried
  uint32_t ack = 0;
  uint32_t seq = 0;                 // wire sequence number where the record starts (a run or a gap)
  uint64_t offset = 0;              // stream offset (bytes since the first one) of the same place
  std::span<const uint64_t> index;  // frames whose bytes (or SYN/FIN/RST) are in it
  std::span<const uint8_t> payload;  // no gaps: every byte, in order; else empty
  std::vector<Run> runs;             // what arrived (one run when there is no gap)
  std::vector<Gap> gaps;             // sequence ranges known to be missing
  Timestamp first, last;
  // No gaps: the payload dissected as the application protocol its ports name (or its
  // content shows). Null otherwise.
  const Frame* packet = nullptr;
};

struct ConnectionInfo {
  bool ipv6 = false;
  Endpoint client, server;
  uint64_t connection = 0;
  StreamEnd end = StreamEnd::kEof;  // kFin (both ways), kRst, kTimeout, kEvicted, kEof, kReused
  uint64_t client_bytes = 0, server_bytes = 0;  // payload bytes delivered each way
  uint64_t gaps = 0;                            // missing bytes, both ways
  uint64_t frames = 0;                          // TCP frames seen
  uint64_t last_frame = 0;                      // the latest of them
  Timestamp first, last;
};

struct ReassemblyStats {
  uint64_t fragments = 0, datagrams = 0;  // IP fragments fed; datagrams handed out
  uint64_t datagrams_complete = 0;
  uint64_t datagrams_partial = 0, datagrams_timed_out = 0, datagrams_evicted = 0;
  uint64_t segments = 0, connections = 0;      // TCP segments fed; connections seen
  uint64_t streams = 0, streams_complete = 0;  // stream records handed out; without gaps
  uint64_t retransmissions = 0;                // segments whose bytes were all received already
  uint64_t gap_bytes = 0;                      // TCP bytes known missing
  uint64_t connections_evicted = 0, connections_timed_out = 0;
  uint64_t conflicts = 0;    // datagrams and stream records with a conflict
  uint64_t after_close = 0;  // segments of a connection already closed, ignored
  size_t peak_ip_memory = 0, peak_tcp_memory = 0;  // most bytes held at once
};

// Streaming (what `pcapkit analyse` consumes): one direction's next bytes, handed out as
// soon as they are in order, or a range of it that was certainly never captured.
struct StreamPiece {
  bool ipv6 = false;
  Endpoint client, server;
  bool from_client = true;           // the direction: client to server
  uint64_t connection = 0;           // as StreamData::connection
  uint64_t offset = 0;               // stream offset of the piece's first byte
  std::span<const uint8_t> data;     // the bytes; empty for a gap
  uint64_t gap = 0;                  // a gap: this many bytes are missing at `offset`
  std::span<const uint64_t> frames;  // frames whose bytes these are, the first byte's first
  Timestamp time;                    // of the latest of them
};

struct ReassemblyCallbacks {
  std::function<void(const Datagram&)> datagram;      // every datagram handed out
  std::function<void(const StreamData&)> stream;      // every stream record
  std::function<void(const ConnectionInfo&)> closed;  // every connection, when it ends
  // When set, TCP bytes go out as pieces instead of stream records (`stream` is not
  // called), and nothing is kept once handed out: retransmissions of bytes already
  // delivered are dropped without comparing them, so `conflict` is not reported.
  std::function<void(const StreamPiece&)> piece;
  // Every TCP connection as it opens (its number), within the Feed of the frame that
  // opened it: streaming consumers tell connections apart before their first piece.
  std::function<void(uint64_t connection)> opened;
};

class Reassembler {
 public:
  // Throws FormatError on options that cannot work (a zero budget).
  Reassembler(const ReassemblyOptions& options, ReassemblyCallbacks callbacks);
  ~Reassembler();
  Reassembler(const Reassembler&) = delete;
  Reassembler& operator=(const Reassembler&) = delete;

  // Offers a dissected frame (from Extractor::Next or any Frame the engine filled): its
  // IP fragments and TCP segment go to the reassemblers the options enable. Callbacks run
  // inside the call; what they are given is valid only while they run.
  void Feed(const Frame& frame);
  // The capture ended: everything pending is handed out (partial), connections closed.
  void Finish();
  const ReassemblyStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pcapkit
