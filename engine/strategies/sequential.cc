#include "engine/strategies/sequential.h"

namespace pcapkit::strategies {

ExtractSummary RunSequential(const Pipeline& p) {
  // Report bytes collect here and go out in large writes.
  constexpr size_t kFlushBytes = 1 << 20;
  formats::OutBuffer out(2 * kFlushBytes);
  ExtractSummary summary;
  if (p.writer) p.writer->Begin(out);
  capture::Batch batch;
  while (p.reader->Next(batch)) {
    stages::DissectAndSerialize(batch, *p.dissector, p.writer, p.observer, out);
    summary.frames += batch.frames.size();
    for (const auto& f : batch.frames) summary.bytes += f.cap_len;
    if (out.size() >= kFlushBytes || batch.trickling) {
      if (p.output) p.output->Write(out.view());
      out.clear();
    }
  }
  if (p.writer) p.writer->End(out);
  if (p.output) {
    p.output->Write(out.view());
    p.output->Close();
    summary.output = p.output->path();
  }
  if (p.reader->error()) throw *p.reader->error();
  return summary;
}

}  // namespace pcapkit::strategies
