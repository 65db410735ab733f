// Seeds for dissect_fuzz: every distinct frame of the captures under the given folders
// (read in place), written to OUT as dissect_fuzz takes it — the link-type selector byte
// (testing/fuzz_link_types.h), then the frame — one file per frame, named by its content.
//   seed_frames OUT CAPTURE_DIR...
// Frames of link types the target does not try are skipped; unreadable files too (the
// corpus holds damaged captures on purpose).
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>

#include "engine/capture/reader.h"
#include "testing/fuzz_seeds.h"

int main(int argc, char** argv) {
  using namespace pcapkit;
  if (argc < 3) {
    std::fprintf(stderr, "usage: seed_frames OUT CAPTURE_DIR...\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  std::unordered_set<size_t> seen;
  size_t files = 0, frames = 0;
  for (int i = 2; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      // Not a capture (MANIFEST.tsv, notes) or not one pcapkit opens: nothing to seed.
      std::unique_ptr<capture::Reader> reader;
      if (!capture::Reader::Open(entry.path().string(), 1 << 20, &reader).ok()) continue;
      {
        capture::Batch batch;
        ++files;
        while (reader->Next(batch)) {
          for (const capture::FrameRecord& r : batch.frames) {
            // dissect_fuzz runs with -max_len=4096: a selector byte and 4,095 of the frame.
            std::optional<std::string> seed = fuzz::DissectSeed(
                r.linktype, {reinterpret_cast<const char*>(batch.Data(r)), r.cap_len});
            if (!seed || !seen.insert(std::hash<std::string>{}(*seed)).second) continue;
            fuzz::WriteSeed(out, *seed);
            ++frames;
          }
        }
      }
    }
  }
  std::printf("seed_frames: %zu distinct frames from %zu captures into %s\n", frames, files,
              out.c_str());
  return 0;
}
