// Sequential byte sources under the capture readers: a file or stdin read with read(2)
// into the caller's buffer, and gzip / zstd streams decoded on the fly. The compression is
// recognised by its magic number, never by the file name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace pcapkit::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes; returns 0 only at the end of the stream. Throws
  // std::runtime_error with a readable message on an I/O or decoding error.
  virtual size_t Read(uint8_t* out, size_t n) = 0;
  // Fills `out` as far as the stream allows; fewer than `n` bytes means end of stream.
  size_t ReadFully(uint8_t* out, size_t n);
};

// Opens `path` ("-" for stdin). Throws std::runtime_error when the file cannot be opened.
std::unique_ptr<ByteSource> OpenSource(const std::string& path);

// Stacks a gzip or zstd decoder on `raw` when its first bytes are that format's magic.
std::unique_ptr<ByteSource> Decompressed(std::unique_ptr<ByteSource> raw);

// A source over memory, for tests and the API's in-memory captures.
std::unique_ptr<ByteSource> MemorySource(const uint8_t* data, size_t size);

}  // namespace pcapkit::io
