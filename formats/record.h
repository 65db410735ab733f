// The record contract (docs/schema.md): how a dissected frame and a file-level record are
// described to any Emitter. Every format shares this, so they cannot drift apart.
#pragma once

#include <string_view>

#include "engine/capture/batch.h"
#include "engine/protocols/emitter.h"
#include "engine/protocols/registry.h"
#include "pcapkit/frame.h"

namespace pcapkit::formats {

struct RecordOptions {
  bool payload = false;  // write the bytes of `raw` layers as `data`
};

// Writes the frame as one object under `key` (empty: an anonymous value).
void WriteFrameRecord(const Frame& frame, const protocols::Registry& registry,
                      const RecordOptions& options, std::string_view key, Emitter& out);
// The frame's layers only, nested, as members of the object being written.
void WriteLayers(const Frame& frame, const protocols::Registry& registry,
                 const RecordOptions& options, Emitter& out);
// An IPv4 or IPv6 address member.
void WriteAddress(Emitter& out, std::string_view key, bool ipv6, const uint8_t* p);

void WriteMetaRecord(const capture::MetaRecord& meta, std::string_view key, Emitter& out);

}  // namespace pcapkit::formats
