// flows() and analyse(): a whole extraction run on a thread of its own, its flow or
// transaction report (ndjson) handed to Python line by line through a bounded queue, so
// the records stream while the capture is read and memory stays flat.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "reader.h"

namespace pcapkit::python {

namespace py = pybind11;

class ReportLines {
 public:
  // `kind`: "flows" or "analyse"; `keywords`: extract's options and the verb's.
  ReportLines(py::object source, const std::string& kind, const py::dict& keywords);
  ~ReportLines();
  ReportLines(const ReportLines&) = delete;
  ReportLines& operator=(const ReportLines&) = delete;

  // The next record's line (a str); StopIteration at the end; the run's error, raised
  // once every record before it was handed out.
  py::str Next();

 private:
  class LineSink;
  void Push(std::string line);  // by the run's thread; waits while the queue is full

  static constexpr size_t kMaxQueued = 4096;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> lines_;
  bool done_ = false;
  std::exception_ptr error_;
  std::atomic<bool> stop_{false};
  CaptureHold hold_;  // released here, with the GIL, after the run's thread ended
  std::thread run_;
};

}  // namespace pcapkit::python
