// The option layout IPv4 (RFC 791) and TCP (RFC 9293) share: single-byte End-of-List (0)
// and No-Operation (1), then kind, a length counting both leading bytes, and the value.
// Not a protocol: the walker both write their option lists with.
#pragma once

#include "engine/protocols/common.h"

namespace pcapkit::protocols {

// Writes `options` as a list of {<kind_key>, name?, len?, ...}: `name(kind)` gives the
// name (nullptr: none), `value(kind, v, vlen, out)` the fields of the value. A length
// below 2 or past the header ends the list with an entry carrying `error`.
template <class NameFn, class ValueFn>
void WriteKindLengthOptions(const uint8_t* p, uint32_t n, const char* kind_key, NameFn name,
                            ValueFn value, Emitter& out) {
  out.BeginArray("options");
  uint32_t pos = 0;
  while (pos < n) {
    uint8_t kind = p[pos];
    out.BeginObject();
    out.Uint(kind_key, kind);
    if (const char* label = name(kind)) out.Plain("name", label);
    if (kind == 0 || kind == 1) {
      out.EndObject();
      ++pos;
      if (kind == 0) break;
      continue;
    }
    uint8_t olen = pos + 1 < n ? p[pos + 1] : 0;
    if (olen < 2 || pos + olen > n) {
      out.Plain("error", "bad option length");
      out.EndObject();
      break;
    }
    out.Uint("len", olen);
    value(kind, p + pos + 2, uint32_t(olen - 2u), out);
    out.EndObject();
    pos += olen;
  }
  out.EndArray();
}

}  // namespace pcapkit::protocols
