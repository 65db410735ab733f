#include "engine/util/hex.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "pcapkit/layers.h"

namespace pcapkit::util {
namespace {
constexpr char kDigits[] = "0123456789abcdef";

// "0" to "255": the digits, then their count. An IPv4 address is four copies from this
// table instead of two divisions per byte (addresses are in most records).
struct DecimalByte {
  char digits[3];
  uint8_t count;
};
constexpr std::array<DecimalByte, 256> kDecimalBytes = [] {
  std::array<DecimalByte, 256> table{};
  for (unsigned v = 0; v < 256; ++v) {
    DecimalByte& d = table[v];
    if (v >= 100) d.digits[d.count++] = char('0' + v / 100);
    if (v >= 10) d.digits[d.count++] = char('0' + v / 10 % 10);
    d.digits[d.count++] = char('0' + v % 10);
  }
  return table;
}();

// Copies all three digit bytes (one store) and moves past the used ones: the bytes after
// them are overwritten by what follows, and never reach past the 15 bytes an address needs.
char* WriteDecimalByte(char* out, uint8_t v) {
  std::memcpy(out, kDecimalBytes[v].digits, 3);
  return out + kDecimalBytes[v].count;
}
}  // namespace

void AppendHex(std::string& out, const uint8_t* p, size_t n) {
  size_t at = out.size();
  out.resize(at + 2 * n);
  char* o = out.data() + at;
  for (size_t i = 0; i < n; ++i) {
    o[2 * i] = kDigits[p[i] >> 4];
    o[2 * i + 1] = kDigits[p[i] & 15];
  }
}

std::string Hex(const uint8_t* p, size_t n) {
  std::string s;
  AppendHex(s, p, n);
  return s;
}

char* WriteMac(char* out, const uint8_t* mac) {
  for (int i = 0; i < 6; ++i) {
    if (i) *out++ = ':';
    *out++ = kDigits[mac[i] >> 4];
    *out++ = kDigits[mac[i] & 15];
  }
  return out;
}

char* WriteIpv4(char* out, const uint8_t* a) {
  for (int i = 0; i < 4; ++i) {
    if (i) *out++ = '.';
    out = WriteDecimalByte(out, a[i]);
  }
  return out;
}

char* WriteIpv6(char* out, const uint8_t* a) {
  uint16_t w[8];
  for (int i = 0; i < 8; ++i) w[i] = uint16_t(a[2 * i] << 8 | a[2 * i + 1]);
  // RFC 5952: the longest run (first on ties) of two or more zero groups becomes "::".
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (w[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && w[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d) keeps the dotted tail, as RFC 5952 §5 recommends.
  bool mapped = best == 0 && best_len == 5 && w[5] == 0xffff;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      *out++ = ':';
      if (i == 0) *out++ = ':';
      i += best_len - 1;
      if (mapped) {
        out = std::copy_n("ffff:", 5, out);
        return WriteIpv4(out, a + 12);
      }
      continue;
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned d = (w[i] >> shift) & 15;
      if (d || started || shift == 0) {
        *out++ = kDigits[d];
        started = true;
      }
    }
    if (i != 7) *out++ = ':';
  }
  return out;
}

}  // namespace pcapkit::util

namespace pcapkit {
std::string FormatMac(const uint8_t* mac) {
  char b[24];
  return std::string(b, util::WriteMac(b, mac));
}
std::string FormatIpv4(const uint8_t* addr) {
  char b[24];
  return std::string(b, util::WriteIpv4(b, addr));
}
std::string FormatIpv6(const uint8_t* addr) {
  char b[48];
  return std::string(b, util::WriteIpv6(b, addr));
}
}  // namespace pcapkit
