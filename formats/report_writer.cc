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

  void Begin(std::string& out) override { out += "{\n"; }

  void Meta(const capture::MetaRecord& meta, std::string& out) override {
    Separator(out);
    JsonEmitter e(&out);
    AppendJsonString(out, meta.title);
    out.push_back(':');
    WriteMetaRecord(meta, {}, e);
  }

  void Frame(const pcapkit::Frame& frame, std::string& out) override {
    Separator(out);
    char key[40] = "\"Frame ";
    char* end = std::to_chars(key + 7, key + sizeof key, frame.number()).ptr;
    *end++ = '"';
    *end++ = ':';
    out.append(key, end);
    JsonEmitter e(&out);
    WriteFrameRecord(frame, registry_, options_, {}, e);
  }

  void End(std::string& out) override { out += first_ ? "}\n" : "\n}\n"; }

 private:
  void Separator(std::string& out) {
    if (!first_) out += ",\n";
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
  void Begin(std::string&) override {}
  void Meta(const capture::MetaRecord&, std::string&) override {}
  void Frame(const pcapkit::Frame& frame, std::string& out) override {
    JsonEmitter e(&out);
    WriteFrameRecord(frame, registry_, options_, {}, e);
    out.push_back('\n');
  }
  void End(std::string&) override {}

 private:
  const protocols::Registry& registry_;
  RecordOptions options_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeReportWriter(OutputFormat format, const protocols::Registry& registry,
                                               const RecordOptions& options) {
  switch (format) {
    case OutputFormat::kJson: return std::make_unique<JsonReport>(registry, options);
    case OutputFormat::kNdjson: return std::make_unique<NdjsonReport>(registry, options);
    default: throw FormatError("output format unspecified");
  }
}

}  // namespace pcapkit::formats
