// The `ksim` executable: parses the command line and runs one subcommand.
#include <exception>
#include <iostream>

#include "app/cli/commands.h"

int main(int argc, char** argv) {
  using namespace ksim::cli;
  CLI::App app{"ksim: a deterministic simulator and classroom sandbox for Kafka replication.\n"
               "Exit codes: 0 success, 1 a check or expectation failed, 2 bad input or usage."};
  app.set_version_flag("--version", std::string("ksim ") + KSIM_VERSION);
  app.require_subcommand(1);
  int exit_code = kSuccess;
  add_classroom_command(app, exit_code);
  add_dump_log_command(app, exit_code);
  add_gui_command(app, exit_code);
  add_run_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "ksim: " << e.what() << "\n";
    return kBadInput;
  }
  return exit_code;
}
