// Reports compressed as they are written: `-o out.ndjson.gz` (gzip, zlib) or
// `out.ndjson.zst` (zstd), the format named by the extension inside. The compressor runs
// in the serial writer, on the bytes the report's writer would have written; the file
// underneath keeps its rules (a temporary name renamed into place by Close).
#pragma once

#include <memory>
#include <string>

#include "formats/output_file.h"

namespace pcapkit::formats {

enum class Compression { kNone, kGzip, kZstd };

// The compression a report's name asks for: its last extension, in any case (.gz, .zst).
Compression CompressionOf(const std::string& path);

// `inner` with its bytes compressed; `inner` itself for kNone.
std::unique_ptr<Output> Compressed(std::unique_ptr<Output> inner, Compression compression);

}  // namespace pcapkit::formats
