#include "stages/batch_stages.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "formats/record.h"

namespace pcapkit::stages {

bool Read(capture::Reader& reader, uint64_t sequence, WorkItem& item) {
  item.sequence = sequence;
  item.report.clear();
  item.log.clear();
  item.entries = 0;
  item.bytes = 0;
  return reader.Next(item.batch);
}

namespace {
void VerboseLine(const Frame& frame, const protocols::Registry& registry, formats::OutBuffer& log) {
  char head[40];
  int n = std::snprintf(head, sizeof head,
                        "Frame %3llu: ", static_cast<unsigned long long>(frame.number()));
  log.Append(std::string_view(head, size_t(n)));
  std::string chain;
  formats::AppendProtocolChain(frame, registry, chain);
  log.Append(chain);
  log.Push('\n');
}
}  // namespace

void Process(const ProcessOptions& o, WorkItem& item) {
  const capture::Batch& batch = item.batch;
  const formats::ReportWriter* writer = o.writer;
  // The report's first entry is the first record of batch 0 (always the file header).
  auto first = [&] { return item.sequence == 0 && item.entries == 0; };
  Frame frame;
  size_t meta = 0;
  for (size_t i = 0; i <= batch.frames.size(); ++i) {
    for (; meta < batch.metas.size() && batch.metas[meta].before_frame <= i; ++meta) {
      if (writer) writer->Meta(batch.metas[meta], first(), item.report);
      ++item.entries;
    }
    if (i == batch.frames.size()) break;
    const capture::FrameRecord& record = batch.frames[i];
    o.dissector->Dissect(record, batch.Data(record), frame);
    if (writer) writer->Frame(frame, first(), item.report);
    ++item.entries;
    item.bytes += record.cap_len;
    if (o.verbose) VerboseLine(frame, *o.registry, item.log);
  }
}

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
constexpr size_t kFlushBytes = 1 << 20;
constexpr size_t kDirectBytes = 64 << 10;
}  // namespace

Sink::Sink(formats::OutputFile* output, const formats::ReportWriter* writer, bool progress,
           uint64_t input_size)
    : output_(output), writer_(writer), progress_(progress), input_size_(input_size) {
  start_ = last_draw_ = Now();
}

void Sink::Begin() {
  if (writer_) writer_->Begin(pending_);
}

void Sink::Write(WorkItem& item) {
  entries_ += item.entries;
  frames_ += item.batch.frames.size();
  bytes_ += item.bytes;
  if (!item.log.empty()) {
    std::fwrite(item.log.data(), 1, item.log.size(), stderr);
    std::fflush(stderr);
  }
  if (output_) {
    // A batch's report goes straight out; only small ones (a live capture trickling in)
    // are gathered, and even those leave at once when the source is slow.
    if (pending_.empty() && item.report.size() >= kDirectBytes) {
      output_->Write(item.report.view());
    } else {
      pending_.Append(item.report.view());
      Flush(item.batch.trickling);
    }
  }
  if (progress_) DrawProgress(false);
}

void Sink::Flush(bool force) {
  if (output_ && !pending_.empty() && (force || pending_.size() >= kFlushBytes)) {
    output_->Write(pending_.view());
    pending_.clear();
  }
}

void Sink::Finish() {
  if (writer_) writer_->End(entries_ == 0, pending_);
  Flush(true);
  if (output_) output_->Close();
  if (progress_) DrawProgress(true);
}

void Sink::DrawProgress(bool final) {
  double now = Now();
  if (!final && now - last_draw_ < 0.25) return;
  last_draw_ = now;
  double secs = std::max(now - start_, 1e-6);
  double mbps = double(bytes_) / secs / 1e6;
  char eta[32] = "";
  // The capture's size gives an estimate; captured bytes trail the file by the headers.
  if (input_size_ > 0 && bytes_ > 0 && !final) {
    double left = double(input_size_) - double(bytes_);
    double s = left > 0 ? left / (double(bytes_) / secs) : 0;
    std::snprintf(eta, sizeof eta, "  ETA %d:%02d", int(s) / 60, int(s) % 60);
  }
  std::fprintf(stderr, "\r%12llu frames  %9.1f MB  %8.1f MB/s%s\033[K%s",
               static_cast<unsigned long long>(frames_), double(bytes_) / 1e6, mbps, eta,
               final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace pcapkit::stages
