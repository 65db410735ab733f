// pcapng's option lists, for the parser and for writers of frame records and captures:
// code and length of the value, two bytes each in the section's byte order, the value
// padded to 4 bytes; code 0 (opt_endofopt, nrb_record_end) ends the list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/util/tlv.h"

namespace pcapkit::capture {

constexpr uint16_t kEndOfList = 0;
constexpr uint16_t kOptComment = 1;  // opt_comment, in every block

constexpr util::TlvLayout TlvLayoutOf(bool big_endian) {
  return {.type_size = 2,
          .length_at = 2,
          .length_size = 2,
          .align = 4,
          .big_endian = big_endian,
          .end_type = kEndOfList};
}

// Calls `f(std::string_view)` with each opt_comment of a block's options, in order; the
// list ends at its end marker or at an entry that overruns it. A comment ends at its
// first NUL, as tshark reads it (writers that count a terminator, or pad with garbage).
template <class F>
void ForEachComment(const uint8_t* p, size_t n, bool big_endian, F&& f) {
  util::TlvCursor options(p, uint32_t(n), TlvLayoutOf(big_endian));
  util::TlvEntry o;
  while (options.Next(o) && o.error == util::TlvError::kNone && o.type != kEndOfList) {
    if (o.type != kOptComment) continue;
    std::string_view text(reinterpret_cast<const char*>(o.value), o.value_len);
    f(text.substr(0, text.find('\0')));
  }
}

}  // namespace pcapkit::capture
