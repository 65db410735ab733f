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
  // `splices`, when given, gets the places in `out` where FrameMembers' output is to go
  // into this frame's record: after its `protocols` (one point, part 0), or a flat row's
  // cells of the spliced columns (-e flow); capture formats add none.
  virtual void Frame(const pcapkit::Frame& frame, bool first, OutBuffer& out,
                     SplicePoints* splices = nullptr) const = 0;
  // Any other record (reassembly's datagrams, streams, summary): `body` writes its
  // members. Capture formats have no such records and throw FormatError.
  using Body = std::function<void(Emitter&)>;
  // The members `body` writes, as they read inside a frame's record at a splice point of
  // `part`: a serial stage adds what only it knows (extract --flow-id) to records written
  // in parallel. Nothing for capture formats.
  virtual void FrameMembers(const Body&, uint32_t /*part*/, OutBuffer&) const {}
  // What comes between two entries of the report (",\n" in JSON): Frame(first=false)
  // writes it first. Per-flow files of `trace` join records written as first with it.
  virtual std::string_view Separator() const { return {}; }
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
  virtual bool FrameDocument(const pcapkit::Frame& frame, OutBuffer& out,
                             SplicePoints* splices = nullptr) const {
    Begin(out);
    Frame(frame, true, out, splices);
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

// The blocks of the capture formats, for writers that frame frames themselves (trace's
// per-flow files): pcap's file header and records; pcapng's section header, interface
// description (timestamps in 10^-digits s) and enhanced packet blocks.
void AppendPcapHeader(const CaptureOptions& o, uint32_t linktype, uint32_t snaplen, OutBuffer& out);
void AppendPcapRecord(const CaptureOptions& o, const FrameInfo& frame, const uint8_t* data,
                      OutBuffer& out);
void AppendPcapngSection(const CaptureOptions& o, OutBuffer& out);
// `name`, `description`: if_name and if_description, written when not empty.
void AppendPcapngInterface(const CaptureOptions& o, uint16_t linktype, uint32_t snaplen,
                           uint8_t digits, OutBuffer& out, std::string_view name = {},
                           std::string_view description = {});
void AppendPcapngPacket(const CaptureOptions& o, const FrameInfo& frame, uint32_t interface,
                        const uint8_t* data, OutBuffer& out);
std::unique_ptr<ReportWriter> MakePcapngWriter(const CaptureOptions& options);

}  // namespace pcapkit::formats
