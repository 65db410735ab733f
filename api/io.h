// The public I/O seam as the engine's own interfaces (api/io.cc).
#pragma once

#include <memory>

#include "engine/io/byte_source.h"
#include "formats/output_file.h"
#include "pcapkit/io.h"

namespace pcapkit {

std::unique_ptr<io::ByteSource> AdaptSource(std::shared_ptr<CaptureSource> source);
std::unique_ptr<formats::Output> AdaptSink(std::shared_ptr<OutputSink> sink);

}  // namespace pcapkit
