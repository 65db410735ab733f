// The public I/O seam as the engine's own interfaces (api/io.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/io/byte_source.h"
#include "formats/output_file.h"
#include "pcapkit/io.h"

namespace pcapkit {

std::unique_ptr<io::ByteSource> AdaptSource(std::shared_ptr<CaptureSource> source);
std::unique_ptr<formats::Output> AdaptSink(std::shared_ptr<OutputSink> sink);

// A report's destination: `sink` when given, else the file `path` ("-": stdout),
// compressed when its name ends in .gz or .zst (api/destination.cc).
Status OpenDestination(const std::shared_ptr<OutputSink>& sink, const std::string& path,
                       std::unique_ptr<formats::Output>* out);
// The bytes of the files `paths` together; 0 when one is stdin ("-") or has no size.
uint64_t FilesSize(const std::vector<std::string>& paths);
// -F's folder, made when missing. One that holds files already is refused (a former
// run's `Frame 3..6` would stay beside the new records), or emptied with `force`.
Status PrepareFolder(const std::string& folder, bool force);

}  // namespace pcapkit
