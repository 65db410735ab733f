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

  void Begin(OutBuffer& out) override { out.Append("{\n"); }

  void Meta(const capture::MetaRecord& meta, OutBuffer& out) override {
    Separator(out);
    JsonEmitter e(&out);
    e.Title(meta.title);
    WriteMetaRecord(meta, {}, e);
  }

  void Frame(const pcapkit::Frame& frame, OutBuffer& out) override {
    Separator(out);
    char key[40] = "\"Frame ";
    char* end = std::to_chars(key + 7, key + sizeof key, frame.number()).ptr;
    *end++ = '"';
    *end++ = ':';
    out.Append(std::string_view(key, size_t(end - key)));
    JsonEmitter e(&out);
    WriteFrameRecord(frame, registry_, options_, {}, e);
  }

  void End(OutBuffer& out) override { out.Append(first_ ? "}\n" : "\n}\n"); }

 private:
  void Separator(OutBuffer& out) {
    if (!first_) out.Append(",\n");
    first_ = false;
  }
  const protocols::Registry& registry_;
  RecordOptions options_;
  bool first_ = true;
};

class NdjsonReport : public ReportWriter {
 public:
  NdjsonReport(const protocols::Registry& registry, const RecordOptions& options)
      : registry_(registry), options_(options) {}
  void Begin(OutBuffer&) override {}
  void Meta(const capture::MetaRecord&, OutBuffer&) override {}
  void Frame(const pcapkit::Frame& frame, OutBuffer& out) override {
    JsonEmitter e(&out);
    WriteFrameRecord(frame, registry_, options_, {}, e);
    out.Push('\n');
  }
  void End(OutBuffer&) override {}

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
