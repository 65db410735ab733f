#include "stages/batch_stages.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <tuple>

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
  item.splices.clear();
  item.members.clear();
  item.anomalies.clear();
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
// Adds `count` malformed layers to their kind in `list`. One kind is one protocol and one
// text: the same message may sit at two addresses when two files spell it.
void NoteAnomaly(std::vector<WorkItem::Anomaly>& list, ProtocolId attempted, const char* error,
                 uint64_t count, uint64_t first_frame) {
  for (WorkItem::Anomaly& a : list) {
    if (a.attempted == attempted && (a.error == error || std::strcmp(a.error, error) == 0)) {
      a.count += count;
      return;
    }
  }
  list.push_back({attempted, error, count, first_frame});
}

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
void CollectFlowPacket(const ProcessOptions& o, const Frame& frame, size_t index,
                       size_t splice_from, WorkItem& item) {
  if (item.flow_packets.size() == item.flow_count) item.flow_packets.emplace_back();
  flows::FlowPacket& p = item.flow_packets[item.flow_count];
  if (!flows::ExtractFlowPacket(frame, p)) return;
  ++item.flow_count;
  p.batch_index = uint32_t(index);
  p.splice_from = uint32_t(splice_from);
  p.splice_count = uint32_t(item.splices.size() - splice_from);
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
    size_t splice_from = item.splices.size();
    formats::SplicePoints* splices = o.flow_ids ? &item.splices : nullptr;
    if (writer && o.documents) {
      size_t at = item.report.size();
      if (writer->FrameDocument(frame, item.report, splices))
        item.documents.push_back(
            {"Frame " + std::to_string(frame.number()), at, item.report.size() - at});
    } else if (writer) {
      writer->Frame(frame, first(), item.report, splices);
    }
    ++item.entries;
    item.bytes += record.cap_len;
    if (o.reassembly) {
      if (item.inputs.size() == item.input_count) item.inputs.emplace_back();
      if (reassembly::ExtractInputs(frame, *o.reassembly, item.inputs[item.input_count]))
        ++item.input_count;
    }
    if (o.flows) CollectFlowPacket(o, frame, i, splice_from, item);
    for (size_t l = 0; l < frame.layer_count(); ++l)
      if (const char* error = frame.layer(l).error)
        NoteAnomaly(item.anomalies, frame.layer(l).attempted, error, 1, frame.number());
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
  // In batch order: a kind's first frame is the first in the capture.
  for (const WorkItem::Anomaly& a : item.anomalies)
    NoteAnomaly(anomalies_, a.attempted, a.error, a.count, a.first_frame);
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

void Sink::Summarize(const protocols::Registry& registry, pcapkit::ExtractSummary& s) const {
  s.frames = frames_;
  s.bytes = bytes_;
  s.files = files_;
  std::vector<pcapkit::Anomaly>& out = s.anomalies;
  out.clear();
  for (const WorkItem::Anomaly& a : anomalies_) {
    const protocols::ProtocolInfo& p =
        registry.Info(a.attempted == ProtocolId::kNone ? ProtocolId::kRaw : a.attempted);
    // A protocol registered twice (DNS over UDP and over TCP) has one key: one entry, whose
    // first frame is the one seen first (anomalies_ is in order of first appearance).
    auto same = std::find_if(out.begin(), out.end(), [&](const pcapkit::Anomaly& b) {
      return b.protocol == p.key && b.message == a.error;
    });
    if (same != out.end())
      same->count += a.count;
    else
      out.push_back({p.key, p.name, a.error, a.count, a.first_frame});
  }
  std::sort(out.begin(), out.end(), [](const pcapkit::Anomaly& x, const pcapkit::Anomaly& y) {
    return std::tie(x.protocol, x.message) < std::tie(y.protocol, y.message);
  });
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
