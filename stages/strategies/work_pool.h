// What the parallel strategies share: a fixed set of reusable work items, and the first
// failure of a run.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/util/status.h"
#include "stages/flow_graph.h"

namespace pcapkit::strategies {

// Taking an item blocks while all are in flight, which is what bounds memory: at most
// `size` batches exist between the reader and the last stage.

class WorkPool {
 public:
  explicit WorkPool(size_t size) {
    for (size_t i = 0; i < size; ++i) {
      items_.push_back(std::make_unique<stages::WorkItem>());
      free_.push_back(items_.back().get());
    }
  }
  stages::WorkItem* Take() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    stages::WorkItem* item = free_.back();
    free_.pop_back();
    size_t out = items_.size() - free_.size();
    if (out > max_out_) max_out_ = out;
    return item;
  }
  void Give(stages::WorkItem* item) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(item);
    }
    cv_.notify_one();
  }
  size_t max_out() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_out_;
  }

 private:
  std::vector<std::unique_ptr<stages::WorkItem>> items_;
  std::vector<stages::WorkItem*> free_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t max_out_ = 0;
};

// The first stage failure of a run. Once there is one, the stages are skipped for the
// items still in flight (they only travel on, back to the pool) and reading stops.
class FirstFailure {
 public:
  // Runs `stage` on `item` unless the run has failed already.
  void Run(const stages::Stage& stage, stages::WorkItem& item) {
    if (failed()) return;
    Status s = stage.run(item);
    if (s.ok()) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (status_.ok()) status_ = std::move(s);
    failed_.store(true, std::memory_order_release);
  }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // After the run: the failure, or OK.
  Status status() const {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  mutable std::mutex mu_;
  Status status_;
  std::atomic<bool> failed_{false};
};

}  // namespace pcapkit::strategies
