// Helpers shared by the unit tests: run bytes through the real reader / dissector / JSON
// writer and look at the result as parsed JSON (nlohmann_json, never on the hot path).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/capture/batch.h"
#include "engine/io/byte_source.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/options.h"

namespace testutil {

using pcapkit::ipsuite::Bytes;

struct ReadResult {
  std::vector<pcapkit::capture::FrameRecord> frames;
  std::vector<Bytes> data;
  std::vector<pcapkit::capture::MetaRecord> metas;
  std::optional<std::string> error;
  uint64_t error_frame = 0;
  uint64_t error_offset = 0;
};

// Bytes in memory as a stream that must be read (a pipe, a file): a reader copies them
// into its batches instead of pointing into them. The caller keeps the bytes alive.
std::unique_ptr<pcapkit::io::ByteSource> CopiedSource(const uint8_t* data, size_t size);

// Reads a whole capture held in memory, with the given batch size, both in place and
// copied into batches; the two must agree (else `error` says so).
ReadResult ReadAll(const Bytes& file, size_t batch_bytes = 1 << 20);

// The NDJSON records pcapkit writes for one frame of the given link type.
nlohmann::json DissectFrame(const Bytes& frame, uint32_t linktype = 1,
                            pcapkit::ExtractOptions options = {});

// Every record of a capture file, through the JSON report writer (parsed back).
nlohmann::json JsonReport(const Bytes& file, pcapkit::OutputFormat format,
                          pcapkit::ExtractOptions options = {});

// Each line of an NDJSON text, parsed strictly (no member named twice).
std::vector<nlohmann::json> NdjsonLines(const std::string& text);

// The report text exactly as written.
std::string RawReport(const Bytes& file, pcapkit::OutputFormat format,
                      pcapkit::ExtractOptions options = {});

}  // namespace testutil
