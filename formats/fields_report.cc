#include "formats/fields_report.h"

#include "formats/field_collector.h"

namespace pcapkit::formats {

namespace {

using Row = FieldCollector::Row;

// Each thread serializes its batches with a collector of its own: the writer stays
// stateless (report_writer.h), and the collector's buffers are reused record after record.
FieldCollector& Collector(const FieldSelection& selection) {
  thread_local FieldCollector collector;
  collector.Reset(selection);
  return collector;
}

class FieldsReport : public ReportWriter {
 public:
  FieldsReport(Row row, const protocols::Registry& registry, const RecordOptions& options)
      : row_(row), registry_(registry), options_(options), selection_(*options.fields) {}

  void Begin(OutBuffer& out) const override {
    if (row_ != Row::kJson && selection_.header())
      FieldCollector::WriteHeader(selection_, row_, out);
  }
  void Meta(const capture::MetaRecord&, bool, OutBuffer&) const override {}
  // Only the layers holding a selected field are described at all.
  void Frame(const pcapkit::Frame& frame, bool, OutBuffer& out,
             SplicePoints* splices) const override {
    FieldCollector& c = Collector(selection_);
    CollectFrameFields(frame, registry_, options_, c);
    c.WriteRow(row_, out, splices);
  }
  // A spliced column's cell (-e flow with --flow-id), of the members `body` describes.
  void FrameMembers(const Body& body, uint32_t part, OutBuffer& out) const override {
    FieldCollector& c = Collector(selection_);
    c.Enter(FieldSelection::kRoot);
    body(c);
    c.WriteSplicedCell(part, row_, out);
  }
  void Record(std::string_view, const Body& body, bool, OutBuffer& out) const override {
    FieldCollector& c = Collector(selection_);
    c.Enter(FieldSelection::kRoot);
    body(c);
    c.WriteRow(row_, out);
  }
  void End(bool, OutBuffer&) const override {}
  bool MetaDocument(const capture::MetaRecord&, OutBuffer&) const override { return false; }

 private:
  Row row_;
  const protocols::Registry& registry_;
  RecordOptions options_;
  const FieldSelection& selection_;
};

}  // namespace

void CollectFrameFields(const Frame& frame, const protocols::Registry& registry,
                        const RecordOptions& options, FieldCollector& c) {
  const FieldSelection& selection = *options.fields;
  c.set_names(true);  // a `_name` column is filled when -e selects it, --names or not
  c.set_payload(options.payload);
  if (selection.wants_members()) {
    c.Enter(FieldSelection::kRoot);
    WriteFrameMembers(frame, registry, c, selection.member_mask());
  }
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    uint32_t root = selection.LayerRoot(frame.layer(i).proto);
    if (root == FieldSelection::kNone) continue;
    c.Enter(root);
    std::span<const protocols::WriteFn> members = selection.LayerMembers(frame.layer(i).proto);
    if (members.empty()) {
      WriteLayer(frame, i, registry, options, c);
      continue;
    }
    const LayerSpan& l = frame.layer(i);
    protocols::LayerContext context{frame.data().data() + l.offset, l.length, l.hdr_len, l.aux};
    for (protocols::WriteFn member : members) member(context, c);
  }
}

std::unique_ptr<ReportWriter> MakeFieldsReport(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options) {
  Row row = format == OutputFormat::kCsv   ? Row::kCsv
            : format == OutputFormat::kTsv ? Row::kTsv
                                           : Row::kJson;
  return std::make_unique<FieldsReport>(row, registry, options);
}

}  // namespace pcapkit::formats
