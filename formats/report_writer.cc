#include "formats/report_writer.h"

#include <charconv>

#include "formats/json_emitter.h"
#include "pcapkit/errors.h"

namespace pcapkit::formats {
namespace {

class JsonReport : public ReportWriter {
 public:
  JsonReport(const protocols::Registry& registry, const RecordOptions& options)
      : registry_(registry), options_(options) {}

  void Begin(OutBuffer& out) const override { out.Append("{\n"); }

  void Meta(const capture::MetaRecord& meta, bool first, OutBuffer& out) const override {
    if (!first) out.Append(",\n");
    JsonEmitter e(&out);
    e.Title(meta.title);
    WriteMetaRecord(meta, {}, e);
  }

  void Frame(const pcapkit::Frame& frame, bool first, OutBuffer& out) const override {
    if (!first) out.Append(",\n");
    char key[40] = "\"Frame ";
    char* end = std::to_chars(key + 7, key + sizeof key, frame.number()).ptr;
    *end++ = '"';
    *end++ = ':';
    out.Append(std::string_view(key, size_t(end - key)));
    JsonEmitter e(&out);
    WriteFrameRecord(frame, registry_, options_, {}, e);
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
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out) const override {
    JsonEmitter e(&out);
    WriteFrameRecord(frame, registry_, options_, {}, e);
    out.Push('\n');
  }
  void End(bool, OutBuffer&) const override {}

 private:
  const protocols::Registry& registry_;
  RecordOptions options_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeReportWriter(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options) {
  switch (format) {
    case OutputFormat::kJson:
      return std::make_unique<JsonReport>(registry, options);
    case OutputFormat::kNdjson:
      return std::make_unique<NdjsonReport>(registry, options);
    default:
      throw FormatError("output format unspecified");
  }
}

}  // namespace pcapkit::formats
