// A capture file format: turns a run of bytes into frame and meta records. Parsers are
// incremental: they consume whole records only and leave an incomplete tail for the next
// call, so a reader can feed them fixed-size chunks of any stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/capture/batch.h"
#include "engine/util/status.h"

namespace pcapkit::capture {

class FormatParser {
 public:
  virtual ~FormatParser() = default;
  // Parses whole records from batch.base[begin, end) into the batch; `stream_offset` is the
  // absolute offset of `begin`. `*consumed` is set to the bytes of the records taken. A
  // structural fault is a CorruptInput status naming the frame and the absolute offset;
  // `*consumed` then covers the records before it.
  virtual Status Parse(Batch& batch, size_t begin, size_t end, uint64_t stream_offset,
                       size_t* consumed) = 0;
  // The stream ended with `remaining` (> 0) unparsed bytes at `offset`: why, as a
  // CorruptInput status.
  virtual Status Truncated(const uint8_t* p, size_t remaining, uint64_t offset) = 0;
  // The largest record taken for legitimate (--max-record-length); a larger length is a
  // fault, so a corrupt length field cannot make the reader buffer gigabytes.
  static constexpr uint32_t kDefaultMaxRecordBytes = 256u << 20;
  void set_max_record_bytes(uint32_t bytes) { max_record_bytes_ = bytes; }
  // The number the next frame will have (1-based, in the file).
  uint64_t next_frame() const { return next_number_; }

 protected:
  uint32_t max_record_bytes_ = kDefaultMaxRecordBytes;
  uint64_t next_number_ = 1;
};

// Picks the parser from the first bytes of the stream (at least 8 available, fewer only
// for tiny files). Returns nullptr when the magic is unknown.
std::unique_ptr<FormatParser> MakeParser(const uint8_t* head, size_t n);

std::unique_ptr<FormatParser> MakePcapParser();
std::unique_ptr<FormatParser> MakePcapngParser();
std::unique_ptr<FormatParser> MakeSnoopParser();

// Load helpers honouring a file's byte order.
inline uint16_t Load16(const uint8_t* p, bool big_endian) {
  uint16_t v = uint16_t(p[0] | p[1] << 8);
  return big_endian ? uint16_t(v >> 8 | v << 8) : v;
}
inline uint32_t Load32(const uint8_t* p, bool big_endian) {
  uint32_t v = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  return big_endian ? __builtin_bswap32(v) : v;
}
inline uint64_t Load64(const uint8_t* p, bool big_endian) {
  uint64_t lo = Load32(p, big_endian), hi = Load32(p + 4, big_endian);
  return big_endian ? (lo << 32 | hi) : (hi << 32 | lo);
}

// Normalises (sec, frac) so that frac < 10^digits, carrying whole seconds.
Timestamp MakeTimestamp(int64_t sec, uint64_t frac, uint8_t digits);

}  // namespace pcapkit::capture
