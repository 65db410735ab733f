#include "stages/batch_stages.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "formats/record.h"

namespace pcapkit::stages {

bool Source::Read(uint64_t sequence, WorkItem& item) {
  item.sequence = sequence;
  item.report.clear();
  item.log.clear();
  item.documents.clear();
  item.entries = 0;
  item.bytes = 0;
  item.input_count = 0;
  item.flow_count = 0;
  item.trace_records.clear();
  item.insertions.clear();
  item.members.clear();
  if (selection_ && selection_->done()) {
    if (!inputs_->several()) return false;
    inputs_->SkipRest();  // nothing more of this capture can be selected; the next may be
  }
  if (stop_ && stop_->load(std::memory_order_relaxed)) {
    interrupted_ = true;
    return false;
  }
  bool first = false;
  if (!inputs_->Next(item.batch, &first)) {
    // A read cut short by the stop (a quiet pipe) is not the end of the capture.
    if (stop_ && stop_->load(std::memory_order_relaxed)) interrupted_ = true;
    return false;
  }
  if (selection_) {
    if (first) selection_->Restart();
    status_ = selection_->Apply(item.batch);
  }
  return status_.ok();
}

namespace {
void VerboseLine(const Frame& frame, const protocols::Registry& registry, formats::OutBuffer& log) {
  char head[40];
  int n = std::snprintf(head, sizeof head,
                        "Frame %3llu: ", static_cast<unsigned long long>(frame.number()));
  log.Append(std::string_view(head, size_t(n)));
  std::string chain;
  AppendProtocolChain(frame, registry, chain);
  log.Append(chain);
  log.Push('\n');
}

// The frame's flow packet, with where its record is for the stages that write it.
void CollectFlowPacket(const ProcessOptions& o, const Frame& frame, size_t index, size_t splice,
                       WorkItem& item) {
  if (item.flow_packets.size() == item.flow_count) item.flow_packets.emplace_back();
  flows::FlowPacket& p = item.flow_packets[item.flow_count];
  if (!flows::ExtractFlowPacket(frame, p)) return;
  ++item.flow_count;
  p.batch_index = uint32_t(index);
  p.splice = splice;
  p.record_at = p.record_len = 0;
  if (o.trace_writer != nullptr && (o.trace_all || p.key.proto == 6)) {
    p.record_at = uint32_t(item.trace_records.size());
    o.trace_writer->Frame(frame, /*first=*/true, item.trace_records, nullptr);
    p.record_len = uint32_t(item.trace_records.size() - p.record_at);
  }
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
      const capture::MetaRecord& m = batch.metas[meta];
      if (writer && o.documents) {
        size_t at = item.report.size();
        if (writer->MetaDocument(m, item.report))
          item.documents.push_back({m.Title(), at, item.report.size() - at});
      } else if (writer) {
        writer->Meta(m, first(), item.report);
      }
      ++item.entries;
    }
    if (i == batch.frames.size()) break;
    const capture::FrameRecord& record = batch.frames[i];
    o.dissector->Dissect(record, batch.Data(record), frame);
    size_t splice = SIZE_MAX;
    if (writer && o.documents) {
      size_t at = item.report.size();
      if (writer->FrameDocument(frame, item.report, o.flow_ids ? &splice : nullptr))
        item.documents.push_back(
            {"Frame " + std::to_string(frame.number()), at, item.report.size() - at});
    } else if (writer) {
      writer->Frame(frame, first(), item.report, o.flow_ids ? &splice : nullptr);
    }
    ++item.entries;
    item.bytes += record.cap_len;
    if (o.reassembly) {
      if (item.inputs.size() == item.input_count) item.inputs.emplace_back();
      if (reassembly::ExtractInputs(frame, *o.reassembly, item.inputs[item.input_count]))
        ++item.input_count;
    }
    if (o.flows) CollectFlowPacket(o, frame, i, splice, item);
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

Sink::Sink(formats::Output* output, const formats::ReportWriter* writer, std::string directory,
           std::string extension, bool progress, uint64_t input_size)
    : output_(output),
      writer_(writer),
      directory_(std::move(directory)),
      extension_(std::move(extension)),
      progress_(progress),
      input_size_(input_size) {
  start_ = last_draw_ = Now();
}

void Sink::Begin() {
  if (writer_ && output_) writer_->Begin(pending_);
}

Status Sink::CheckLinkTypes(const WorkItem& item) {
  for (const capture::FrameRecord& f : item.batch.frames) {
    if (!have_linktype_) {
      linktype_ = f.linktype;
      have_linktype_ = true;
    } else if (f.linktype != linktype_) {
      return Status::InvalidArgument(
          "frame " + std::to_string(f.number) + " has link type " + std::to_string(f.linktype) +
          ", but a pcap file holds one link type (" + std::to_string(linktype_) +
          "): write pcapng (-f pcapng) instead");
    }
  }
  return Status::Ok();
}

Status Sink::WriteDocuments(const WorkItem& item) {
  for (const WorkItem::Document& d : item.documents) {
    std::unique_ptr<formats::OutputFile> file;
    Status s = formats::OutputFile::Open(directory_ + "/" + d.name + extension_, &file);
    if (s.ok()) s = file->Write(item.report.view().substr(d.offset, d.length));
    if (s.ok()) s = file->Close();
    if (!s.ok()) return s;
    ++files_;
  }
  return Status::Ok();
}

Status Sink::Write(WorkItem& item) {
  if (writer_ && writer_->SingleLinkType() && !item.documents.size()) {
    Status s = CheckLinkTypes(item);
    if (!s.ok()) return s;
  }
  entries_ += item.entries;
  frames_ += item.batch.frames.size();
  bytes_ += item.bytes;
  if (!item.log.empty()) {
    std::fwrite(item.log.data(), 1, item.log.size(), stderr);
    std::fflush(stderr);
  }
  Status s;
  if (!directory_.empty()) s = WriteDocuments(item);
  if (s.ok() && output_) {
    // A batch's report goes straight out; only small ones (a live capture trickling in)
    // are gathered, and even those leave at once when the source is slow.
    const std::vector<std::string_view>& pieces = Pieces(item);
    if (pending_.empty() && item.report.size() >= kDirectBytes) {
      s = output_->WriteV(pieces);
    } else {
      for (std::string_view p : pieces) pending_.Append(p);
      s = Flush(item.batch.trickling);
    }
  }
  if (progress_) DrawProgress(false);
  return s;
}

// The report's bytes with the flow stage's members in between (extract --flow-id).
const std::vector<std::string_view>& Sink::Pieces(const WorkItem& item) {
  pieces_.clear();
  std::string_view report = item.report.view(), members = item.members.view();
  size_t copied = 0;
  for (const WorkItem::Insertion& in : item.insertions) {
    pieces_.push_back(report.substr(copied, in.at - copied));
    pieces_.push_back(members.substr(in.from, in.length));
    copied = in.at;
  }
  pieces_.push_back(report.substr(copied));
  return pieces_;
}

Status Sink::Flush(bool force) {
  if (!output_ || pending_.empty() || (!force && pending_.size() < kFlushBytes))
    return Status::Ok();
  Status s = output_->Write(pending_.view());
  pending_.clear();
  return s;
}

Status Sink::Finish() {
  if (writer_ && output_) writer_->End(entries_ == 0, pending_);
  Status s = Flush(true);
  if (s.ok() && output_) s = output_->Close();
  if (progress_) DrawProgress(true);
  return s;
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
