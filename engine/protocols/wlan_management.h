// The body of an 802.11 management frame, written into the 802.11 layer: the fixed
// parameters of its subtype, then the tagged parameters (information elements).
#pragma once

#include <cstdint>

#include "pcapkit/emitter.h"

namespace pcapkit::protocols {

// Writes the body b[0, n) of a management frame of `subtype`.
void WriteManagementBody(uint8_t subtype, const uint8_t* b, uint32_t n, Emitter& out);

}  // namespace pcapkit::protocols
