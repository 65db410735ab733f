#include "formats/report_writer.h"

#include <charconv>
#include <cstring>

#include "formats/fields_report.h"
#include "formats/json_emitter.h"
#include "formats/plist_emitter.h"
#include "formats/tree_emitter.h"

namespace pcapkit::formats {
namespace {

// "Frame 12", the member name of a frame in every report; "Frame 12 (a.pcap)" when the
// run reads several captures, so that the names of a json or plist report stay unique.
// Valid until the thread's next call.
std::string_view FrameTitle(const pcapkit::Frame& frame) {
  thread_local std::string title;
  char digits[24];
  title.assign("Frame ");
  title.append(digits, std::to_chars(digits, digits + sizeof digits, frame.number()).ptr);
  if (std::string_view file = frame.info().file; !file.empty()) {
    title.append(" (");
    title.append(file);
    title.push_back(')');
  }
  return title;
}

// A record writer's one splice point (after the frame's own members: part 0), noted once
// the record is written (the tree format places it when the record closes).
template <class E>
class OneSplice {
 public:
  OneSplice(E& e, SplicePoints* points) : points_(points) {
    e.set_splice(points != nullptr ? &at_ : nullptr);
  }
  ~OneSplice() {
    if (points_ != nullptr && at_ != SIZE_MAX) points_->push_back({at_, 0});
  }

 private:
  SplicePoints* points_;
  size_t at_ = SIZE_MAX;
};

class JsonReport : public ReportWriter {
 public:
  JsonReport(const protocols::Registry& registry, const RecordOptions& options)
      : registry_(registry), options_(options) {}

  void Begin(OutBuffer& out) const override { out.Append("{\n"); }

  void Meta(const capture::MetaRecord& meta, bool first, OutBuffer& out) const override {
    if (!first) out.Append(",\n");
    JsonEmitter e(&out);
    e.Title(meta.Title());
    WriteMetaRecord(meta, {}, e);
  }

  void Frame(const pcapkit::Frame& frame, bool first, OutBuffer& out,
             SplicePoints* splices) const override {
    if (!first) out.Append(Separator());
    JsonEmitter e(&out);
    OneSplice splice(e, splices);
    e.Title(FrameTitle(frame));
    WriteFrameRecord(frame, registry_, options_, {}, e);
  }
  void FrameMembers(const Body& body, uint32_t, OutBuffer& out) const override {
    JsonEmitter e(&out);
    e.Within(1);
    body(e);
  }
  std::string_view Separator() const override { return ",\n"; }

  void Record(std::string_view title, const Body& body, bool first, OutBuffer& out) const override {
    if (!first) out.Append(",\n");
    JsonEmitter e(&out);
    e.Title(title);
    e.BeginObject();
    body(e);
    e.EndObject();
  }

  void End(bool empty, OutBuffer& out) const override { out.Append(empty ? "}\n" : "\n}\n"); }

 private:
  const protocols::Registry& registry_;
  RecordOptions options_;
};

class NdjsonReport : public ReportWriter {
 public:
  NdjsonReport(const protocols::Registry& registry, const RecordOptions& options)
      : registry_(registry), options_(options) {}
  void Begin(OutBuffer&) const override {}
  void Meta(const capture::MetaRecord&, bool, OutBuffer&) const override {}
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out,
             SplicePoints* splices) const override {
    JsonEmitter e(&out);
    OneSplice splice(e, splices);
    WriteFrameRecord(frame, registry_, options_, {}, e);
    out.Push('\n');
  }
  void FrameMembers(const Body& body, uint32_t, OutBuffer& out) const override {
    JsonEmitter e(&out);
    e.Within(1);
    body(e);
  }
  void Record(std::string_view, const Body& body, bool, OutBuffer& out) const override {
    JsonEmitter e(&out);
    e.BeginObject();
    body(e);
    e.EndObject();
    out.Push('\n');
  }
  void End(bool, OutBuffer&) const override {}
  // A frame's document is its line; file records have none (NDJSON holds frames only).
  bool MetaDocument(const capture::MetaRecord&, OutBuffer&) const override { return false; }

 private:
  const protocols::Registry& registry_;
  RecordOptions options_;
};

class PlistReport : public ReportWriter {
 public:
  PlistReport(const protocols::Registry& registry, const RecordOptions& options)
      : registry_(registry), options_(options) {}
  void Begin(OutBuffer& out) const override {
    out.Append(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
        "<plist version=\"1.0\">\n<dict>\n");
  }
  void Meta(const capture::MetaRecord& meta, bool, OutBuffer& out) const override {
    PlistEmitter e(&out, 1);
    e.Title(meta.Title());
    WriteMetaRecord(meta, {}, e);
  }
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out,
             SplicePoints* splices) const override {
    PlistEmitter e(&out, 1);
    OneSplice splice(e, splices);
    e.Title(FrameTitle(frame));
    WriteFrameRecord(frame, registry_, options_, {}, e);
  }
  void FrameMembers(const Body& body, uint32_t, OutBuffer& out) const override {
    PlistEmitter e(&out, 2);  // a frame record's members: inside its title's dict
    body(e);
  }
  void Record(std::string_view title, const Body& body, bool, OutBuffer& out) const override {
    PlistEmitter e(&out, 1);
    e.Title(title);
    e.BeginObject();
    body(e);
    e.EndObject();
  }
  void End(bool, OutBuffer& out) const override { out.Append("</dict>\n</plist>\n"); }

 private:
  const protocols::Registry& registry_;
  RecordOptions options_;
};

class TreeReport : public ReportWriter {
 public:
  TreeReport(const protocols::Registry& registry, const RecordOptions& options)
      : registry_(registry), options_(options) {}
  void Begin(OutBuffer&) const override {}
  void Meta(const capture::MetaRecord& meta, bool first, OutBuffer& out) const override {
    if (!first) out.Push('\n');
    out.Append(meta.Title());
    out.Push('\n');
    TreeEmitter e(&out);
    WriteMetaRecord(meta, {}, e);
  }
  void Frame(const pcapkit::Frame& frame, bool first, OutBuffer& out,
             SplicePoints* splices) const override {
    if (!first) out.Append(Separator());
    out.Append(FrameTitle(frame));
    out.Push('\n');
    TreeEmitter e(&out);
    {
      OneSplice splice(e, splices);
      WriteFrameRecord(frame, registry_, options_, {}, e);
    }
  }
  // A record's lines are drawn when it closes: the members are drawn inside a probe
  // record, between two members of its own, and cut out.
  void FrameMembers(const Body& body, uint32_t, OutBuffer& out) const override {
    OutBuffer probe;
    TreeEmitter e(&probe);
    e.BeginObject();
    e.Plain("before", "x");
    body(e);
    e.Plain("after", "x");
    e.EndObject();
    std::string_view lines = probe.view();
    size_t from = lines.find('\n') + 1, to = lines.rfind('\n', lines.size() - 2) + 1;
    out.Append(lines.substr(from, to - from));
  }
  std::string_view Separator() const override { return "\n"; }
  void Record(std::string_view title, const Body& body, bool first, OutBuffer& out) const override {
    if (!first) out.Push('\n');
    out.Append(title);
    out.Push('\n');
    TreeEmitter e(&out);
    e.BeginObject();
    body(e);
    e.EndObject();
  }
  void End(bool, OutBuffer&) const override {}

 private:
  const protocols::Registry& registry_;
  RecordOptions options_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeReportWriter(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options,
                                               const CaptureOptions& capture) {
  if (options.fields != nullptr)
    return format == OutputFormat::kNdjson || format == OutputFormat::kCsv ||
                   format == OutputFormat::kTsv
               ? MakeFieldsReport(format, registry, options)
               : nullptr;
  switch (format) {
    case OutputFormat::kJson:
      return std::make_unique<JsonReport>(registry, options);
    case OutputFormat::kNdjson:
      return std::make_unique<NdjsonReport>(registry, options);
    case OutputFormat::kPlist:
      return std::make_unique<PlistReport>(registry, options);
    case OutputFormat::kTree:
      return std::make_unique<TreeReport>(registry, options);
    case OutputFormat::kPcap:
      return MakePcapWriter(capture);
    case OutputFormat::kPcapng:
      return MakePcapngWriter(capture);
    default:
      return nullptr;
  }
}

}  // namespace pcapkit::formats
