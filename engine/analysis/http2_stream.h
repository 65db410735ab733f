// HTTP/2 streams as the `http2` analyser (http2.cc) keeps them until they are written: a
// request and a response each with their header fields and body, and how the stream
// ended. Also the HPACK decoder of one direction (RFC 7541, nghttp2's inflater), and the
// record a stream is written as.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/body.h"
#include "engine/analysis/http1_message.h"
#include "pcapkit/emitter.h"

typedef struct nghttp2_hd_inflater nghttp2_hd_inflater;

namespace pcapkit::analysis::http2 {

using http1::Field;

// One direction's HPACK decoder: its dynamic table lives as long as the direction is read.
class Hpack {
 public:
  Hpack();
  ~Hpack();
  Hpack(const Hpack&) = delete;
  Hpack& operator=(const Hpack&) = delete;

  // Decodes a whole header block into `out`, keeping at most `limit` bytes of names and
  // values (past it `truncated`; the block is still decoded, so the table stays right).
  // False when the block does not decode: the table is lost with it.
  bool Decode(std::span<const uint8_t> block, size_t limit, std::vector<Field>& out,
              bool& truncated);
  // The peer's SETTINGS_HEADER_TABLE_SIZE: the most the encoder's table may hold.
  bool SetMaxTableSize(uint32_t size);
  size_t held() const;

 private:
  nghttp2_hd_inflater* inflater_ = nullptr;
};

// A request (the client's half of a stream) or a response (the server's).
struct Half {
  bool headers = false;  // its header block came (a response's final one)
  bool ended = false;    // END_STREAM came, or this side sends nothing (pushed, upgraded)
  std::string method, scheme, authority, path;  // a request's pseudo-header fields
  int status = -1;                              // a response's :status (-1: none or bad)
  std::vector<Field> fields, trailers;          // the regular fields, in order
  std::unique_ptr<BodyReader> reader;           // while DATA comes
  BodySummary body;                             // once the body ended
  uint64_t gaps = 0;                            // bytes lost around it (a hole in its direction)
};

struct Stream {
  uint32_t id = 0;
  uint64_t order = 0;  // opening order: the oldest goes first when too many are open
  Half half[2];        // 0: the request, 1: the response
  std::vector<uint16_t> informational;  // 1xx before the final response
  bool upgraded = false;                // stream 1 after an h2c upgrade: no request here
  uint32_t pushed_by = 0;               // the stream whose PUSH_PROMISE opened it
  bool reset = false;
  uint32_t rst_error = 0;
  bool goaway = false;
  uint32_t goaway_code = 0;
  std::string error;
  Position first, last;
  size_t head_bytes = 0;  // names and values its header blocks brought
  bool told[2] = {};      // the error that stopped a direction was added
};

// Takes a decoded header block as a request's or response's head: the pseudo-header
// fields into their members, the others in order. A response's 1xx is informational.
void TakeHead(Stream& s, int dir, std::vector<Field>&& fields);
// Takes a header block that follows the head: trailer fields.
void TakeTrailers(Half& h, std::vector<Field>&& fields);
// Adds `error` to the stream's `error` (`; `-joined).
void AddError(Stream& s, std::string_view error);
// The analyser's members of the stream's record (the bodies already finished).
void WriteStream(Emitter& e, const Stream& s);
// Memory the stream holds.
size_t StreamHeld(const Stream& s);

}  // namespace pcapkit::analysis::http2
