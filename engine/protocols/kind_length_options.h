// The option layout IPv4 (RFC 791) and TCP (RFC 9293) share: single-byte End-of-List (0)
// and No-Operation (1), then kind, a length counting both leading bytes, and the value.
// Not a protocol: the walker both write their option lists with.
#pragma once

#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {

constexpr util::TlvLayout kKindLengthLayout = {.length_counts = util::TlvLength::kEntry,
                                               .single_byte_types = {0, 1},
                                               .end_type = 0,
                                               .cut_header_is_error = true};

// Writes `options` as a list of {<kind_key>, name?, len?, ...}: `name(kind)` gives the
// name (nullptr: none), `value(kind, v, vlen, out)` the fields of the value. A length
// below 2 or past the header ends the list with an entry carrying `error` and the `rest`
// of the options' bytes from it on.
template <class NameFn, class ValueFn>
void WriteKindLengthOptions(const uint8_t* p, uint32_t n, const char* kind_key, NameFn name,
                            ValueFn value, Emitter& out) {
  out.BeginArray("options");
  util::TlvCursor options(p, n, kKindLengthLayout);
  util::TlvEntry o;
  while (options.Next(o)) {
    uint8_t kind = uint8_t(o.type);
    out.BeginObject();
    out.Uint(kind_key, kind);
    if (const char* label = name(kind)) out.Plain("name", label);
    if (o.error != util::TlvError::kNone) {
      out.Plain("error", "bad option length");
      out.Hex("rest", o.header, n - o.offset);  // what a rebuild needs of the bad option
    } else if (o.size > 1) {                    // EOL and NOP are their kind alone
      out.Uint("len", o.size);
      value(kind, o.value, o.value_len, out);
    }
    out.EndObject();
  }
  out.EndArray();
}

}  // namespace pcapkit::protocols
