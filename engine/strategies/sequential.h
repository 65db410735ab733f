// The sequential strategy: one thread reads a batch, dissects and serializes it, and
// writes the bytes, batch after batch. The reference output every other strategy must
// reproduce byte for byte.
#pragma once

#include "engine/capture/reader.h"
#include "engine/packet/dissector.h"
#include "formats/output_file.h"
#include "formats/report_writer.h"
#include "pcapkit/extractor.h"
#include "stages/batch_stages.h"

namespace pcapkit::strategies {

struct Pipeline {
  capture::Reader* reader;
  const Dissector* dissector;
  formats::ReportWriter* writer;  // null with --nofile
  formats::OutputFile* output;    // null with --nofile
  stages::FrameObserver* observer;
};

// Runs to the end of the capture. On a corrupt capture, writes every frame before the
// fault, closes the report so it stays valid, then throws the reader's InputError.
ExtractSummary RunSequential(const Pipeline& p);

}  // namespace pcapkit::strategies
