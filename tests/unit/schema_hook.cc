// Every frame the unit tests craft and report through testutil is checked against the
// protocols' field tables (docs/schema.md): an undeclared field fails the test that made
// the frame.
#include <gtest/gtest.h>

#include "testing/schema_check.h"

namespace {

void Fail(const std::string& problem) {
  ADD_FAILURE() << "record not as docs/schema.md declares: " << problem;
}

const bool kInstalled = [] {
  testutil::g_on_undeclared_field = Fail;
  return true;
}();

}  // namespace
