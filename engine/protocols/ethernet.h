// What the dissector tells the Ethernet layer's writer about the bytes after its payload,
// through the layer's aux (set once the whole stack is dissected: see
// Dissector::FindTrailingBytes).
#pragma once

#include <cstdint>

#include "engine/protocols/registry.h"

namespace pcapkit::protocols {

// IEEE 802.3's minimum frame, FCS excluded: shorter payloads are padded up to it.
constexpr uint32_t kEthernetMinFrame = 60;
// An Ethernet layer's aux: the bytes of the layer (from its header) that its payload used;
// what follows up to the layer's end is padding, then trailer. Two flags: a frame shorter
// than the minimum on the wire was not padded (what follows is all trailer); an 802.3
// frame's length field alone says what its payload used (what the payload leaves unused
// inside it, such as an IPX packet's even-length byte, is the payload's).
constexpr uint32_t kEthernetUnpadded = 1u << 31;
constexpr uint32_t kEthernetLengthField = 1u << 30;
constexpr uint32_t kEthernetUsedMask = kEthernetLengthField - 1;

// A padded layer's `padding` and `trailer` objects, from its aux (with --payload, their
// bytes too): what Ethernet and the Linux cooked headers write after their own members.
void WriteTrailingBytes(const LayerContext& l, Emitter& out);

// Their rows in a padded layer's field table.
#define PCAPKIT_TRAILING_BYTES_FIELDS                                                           \
  {"padding", kObject,                                                                          \
   "bytes after what the payload used, up to the 60-byte minimum frame (absent when none)"},    \
      {"padding.len", kInt, "their number (as captured)", "eth.padding =len"},                  \
      {"padding.data", kHex, "the bytes, only with `--payload`"},                               \
      {"trailer", kObject, "bytes past the padding, or past the payload of an unpadded frame"}, \
      {"trailer.len", kInt, "their number (as captured)"}, {                                    \
    "trailer.data", kHex, "the bytes, only with `--payload`"                                    \
  }

}  // namespace pcapkit::protocols
