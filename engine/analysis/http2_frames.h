// One direction of an HTTP/2 connection (RFC 9113) read as a stream of frames, its bytes
// arriving in any pieces: the client's connection preface first, then 9-byte frame
// headers and their payloads. DATA payloads are passed on as they come (a body is never
// gathered here); the payloads of the other frames the analyser reads are gathered whole,
// at most max_head bytes each; those of the rest are skipped. Padding (PADDED) is removed.
//
// A frame longer than the maximum the peer allows (SETTINGS_MAX_FRAME_SIZE, 16384 until
// it says otherwise) or malformed padding stops the reader: nothing after it can be framed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/protocols/http2_frame.h"

namespace pcapkit::analysis::http2 {

using namespace http2_frame;  // frame types and flags
constexpr uint32_t kDefaultMaxFrame = 16384, kLargestMaxFrame = (1u << 24) - 1;

inline uint32_t Be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

struct FrameHeader {
  uint32_t length = 0;
  uint8_t type = 0, flags = 0;
  uint32_t stream = 0;
};

// What the reader finds, as it finds it. A handler may Stop the reader from any call.
class FrameHandler {
 public:
  virtual ~FrameHandler() = default;
  // A frame header was read (its length already checked).
  virtual void OnBegin(const FrameHeader& h) = 0;
  // The next bytes of a DATA frame's data.
  virtual void OnData(const FrameHeader& h, std::span<const uint8_t> data) = 0;
  // A whole frame: a DATA frame (its data came before), or another with its payload when
  // the analyser reads its type (else empty), padding removed.
  virtual void OnFrame(const FrameHeader& h, std::span<const uint8_t> payload) = 0;
};

class FrameReader {
 public:
  // `preface`: the direction starts with the client's connection preface.
  FrameReader(bool preface, size_t max_head);

  // Reads `bytes`, calling `handler` for what they complete.
  void Read(std::span<const uint8_t> bytes, FrameHandler& handler);
  // Nothing more is read; `why` says so in error().
  void Stop(std::string_view why);
  // The peer's SETTINGS_MAX_FRAME_SIZE: longer frames are errors from now on.
  void set_max_frame(uint32_t max) { max_frame_ = max; }

  bool stopped() const { return state_ == State::kStopped; }
  const std::string& error() const { return error_; }
  size_t held() const { return payload_.capacity(); }

 private:
  enum class State : uint8_t { kPreface, kHeader, kPayload, kStopped };
  size_t Preface(std::span<const uint8_t> bytes);
  size_t Header(std::span<const uint8_t> bytes, FrameHandler& handler);
  size_t Payload(std::span<const uint8_t> bytes, FrameHandler& handler);
  size_t Data(std::span<const uint8_t> bytes, FrameHandler& handler);
  void Begin(FrameHandler& handler);
  void Complete(FrameHandler& handler);

  State state_;
  size_t max_head_;
  uint32_t max_frame_ = kDefaultMaxFrame;
  size_t got_ = 0;  // kPreface: bytes of it matched; kHeader: bytes of it gathered
  uint8_t header_[9] = {};
  FrameHeader frame_;
  uint32_t left_ = 0;  // payload bytes still to come
  size_t keep_ = 0;    // payload bytes gathered: the type's, at most its length
  std::vector<uint8_t> payload_;
  // A DATA frame: its pad length byte is still to come; then data_left_ bytes of data
  // (the rest is padding).
  bool pad_byte_ = false;
  uint32_t data_left_ = 0;
  std::string error_;
};

}  // namespace pcapkit::analysis::http2
