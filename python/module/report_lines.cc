#include "report_lines.h"

#include "pcapkit/extractor.h"
#include "reader.h"

namespace pcapkit::python {

// Splits the report's bytes into lines and queues each.
class ReportLines::LineSink final : public OutputSink {
 public:
  explicit LineSink(ReportLines* owner) : owner_(owner) {}
  void Write(std::string_view bytes) override {
    for (size_t end; (end = bytes.find('\n')) != std::string_view::npos;) {
      partial_.append(bytes.substr(0, end));
      owner_->Push(std::move(partial_));
      partial_.clear();
      bytes.remove_prefix(end + 1);
    }
    partial_.append(bytes);
  }
  void Close() override {
    if (!partial_.empty()) owner_->Push(std::move(partial_));
  }
  std::string name() const override { return "<python>"; }

 private:
  ReportLines* owner_;
  std::string partial_;
};

ReportLines::ReportLines(py::object source, const std::string& kind, const py::dict& keywords) {
  ExtractOptions o = OptionsFrom(std::move(source), keywords, true, hold_);
  o.nofile = true;  // the frames are read, not written: the report is the records'
  o.quiet = true;
  o.stop = &stop_;
  auto sink = std::make_shared<LineSink>(this);
  if (kind == "flows") {
    o.flows.enabled = true;
    o.flows_sink = sink;
    o.flows_format = OutputFormat::kNdjson;
  } else {
    o.analyse.enabled = true;
    o.analyse.sink = sink;
    o.analyse.format = OutputFormat::kNdjson;
  }
  run_ = std::thread([this, o = std::move(o)]() mutable {
    std::exception_ptr error;
    try {
      Extractor(std::move(o)).Run();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    error_ = error;
    done_ = true;
    changed_.notify_all();
  });
}

ReportLines::~ReportLines() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    lines_.clear();
    changed_.notify_all();
  }
  py::gil_scoped_release nogil;  // a file-object capture takes the GIL to read
  if (run_.joinable()) run_.join();
}

void ReportLines::Push(std::string line) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return lines_.size() < kMaxQueued || stop_; });
  if (stop_) return;
  lines_.push_back(std::move(line));
  changed_.notify_all();
}

py::str ReportLines::Next() {
  std::string line;
  {
    py::gil_scoped_release nogil;
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !lines_.empty() || done_; });
    if (!lines_.empty()) {
      line = std::move(lines_.front());
      lines_.pop_front();
      changed_.notify_all();
    } else if (error_) {
      std::exception_ptr error = std::exchange(error_, nullptr);
      lock.unlock();
      std::rethrow_exception(error);  // the GIL is taken back on the way out
    } else {
      throw py::stop_iteration();
    }
  }
  return py::str(line);
}

}  // namespace pcapkit::python
