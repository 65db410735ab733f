#include "pcapkit/options.h"

#include <strings.h>

#include "pcapkit/errors.h"

namespace pcapkit {

OutputFormat ParseOutputFormat(const std::string& name) {
  if (strcasecmp(name.c_str(), "json") == 0) return OutputFormat::kJson;
  if (strcasecmp(name.c_str(), "ndjson") == 0 || strcasecmp(name.c_str(), "jsonl") == 0)
    return OutputFormat::kNdjson;
  throw FormatError("unknown output format: " + name + " (known: json, ndjson)");
}

LayerLevel ParseLayerLevel(const std::string& name) {
  static const struct {
    const char* name;
    LayerLevel level;
  } kLevels[] = {{"link", LayerLevel::kLink},
                 {"internet", LayerLevel::kInternet},
                 {"transport", LayerLevel::kTransport},
                 {"application", LayerLevel::kApplication}};
  for (const auto& l : kLevels)
    if (strcasecmp(name.c_str(), l.name) == 0) return l.level;
  throw FormatError("unknown layer: " + name + " (known: link, internet, transport, application)");
}

Strategy ParseStrategy(const std::string& name) {
  if (strcasecmp(name.c_str(), "sequential") == 0 || strcasecmp(name.c_str(), "default") == 0)
    return Strategy::kSequential;
  if (strcasecmp(name.c_str(), "server") == 0) return Strategy::kServer;
  if (strcasecmp(name.c_str(), "pipeline") == 0) return Strategy::kPipeline;
  throw FormatError("unknown engine: " + name + " (known: sequential, server, pipeline)");
}

const char* FormatExtension(OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      return ".json";
    case OutputFormat::kNdjson:
      return ".ndjson";
    default:
      return "";
  }
}

}  // namespace pcapkit
