// The flat reports: one row per record of the fields -e selects — csv (RFC 4180, a header
// line unless --no-header), tsv, or ndjson objects keyed by the field names. File-level
// records (pcap's header, pcapng's blocks) have no row.
#pragma once

#include <memory>

#include "formats/report_writer.h"

namespace pcapkit::formats {

class FieldCollector;

// Describes the fields `options.fields` selects from `frame` to `collector` (Reset to that
// selection): only the layers holding a selected field, and of those only the members
// selected when their writers allow it.
void CollectFrameFields(const Frame& frame, const protocols::Registry& registry,
                        const RecordOptions& options, FieldCollector& collector);

// `format` is kCsv, kTsv or kNdjson; `options.fields` is set.
std::unique_ptr<ReportWriter> MakeFieldsReport(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options);

}  // namespace pcapkit::formats
