// The layout shared by IPv6 extension headers that carry TLV options (Hop-by-Hop and
// Destination Options, RFC 8200 §4.2). Not a protocol: a helper of those two.
#pragma once

#include "engine/protocols/common.h"

namespace pcapkit::protocols {

// next header, length in 8-octet units not counting the first 8.
void DissectExtensionHeader(const uint8_t* p, uint32_t len, DissectResult& out, const char* error);
// next, length (bytes), options [{type, name?, len, data}].
void WriteTlvOptionsHeader(const LayerContext& l, Emitter& out);

}  // namespace pcapkit::protocols
