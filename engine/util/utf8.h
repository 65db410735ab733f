// UTF-8 validation shared by the text writers: every format replaces what is not valid
// UTF-8 (RFC 3629) with U+FFFD, so no output is ever invalid text.
#pragma once

#include <cstddef>

namespace pcapkit::util {

// Length of the valid UTF-8 sequence at p[0, n) (1 to 4), or 0 when it is not one:
// overlong forms, surrogates and code points past U+10FFFF are not valid.
inline size_t Utf8Length(const unsigned char* p, size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i) { return i < n && (p[i] & 0xc0) == 0x80; };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xe0 && p[1] < 0xa0) return 0;  // overlong
    if (c == 0xed && p[1] > 0x9f) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xf0 && p[1] < 0x90) return 0;
    if (c == 0xf4 && p[1] > 0x8f) return 0;
    return 4;
  }
  return 0;
}

// Whether all of p[0, n) is valid UTF-8: where a record writes bytes as text, it keeps
// them as hex too when they are not (so that `build` can give them back).
inline bool IsUtf8(const unsigned char* p, size_t n) {
  for (size_t i = 0, k; i < n; i += k)
    if ((k = Utf8Length(p + i, n - i)) == 0) return false;
  return true;
}

}  // namespace pcapkit::util
