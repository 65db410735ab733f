// A built frame as the capture writers of formats take it.
#pragma once

#include "pcapkit/frame.h"
#include "pcapkit/ipsuite.h"

namespace pcapkit::ipsuite {

// `f`'s FrameInfo with its time in units of 10^-digits seconds; `data` gets the frame's
// bytes, then its comments as pcapng opt_comment options, where a reader's frame keeps the
// options it read.
FrameInfo FrameInfoOf(const CapturedFrame& f, uint8_t digits, Bytes& data);

}  // namespace pcapkit::ipsuite
