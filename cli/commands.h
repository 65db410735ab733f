// The verbs of the `pcapkit` command. Each adds its subcommand to the app and runs it.
#pragma once

#include <CLI/CLI.hpp>

#include "pcapkit/flows.h"

namespace pcapkit::cli {

// Exit statuses: distinct for usage, input and internal errors (docs/cli.md).
enum ExitCode {
  kOk = 0,
  kInputError = 1,
  kUsageError = 2,
  kInternalError = 3,
  kInterrupted = 130,  // SIGINT, as shells report it
};

void AddExtractCommand(CLI::App& app, int& exit_code);
void AddReassembleCommand(CLI::App& app, int& exit_code);
void AddFlowsCommand(CLI::App& app, int& exit_code);
void AddTraceCommand(CLI::App& app, int& exit_code);
void AddAnalyseCommand(CLI::App& app, int& exit_code);
// --community-id-seed, --flow-timeout, --flow-memory (flows, extract --flows).
void AddFlowFlags(CLI::App* cmd, FlowOptions& flows);
void AddProtocolsCommand(CLI::App& app, int& exit_code);
void AddFieldsCommand(CLI::App& app, int& exit_code);
void AddBenchCommand(CLI::App& app, int& exit_code);
void AddSchemaCommand(CLI::App& app, int& exit_code);
void AddBuildCommand(CLI::App& app, int& exit_code);

}  // namespace pcapkit::cli
