// Values GTPv1-C (gtpv1c.cc) and GTPv2-C (gtpv2.cc) information elements encode alike:
// TBCD digits (IMSI, MSISDN) and an APN's length-prefixed labels. Each is written only
// when its encoding is unambiguous; otherwise nothing (the IE's `value` hex holds it).
#pragma once

#include "engine/protocols/common.h"

namespace pcapkit::protocols::gtpc {

// TBCD (TS 29.002): two digits a byte, the low nibble first; a final high nibble 0xf is
// filler. Written only when every other nibble is a decimal digit.
inline void WriteTbcd(std::string_view key, const uint8_t* p, uint32_t n, Emitter& out) {
  char digits[32];
  uint32_t count = 0;
  if (n == 0 || n > sizeof digits / 2) return;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t low = p[i] & 0x0f, high = p[i] >> 4;
    if (low > 9) return;
    digits[count++] = char('0' + low);
    if (high == 0x0f && i + 1 == n) break;
    if (high > 9) return;
    digits[count++] = char('0' + high);
  }
  out.Plain(key, std::string_view(digits, count));
}

// An APN (TS 23.003 §9.1): labels, each its length then its bytes, read as names joined
// by dots. Written only when the labels fill the value exactly and none is empty.
inline void WriteApn(std::string_view key, const uint8_t* p, uint32_t n, Emitter& out) {
  char text[255];
  uint32_t count = 0;
  if (n == 0 || n > sizeof text) return;
  for (uint32_t at = 0; at < n;) {
    uint32_t label = p[at];
    if (label == 0 || label > n - at - 1) return;
    if (at > 0) text[count++] = '.';
    for (uint32_t i = 1; i <= label; ++i) text[count++] = char(p[at + i]);
    at += label + 1;
  }
  out.Text(key, std::string_view(text, count));
}

}  // namespace pcapkit::protocols::gtpc
