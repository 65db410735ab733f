// An open-addressing hash table of pointers (linear probing, backward-shift deletion)
// for the per-segment connection lookup. A slot holds the full 64-bit hash beside the
// pointer, so a probe rarely touches an entry that is not the one sought, and the slot
// array can be prefetched a few segments ahead. Identity is decided by the caller's full
// key compare, never by the hash. The table owns nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pcapkit::reassembly {

template <class T>
class FlatTable {
 public:
  FlatTable() : slots_(kInitial) {}

  size_t size() const { return count_; }

  // The entry with hash `h` for which same(entry) holds, or null.
  template <class Same>
  T* Find(uint64_t h, Same same) const {
    for (size_t i = h & mask(); slots_[i].entry != nullptr; i = (i + 1) & mask())
      if (slots_[i].hash == h && same(slots_[i].entry)) return slots_[i].entry;
    return nullptr;
  }

  // Prefetching: the slot a lookup of `h` starts at, then (once that is in cache) the
  // entry whose hash matches.
  void Prefetch(uint64_t h) const { __builtin_prefetch(&slots_[h & mask()]); }
  // `bytes`: how much of the entry (from its start) to fetch.
  void PrefetchEntry(uint64_t h, size_t bytes = 64) const {
    for (size_t i = h & mask(); slots_[i].entry != nullptr; i = (i + 1) & mask())
      if (slots_[i].hash == h) {
        const char* p = reinterpret_cast<const char*>(slots_[i].entry);
        for (size_t at = 0; at < bytes; at += 64) __builtin_prefetch(p + at);
        return;
      }
  }

  void Insert(uint64_t h, T* entry) {
    if ((count_ + 1) * 4 > slots_.size() * 3) Grow();
    Place(h, entry);
    ++count_;
  }

  void Remove(uint64_t h, const T* entry) {
    size_t i = h & mask();
    while (slots_[i].entry != entry) {
      if (slots_[i].entry == nullptr) return;
      i = (i + 1) & mask();
    }
    // Backward shift: move later entries of the probe run into the hole when their home
    // slot does not lie (cyclically) between the hole and themselves.
    for (size_t j = (i + 1) & mask(); slots_[j].entry != nullptr; j = (j + 1) & mask()) {
      size_t home = slots_[j].hash & mask();
      bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = Slot{};
    --count_;
  }

  // Bytes the slot array takes.
  size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t hash = 0;
    T* entry = nullptr;
  };
  static constexpr size_t kInitial = 1024;

  size_t mask() const { return slots_.size() - 1; }

  void Place(uint64_t h, T* entry) {
    size_t i = h & mask();
    while (slots_[i].entry != nullptr) i = (i + 1) & mask();
    slots_[i] = Slot{h, entry};
  }

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.entry != nullptr) Place(s.hash, s.entry);
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

}  // namespace pcapkit::reassembly
