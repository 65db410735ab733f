// `pcapkit schema`: declared apart from cli/commands.h, which other work owns.
#pragma once

#include <CLI/CLI.hpp>

namespace pcapkit::cli {

void AddSchemaCommand(CLI::App& app, int& exit_code);

}  // namespace pcapkit::cli
