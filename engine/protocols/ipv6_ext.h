// The layout shared by IPv6 extension headers that carry TLV options (Hop-by-Hop and
// Destination Options, RFC 8200 §4.2). Not a protocol: a helper of those two.
#pragma once

#include <span>

#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {

// RFC 8200 §4.2: Pad1 (0) is one byte alone; every other option is type, length of the
// value, value. Mobility options (RFC 6275 §6.2.1) are laid out the same.
constexpr util::TlvLayout kIpv6OptionLayout = {.single_byte_types = {0, util::kNoTlvType},
                                               .cut_header_is_error = true};

// Whether n bytes are all zero: a PadN option's padding (RFC 8200 §4.2) is written only
// when it is not, so that records keep what a sender hid there.
inline bool AllZero(const uint8_t* p, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

// next header, length in 8-octet units not counting the first 8.
void DissectExtensionHeader(const uint8_t* p, uint32_t len, DissectResult& out, const char* error);
// next, length (bytes), options [{type, name?, len, data}].
void WriteTlvOptionsHeader(const LayerContext& l, Emitter& out);
// What WriteTlvOptionsHeader writes, and a summary of it: Hop-by-Hop and Destination
// Options share both (the field tables differ only in tshark's names).
enum class TlvOptionsHeader { kHopByHop, kDestination };
std::span<const FieldSpec> TlvOptionsHeaderFields(TlvOptionsHeader which);
extern const char* const kTlvOptionsHeaderSummary;

}  // namespace pcapkit::protocols
