#include "stages/batch_stages.h"

namespace pcapkit::stages {

void DissectAndSerialize(const capture::Batch& batch, const Dissector& dissector,
                         formats::ReportWriter* writer, FrameObserver* observer,
                         formats::OutBuffer& out) {
  Frame frame;
  size_t meta = 0;
  for (size_t i = 0; i < batch.frames.size(); ++i) {
    for (; meta < batch.metas.size() && batch.metas[meta].before_frame <= i; ++meta)
      if (writer) writer->Meta(batch.metas[meta], out);
    const capture::FrameRecord& record = batch.frames[i];
    dissector.Dissect(record, batch.Data(record), frame);
    if (writer) writer->Frame(frame, out);
    if (observer) observer->OnFrame(frame);
  }
  for (; meta < batch.metas.size(); ++meta)
    if (writer) writer->Meta(batch.metas[meta], out);
}

}  // namespace pcapkit::stages
