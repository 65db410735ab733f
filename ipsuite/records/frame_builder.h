// One frame record back to its frame: the frame's own fields (time, lengths, interface,
// comments), then each layer by its reader, outermost first, then the bytes.
#pragma once

#include <simdjson.h>

#include <string>

#include "engine/util/status.h"
#include "pcapkit/ipsuite.h"

namespace pcapkit::ipsuite::records {

struct BuiltFrame {
  CapturedFrame frame;
  uint64_t number = 0;
  uint32_t linktype = 0;
  uint8_t digits = 6;  // the decimals of the record's `time`: its capture's resolution
  std::string interface_name, interface_description;
};

struct FrameFixes {
  bool checksums = false;  // recompute every checksum
  bool lengths = false;    // recompute lengths and counts, and the frame's lengths
};

// A record that cannot be built is an InvalidArgument naming the field (the caller adds
// the frame and offset).
Status BuildFrame(simdjson::dom::object record, FrameFixes fixes, BuiltFrame* out);

}  // namespace pcapkit::ipsuite::records
