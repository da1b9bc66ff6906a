// `ksim run SCENARIO|NAME`, `ksim list`, `ksim show NAME`: scenarios from a file or the built-in
// library, run headless with a readable transcript on stdout. Long runs show their progress on
// stderr when it is a terminal (and nothing when piped).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "app/cli/commands.h"
#include "app/cli/scenario_source.h"
#include "scenarios/library.h"
#include "scenarios/parser.h"
#include "scenarios/runner.h"
#include "sim/kernel/errors.h"

namespace ksim::cli {

namespace {

struct RunCommandOptions {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string trace;
  std::string perfetto;
  std::string data_dir;
  std::string until;
  bool internal_topics = false;
};

// "\r  t=12.500s  1,234,567 events" on a terminal, at most a few times a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  void update(sim::SimTime now, std::uint64_t events) {
    if (!enabled_) return;
    const auto wall = std::chrono::steady_clock::now();
    if (wall - last_ < std::chrono::milliseconds(250)) return;
    last_ = wall;
    shown_ = true;
    std::cerr << fmt::format("\r  t={:>12}  {:>12} events", now.to_string(), events) << std::flush;
  }
  void clear() {
    if (shown_) std::cerr << "\r" << std::string(44, ' ') << "\r" << std::flush;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

int run_scenario(const RunCommandOptions& options) {
  scenarios::Script script = load_scenario(options.scenario);
  std::optional<sim::SimTime> until;
  if (!options.until.empty()) {
    until = sim::SimTime::zero() + parse_cli_duration(options.until, "--until");
  }
  scenarios::RunOptions run_options;
  run_options.seed = options.seed;
  run_options.show_internal_topics = options.internal_topics;
  if (!options.data_dir.empty()) run_options.data_dir = options.data_dir;
  scenarios::ScenarioRunner runner(std::move(script), run_options, &std::cout);
  Progress progress(isatty(STDERR_FILENO) != 0 && isatty(STDOUT_FILENO) == 0);
  runner.start();
  sim::Simulation& sim = runner.cluster().sim();
  try {
    while (!runner.script_done()) {
      if (until && sim.now() >= *until) break;
      const std::optional<sim::SimTime> next = sim.next_event_time();
      if (!next) break;
      if (until && *next > *until) {
        sim.run_until(*until);
        break;
      }
      sim.step();
      if ((sim.processed_events() & 0xfff) == 0) progress.update(sim.now(), sim.processed_events());
    }
  } catch (const sim::InvariantViolation& e) {
    progress.clear();
    runner.finish();
    std::cout << "\nksim: an invariant broke: " << e.what() << "\n";
    return kCheckFailed;
  }
  progress.clear();
  runner.finish();
  return runner.passed() ? kSuccess : kCheckFailed;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Run a scenario (a .ksim file or a library name) and print its transcript");
  run->add_option("scenario", options->scenario, "a .ksim file, or a name from `ksim list`")
      ->required();
  run->add_option("--seed", options->seed, "the seed (overrides the script's)");
  run->add_option("--trace", options->trace, "write every event as JSON lines (.gz: gzipped)");
  run->add_option("--perfetto", options->perfetto, "write a Chrome/Perfetto trace (JSON)");
  run->add_option("--data-dir", options->data_dir,
                  "keep the brokers' logs as real files in DIR/<broker>");
  run->add_option("--until", options->until, "stop at this simulated time (e.g. 30s)");
  run->add_flag("--internal-topics", options->internal_topics,
                "also show what happens to __consumer_offsets' partitions");
  run->callback([options, &exit_code] { exit_code = run_scenario(*options); });

  CLI::App* list = app.add_subcommand("list", "List the built-in scenarios");
  list->callback([&exit_code] {
    for (const scenarios::LibraryScenario& scenario : scenarios::library_scenarios()) {
      std::cout << fmt::format("{:<28} {}\n", scenario.name,
                               scenarios::library_description(scenario));
    }
    exit_code = kSuccess;
  });

  auto name = std::make_shared<std::string>();
  CLI::App* show = app.add_subcommand("show", "Print a built-in scenario's script");
  show->add_option("name", *name, "a name from `ksim list`")->required();
  show->callback([name, &exit_code] {
    const std::optional<scenarios::LibraryScenario> scenario =
        scenarios::find_library_scenario(*name);
    if (!scenario) {
      std::cerr << fmt::format("ksim: no scenario named '{}' (see `ksim list`)\n", *name);
      exit_code = kBadInput;
      return;
    }
    std::cout << scenario->text;
    exit_code = kSuccess;
  });
}

}  // namespace ksim::cli
