// The record contract (docs/schema.md): how a dissected frame and a file-level record are
// described to any Emitter. Every format shares this, so they cannot drift apart.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "engine/capture/batch.h"
#include "engine/protocols/registry.h"
#include "pcapkit/emitter.h"
#include "pcapkit/frame.h"

namespace pcapkit::formats {

class FieldSelection;

struct RecordOptions {
  bool payload = false;  // write the bytes of `raw` layers as `data`
  // -e: the fields of a flat report (csv, tsv, ndjson with fields); null: whole records.
  std::shared_ptr<const FieldSelection> fields;
  bool names = false;  // --names: enumerations carry their names (Emitter::Enum)
};

// The frame record's own members, as WriteFrameMembers writes them (-e's names).
std::span<const protocols::FieldSpec> FrameFields();
// The members WriteLayer adds to any protocol's layer object after the protocol's own
// (`after`).
std::span<const protocols::FieldSpec> LayerFields();

// Writes the frame as one object under `key` (empty: an anonymous value).
void WriteFrameRecord(const Frame& frame, const protocols::Registry& registry,
                      const RecordOptions& options, std::string_view key, Emitter& out);
// The frame's own members (number, times, lengths, link type, protocol chain), written
// into the open record object; of those FrameFields() lists, only the ones whose bit is
// set in `members` (bit i: FrameFields()[i], as FieldSelection::member_mask() gives).
inline constexpr uint64_t kAllFrameMembers = ~uint64_t{0};
void WriteFrameMembers(const Frame& frame, const protocols::Registry& registry, Emitter& out,
                       uint64_t members = kAllFrameMembers);
// The frame's layers only, nested, as members of the object being written.
void WriteLayers(const Frame& frame, const protocols::Registry& registry,
                 const RecordOptions& options, Emitter& out);
// The own fields of layer `index` (not the layers inside it), into the open layer object.
void WriteLayer(const Frame& frame, size_t index, const protocols::Registry& registry,
                const RecordOptions& options, Emitter& out);
// An IPv4 or IPv6 address member.
void WriteAddress(Emitter& out, std::string_view key, bool ipv6, const uint8_t* p);

void WriteMetaRecord(const capture::MetaRecord& meta, std::string_view key, Emitter& out);

}  // namespace pcapkit::formats
