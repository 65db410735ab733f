// A fixed set of reusable work items. Taking one blocks while all are in flight, which is
// what bounds memory: at most `size` batches exist between the reader and the writer.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "stages/batch_stages.h"

namespace pcapkit::strategies {

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

}  // namespace pcapkit::strategies
