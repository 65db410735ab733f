// The records of a reassembly report (docs/schema.md "Reassembly records"): a datagram
// rebuilt from IP fragments, the bytes of one direction of a TCP connection, and the
// closing summary. Field names follow PyPCAPKit's (`completed`, `id`, `index`, `header`,
// `payload`, `packet`) with `status`, `gaps` and `runs` added.
#pragma once

#include <span>

#include "engine/protocols/registry.h"
#include "formats/record.h"
#include "pcapkit/emitter.h"
#include "pcapkit/reassembly.h"

namespace pcapkit::formats {

// Members of the record object (the caller opens and closes it). `with_data`: incomplete
// records list their received runs' bytes too (--strict); complete ones always carry
// `payload` and `packet`.
void WriteDatagramFields(const Datagram& d, const protocols::Registry& registry,
                         const RecordOptions& options, Emitter& out);
void WriteStreamFields(const StreamData& s, const protocols::Registry& registry,
                       const RecordOptions& options, Emitter& out);

// One line of the summary's `incomplete` list: what was not output and why.
struct IncompleteEntry {
  std::string protocol;  // "ipv4", "ipv6", "tcp"
  std::string src, dst;  // addresses (with ports for TCP: "10.0.0.1:80", "[::1]:80")
  uint64_t id = 0;       // IP id; TCP connection number
  std::string status;
  std::string end;  // TCP: why the record ended
  uint64_t first_frame = 0, last_frame = 0, frames = 0;
  uint64_t received = 0, missing = 0;  // bytes
};

void WriteSummaryFields(const ReassemblyOptions& options, const ReassemblyStats& stats,
                        uint64_t records, const std::vector<IncompleteEntry>& incomplete,
                        uint64_t incomplete_total, Emitter& out);

IncompleteEntry DescribeIncomplete(const Datagram& d);
IncompleteEntry DescribeIncomplete(const StreamData& s);

// The members of the reassembly records (docs/schema.md "Reassembly records") as field
// tables, in FieldSpec's path syntax, for `pcapkit schema`: the writers below write them,
// and the record_schema test validates every corpus capture's reassembly report against
// the schema made from them, so a member written but not listed fails it.
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
