// A set of disjoint byte ranges [begin, end), kept sorted and merged: the complement of
// RFC 815's hole-descriptor list. Ranges are few in practice (a handful of fragments),
// so a sorted vector beats a tree.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace pcapkit::reassembly {

class RunSet {
 public:
  using Range = std::pair<uint64_t, uint64_t>;

  // Calls covered(begin, end) for each part of [b, e) already in the set, and
  // uncovered(begin, end) for each part that is not, in order; then adds [b, e).
  template <class Covered, class Uncovered>
  void Add(uint64_t b, uint64_t e, Covered covered, Uncovered uncovered) {
    if (b >= e) return;
    uint64_t at = b;
    size_t i = 0;
    while (i < runs_.size() && runs_[i].second <= b) ++i;
    size_t first = i;
    for (; i < runs_.size() && runs_[i].first < e; ++i) {
      if (runs_[i].first > at) uncovered(at, runs_[i].first);
      uint64_t cb = std::max(at, runs_[i].first), ce = std::min(e, runs_[i].second);
      if (cb < ce) covered(cb, ce);
      at = std::max(at, runs_[i].second);
    }
    if (at < e) uncovered(at, e);
    // Merge [b, e) with the runs it touches (adjacent ones included).
    size_t lo = first;
    if (lo > 0 && runs_[lo - 1].second == b) --lo;
    size_t hi = lo;
    uint64_t nb = b, ne = e;
    while (hi < runs_.size() && runs_[hi].first <= e) {
      nb = std::min(nb, runs_[hi].first);
      ne = std::max(ne, runs_[hi].second);
      ++hi;
    }
    runs_.erase(runs_.begin() + lo, runs_.begin() + hi);
    runs_.insert(runs_.begin() + lo, {nb, ne});
  }

  // Drops everything at or beyond `end`.
  void Truncate(uint64_t end) {
    while (!runs_.empty() && runs_.back().first >= end) runs_.pop_back();
    if (!runs_.empty() && runs_.back().second > end) runs_.back().second = end;
  }

  bool Covers(uint64_t b, uint64_t e) const {
    return runs_.size() == 1 && runs_[0].first <= b && runs_[0].second >= e;
  }
  const std::vector<Range>& runs() const { return runs_; }

 private:
  std::vector<Range> runs_;
};

}  // namespace pcapkit::reassembly
