// A pool of objects of one type for the stateful tables (a flow per connection), carved
// from large chunks that are mapped and faulted in at once. A freed object is kept for
// the next one, so a table that turns over many short entries allocates nothing after
// its peak. Why not `new`: one malloc and one first-touch page fault per entry cost more
// than the entry's whole per-packet work when a capture opens tens of thousands of flows,
// and an entry faulted in by the kernel in bulk (MAP_POPULATE) costs a fraction of that.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <new>
#include <type_traits>
#include <vector>

namespace pcapkit {

template <class T>
class Slab {
 public:
  Slab() = default;
  ~Slab() {
    for (const Chunk& c : chunks_) munmap(c.base, c.bytes);
  }
  Slab(const Slab&) = delete;
  Slab& operator=(const Slab&) = delete;

  // A value-initialised T: a freed one if there is, else the next of the current chunk;
  // null only when the system has no memory left.
  T* New() {
    static_assert(std::is_trivially_destructible_v<T>, "the slab never runs destructors");
    if (!free_.empty()) {
      T* t = free_.back();
      free_.pop_back();
      return new (t) T{};
    }
    if (used_ == capacity_ && !Grow()) return nullptr;
    return new (&current_[used_++]) T{};
  }
  void Free(T* t) { free_.push_back(t); }
  // Fetches (for writing) the memory the next New() returns. A freed object has usually
  // left the cache long before it is reused, and filling a cold one stalls on each of
  // its lines in turn: a caller that knows a New() is coming hides that wait.
  void PrefetchNext() const {
    const char* p = !free_.empty()      ? reinterpret_cast<const char*>(free_.back())
                    : used_ < capacity_ ? reinterpret_cast<const char*>(current_ + used_)
                                        : nullptr;
    if (p == nullptr) return;
    for (size_t at = 0; at < sizeof(T); at += 64) __builtin_prefetch(p + at, 1);
  }

  // Bytes mapped: what the pool holds from the system.
  size_t mapped() const { return mapped_; }

 private:
  struct Chunk {
    void* base;
    size_t bytes;
  };
  // Chunks double from 64 KiB to 4 MiB: a small capture maps little, a large one few times.
  bool Grow() {
    size_t bytes = std::clamp<size_t>(mapped_, size_t(64) << 10, size_t(4) << 20);
    bytes = std::max(bytes, sizeof(T));
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) return false;
    chunks_.push_back({p, bytes});
    mapped_ += bytes;
    current_ = static_cast<T*>(p);
    capacity_ = bytes / sizeof(T);
    used_ = 0;
    return true;
  }

  std::vector<Chunk> chunks_;
  std::vector<T*> free_;
  T* current_ = nullptr;
  size_t capacity_ = 0, used_ = 0, mapped_ = 0;
};

}  // namespace pcapkit
