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
#include "engine/protocols/emitter.h"

namespace pcapkit::analysis::http1 {

inline std::string_view View(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Case-insensitive equality of ASCII names (header names, tokens).
bool SameName(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view v);
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
  bool parsed = false;   // its start line was understood
  bool done = false;     // nothing more of it will come
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

// "METHOD target HTTP/1.x"; "HTTP/1.x 200 reason". False when malformed.
bool ParseRequestLine(std::string_view line, Message& m);
bool ParseStatusLine(std::string_view line, Message& m);
// The field lines of `block` up to its empty line. False at a line that is no field.
bool ParseFields(std::string_view block, std::vector<Field>& out);
// "chunk-size [ chunk-ext ]": false when malformed.
bool ParseChunkSize(std::string_view line, uint64_t& size);

// `key`: [{name, value}, ...].
void WriteFieldList(Emitter& e, std::string_view key, const std::vector<Field>& fields);
// The analyser's members of a transaction's record.
void WriteTransaction(Emitter& e, const Transaction& t);

}  // namespace pcapkit::analysis::http1
