// The pool under the flow table: objects come back value-initialised, freed ones are
// reused before new memory is mapped, and objects never overlap across chunks.
#include "engine/util/slab.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

namespace pcapkit {
namespace {

struct Entry {
  uint64_t words[40];  // 320 bytes: a few hundred per 64 KiB chunk
};

TEST(Slab, NewObjectsAreZeroedAndDistinctAcrossChunks) {
  Slab<Entry> slab;
  std::vector<Entry*> all;
  for (int i = 0; i < 5000; ++i) {  // about 1.6 MB: several chunks of growing size
    slab.PrefetchNext();
    Entry* e = slab.New();
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(
        std::all_of(std::begin(e->words), std::end(e->words), [](uint64_t w) { return w == 0; }));
    std::fill(std::begin(e->words), std::end(e->words), uint64_t(i) + 1);
    all.push_back(e);
  }
  EXPECT_EQ(std::set<Entry*>(all.begin(), all.end()).size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i]->words[39], i + 1) << i;  // no overlap
  EXPECT_GE(slab.mapped(), 5000 * sizeof(Entry));
  EXPECT_LE(slab.mapped(), 2 * 5000 * sizeof(Entry) + (size_t(64) << 10));
}

TEST(Slab, FreedObjectsAreReusedZeroedBeforeMoreIsMapped) {
  Slab<Entry> slab;
  std::vector<Entry*> first;
  for (int i = 0; i < 1000; ++i) {
    first.push_back(slab.New());
    first.back()->words[7] = 0xdead;
  }
  size_t mapped = slab.mapped();
  for (Entry* e : first) slab.Free(e);
  std::set<Entry*> before(first.begin(), first.end());
  for (int i = 0; i < 1000; ++i) {
    Entry* e = slab.New();
    EXPECT_TRUE(before.count(e)) << "a new object while freed ones waited";
    EXPECT_EQ(e->words[7], 0u);
  }
  EXPECT_EQ(slab.mapped(), mapped);
}

}  // namespace
}  // namespace pcapkit
