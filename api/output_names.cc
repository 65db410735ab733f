// Where the reports go: jspcapy's naming rules (docs/cli.md), for the CLI and the API.
#include <strings.h>

#include <filesystem>

#include "pcapkit/extractor.h"

namespace pcapkit {

namespace {

bool HasExtension(const std::string& name, std::initializer_list<const char*> exts) {
  std::string ext = std::filesystem::path(name).extension().string();
  for (const char* e : exts)
    if (strcasecmp(ext.c_str(), e) == 0) return true;
  return false;
}

// The reassembly report: its own name and format, or derived from the frame report's.
void ResolveReassemblyOutput(ExtractOptions& o) {
  const ReassemblyOptions& r = o.reassembly;
  if (!(r.ipv4 || r.ipv6 || r.tcp)) return;
  if (o.reassembly_format == OutputFormat::kNone)
    o.reassembly_format = TextFormatFromExtension(o.reassembly_output);
  if (o.reassembly_format == OutputFormat::kNone)
    o.reassembly_format = IsTextFormat(o.format) ? o.format : OutputFormat::kJson;
  if (!IsTextFormat(o.reassembly_format))
    throw FormatError("reassembly records are written as " +
                      OutputFormatNames(", ", FormatSet::kRecords, " or "));
  if (!o.reassembly_output.empty() || o.reassembly_sink || o.nofile) return;
  if (o.output == "-" || o.sink)
    throw FormatError(std::string("the frames go to ") + (o.sink ? "a sink" : "stdout") +
                      ": name the reassembly report with --reassembly-output");
  std::filesystem::path out(o.output);
  std::string stem = o.files ? o.output : (out.parent_path() / out.stem()).string();
  o.reassembly_output = stem + ".reassembly" + FormatExtension(o.reassembly_format);
}

// The flow report's format: its own, else its name's extension, else the frame report's
// when that is a text format, else JSON (as the reassembly report's).
void ResolveFlowsFormat(ExtractOptions& o) {
  if (!o.flows.enabled) return;
  // A name ending in a capture format's extension (.pcap) asks for what cannot be.
  if (o.flows_format == OutputFormat::kNone) o.flows_format = FormatFromExtension(o.flows_output);
  if (o.flows_format == OutputFormat::kNone)
    o.flows_format = IsTextFormat(o.format) ? o.format : OutputFormat::kJson;
  if (!IsTextFormat(o.flows_format))
    throw FormatError("flow records are written as " +
                      OutputFormatNames(", ", FormatSet::kRecords, " or "));
}

// The frame report and the reassembly report beside it.
void ResolveFrameOutput(ExtractOptions& o) {
  if (o.nofile) {
    ResolveReassemblyOutput(o);
    return;
  }
  if (o.sink) {  // the report goes to the sink: nothing to name, the format must be given
    if (o.files) throw FormatError("-F writes files into a folder, not to a sink");
    if (o.format == OutputFormat::kNone)
      throw FormatError("output format unspecified: give -f " + OutputFormatNames("|"));
    ResolveReassemblyOutput(o);
    return;
  }
  if (o.format == OutputFormat::kNone && !o.files) o.format = FormatFromExtension(o.output);
  if (o.format == OutputFormat::kNone) {
    std::string give = "give -f " + OutputFormatNames("|");
    throw FormatError(o.files ? "-F needs a format: " + give
                      : o.output.empty() || o.output == "-"
                          ? "output format unspecified: " + give
                          : "cannot infer the output format from '" + o.output + "': " + give);
  }
  if (o.files) {
    if (o.output.empty()) o.output = "out";
    if (o.output == "-") throw FormatError("-F writes files into a folder: name it with -o");
    ResolveReassemblyOutput(o);
    return;
  }
  if (o.output.empty()) {
    o.output = std::string("out") + FormatExtension(o.format);
  } else if (o.auto_extension && o.output != "-" &&
             !HasExtension(o.output, {FormatExtension(o.format)})) {
    o.output += FormatExtension(o.format);
  }
  ResolveReassemblyOutput(o);
}

}  // namespace

void ResolveInput(ExtractOptions& o) {
  std::error_code ec;
  if (o.inputs.size() == 1 && o.input.empty() && !std::filesystem::is_directory(o.inputs[0], ec)) {
    o.input = o.inputs[0];
    o.inputs.clear();
  }
  if (o.auto_extension && !o.source && o.input != "-" &&
      !HasExtension(o.input, {".pcap", ".cap", ".pcapng"}) && !std::filesystem::exists(o.input) &&
      std::filesystem::exists(o.input + ".pcap"))
    o.input += ".pcap";
}

void ResolveOutput(ExtractOptions& o) {
  ResolveInput(o);
  ResolveFrameOutput(o);
  ResolveFlowsFormat(o);
}

}  // namespace pcapkit
