// Where `ksim run`, `ksim gui` and `ksim replay` get a scenario: a .ksim file, or a name from the
// built-in library; and the command line's durations.
#pragma once

#include <string>

#include "scenarios/script.h"
#include "sim/kernel/sim_time.h"

namespace ksim::cli {

// A path to a file (anything containing '/' or ending in .ksim, or an existing file), else a
// library name. Throws scenarios::ScriptError for a bad script, std::runtime_error naming what
// was looked for when there is no such file or scenario.
scenarios::Script load_scenario(const std::string& file_or_name);

// "30s", "1.5m", "250ms": throws std::invalid_argument naming `option`.
sim::SimDuration parse_cli_duration(const std::string& text, const std::string& option);

}  // namespace ksim::cli
