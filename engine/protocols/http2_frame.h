// HTTP/2's frame types and flags (RFC 9113 §6), shared by the per-packet dissector
// (engine/protocols/http2.cc) and the stream analyser (engine/analysis/http2*).
#pragma once

#include <cstdint>

namespace pcapkit::http2_frame {

enum FrameType : uint8_t {
  kData = 0,
  kHeaders = 1,
  kPriority = 2,
  kRstStream = 3,
  kSettings = 4,
  kPushPromise = 5,
  kPing = 6,
  kGoAway = 7,
  kWindowUpdate = 8,
  kContinuation = 9,
};
constexpr uint8_t kEndStream = 0x01, kAck = 0x01, kEndHeaders = 0x04, kPadded = 0x08,
                  kPriorityFlag = 0x20;

}  // namespace pcapkit::http2_frame
