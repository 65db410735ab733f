// `pcapkit build`: read a record, build its frame, write it; the first record that cannot
// be built stops the run after the frames before it are written.
#include "formats/output_file.h"
#include "ipsuite/records/capture_stream.h"
#include "ipsuite/records/frame_builder.h"
#include "ipsuite/records/record_stream.h"

namespace pcapkit::ipsuite {
namespace {

// A record's fault as an input error naming the input, the frame and the record's offset.
Status Located(const Status& s, const std::string& input, uint64_t number, uint64_t offset) {
  std::string what = input == "-" ? "stdin" : input;
  return Status::CorruptInput(what + ": record of frame " + std::to_string(number) + " (byte " +
                                  std::to_string(offset) + "): " + s.message(),
                              number, offset, what);
}

Status Rebuild(const RebuildOptions& o, RebuildSummary* summary) {
  std::unique_ptr<records::RecordStream> in;
  if (Status s = records::RecordStream::Open(o.input, &in); !s.ok()) return s;
  std::unique_ptr<formats::OutputFile> file;
  if (Status s = formats::OutputFile::Open(o.output, &file); !s.ok()) return s;
  records::CaptureStream out(std::move(file), o.pcapng);
  records::FrameFixes fixes{.checksums = o.fix_checksums, .lengths = o.fix_lengths};
  records::BuiltFrame frame;
  for (;;) {
    simdjson::dom::object record;
    uint64_t offset = 0;
    bool got = false;
    Status s = in->Next(&record, &offset, &got);
    if (!s.ok()) {  // the input cannot be read on: never skipped
      Status closed = out.Close();
      return closed.ok() ? Located(s, o.input, summary->frames + summary->skipped + 1, offset)
                         : closed;
    }
    if (!got) break;
    s = records::BuildFrame(record, fixes, &frame);
    if (s.ok()) s = out.Add(frame);
    if (!s.ok() && s.code() == Status::Code::kIoError) return s;
    if (!s.ok()) {
      s = Located(s, o.input, frame.number, offset);
      if (!o.keep_going) {
        Status closed = out.Close();  // the frames before it are kept
        return closed.ok() ? s : closed;
      }
      if (o.on_skip) o.on_skip(s.message());
      ++summary->skipped;
      frame = {};
      continue;
    }
    frame = {};
    ++summary->frames;
  }
  return out.Close();
}

}  // namespace

RebuildSummary RebuildCapture(const RebuildOptions& options) {
  RebuildSummary summary;
  Raise(Rebuild(options, &summary));
  return summary;
}

}  // namespace pcapkit::ipsuite
