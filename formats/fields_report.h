// The flat reports: one row per record of the fields -e selects — csv (RFC 4180, a header
// line unless --no-header), tsv, or ndjson objects keyed by the field names. File-level
// records (pcap's header, pcapng's blocks) have no row.
#pragma once

#include <memory>

#include "formats/report_writer.h"

namespace pcapkit::formats {

// `format` is kCsv, kTsv or kNdjson; `options.fields` is set.
std::unique_ptr<ReportWriter> MakeFieldsReport(OutputFormat format,
                                               const protocols::Registry& registry,
                                               const RecordOptions& options);

}  // namespace pcapkit::formats
