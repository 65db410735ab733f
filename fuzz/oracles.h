// What the fuzz targets check besides the sanitizers: conditions whose failure is a wrong
// result rather than a crash. Each aborts with a line naming the condition.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/support/strict_json.h"

namespace pcapkit::fuzz {

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz oracle: %s\n", what);
  std::abort();
}

inline void CheckJson(std::string_view text, const char* what) {
  testutil::DuplicateKeyCheck check;
  if (!nlohmann::json::sax_parse(text, &check)) Fail(what);
  if (check.duplicate) Fail("a JSON object repeats a key");
}

}  // namespace pcapkit::fuzz
