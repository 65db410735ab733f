#include "engine/analysis/http2_frames.h"

#include <algorithm>
#include <cstring>

namespace pcapkit::analysis::http2 {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr size_t kPrefaceLen = 24;

// What of a frame's payload the analyser reads: all of a header block's frames, SETTINGS
// and RST_STREAM; GOAWAY's last stream id and error code, not its debug data; nothing of
// the others (PING, WINDOW_UPDATE, PRIORITY, extensions).
size_t Kept(const FrameHeader& h) {
  switch (h.type) {
    case kHeaders:
    case kPushPromise:
    case kContinuation:
    case kSettings:
    case kRstStream:
      return h.length;
    case kGoAway:
      return std::min<size_t>(h.length, 8);
    default:
      return 0;
  }
}

}  // namespace

FrameReader::FrameReader(bool preface, size_t max_head)
    : state_(preface ? State::kPreface : State::kHeader), max_head_(max_head) {}

void FrameReader::Read(std::span<const uint8_t> bytes, FrameHandler& handler) {
  // Each step takes at least one byte, or stops the reader.
  while (!bytes.empty()) {
    size_t used = 0;
    switch (state_) {
      case State::kPreface:
        used = Preface(bytes);
        break;
      case State::kHeader:
        used = Header(bytes, handler);
        break;
      case State::kPayload:
        used = Payload(bytes, handler);
        break;
      case State::kStopped:
        return;
    }
    bytes = bytes.subspan(std::min(used, bytes.size()));
  }
}

void FrameReader::Stop(std::string_view why) {
  if (state_ == State::kStopped) return;
  state_ = State::kStopped;
  error_.assign(why);
  std::vector<uint8_t>().swap(payload_);
}

// Both prior knowledge (RFC 9113 3.3) and an h2c upgrade (3.2) start the client's bytes
// with the preface.
size_t FrameReader::Preface(std::span<const uint8_t> bytes) {
  size_t n = std::min(bytes.size(), kPrefaceLen - got_);
  if (std::memcmp(bytes.data(), kPreface + got_, n) != 0) {
    Stop("no connection preface");
    return bytes.size();
  }
  got_ += n;
  if (got_ == kPrefaceLen) {
    got_ = 0;
    state_ = State::kHeader;
  }
  return n;
}

size_t FrameReader::Header(std::span<const uint8_t> bytes, FrameHandler& handler) {
  size_t n = std::min(bytes.size(), sizeof header_ - got_);
  std::memcpy(header_ + got_, bytes.data(), n);
  got_ += n;
  if (got_ == sizeof header_) {
    got_ = 0;
    Begin(handler);
  }
  return n;
}

void FrameReader::Begin(FrameHandler& handler) {
  const uint8_t* h = header_;
  frame_ = {uint32_t(h[0]) << 16 | uint32_t(h[1]) << 8 | h[2], h[3], h[4],
            Be32(h + 5) & 0x7fffffff};
  if (frame_.length > max_frame_) {
    return Stop("a frame of " + std::to_string(frame_.length) +
                " bytes, over the maximum frame size " + std::to_string(max_frame_));
  }
  keep_ = Kept(frame_);
  if (keep_ > max_head_) {
    return Stop("a frame of " + std::to_string(frame_.length) + " bytes to read, over max_head");
  }
  bool padded_data = frame_.type == kData && (frame_.flags & kPadded);
  if (padded_data && frame_.length == 0) return Stop("padding longer than the frame");
  left_ = frame_.length;
  pad_byte_ = padded_data;
  data_left_ = padded_data ? 0 : frame_.length;
  payload_.clear();
  state_ = State::kPayload;
  handler.OnBegin(frame_);
  if (state_ == State::kPayload && left_ == 0) Complete(handler);
}

size_t FrameReader::Payload(std::span<const uint8_t> bytes, FrameHandler& handler) {
  if (frame_.type == kData) return Data(bytes, handler);
  size_t n = std::min<size_t>(bytes.size(), left_);
  size_t take = std::min(n, keep_ - std::min(keep_, payload_.size()));
  payload_.insert(payload_.end(), bytes.begin(), bytes.begin() + take);
  left_ -= uint32_t(n);
  if (left_ == 0) Complete(handler);
  return n;
}

// A DATA frame's payload: [pad length] data [padding]. The data goes on as it comes.
size_t FrameReader::Data(std::span<const uint8_t> bytes, FrameHandler& handler) {
  if (pad_byte_) {
    pad_byte_ = false;
    --left_;
    if (bytes[0] > left_) {
      Stop("padding longer than the frame");
      return bytes.size();
    }
    data_left_ = left_ - bytes[0];
    if (left_ == 0) Complete(handler);
    return 1;
  }
  size_t n = std::min<size_t>(bytes.size(), left_);
  size_t data = std::min<size_t>(n, data_left_);
  data_left_ -= uint32_t(data);
  left_ -= uint32_t(n);
  if (data > 0) handler.OnData(frame_, bytes.first(data));
  if (state_ == State::kPayload && left_ == 0) Complete(handler);
  return n;
}

// The frame is whole: its kept payload, padding removed, goes to the handler.
void FrameReader::Complete(FrameHandler& handler) {
  state_ = State::kHeader;
  // Moved out: the handler may stop the reader, which frees its buffers.
  std::vector<uint8_t> kept = std::move(payload_);
  std::span<const uint8_t> p = kept;
  bool padded =
      (frame_.type == kHeaders || frame_.type == kPushPromise) && (frame_.flags & kPadded);
  if (padded) {
    if (p.empty() || p[0] >= p.size()) return Stop("padding longer than the frame");
    p = p.subspan(1, p.size() - 1 - p[0]);
  }
  handler.OnFrame(frame_, p);
  // The buffer is reused for the next frame, unless it grew large.
  if (state_ != State::kStopped && kept.capacity() <= 4096) {
    kept.clear();
    payload_ = std::move(kept);
  }
}

}  // namespace pcapkit::analysis::http2
