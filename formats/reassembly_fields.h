// The members of the reassembly records (docs/schema.md "Reassembly records") as field
// tables, in FieldSpec's path syntax, for `pcapkit schema`. WriteDatagramFields,
// WriteStreamFields and WriteSummaryFields (formats/reassembly_record.cc) write them; the
// record_schema test validates every corpus capture's reassembly report against the
// schema made from these tables, so a member written but not listed here fails it.
#pragma once

#include <span>

#include "engine/protocols/registry.h"

namespace pcapkit::formats {

struct ReassemblyCatalogue {
  const char* record;  // the value of the record's `record` member: "datagram"
  const char* description;
  std::span<const protocols::FieldSpec> fields;
  // The member holding dissected layers, nested as in a frame record ("packet"), or null.
  const char* layers_member;
};

// Datagram, stream, summary: in the order docs/schema.md gives them.
std::span<const ReassemblyCatalogue> ReassemblyCatalogues();

}  // namespace pcapkit::formats
