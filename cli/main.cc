// pcapkit: the command line. Usage errors exit 2, unreadable input 1, internal errors 3.
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "cli/schema_command.h"
#include "pcapkit/errors.h"

int main(int argc, char** argv) {
  using namespace pcapkit::cli;
  CLI::App app{"pcapkit: packet captures to structured records, fast", "pcapkit"};
  app.set_version_flag("-V,--version", "pcapkit 0.1.0");
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
    std::fprintf(stderr, "pcapkit: usage error: %s (see pcapkit%s%s --help)\n", e.what(),
                 app.get_subcommands().empty() ? "" : " ",
                 app.get_subcommands().empty() ? "" : app.get_subcommands()[0]->get_name().c_str());
    return kUsageError;
  } catch (const pcapkit::FormatError& e) {
    std::fprintf(stderr, "pcapkit: usage error: %s\n", e.what());
    return kUsageError;
  } catch (const pcapkit::InputError& e) {
    std::fprintf(stderr, "pcapkit: %s\n", e.what());
    return kInputError;
  } catch (const pcapkit::OutputError& e) {
    std::fprintf(stderr, "pcapkit: %s\n", e.what());
    return kInputError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pcapkit: internal error: %s\n", e.what());
    return kInternalError;
  }
  return exit_code;
}
