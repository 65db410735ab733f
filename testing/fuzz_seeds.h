// Fuzz seeds as the targets take them, shared by seed_frames (frames of real captures)
// and the unit tests (PCAPKIT_FUZZ_SEEDS: the packets they craft).
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "testing/fuzz_link_types.h"

namespace pcapkit::fuzz {

// A frame as dissect_fuzz's input: its link-type selector byte, then the frame's bytes
// (at most `max_frame`); nothing when the target does not try that link type.
inline std::optional<std::string> DissectSeed(uint32_t linktype, std::string_view frame,
                                              size_t max_frame = 4095) {
  int selector = SelectorOf(linktype);
  if (selector < 0) return std::nullopt;
  std::string seed(1, char(selector));
  seed += frame.substr(0, max_frame);
  return seed;
}

// Writes `bytes` into `dir` under a name made from its content, so a seed met twice is
// one file.
inline void WriteSeed(const std::filesystem::path& dir, std::string_view bytes) {
  char name[32];
  std::snprintf(name, sizeof name, "%016zx", std::hash<std::string_view>{}(bytes));
  std::ofstream(dir / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace pcapkit::fuzz
