// Checks records against their documentation: every field a layer's writer emits must be
// declared in its protocol's FieldSpec table (what docs/schema.md is generated from), with
// a type the table allows.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/protocols/registry.h"
#include "pcapkit/frame.h"

namespace testutil {

// A field as a writer emitted it: "tcp options[].mss int".
struct EmittedField {
  std::string key;   // the protocol's record key
  std::string path;  // as FieldSpec::path writes it
  uint16_t type;     // one FieldType bit
  bool operator<(const EmittedField& o) const {
    return std::tie(key, path, type) < std::tie(o.key, o.path, o.type);
  }
};

// Every field the layers of `frame` write.
std::set<EmittedField> EmittedFields(const pcapkit::Frame& frame,
                                     const pcapkit::protocols::Registry& registry);

// The problems with them: "tcp: options[].foo (int) is written but not declared", or
// "... written as text, declared int". Empty when every field is as documented.
std::vector<std::string> UndeclaredFields(const std::set<EmittedField>& fields,
                                          const pcapkit::protocols::Registry& registry);

// Both at once, for one frame.
std::vector<std::string> UndeclaredFields(const pcapkit::Frame& frame);

// The problems with the members an analyser writes for a record of `kind` (`fields`, what
// it hands its RecordSink), against its table (analysis::FieldsOf): "http: request.foo
// (text) is written but not declared".
std::vector<std::string> UndeclaredAnalysisFields(
    pcapkit::analysis::Kind kind, const std::function<void(pcapkit::Emitter&)>& fields);

// Called with each problem of each frame the report helpers (RawReport, JsonReport,
// DissectFrame) dissect. The unit tests set it to ADD_FAILURE (tests/unit/schema_hook.cc),
// so a crafted frame whose record is not as documented fails the test that made it.
extern void (*g_on_undeclared_field)(const std::string& problem);

}  // namespace testutil
