// Values GTPv1-C (gtpv1c.cc) and GTPv2-C (gtpv2.cc) information elements encode alike:
// TBCD digits (IMSI, MSISDN) and an APN's length-prefixed labels. Each is written only
// when its encoding is unambiguous; otherwise nothing (the IE's `value` hex holds it).
#pragma once

#include "engine/protocols/common.h"

namespace pcapkit::protocols::gtpc {

// TS 29.060 §7.7, Table 37: the value's length of each TV type; 0 for a type not listed.
inline uint32_t TvLength(uint8_t type) {
  switch (type) {
    case 1:   // Cause
    case 8:   // Reordering Required
    case 11:  // MAP Cause
    case 13:  // MS Validated
    case 14:  // Recovery
    case 15:  // Selection Mode
    case 19:  // Teardown Ind
    case 20:  // NSAPI
    case 21:  // RANAP Cause
    case 23:  // Radio Priority SMS
    case 24:  // Radio Priority
    case 29:  // MS Not Reachable Reason
      return 1;
    case 25:  // Packet Flow Id
    case 26:  // Charging Characteristics
    case 27:  // Trace Reference
    case 28:  // Trace Type
      return 2;
    case 12:  // P-TMSI Signature
      return 3;
    case 4:    // TLLI
    case 5:    // P-TMSI
    case 16:   // TEID Data I
    case 17:   // TEID Control Plane
    case 127:  // Charging ID
      return 4;
    case 18:  // TEID Data II
      return 5;
    case 3:  // Routeing Area Identity
      return 6;
    case 2:  // IMSI
      return 8;
    case 22:  // RAB Context
      return 9;
    case 9:  // Authentication Triplet
      return 28;
  }
  return 0;
}

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
