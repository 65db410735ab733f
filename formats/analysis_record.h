// An analysis record (docs/schema.md "Analysis records"): the members every record of
// `pcapkit analyse` shares, then the analyser's own.
#pragma once

#include <functional>
#include <span>

#include "engine/analysis/analyser.h"
#include "engine/protocols/registry.h"
#include "pcapkit/emitter.h"

namespace pcapkit::formats {

// The members every analysis record has.
std::span<const protocols::FieldSpec> AnalysisFields();
// Every member an analysis record of any kind may have: those, then each analyser's own
// (analysis::FieldsOf; a path two analysers share once, its types joined). What -e
// selects from and `pcapkit fields analysis` lists.
std::span<const protocols::FieldSpec> AnalysisRecordFields();

// Members of the record object (the caller opens and closes it).
void WriteAnalysisFields(analysis::Kind kind, const analysis::Conversation& c,
                         const analysis::Position& first, const analysis::Position& last,
                         const std::function<void(Emitter&)>& fields, Emitter& out);

}  // namespace pcapkit::formats
