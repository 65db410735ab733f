// The 8-byte address field Linux cooked captures v1 and v2 share (sll.cc, sll2.cc).
#pragma once

#include "engine/protocols/common.h"

namespace pcapkit::protocols {

// `halen` bytes of the field as the address (a MAC when 6), and the bytes past them when
// any is set, so that the record keeps the whole field.
inline void WriteSllAddress(const uint8_t* a, uint32_t halen, Emitter& out) {
  uint32_t n = halen < 8 ? halen : 8;
  if (n == 6) {
    out.Mac("addr", a);
  } else {
    out.Hex("addr", a, n);
  }
  for (uint32_t i = n; i < 8; ++i)
    if (a[i] != 0) return out.Hex("addr_rest", a + n, 8 - n);
}

}  // namespace pcapkit::protocols
