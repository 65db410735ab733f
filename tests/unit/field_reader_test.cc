// Reading a record's fields for `build`: hex bytes (16 digits at a time where SSE2 is, one
// pair at a time after), and member lookups that start after the last member found.
#include "ipsuite/records/field_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using pcapkit::ipsuite::Bytes;
using pcapkit::ipsuite::records::FieldReader;
using pcapkit::ipsuite::records::ParseHex;

// The bytes 0, 1, ... n-1 (mod 256) and their hex text, in lower or upper case.
std::string HexOf(size_t n, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    text.push_back(digits[(i & 0xff) >> 4]);
    text.push_back(digits[i & 15]);
  }
  return text;
}

TEST(FieldReader, HexOfEveryLengthAndCaseDecodes) {
  for (size_t n = 0; n <= 70; ++n)
    for (bool upper : {false, true}) {
      Bytes got;
      ASSERT_TRUE(ParseHex(HexOf(n, upper), got)) << n;
      ASSERT_EQ(got.size(), n);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(got[i], uint8_t(i)) << n << " at " << i;
    }
  Bytes all;  // every byte value, both digits of each
  ASSERT_TRUE(ParseHex(HexOf(256, false), all));
  EXPECT_EQ(all.back(), 0xff);
}

// A byte that is no hex digit is refused wherever it sits: inside the 16-digit blocks and
// in the tail, including the bytes next to the digit ranges and those above 0x7f.
TEST(FieldReader, ANonHexByteAnywhereIsRefused) {
  const std::string good = HexOf(21, false);  // 42 digits: two blocks and a tail
  for (char bad : {'/', ':', '@', 'G', '`', 'g', ' ', '\0', char(0x80), char(0xb0), char(0xff)})
    for (size_t at = 0; at < good.size(); ++at) {
      std::string text = good;
      text[at] = bad;
      Bytes out;
      EXPECT_FALSE(ParseHex(text, out)) << int(uint8_t(bad)) << " at " << at;
    }
  Bytes out;
  EXPECT_FALSE(ParseHex("abc", out));  // odd
}

TEST(FieldReader, MembersAreFoundInAnyOrderAndAMissingOneIsNamed) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(std::string(R"({"a":1,"b":2,"c":3,"ab":4,"":5})")).get_object().get(o),
            simdjson::SUCCESS);
  std::string error;
  FieldReader f(o, "x", &error);
  EXPECT_EQ(f.Uint("c", 9), 3u);
  EXPECT_EQ(f.Uint("a", 9), 1u);   // before the last found: the search wraps to the start
  EXPECT_EQ(f.Uint("ab", 9), 4u);  // same first byte, another length
  EXPECT_EQ(f.Uint("b", 9), 2u);
  EXPECT_EQ(f.Uint("c", 9), 3u);
  EXPECT_TRUE(f.Has("a"));
  EXPECT_EQ(f.Uint("a", 9), 1u);  // Has, then the same key
  EXPECT_FALSE(f.Has("d"));
  EXPECT_EQ(f.Uint("", 9), 5u);  // an empty key is a key
  EXPECT_TRUE(error.empty()) << error;
  f.Uint("d", 9);
  EXPECT_EQ(error, "field x.d: missing");
}

}  // namespace
