// The `ksim` subcommands. Each add_*_command registers one subcommand on the app; its callback
// stores the process exit code in `exit_code`:
//   0 success, 1 a check or expectation failed, 2 bad input or usage.
#pragma once

#include <CLI/CLI.hpp>

namespace ksim::cli {

enum ExitCode : int { kSuccess = 0, kCheckFailed = 1, kBadInput = 2 };

void add_dump_log_command(CLI::App& app, int& exit_code);
void add_classroom_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);  // run, list, show
void add_gui_command(CLI::App& app, int& exit_code);  // gui (says so without the GUI)

}  // namespace ksim::cli
