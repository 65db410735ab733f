// The stages a batch goes through between the reader and the output: dissect every frame,
// then serialize it into report bytes. Kept free of threading so the strategies (the
// sequential loop now, the flow-graph strategies later) compose the same functions and
// therefore write the same bytes.
#pragma once

#include <string>

#include "engine/capture/batch.h"
#include "engine/packet/dissector.h"
#include "formats/report_writer.h"

namespace pcapkit::stages {

// Optional per-frame observer (verbose lines, statistics); called in capture order.
class FrameObserver {
 public:
  virtual ~FrameObserver() = default;
  virtual void OnFrame(const Frame& frame) = 0;
};

// Dissects every frame of `batch` and appends the report bytes of its records (file
// records in their place) to `out`. `writer` may be null (--nofile).
void DissectAndSerialize(const capture::Batch& batch, const Dissector& dissector,
                         formats::ReportWriter* writer, FrameObserver* observer,
                         formats::OutBuffer& out);

}  // namespace pcapkit::stages
