// HTTP/1.x messages as the `http` analyser (http1.cc) keeps them, and what it needs to
// understand them: the start lines, the header fields, how a body is framed (RFC 9112), and
// how a transaction is written as a record. Free functions over plain structs, so the
// analyser's state machine stays apart from the syntax; the field list and its writer are
// shared with the `http2` analyser.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/body.h"
#include "pcapkit/emitter.h"

namespace pcapkit::analysis::http1 {

inline std::string_view View(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// A line without its LF and the CR before it.
std::string_view Chomp(std::string_view line);

// Calls fn(element) for each element of a comma-separated list, trimmed, empty ones skipped.
template <typename Fn>
void ForEach(std::string_view list, Fn fn) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view e = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (!e.empty()) fn(e);
  }
}

struct Field {
  std::string name, value;
};

// The first value of `name`, or null.
const std::string* Header(const std::vector<Field>& fields, std::string_view name);
// Every value of `name`, as one comma-separated list (RFC 9110 5.3).
std::string Joined(const std::vector<Field>& fields, std::string_view name);
// `name`'s list has the element `token` (Upgrade: h2c, Connection: upgrade).
bool Lists(const std::vector<Field>& fields, std::string_view name, std::string_view token);

// A request or a response.
struct Message {
  bool started = false;  // a byte of it (or a hole) was seen
  bool parsed = false;   // its start line was understood (or what of it arrived)
  bool done = false;     // nothing more of it will come
  // Its head was cut by a hole or the connection's end: what arrived of it is written, and
  // no body (`line_cut`: inside the start line, so the reason, or a request's version, is
  // not known either).
  bool head_cut = false, line_cut = false;
  Position first, last;  // where its first and latest bytes were
  std::string method, uri, version, reason;
  uint16_t status = 0;
  std::vector<Field> headers, trailers;
  BodySummary body;
};

struct Transaction {
  uint64_t depth = 0;  // trans_depth: 1, 2, ... on the connection
  Message request, response;
  std::vector<uint16_t> informational;  // 1xx before the final response
  bool asks_upgrade = false;            // Upgrade or CONNECT: what follows may not be HTTP
  bool decided = false;                 // the final response's head came
  bool upgraded = false;
  std::string upgrade;
  std::string error;
  size_t bytes = 0;  // head bytes held, against the pending budget
};

// Adds `error` to the transaction's `error` (`; `-joined).
inline void AddError(Transaction& t, std::string_view error) {
  t.error.append(t.error.empty() ? "" : "; ").append(error);
}

// How a message's body is delimited (RFC 9112 6.3).
struct Framing {
  enum Kind : uint8_t { kNone, kLength, kChunked, kClose } kind = kNone;
  uint64_t length = 0;
  std::string codings;  // Content-Encoding, then the transfer codings other than chunked
  const char* error = nullptr;
};

// The framing of message `m`; a response's depends on its request's `method`.
Framing Frame(const Message& m, bool request, std::string_view method);

// A method content detection and resynchronisation know (the parser takes any token).
bool KnownMethod(std::string_view method);
// Whether `v` (bytes from where a message may start) begins one: a known method and a space
// (`response` false), "HTTP/1.x nnn" and a blank or the line's end (true). kMaybe while `v`
// is too short to tell (at most kProbeLength bytes decide).
enum class Probe : uint8_t { kNo, kMaybe, kYes };
constexpr size_t kProbeLength = 16;
Probe StartLine(bool response, std::string_view v);

// A whole line the search for a message after a hole can start at: an HTTP/1.x request
// line (an HTTP/0.9 one cannot follow a hole: HTTP/0.9 has one request per connection) or
// a status line.
bool ResyncLine(bool response, std::string_view line);

// An HTTP/0.9 request line (RFC 1945 4.1 Simple-Request): a known method and a target, no
// version. It is the whole request: it has no headers.
bool SimpleRequestLine(std::string_view line);
// "METHOD target HTTP/1.x" (or an HTTP/0.9 line: version "0.9"); "HTTP/1.x 200 reason".
// False when malformed.
bool ParseRequestLine(std::string_view line, Message& m);
bool ParseStatusLine(std::string_view line, Message& m);
// A start line cut before its LF: what of it is certain — a request's method and target
// (when the blank after the target came) and version (when whole), a response's version and
// status. False when not even that arrived.
bool ParseCutStartLine(bool response, std::string_view text, Message& m);
// The field lines of `block` up to its empty line. False at a line that is no field.
bool ParseFields(std::string_view block, std::vector<Field>& out);
// "chunk-size [ chunk-ext ]": false when malformed.
bool ParseChunkSize(std::string_view line, uint64_t& size);

// `key`: [{name, value}, ...].
void WriteFieldList(Emitter& e, std::string_view key, const std::vector<Field>& fields);
// The analyser's members of a transaction's record.
void WriteTransaction(Emitter& e, const Transaction& t);

}  // namespace pcapkit::analysis::http1
