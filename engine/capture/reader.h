// Reads a capture as a sequence of batches, whatever its format or compression, in memory
// bounded by the batch size (plus the largest single record). A capture that already lies
// in memory is not copied: its batches point into it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "engine/capture/batch.h"
#include "engine/capture/format_parser.h"
#include "engine/io/byte_source.h"
#include "engine/util/status.h"

namespace pcapkit::capture {

class Reader {
 public:
  // Opens `path` ("-" for stdin) into `*out`; a file that cannot be opened or whose magic
  // is not a known capture format is a CorruptInput status naming it.
  static Status Open(const std::string& path, size_t batch_bytes, std::unique_ptr<Reader>* out);
  // The same over any byte source; `name` is used in messages.
  static Status FromSource(std::unique_ptr<io::ByteSource> source, const std::string& name,
                           size_t batch_bytes, std::unique_ptr<Reader>* out);

  // Replaces `batch`'s records with the next ones. Returns false once nothing is left;
  // then status() tells whether the capture ended cleanly. Records before a fault are
  // always delivered first, in an earlier call.
  bool Next(Batch& batch);
  const Status& status() const { return status_; }
  const std::string& name() const { return name_; }
  // The finest timestamp resolution the format may carry, in decimal digits: 6 for µs
  // pcap and snoop, 9 for ns pcap and for pcapng (whose interfaces choose their own).
  uint8_t resolution_digits() const { return digits_; }
  // Records longer than this are faults (default FormatParser::kDefaultMaxRecordBytes).
  void set_max_record_bytes(uint32_t bytes) { parser_->set_max_record_bytes(bytes); }
  // See io::ByteSource::set_stop: a read waiting on a quiet pipe ends when `*stop` rises.
  void set_stop(const std::atomic<bool>* stop) { source_->set_stop(stop); }

 private:
  Reader(std::unique_ptr<io::ByteSource> source, std::string name, size_t batch_bytes);
  Status Sniff();
  bool NextCopied(Batch& batch);
  bool NextInPlace(Batch& batch);
  // Parses [0, end) of the batch. True when it holds records; false when it needs more
  // bytes, or on a fault (then done_ and status_ are set).
  bool ParseBatch(Batch& batch, size_t end, size_t* used);
  void Fail(const Status& fault);

  std::unique_ptr<io::ByteSource> source_;
  Status source_fault_;  // the source failed (a broken compressed stream): read up to it
  std::unique_ptr<FormatParser> parser_;
  std::string name_;
  size_t batch_bytes_;
  std::span<const uint8_t> in_place_;  // the whole capture, when it lies in memory
  std::vector<uint8_t> carry_;         // an incomplete record left over from the last batch
  uint64_t offset_ = 0;                // stream offset of carry_'s first byte (or in_place_'s next)
  bool eof_ = false;
  uint8_t digits_ = 6;
  bool done_ = false;
  Status status_;
};

}  // namespace pcapkit::capture
