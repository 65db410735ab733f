// Built frames written as they come, through the writers `extract -f pcap|pcapng` uses:
// a pcap file takes its link type and resolution from the first frame and holds frames
// of that link type only; a pcapng file declares each interface when its first frame
// comes, with that frame's link type, resolution and names.
#pragma once

#include <memory>
#include <vector>

#include "formats/out_buffer.h"
#include "formats/output_file.h"
#include "ipsuite/records/frame_builder.h"

namespace pcapkit::ipsuite::records {

class CaptureStream {
 public:
  CaptureStream(std::unique_ptr<formats::Output> out, bool pcapng)
      : out_(std::move(out)), pcapng_(pcapng) {}

  // InvalidArgument for a frame the file cannot hold; IoError when writing fails.
  Status Add(const BuiltFrame& frame);
  // Writes what is buffered and closes the output.
  Status Close();

 private:
  Status AddToPcap(const BuiltFrame& frame);
  void AddToPcapng(const BuiltFrame& frame);
  Status FlushIfFull();

  std::unique_ptr<formats::Output> out_;
  bool pcapng_;
  bool started_ = false;
  uint32_t linktype_ = 0;  // pcap: the file's
  bool nanosecond_ = false;
  std::vector<uint8_t> interface_digits_;  // pcapng: each declared interface's resolution
  formats::OutBuffer buffer_;
  std::vector<uint8_t> data_;  // a frame's bytes and its comment options
};

}  // namespace pcapkit::ipsuite::records
