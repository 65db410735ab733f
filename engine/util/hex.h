// Small text helpers shared by readers and writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pcapkit::util {

// Appends lower-case hex of p[0, n) to `out`, no separators.
void AppendHex(std::string& out, const uint8_t* p, size_t n);
std::string Hex(const uint8_t* p, size_t n);

// Writes the text forms used in records into `out`, returns the end. `out` needs 17, 15
// and 39 bytes respectively (the bytes past the end may be overwritten up to there).
char* WriteMac(char* out, const uint8_t* mac);
char* WriteIpv4(char* out, const uint8_t* addr);
char* WriteIpv6(char* out, const uint8_t* addr);  // RFC 5952

}  // namespace pcapkit::util
