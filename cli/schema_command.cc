// `pcapkit schema [KIND]`: the JSON Schema (draft 2020-12) of the records, generated from
// the field tables (docs/schema.md, docs/cli.md "schema").

#include <strings.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "pcapkit/errors.h"
#include "pcapkit/protocols.h"

namespace pcapkit::cli {

namespace {

SchemaKind ParseKind(const std::string& name) {
  static constexpr std::pair<const char*, SchemaKind> kKinds[] = {
      {"all", SchemaKind::kAll},
      {"frame", SchemaKind::kFrame},
      {"flow", SchemaKind::kFlow},
      {"analysis", SchemaKind::kAnalysis},
      {"reassembly", SchemaKind::kReassembly},
  };
  for (const auto& [kind_name, kind] : kKinds)
    if (strcasecmp(name.c_str(), kind_name) == 0) return kind;
  throw FormatError("unknown record kind '" + name + "': all, frame, flow, analysis or reassembly");
}

}  // namespace

void AddSchemaCommand(CLI::App& app, int& exit_code) {
  auto kind = std::make_shared<std::string>("all");
  CLI::App* cmd = app.add_subcommand(
      "schema", "Print the JSON Schema (2020-12) of the records, generated from the field tables");
  cmd->add_option("kind", *kind,
                  "frame, flow, analysis, reassembly: that kind's records as the root; all "
                  "(default): a record of any kind");
  cmd->callback([kind, &exit_code] {
    std::string schema = RecordSchema(ParseKind(*kind));
    std::fwrite(schema.data(), 1, schema.size(), stdout);
    exit_code = kOk;
  });
}

}  // namespace pcapkit::cli
