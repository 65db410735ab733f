// How dissect_fuzz's first input byte picks a link type, shared with seed_frames (which
// writes real frames in that shape). Bytes 0-239 pick from kLinkTypes by remainder, as
// they did before the later link types came, so saved corpora keep their meaning;
// 240-255 pick from kLaterLinkTypes.
#pragma once

#include <cstdint>
#include <iterator>

namespace pcapkit::fuzz {

inline constexpr uint32_t kLinkTypes[] = {1, 0, 9, 12, 50, 101, 104, 113, 228, 229, 276, 147};
inline constexpr uint32_t kLaterLinkTypes[] = {10, 14, 108, 105, 127, 192};

inline uint32_t LinkTypeOf(uint8_t selector) {
  return selector < 240 ? kLinkTypes[selector % std::size(kLinkTypes)]
                        : kLaterLinkTypes[(selector - 240) % std::size(kLaterLinkTypes)];
}

// The selector byte for `linktype`, or -1 when dissect_fuzz does not try it.
inline int SelectorOf(uint32_t linktype) {
  for (unsigned i = 0; i < std::size(kLinkTypes); ++i)
    if (kLinkTypes[i] == linktype) return int(i);
  for (unsigned i = 0; i < std::size(kLaterLinkTypes); ++i)
    if (kLaterLinkTypes[i] == linktype) return int(240 + i);
  return -1;
}

}  // namespace pcapkit::fuzz
