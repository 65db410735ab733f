// `pcapkit protocols`: the protocols pcapkit dissects, with the keys that bind them.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "pcapkit/protocols.h"

namespace pcapkit::cli {

void AddProtocolsCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd =
      app.add_subcommand("protocols", "List the protocols pcapkit dissects, with their keys");
  cmd->callback([&exit_code] {
    std::printf("%-12s %-12s %-12s %s\n", "NAME", "KEY", "LAYER", "BOUND TO");
    for (const ProtocolDescription& p : ListProtocols()) {
      std::string bound;
      for (const std::string& b : p.bound_to) bound += (bound.empty() ? "" : " ") + b;
      std::printf("%-12s %-12s %-12s %s\n", p.name.c_str(),
                  p.transparent ? "(no layer)" : p.key.c_str(), LayerName(p.layer),
                  bound.empty() ? "-" : bound.c_str());
    }
    exit_code = kOk;
  });
}

}  // namespace pcapkit::cli
