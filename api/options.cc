#include "pcapkit/options.h"

#include <strings.h>

#include "pcapkit/errors.h"

namespace pcapkit {

OutputFormat ParseOutputFormat(const std::string& name) {
  static const struct {
    const char* name;
    OutputFormat format;
  } kNames[] = {{"json", OutputFormat::kJson},    {"ndjson", OutputFormat::kNdjson},
                {"jsonl", OutputFormat::kNdjson}, {"plist", OutputFormat::kPlist},
                {"xml", OutputFormat::kPlist},    {"tree", OutputFormat::kTree},
                {"txt", OutputFormat::kTree},     {"pcap", OutputFormat::kPcap},
                {"cap", OutputFormat::kPcap},     {"pcapng", OutputFormat::kPcapng}};
  for (const auto& n : kNames)
    if (strcasecmp(name.c_str(), n.name) == 0) return n.format;
  throw FormatError("unknown output format: " + name +
                    " (known: json, ndjson, plist, tree, pcap, pcapng)");
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
    case OutputFormat::kPlist:
      return ".plist";
    case OutputFormat::kTree:
      return ".txt";
    case OutputFormat::kPcap:
      return ".pcap";
    case OutputFormat::kPcapng:
      return ".pcapng";
    default:
      return "";
  }
}

}  // namespace pcapkit

namespace pcapkit {

void ParseReassembly(const std::string& list, ReassemblyOptions& options) {
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = list.find(',', at);
    std::string item = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (strcasecmp(item.c_str(), "ipv4") == 0) {
      options.ipv4 = true;
    } else if (strcasecmp(item.c_str(), "ipv6") == 0) {
      options.ipv6 = true;
    } else if (strcasecmp(item.c_str(), "ip") == 0) {
      options.ipv4 = options.ipv6 = true;
    } else if (strcasecmp(item.c_str(), "tcp") == 0) {
      options.tcp = true;
    } else if (strcasecmp(item.c_str(), "all") == 0) {
      options.ipv4 = options.ipv6 = options.tcp = true;
    } else {
      throw FormatError("unknown reassembly '" + item + "' (known: ipv4, ipv6, ip, tcp, all)");
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
}

OutputFormat FormatFromExtension(const std::string& path) {
  static const struct {
    const char* ext;
    OutputFormat format;
  } kByExtension[] = {{".json", OutputFormat::kJson},    {".ndjson", OutputFormat::kNdjson},
                      {".jsonl", OutputFormat::kNdjson}, {".plist", OutputFormat::kPlist},
                      {".xml", OutputFormat::kPlist},    {".txt", OutputFormat::kTree},
                      {".pcap", OutputFormat::kPcap},    {".cap", OutputFormat::kPcap},
                      {".pcapng", OutputFormat::kPcapng}};
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return OutputFormat::kNone;
  std::string ext = path.substr(dot);
  for (const auto& e : kByExtension)
    if (ext == e.ext) return e.format;
  return OutputFormat::kNone;
}

OverlapPolicy ParseOverlapPolicy(const std::string& name) {
  if (strcasecmp(name.c_str(), "first") == 0) return OverlapPolicy::kFirst;
  if (strcasecmp(name.c_str(), "last") == 0) return OverlapPolicy::kLast;
  throw FormatError("unknown overlap policy '" + name + "' (known: first, last)");
}

}  // namespace pcapkit
