#include "pcapkit/options.h"

#include <strings.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "pcapkit/errors.h"
#include "stages/foreign/foreign_options.h"

namespace pcapkit {

namespace {

// The formats' other names and their extensions, which the table points at.
constexpr const char* kNdjsonAliases[] = {"jsonl"};
constexpr const char* kPlistAliases[] = {"xml"};
constexpr const char* kTreeAliases[] = {"txt"};
constexpr const char* kPcapAliases[] = {"cap"};
constexpr const char* kJsonExtensions[] = {".json"};
constexpr const char* kNdjsonExtensions[] = {".ndjson", ".jsonl"};
constexpr const char* kPlistExtensions[] = {".plist", ".xml"};
constexpr const char* kTreeExtensions[] = {".txt"};
constexpr const char* kCsvExtensions[] = {".csv"};
constexpr const char* kTsvExtensions[] = {".tsv", ".tab"};
constexpr const char* kPcapExtensions[] = {".pcap", ".cap"};
constexpr const char* kPcapngExtensions[] = {".pcapng"};

// The one table of the output formats. The shortcuts are jspcapy's -j, -p, -t and
// pcapkit's --ndjson; the capture formats have none.
constexpr OutputFormatInfo kFormats[] = {
    {OutputFormat::kJson, "json", {}, kJsonExtensions, "-j,--json", true, false},
    {OutputFormat::kNdjson, "ndjson", kNdjsonAliases, kNdjsonExtensions, "--ndjson", true, false},
    {OutputFormat::kPlist, "plist", kPlistAliases, kPlistExtensions, "-p,--plist", true, false},
    {OutputFormat::kTree, "tree", kTreeAliases, kTreeExtensions, "-t,--tree", true, false},
    {OutputFormat::kCsv, "csv", {}, kCsvExtensions, "", true, true},
    {OutputFormat::kTsv, "tsv", {}, kTsvExtensions, "", true, true},
    {OutputFormat::kPcap, "pcap", kPcapAliases, kPcapExtensions, "", false, false},
    {OutputFormat::kPcapng, "pcapng", {}, kPcapngExtensions, "", false, false},
};

const OutputFormatInfo* FindFormat(OutputFormat format) {
  for (const OutputFormatInfo& f : kFormats)
    if (f.format == format) return &f;
  return nullptr;
}

// The format `extension` (".json", in any case) names; kNone for any other.
OutputFormat FormatOfExtension(const std::string& extension) {
  for (const OutputFormatInfo& f : kFormats)
    for (const char* e : f.extensions)
      if (strcasecmp(extension.c_str(), e) == 0) return f.format;
  return OutputFormat::kNone;
}

// A report's name without the compression extension -o may add (".gz", ".zst"): the
// format is named by the extension inside.
std::string WithoutCompression(const std::string& path) {
  for (const char* ext : {".gz", ".zst"}) {
    size_t n = std::strlen(ext);
    if (path.size() > n && strcasecmp(path.c_str() + path.size() - n, ext) == 0)
      return path.substr(0, path.size() - n);
  }
  return path;
}

}  // namespace

std::span<const OutputFormatInfo> OutputFormats() {
  return kFormats;
}

std::string OutputFormatNames(std::string_view separator, FormatSet set, std::string_view last) {
  std::vector<const char*> names;
  for (const OutputFormatInfo& f : kFormats) {
    bool in = set == FormatSet::kAll            ? true
              : set == FormatSet::kRecords      ? f.text
              : set == FormatSet::kWholeRecords ? f.text && !f.flat
                                                : !f.flat;
    if (in) names.push_back(f.name);
  }
  std::string joined;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) joined += (i + 1 == names.size() && !last.empty()) ? last : separator;
    joined += names[i];
  }
  return joined;
}

bool IsTextFormat(OutputFormat format) {
  const OutputFormatInfo* f = FindFormat(format);
  return f != nullptr && f->text;
}

bool IsFlatFormat(OutputFormat format) {
  const OutputFormatInfo* f = FindFormat(format);
  return f != nullptr && f->flat;
}

FieldOccurrence ParseOccurrence(const std::string& name) {
  if (strcasecmp(name.c_str(), "first") == 0) return FieldOccurrence::kFirst;
  if (strcasecmp(name.c_str(), "last") == 0) return FieldOccurrence::kLast;
  if (strcasecmp(name.c_str(), "all") == 0) return FieldOccurrence::kAll;
  throw FormatError("unknown occurrence: " + name + " (known: first, last, all)");
}

OutputFormat ParseOutputFormat(const std::string& name) {
  for (const OutputFormatInfo& f : kFormats) {
    if (strcasecmp(name.c_str(), f.name) == 0) return f.format;
    for (const char* alias : f.aliases)
      if (strcasecmp(name.c_str(), alias) == 0) return f.format;
  }
  throw FormatError("unknown output format: " + name + " (known: " + OutputFormatNames(", ") + ")");
}

const char* FormatName(OutputFormat format) {
  const OutputFormatInfo* f = FindFormat(format);
  return f != nullptr ? f->name : "";
}

const char* FormatExtension(OutputFormat format) {
  const OutputFormatInfo* f = FindFormat(format);
  return f != nullptr ? f->extensions.front() : "";
}

OutputFormat FormatFromExtension(const std::string& named) {
  std::string path = WithoutCompression(named);
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return OutputFormat::kNone;
  return FormatOfExtension(path.substr(dot));
}

OutputFormat TextFormatFromExtension(const std::string& path) {
  OutputFormat format =
      FormatOfExtension(std::filesystem::path(WithoutCompression(path)).extension().string());
  return IsTextFormat(format) ? format : OutputFormat::kNone;
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
  static const struct {
    const char* name;
    Strategy strategy;
  } kEngines[] = {{"sequential", Strategy::kSequential},
                  {"default", Strategy::kSequential},
                  {"server", Strategy::kServer},
                  {"pipeline", Strategy::kPipeline},
                  {"dpkt", Strategy::kDpkt},
                  {"scapy", Strategy::kScapy},
                  {"tshark", Strategy::kTshark},
                  {"pyshark", Strategy::kTshark}};
  for (const auto& e : kEngines)
    if (strcasecmp(name.c_str(), e.name) == 0) return e.strategy;
  throw FormatError("unknown engine: " + name +
                    " (known: sequential, server, pipeline, dpkt, scapy, tshark, pyshark)");
}

const char* StrategyName(Strategy strategy) {
  switch (strategy) {
    case Strategy::kSequential:
      return "sequential";
    case Strategy::kServer:
      return "server";
    case Strategy::kPipeline:
      return "pipeline";
    case Strategy::kDpkt:
      return "dpkt";
    case Strategy::kScapy:
      return "scapy";
    case Strategy::kTshark:
      return "tshark";
  }
  return "sequential";
}

bool IsForeignEngine(Strategy strategy) {
  return strategy == Strategy::kDpkt || strategy == Strategy::kScapy ||
         strategy == Strategy::kTshark;
}

std::string ForeignEngineRefusal(const ExtractOptions& options) {
  if (!IsForeignEngine(options.strategy)) return {};
  return stages::foreign::CheckOptions(options).message();
}

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

OverlapPolicy ParseOverlapPolicy(const std::string& name) {
  if (strcasecmp(name.c_str(), "first") == 0) return OverlapPolicy::kFirst;
  if (strcasecmp(name.c_str(), "last") == 0) return OverlapPolicy::kLast;
  throw FormatError("unknown overlap policy '" + name + "' (known: first, last)");
}

}  // namespace pcapkit
