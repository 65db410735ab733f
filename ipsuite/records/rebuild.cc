// `pcapkit build`: records back to frames, as an ordered pipeline of batches. One thread
// reads records' text in input order; the workers parse and build each batch (simdjson and
// the builders are most of the time); one thread writes the frames in input order. The
// first record that cannot be built stops the run after the frames before it are written,
// whatever the thread count.
#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>

#include "formats/output_file.h"
#include "ipsuite/records/capture_stream.h"
#include "ipsuite/records/frame_builder.h"
#include "ipsuite/records/record_stream.h"

namespace pcapkit::ipsuite {
namespace {

constexpr size_t kBatchRecords = 512;
constexpr size_t kBatchBytes = 1 << 20;  // or fewer records, when they are long

// A run of records, their text copied out of the stream's buffer, and what became of each.
struct Batch {
  struct Record {
    size_t begin, size;  // in text
    uint64_t offset;     // of its line in the input
    records::BuiltFrame frame;
    Status status;       // why it could not be built
    bool fatal = false;  // not a JSON record: the input cannot be read on
  };
  std::string text;  // the records' JSON, then simdjson's padding
  std::vector<Record> records;
  Status read_status;  // a fault of the input after these records
  bool last = false;   // the input ended (or failed) after these records
};

// A record's fault as an input error naming the input, the frame and the record's offset.
Status Located(const Status& s, const std::string& input, uint64_t number, uint64_t offset) {
  std::string what = input == "-" ? "stdin" : input;
  return Status::CorruptInput(what + ": record of frame " + std::to_string(number) + " (byte " +
                                  std::to_string(offset) + "): " + s.message(),
                              number, offset, what);
}

using Owned = std::unique_ptr<Batch>;  // a cancelled pipeline destroys what it holds

// Batches written are reused: a batch's megabyte of text keeps its memory, instead of
// being allocated, grown and faulted in afresh for every batch.
class BatchPool {
 public:
  Owned Take() {
    Owned batch;
    if (free_.try_pop(batch)) return batch;
    batch = std::make_unique<Batch>();
    batch->text.reserve(2 * kBatchBytes);
    return batch;
  }
  void Give(Owned batch) {
    batch->text.clear();
    batch->records.clear();
    batch->read_status = Status::Ok();
    batch->last = false;
    free_.push(std::move(batch));
  }

 private:
  oneapi::tbb::concurrent_queue<Owned> free_;
};

// Reads the next batch into `batch`; an empty one (and a kept read status, if any) at
// the end.
Owned ReadBatch(records::RecordStream& in, Owned batch) {
  while (batch->records.size() < kBatchRecords && batch->text.size() < kBatchBytes) {
    std::string_view text;
    uint64_t offset = 0;
    bool got = false;
    batch->read_status = in.Next(&text, &offset, &got);
    if (!batch->read_status.ok() || !got) {
      batch->last = true;
      break;
    }
    batch->records.push_back({.begin = batch->text.size(), .size = text.size(), .offset = offset});
    batch->text.append(text);
    batch->text.push_back('\n');
  }
  batch->text.append(simdjson::SIMDJSON_PADDING, ' ');
  return batch;
}

// Parses and builds each record of the batch, on a worker.
void BuildBatch(Batch& batch, simdjson::dom::parser& parser, records::FrameFixes fixes) {
  for (Batch::Record& r : batch.records) {
    simdjson::dom::element e;
    simdjson::dom::object record;
    simdjson::error_code error = parser.parse(batch.text.data() + r.begin, r.size, false).get(e);
    if (error == simdjson::SUCCESS) error = e.get_object().get(record);
    if (error != simdjson::SUCCESS) {
      r.status = Status::CorruptInput(
          std::string("not a JSON record: ") + simdjson::error_message(error), 0, r.offset);
      r.fatal = true;
      return;  // the run stops here
    }
    r.status = records::BuildFrame(record, fixes, &r.frame);
  }
}

// The writing end: frames in input order, the first fault kept and the run stopped there.
class Writer {
 public:
  Writer(const RebuildOptions& o, std::unique_ptr<formats::OutputFile> file,
         RebuildSummary* summary)
      : o_(o), out_(std::move(file), o.pcapng), summary_(summary) {}

  // False once the run is to stop.
  bool Write(Batch& batch) {
    for (Batch::Record& r : batch.records)
      if (!Write(r)) return false;
    if (!batch.read_status.ok()) return Stop(Locate(batch.read_status, 0));
    return true;
  }
  // The run's outcome: the output closed, or the fault that stopped it (a failed write
  // before a failed close: the first says why).
  Status Finish() {
    Status closed = out_.Close();
    if (status_.code() == Status::Code::kIoError) return status_;
    return status_.ok() || !closed.ok() ? closed : status_;
  }

 private:
  bool Write(Batch::Record& r) {
    if (r.fatal) return Stop(Locate(r.status, r.offset));
    Status s = r.status;
    if (s.ok()) s = out_.Add(r.frame);
    if (s.ok()) {
      ++summary_->frames;
      return true;
    }
    if (s.code() == Status::Code::kIoError) return Stop(s);
    s = Located(s, o_.input, r.frame.number, r.offset);
    if (!o_.keep_going) return Stop(s);
    if (o_.on_skip) o_.on_skip(s.message());
    ++summary_->skipped;
    return true;
  }
  // A fault of the input itself (never skipped): located at the record after those seen.
  Status Locate(const Status& s, uint64_t offset) {
    uint64_t number = summary_->frames + summary_->skipped + 1;
    return Located(s, o_.input, number, offset != 0 ? offset : s.offset());
  }
  bool Stop(Status s) {
    status_ = std::move(s);
    return false;
  }

  const RebuildOptions& o_;
  records::CaptureStream out_;
  RebuildSummary* summary_;
  Status status_;
};

Status Rebuild(const RebuildOptions& o, RebuildSummary* summary) {
  std::unique_ptr<records::RecordStream> in;
  if (Status s = records::RecordStream::Open(o.input, &in); !s.ok()) return s;
  std::unique_ptr<formats::OutputFile> file;
  if (Status s = formats::OutputFile::Open(o.output, &file); !s.ok()) return s;
  Writer writer(o, std::move(file), summary);
  const records::FrameFixes fixes{.checksums = o.fix_checksums, .lengths = o.fix_lengths};
  // The arena's threads run all three stages; batches in flight are bounded by tokens.
  const unsigned threads = std::clamp(
      o.threads != 0 ? o.threads : unsigned(oneapi::tbb::info::default_concurrency()), 1u, 1024u);
  oneapi::tbb::enumerable_thread_specific<simdjson::dom::parser> parsers;
  BatchPool pool;
  std::atomic<bool> stop = false;
  bool input_done = false;
  using oneapi::tbb::filter_mode;
  auto read = [&](oneapi::tbb::flow_control& fc) -> Owned {
    if (input_done || stop.load()) return fc.stop(), nullptr;
    Owned batch = ReadBatch(*in, pool.Take());
    input_done = batch->last;
    if (batch->records.empty() && batch->read_status.ok()) return fc.stop(), nullptr;
    return batch;
  };
  auto build = [&](Owned batch) {
    if (!stop.load()) BuildBatch(*batch, parsers.local(), fixes);
    return batch;
  };
  auto write = [&](Owned batch) {
    if (!stop.load() && !writer.Write(*batch)) stop = true;
    pool.Give(std::move(batch));
  };
  oneapi::tbb::task_arena arena{int(threads)};
  arena.execute([&] {
    oneapi::tbb::parallel_pipeline(
        2 * threads + 1,
        oneapi::tbb::make_filter<void, Owned>(filter_mode::serial_in_order, read) &
            oneapi::tbb::make_filter<Owned, Owned>(filter_mode::parallel, build) &
            oneapi::tbb::make_filter<Owned, void>(filter_mode::serial_in_order, write));
  });
  return writer.Finish();
}

}  // namespace

RebuildSummary RebuildCapture(const RebuildOptions& options) {
  RebuildSummary summary;
  Raise(Rebuild(options, &summary));
  return summary;
}

}  // namespace pcapkit::ipsuite
