// Sequential byte sources under the capture readers: a file or stdin read with read(2)
// into the caller's buffer, and gzip / zstd streams decoded on the fly. The compression is
// recognised by its magic number, never by the file name.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/util/status.h"

namespace pcapkit::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `out` and sets `*got`; 0 only at the end of the stream.
  // An I/O or decoding error is a CorruptInput status with a readable message.
  virtual Status Read(uint8_t* out, size_t n, size_t* got) = 0;
  // Fills `out` as far as the stream allows; fewer than `n` bytes means end of stream.
  Status ReadFully(uint8_t* out, size_t n, size_t* got);
  // The whole stream, when it already lies in memory and nothing was read yet: readers
  // then point into it instead of copying. Empty for streams that must be read.
  virtual std::span<const uint8_t> InPlace() const { return {}; }
  // Raised (SIGINT), `*stop` ends a read that waits for input (a quiet pipe or FIFO)
  // within a quarter of a second, as the end of the stream. Sources over other sources
  // pass it down.
  virtual void set_stop(const std::atomic<bool>* stop) { (void)stop; }
};

// Opens `path` ("-" for stdin) into `*out`.
Status OpenSource(const std::string& path, std::unique_ptr<ByteSource>* out);

// The compression a stream's first bytes announce (its magic number).
enum class Compression { kNone, kGzip, kZstd };
Compression CompressionOf(const uint8_t* magic, size_t n);

// Stacks a gzip or zstd decoder on `*source` when its first bytes are that format's magic.
Status Decompressed(std::unique_ptr<ByteSource>* source);

// A source over memory the caller keeps alive, for tests and the API's in-memory captures;
// read in place.
std::unique_ptr<ByteSource> MemorySource(const uint8_t* data, size_t size);

}  // namespace pcapkit::io
