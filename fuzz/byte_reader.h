// What the fuzz targets that build packets from their input share: a reader that turns
// the input into numbers (zeros once it runs out), and big-endian stores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pcapkit::fuzz {

struct ByteReader {
  const uint8_t* p;
  size_t n;
  uint8_t U8() { return n ? (--n, *p++) : 0; }
  uint16_t U16() { return uint16_t(U8() << 8 | U8()); }
  uint32_t U32() { return uint32_t(U16()) << 16 | U16(); }
};

inline void Put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}

inline void Put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  Put16(b, at, uint16_t(v >> 16));
  Put16(b, at + 2, uint16_t(v));
}

}  // namespace pcapkit::fuzz
