// What a test needs from outside the repository: the real captures of ../shared/corpus
// (read in place; PCAPKIT_CORPUS in the environment points elsewhere, for the Python
// tiers too) or a system facility. Without it a test is skipped on a developer's machine;
// under CI=true it fails, so that CI never passes by checking nothing. The Python tiers
// keep the same rule (tests/diff/common.py).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace testutil {

// $PCAPKIT_CORPUS when set, else the build's default (../shared/corpus).
inline std::string CorpusDir() {
  const char* dir = std::getenv("PCAPKIT_CORPUS");
  return dir != nullptr && *dir != '\0' ? dir : PCAPKIT_CORPUS;
}

// CI=true (as CI sets it; also 1 or yes, any case).
inline bool InCi() {
  const char* ci = std::getenv("CI");
  std::string v = ci != nullptr ? ci : "";
  for (char& c : v) c = char(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1" || v == "yes";
}

// Why the corpus cannot be read; empty when it can.
inline std::string CorpusMissing() {
  if (std::filesystem::exists(CorpusDir() + "/MANIFEST.tsv")) return "";
  return "corpus not found at " + CorpusDir() + " (no MANIFEST.tsv)";
}

}  // namespace testutil

// Ends the test for want of what `why` names: skipped, or failed under CI=true.
#define PCAPKIT_UNAVAILABLE(why)                                                 \
  do {                                                                           \
    if (testutil::InCi())                                                        \
      GTEST_FAIL() << "FAIL under CI=true: " << (why) << " (outside CI a skip)"; \
    GTEST_SKIP() << "SKIP: " << (why) << " (under CI=true this fails)";          \
  } while (0)

// Ends the test when the corpus is absent, as PCAPKIT_UNAVAILABLE does.
#define PCAPKIT_REQUIRE_CORPUS()                                           \
  do {                                                                     \
    if (std::string missing = testutil::CorpusMissing(); !missing.empty()) \
      PCAPKIT_UNAVAILABLE(missing);                                        \
  } while (0)
