// `pcapkit fields [PROTOCOL]`: every field of every protocol's record, with its type, its
// meaning and the tshark field holding the same value — as a table, as JSON (what the
// tshark differential test reads its mapping from) or as the Markdown that docs/schema.md's
// protocol sections are generated from.
#include <strings.h>

#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "pcapkit/errors.h"
#include "pcapkit/protocols.h"

namespace pcapkit::cli {

namespace {

void PrintJson(const std::vector<ProtocolDescription>& protocols) {
  std::fputs(ProtocolsJson(protocols).c_str(), stdout);
}

// Table cells escape the pipe.
std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

void PrintMarkdown(const std::vector<ProtocolDescription>& protocols) {
  static const char* const kHeadings[] = {"Other records", "Link layer", "Internet layer",
                                          "Transport layer", "Application layer"};
  LayerLevel layer = LayerLevel(255);
  for (const ProtocolDescription& p : protocols) {
    if (p.layer != layer) {
      layer = p.layer;
      std::printf("### %s\n\n", kHeadings[size_t(layer)]);
    }
    std::printf("#### `%s` — %s\n\n", p.key.c_str(), p.name.c_str());
    if (!p.bound_to.empty()) {
      std::string bound;
      for (const std::string& b : p.bound_to) bound += (bound.empty() ? "`" : ", `") + b + "`";
      std::printf("Found by %s.\n\n", bound.c_str());
    }
    if (!p.summary.empty()) std::printf("%s\n\n", p.summary.c_str());
    if (p.fields.empty()) continue;
    std::printf("| field | type | meaning | tshark |\n|---|---|---|---|\n");
    for (const FieldDescription& f : p.fields)
      std::printf("| `%s` | %s | %s | %s |\n", Cell(f.path).c_str(), Cell(f.type).c_str(),
                  Cell(f.meaning).c_str(), f.tshark.empty() ? "" : ("`" + f.tshark + "`").c_str());
    std::printf("\n");
  }
}

// The names -e takes, with their types and protocols: those of `protocol` (a key, or
// frame/flow/analysis for the records' own members), else every one of frame records.
void PrintTable(const std::string& protocol) {
  std::vector<SelectableField> fields;
  for (RecordKind kind : {RecordKind::kFrame, RecordKind::kFlow, RecordKind::kAnalysis}) {
    for (SelectableField& f : SelectableFields(kind)) {
      bool wanted = protocol.empty() ? kind == RecordKind::kFrame
                                     : strcasecmp(f.protocol.c_str(), protocol.c_str()) == 0;
      if (wanted) fields.push_back(std::move(f));
    }
  }
  std::printf("%-36s %-22s %-10s %s\n", "FIELD", "TYPE", "PROTOCOL", "MEANING");
  for (const SelectableField& f : fields)
    std::printf("%-36s %-22s %-10s %s\n", f.name.c_str(), f.type.c_str(), f.protocol.c_str(),
                f.meaning.c_str());
}

bool IsRecordKind(const std::string& name) {
  for (const char* kind : {"frame", "flow", "analysis"})
    if (strcasecmp(name.c_str(), kind) == 0) return true;
  return false;
}

// A record's own members (frame, flow, analysis) in the shape --json gives a protocol,
// so one reader takes both.
ProtocolDescription RecordMembers(const std::string& name) {
  ProtocolDescription record;
  for (RecordKind kind : {RecordKind::kFrame, RecordKind::kFlow, RecordKind::kAnalysis}) {
    for (SelectableField& f : SelectableFields(kind)) {
      if (strcasecmp(f.protocol.c_str(), name.c_str()) != 0) continue;
      record.key = record.name = f.protocol;
      record.fields.push_back({.path = f.name, .type = f.type, .meaning = f.meaning});
    }
  }
  return record;
}

}  // namespace

void AddFieldsCommand(CLI::App& app, int& exit_code) {
  auto protocol = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto markdown = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "fields",
      "List the fields of the records, as -e names them, with their types (docs/schema.md)");
  cmd->add_option("protocol", *protocol,
                  "only this protocol (key or name, any case); frame, flow, analysis: the "
                  "members of those records");
  cmd->add_flag("--json", *json, "as JSON, with the tshark field each matches");
  cmd->add_flag("--markdown", *markdown, "as docs/schema.md's protocol sections");
  cmd->callback([=, &exit_code] {
    std::vector<ProtocolDescription> protocols = ListProtocols();
    if (IsRecordKind(*protocol) && !*markdown) {
      if (*json)
        PrintJson({RecordMembers(*protocol)});
      else
        PrintTable(*protocol);
      exit_code = kOk;
      return;
    }
    if (!protocol->empty()) {
      std::erase_if(protocols, [&](const ProtocolDescription& p) {
        return strcasecmp(p.key.c_str(), protocol->c_str()) != 0 &&
               strcasecmp(p.name.c_str(), protocol->c_str()) != 0;
      });
      if (protocols.empty())
        throw FormatError("unknown protocol '" + *protocol + "' (see `pcapkit protocols`)");
    }
    if (*json)
      PrintJson(protocols);
    else if (*markdown)
      PrintMarkdown(protocols);
    else
      PrintTable(protocols.size() == 1 ? protocols[0].key : "");
    exit_code = kOk;
  });
}

}  // namespace pcapkit::cli
