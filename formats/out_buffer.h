// A growable byte buffer written through a raw cursor: writers ask for room once per
// field, then store bytes without a capacity check per byte (std::string's push_back and
// append check every time, and the JSON writer spent a quarter of its time there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

namespace pcapkit::formats {

class OutBuffer {
 public:
  OutBuffer() = default;
  explicit OutBuffer(size_t capacity) { Grow(capacity); }
  ~OutBuffer() { std::free(data_); }
  OutBuffer(const OutBuffer&) = delete;
  OutBuffer& operator=(const OutBuffer&) = delete;
  OutBuffer(OutBuffer&& o) noexcept : data_(o.data_), size_(o.size_), cap_(o.cap_) {
    o.data_ = nullptr;
    o.size_ = o.cap_ = 0;
  }

  // Room for `n` more bytes; write them at the returned cursor, then Commit(end).
  char* Ensure(size_t n) {
    // Never hands out the null of a buffer not yet allocated, even for n == 0.
    if (cap_ - size_ < n || data_ == nullptr) Grow(size_ + n);
    return data_ + size_;
  }
  void Commit(char* end) { size_ = size_t(end - data_); }

  void Append(std::string_view s) {
    if (s.empty()) return;  // memcpy may not be given the null of an unused buffer
    char* p = Ensure(s.size());
    std::memcpy(p, s.data(), s.size());
    size_ += s.size();
  }
  void Push(char c) {
    *Ensure(1) = c;
    ++size_;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  void Reserve(size_t n) {
    if (cap_ < n) Grow(n);
  }
  std::string_view view() const { return {data_, size_}; }
  const char* data() const { return data_; }
  void swap(OutBuffer& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
  }

 private:
  void Grow(size_t need) {
    size_t cap = cap_ ? cap_ : 4096;
    while (cap < need) cap *= 2;
    char* p = static_cast<char*>(std::realloc(data_, cap));
    if (p == nullptr) throw std::bad_alloc();
    data_ = p;
    cap_ = cap;
  }
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// A place in a frame's record, written in parallel, where a serial stage's values go in
// later (extract --flow-id): the offset in the record's buffer and the part the writer's
// FrameMembers renders there (0: all the members; a flat row: one cell).
struct SplicePoint {
  size_t at;
  uint32_t part;
};
using SplicePoints = std::vector<SplicePoint>;

}  // namespace pcapkit::formats
