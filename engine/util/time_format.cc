#include "engine/util/time_format.h"

#include <charconv>
#include <cstdint>

namespace pcapkit::util {
namespace {

// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm, valid for any int64).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

char* Two(char* out, unsigned v) {
  out[0] = char('0' + v / 10);
  out[1] = char('0' + v % 10);
  return out + 2;
}

char* Fraction(char* out, uint64_t frac, uint8_t digits) {
  if (digits == 0) return out;
  *out++ = '.';
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = char('0' + frac % 10);
    frac /= 10;
  }
  return out + digits;
}

}  // namespace

char* WriteIsoTime(char* out, const Timestamp& t) {
  int64_t days = t.sec / 86400, secs = t.sec % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  if (y >= 0 && y < 10000) {
    for (int i = 3; i >= 0; --i) {
      out[i] = char('0' + y % 10);
      y /= 10;
    }
    out += 4;
  } else {
    out = std::to_chars(out, out + 24, y).ptr;
  }
  *out++ = '-';
  out = Two(out, m);
  *out++ = '-';
  out = Two(out, d);
  *out++ = 'T';
  out = Two(out, unsigned(secs / 3600));
  *out++ = ':';
  out = Two(out, unsigned(secs / 60 % 60));
  *out++ = ':';
  out = Two(out, unsigned(secs % 60));
  out = Fraction(out, t.frac, t.digits);
  *out++ = 'Z';
  return out;
}

char* WriteEpoch(char* out, const Timestamp& t) {
  static constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  if (t.sec < 0 && t.frac > 0) {
    // -6 s + 0.999999 s = -5.000001 s
    *out++ = '-';
    out = std::to_chars(out, out + 24, -(t.sec + 1)).ptr;
    return Fraction(out, kPow10[t.digits] - t.frac, t.digits);
  }
  out = std::to_chars(out, out + 24, t.sec).ptr;
  return Fraction(out, t.frac, t.digits);
}

}  // namespace pcapkit::util
