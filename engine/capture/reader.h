// Reads a capture as a sequence of batches, whatever its format or compression, in memory
// bounded by the batch size (plus the largest single record).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/capture/batch.h"
#include "engine/capture/format_parser.h"
#include "engine/io/byte_source.h"
#include "pcapkit/errors.h"

namespace pcapkit::capture {

class Reader {
 public:
  // Opens `path` ("-" for stdin); throws InputError when it cannot be opened or its magic
  // is not a known capture format.
  static std::unique_ptr<Reader> Open(const std::string& path, size_t batch_bytes = 1 << 20);
  // The same over bytes the caller keeps alive; `name` is used in messages.
  static std::unique_ptr<Reader> FromSource(std::unique_ptr<io::ByteSource> source,
                                            const std::string& name, size_t batch_bytes);

  // Replaces `batch`'s records with the next ones. Returns false once nothing is left;
  // then error() tells whether the capture ended cleanly. Records before a fault are
  // always delivered first, in an earlier call.
  bool Next(Batch& batch);
  const std::optional<InputError>& error() const { return error_; }
  const std::string& name() const { return name_; }
  // The finest timestamp resolution the format may carry, in decimal digits: 6 for µs
  // pcap and snoop, 9 for ns pcap and for pcapng (whose interfaces choose their own).
  uint8_t resolution_digits() const { return digits_; }
  // Records longer than this are faults (default FormatParser::kDefaultMaxRecordBytes).
  void set_max_record_bytes(uint32_t bytes) { parser_->set_max_record_bytes(bytes); }

 private:
  Reader(std::unique_ptr<io::ByteSource> source, std::string name, size_t batch_bytes);
  void Fail(const std::string& what, uint64_t frame, uint64_t offset);

  std::unique_ptr<io::ByteSource> source_;
  std::unique_ptr<FormatParser> parser_;
  std::string name_;
  size_t batch_bytes_;
  std::vector<uint8_t> carry_;  // an incomplete record left over from the last batch
  uint64_t offset_ = 0;         // stream offset of carry_'s first byte
  bool eof_ = false;
  uint8_t digits_ = 6;
  bool done_ = false;
  std::optional<InputError> error_;
};

}  // namespace pcapkit::capture
