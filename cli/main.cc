// pcapkit: the command line. Usage errors exit 2, unreadable input 1, internal errors 3.
// Each ends the run with one line on stderr, a diagnostic of level error (critical for an
// internal error), so that --log-level and --log-file apply to it too.
#include <spdlog/spdlog.h>

#include <exception>

#include "cli/commands.h"
#include "cli/extraction.h"
#include "cli/flags.h"
#include "cli/version.h"
#include "pcapkit/errors.h"

int main(int argc, char** argv) {
  using namespace pcapkit::cli;
  StartLogging();
  CLI::App app{"pcapkit: packet captures to structured records, fast", "pcapkit"};
  app.set_version_flag("-V,--version", kVersion);
  app.require_subcommand(1);
  int exit_code = kOk;
  AddExtractCommand(app, exit_code);
  AddReassembleCommand(app, exit_code);
  AddFlowsCommand(app, exit_code);
  AddTraceCommand(app, exit_code);
  AddAnalyseCommand(app, exit_code);
  AddProtocolsCommand(app, exit_code);
  AddFieldsCommand(app, exit_code);
  AddSchemaCommand(app, exit_code);
  AddBenchCommand(app, exit_code);
  AddBuildCommand(app, exit_code);
  // Every verb logs; those that dissect frames (extract has its own -v) take -v too.
  for (CLI::App* verb : app.get_subcommands({})) {
    const std::string& name = verb->get_name();
    AddLogFlags(verb,
                name == "reassemble" || name == "flows" || name == "trace" || name == "analyse");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own messages in pcapkit's style: one prefix, one exit status for usage.
    spdlog::error("usage error: {} (see pcapkit{}{} --help)", e.what(),
                  app.get_subcommands().empty() ? "" : " ",
                  app.get_subcommands().empty() ? "" : app.get_subcommands()[0]->get_name());
    return kUsageError;
  } catch (const pcapkit::FormatError& e) {
    spdlog::error("usage error: {}", e.what());
    return kUsageError;
  } catch (const pcapkit::InputError& e) {
    spdlog::error("{}", e.what());
    return kInputError;
  } catch (const pcapkit::OutputError& e) {
    spdlog::error("{}", e.what());
    return kInputError;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return kInternalError;
  }
  return exit_code;
}
