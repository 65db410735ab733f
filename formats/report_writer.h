// Report formats: how a sequence of file records and frames becomes an output stream.
// A writer appends to a caller-owned buffer and keeps no state between calls, so batches
// can be serialized on any thread, in any order, and still concatenate to the same bytes:
// the only thing a record needs to know of the others is whether it is the first entry.
#pragma once

#include <memory>
#include <string>

#include "engine/capture/batch.h"
#include "formats/out_buffer.h"
#include "formats/record.h"
#include "pcapkit/options.h"

namespace pcapkit::formats {

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void Begin(OutBuffer& out) const = 0;
  // `first`: no entry of the report precedes this one.
  virtual void Meta(const capture::MetaRecord& meta, bool first, OutBuffer& out) const = 0;
  virtual void Frame(const pcapkit::Frame& frame, bool first, OutBuffer& out) const = 0;
  // `empty`: the report has no entry at all.
  virtual void End(bool empty, OutBuffer& out) const = 0;
};

// kJson: one object, `"Global Header"` / pcapng blocks and `"Frame N"` members, one per
// line. kNdjson: one frame record per line, nothing else.
std::unique_ptr<ReportWriter> MakeReportWriter(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options);

}  // namespace pcapkit::formats
