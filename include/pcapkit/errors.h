// Typed exceptions thrown at pcapkit's API boundaries. The per-packet hot path never
// throws: a malformed layer becomes a `raw` layer with an error text instead.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace pcapkit {

// Root of every pcapkit exception.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The caller asked for something that cannot be done as asked: unknown output format, a
// format that cannot be inferred, an unknown layer or protocol name. CLI exit status 2.
class FormatError : public Error {
 public:
  using Error::Error;
};

// The capture cannot be read any further: missing file, unknown magic, a truncated or
// corrupt record. Frames before `frame()` were delivered intact. CLI exit status 1.
class InputError : public Error {
 public:
  InputError(const std::string& message, std::string file, uint64_t frame, uint64_t offset)
      : Error(message), file_(std::move(file)), frame_(frame), offset_(offset) {}
  const std::string& file() const { return file_; }
  // 1-based number of the frame that could not be read (0: the file header).
  uint64_t frame() const { return frame_; }
  // Byte offset of the fault in the (decompressed) capture stream.
  uint64_t offset() const { return offset_; }

 private:
  std::string file_;
  uint64_t frame_;
  uint64_t offset_;
};

// A frame was asked for a layer it does not carry.
class ProtocolNotFound : public Error {
 public:
  using Error::Error;
};

// The output could not be written (disk full, closed pipe). CLI exit status 1.
class OutputError : public Error {
 public:
  using Error::Error;
};

}  // namespace pcapkit
