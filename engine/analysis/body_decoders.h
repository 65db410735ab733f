// The decoders of a body's content codings (gzip, deflate, br, zstd) behind one
// interface, for BodyReader (body.h): each takes coded bytes and fills a buffer of its
// own. Internal to engine/analysis.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "engine/analysis/body.h"

namespace pcapkit::analysis {

// One decoder of a body's chain: it takes coded bytes and fills an output buffer of its
// own, which the next decoder (or the hash) takes before it is filled again.
class BodyReader::Stage {
 public:
  static constexpr size_t kBuffer = 16 << 10;
  struct Step {
    size_t used = 0, made = 0;  // input bytes taken, output bytes made
    bool error = false;         // error() says why
  };
  virtual ~Stage() = default;
  // Decodes from `in` into `out`. It stops when the input is used up, the output is full
  // (call again, with the rest of the input or none) or the coded stream ended (what
  // follows it is taken and ignored, as browsers do).
  virtual Step Run(std::span<const uint8_t> in, std::span<uint8_t> out) = 0;
  // The coded stream ended: the body decoded whole.
  virtual bool finished() const = 0;
  // Memory the decoder holds.
  virtual size_t state() const = 0;
  const std::string& error() const { return error_; }

  uint8_t buffer[kBuffer];
  uint64_t made = 0;  // bytes made in all, against max_decoded

 protected:
  std::string error_;
};

// A decoder for coding `name`; null with `error` set when there is none.
std::unique_ptr<BodyReader::Stage> MakeStage(std::string_view name, std::string& error);

}  // namespace pcapkit::analysis
