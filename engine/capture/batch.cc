#include "engine/capture/batch.h"

#include "engine/capture/format_parser.h"

namespace pcapkit::capture {

std::string MetaRecord::Title() const {
  static const char* const kNames[] = {
      "Global Header",   "Section Header",         "Interface Description",
      "Name Resolution", "Interface Statistics",   "Decryption Secrets",
      "Custom",          "systemd Journal Export", "Unknown"};
  std::string title = kNames[size_t(kind)];
  if (kind != Kind::kGlobalHeader) {
    title += ' ';  // not " " + to_string(): GCC 12 warns falsely of overlap there (PR 105651)
    title += std::to_string(ordinal);
  }
  if (!file.empty()) {
    title += " (";
    title += file;
    title += ')';
  }
  return title;
}

Timestamp MakeTimestamp(int64_t sec, uint64_t frac, uint8_t digits) {
  static constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                        100000, 1000000, 10000000, 100000000, 1000000000};
  uint64_t unit = kPow10[digits > 9 ? 9 : digits];
  Timestamp t;
  t.sec = sec + int64_t(frac / unit);
  t.frac = frac % unit;
  t.digits = digits;
  return t;
}

void MetaRecord::Hex(std::string key, const uint8_t* p, size_t n) {
  MetaField f{MetaField::kHex, std::move(key)};
  static constexpr char kDigits[] = "0123456789abcdef";
  f.text.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    f.text.push_back(kDigits[p[i] >> 4]);
    f.text.push_back(kDigits[p[i] & 15]);
  }
  fields.push_back(std::move(f));
}

}  // namespace pcapkit::capture
