// Report formats: how a sequence of file records and frames becomes an output stream.
// A writer appends to a caller-owned buffer and keeps no state between calls, so batches
// can be serialized on any thread, in any order, and still concatenate to the same bytes:
// the only thing a record needs to know of the others is whether it is the first entry.
#pragma once

#include <functional>
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
  // Any other record (reassembly's datagrams, streams, summary): `body` writes its
  // members. Capture formats have no such records and throw FormatError.
  using Body = std::function<void(Emitter&)>;
  virtual void Record(std::string_view title, const Body& body, bool first,
                      OutBuffer& out) const = 0;
  // `empty`: the report has no entry at all.
  virtual void End(bool empty, OutBuffer& out) const = 0;

  // -F: one complete document per record. False when the format has no document for that
  // kind of record (capture formats keep no file-level records of their own).
  virtual bool MetaDocument(const capture::MetaRecord& meta, OutBuffer& out) const {
    Begin(out);
    Meta(meta, true, out);
    End(false, out);
    return true;
  }
  virtual bool FrameDocument(const pcapkit::Frame& frame, OutBuffer& out) const {
    Begin(out);
    Frame(frame, true, out);
    End(false, out);
    return true;
  }
  // The format holds frames of one link type only (pcap).
  virtual bool SingleLinkType() const { return false; }
};

// Capture output options (-f pcap / pcapng).
struct CaptureOptions {
  bool big_endian = false;  // --byteorder big
  bool nanosecond = false;  // pcap: the a1b23c4d magic with ns timestamps
};

// kJson: one object, `"Global Header"` / pcapng blocks and `"Frame N"` members, one per
// line. kNdjson: one frame record per line, nothing else. kPlist: the JSON report's tree
// as an XML property list. kTree: PyPCAPKit's tree text. kPcap / kPcapng: the frames as
// a capture again. Null for kNone.
std::unique_ptr<ReportWriter> MakeReportWriter(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options,
                                               const CaptureOptions& capture = {});

std::unique_ptr<ReportWriter> MakePcapWriter(const CaptureOptions& options);
std::unique_ptr<ReportWriter> MakePcapngWriter(const CaptureOptions& options);

}  // namespace pcapkit::formats
