// Options shared by the CLI and the C++ API; each field names the CLI flag it mirrors.
#pragma once

#include <cstddef>
#include <string>

namespace pcapkit {

enum class OutputFormat { kNone, kJson, kNdjson };

// The layers of PyPCAPKit, lowest first; dissection may stop after any of them (-L).
enum class LayerLevel : unsigned char { kNone = 0, kLink, kInternet, kTransport, kApplication };

struct ExtractOptions {
  std::string input;                          // INPUT: a path, or "-" for stdin
  std::string output;                         // -o: a path, or "-" for stdout; empty: "out.<ext>"
  OutputFormat format = OutputFormat::kNone;  // -f / -j; kNone: inferred from -o
  bool auto_extension = false;  // -a: add ".pcap" to the input, the format's to the output
  bool verbose = false;         // -v: "Frame N: chain" lines on stderr
  LayerLevel stop_layer = LayerLevel::kNone;  // -L: stop dissecting after this layer
  std::string stop_protocol;     // -P: stop dissecting after this protocol (name, any case)
  bool payload = false;          // --payload: write `data` hex of raw layers
  bool nofile = false;           // --nofile: dissect, write nothing
  size_t batch_bytes = 1 << 20;  // bytes read per batch; bounds memory with the batch count
};

// Parses "json", "ndjson"; throws FormatError on anything else.
OutputFormat ParseOutputFormat(const std::string& name);
// "link", "internet", "transport", "application" (any case); throws FormatError otherwise.
LayerLevel ParseLayerLevel(const std::string& name);
const char* FormatExtension(OutputFormat format);

}  // namespace pcapkit
