// Report formats: how a sequence of file records and frames becomes an output stream.
// A writer appends to a caller-owned buffer; the caller decides when the buffer goes to
// the output, so writers never block on I/O and can run on any thread.
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
  virtual void Begin(OutBuffer& out) = 0;
  virtual void Meta(const capture::MetaRecord& meta, OutBuffer& out) = 0;
  virtual void Frame(const pcapkit::Frame& frame, OutBuffer& out) = 0;
  virtual void End(OutBuffer& out) = 0;
};

// kJson: one object, `"Global Header"` / pcapng blocks and `"Frame N"` members, one per
// line. kNdjson: one frame record per line, nothing else.
std::unique_ptr<ReportWriter> MakeReportWriter(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options);

}  // namespace pcapkit::formats
