// `pcapkit schema`: a JSON Schema (draft 2020-12) of every record kind, generated from the
// field tables the writers are checked against — the protocols' FieldSpec tables, the
// frame, flow and analysis records' own (FrameFields, FlowFields, AnalysisFields) and the
// reassembly records' (ReassemblyCatalogues) — so that it cannot drift from docs/schema.md.
#pragma once

#include <string>

#include "engine/protocols/registry.h"
#include "pcapkit/protocols.h"

namespace pcapkit::formats {

// The document, indented, ending in a newline. Its `$defs`: `frame`, `layer.<key>` per
// protocol, `flow`, `analysis` and `analysis.<kind>`, `reassembly` and
// `reassembly.<record>`; for one kind, only the entries it uses, the root a `$ref` to it;
// for kAll, the root is anyOf the kinds.
std::string RecordSchema(SchemaKind kind, const protocols::Registry& registry);

}  // namespace pcapkit::formats
