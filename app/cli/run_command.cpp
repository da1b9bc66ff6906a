// `ksim run SCENARIO|NAME`, `ksim replay TRACE`, `ksim diff A B`, `ksim list`, `ksim show NAME`.
// A run prints its transcript on stdout; long runs show their progress on stderr when it is a
// terminal and stdout is not (nothing when both are piped or both are the same terminal).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "app/cli/commands.h"
#include "app/cli/scenario_source.h"
#include "scenarios/library.h"
#include "scenarios/parser.h"
#include "scenarios/runner.h"
#include "sim/kernel/errors.h"
#include "sim/trace/perfetto_writer.h"
#include "sim/trace/trace_compare.h"
#include "sim/trace/trace_recorder.h"
#include "sim/trace/trace_writer.h"

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

// "\r  t=12.500s  1234567 events" at most four times a second.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) != 0 && isatty(STDOUT_FILENO) == 0) {}
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
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// Runs a started runner's script to its end (or `until`), then finishes it. Returns false
// when an invariant broke (the runner has finished and said so).
bool drive(scenarios::ScenarioRunner& runner, std::optional<sim::SimTime> until,
           std::ostream& out) {
  Progress progress;
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
    out << "\nksim: an invariant broke: " << e.what() << "\n";
    return false;
  }
  progress.clear();
  runner.finish();
  return true;
}

std::optional<sim::SimTime> until_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return sim::SimTime::zero() + parse_cli_duration(text, "--until");
}

sim::trace::TraceHeader header_of(scenarios::ScenarioRunner& runner) {
  return sim::trace::make_trace_header(runner.cluster().sim().header(), KSIM_VERSION,
                                       runner.script().name, runner.script().text);
}

int run_scenario(const RunCommandOptions& options) {
  scenarios::Script script = load_scenario(options.scenario);
  const std::optional<sim::SimTime> until = until_time(options.until);
  scenarios::RunOptions run_options;
  run_options.seed = options.seed;
  run_options.show_internal_topics = options.internal_topics;
  if (!options.data_dir.empty()) run_options.data_dir = options.data_dir;
  scenarios::ScenarioRunner runner(std::move(script), run_options, &std::cout);
  // What a replay needs besides the script and the seed.
  if (until) runner.cluster().sim().header().set("scenario.until", *until);
  // The recorder goes after the runner: it must be gone before the simulation it watches.
  std::unique_ptr<sim::trace::TraceRecorder> recorder;
  if (!options.trace.empty() || !options.perfetto.empty()) {
    recorder = std::make_unique<sim::trace::TraceRecorder>(runner.cluster());
    const sim::trace::TraceHeader header = header_of(runner);
    if (!options.trace.empty()) {
      recorder->add_sink(std::make_unique<sim::trace::TraceWriter>(options.trace, header));
    }
    if (!options.perfetto.empty()) {
      recorder->add_sink(std::make_unique<sim::trace::PerfettoWriter>(options.perfetto, &header));
    }
  }
  runner.start();
  const bool invariants_held = drive(runner, until, std::cout);
  if (recorder) recorder->finish();
  return invariants_held && runner.passed() ? kSuccess : kCheckFailed;
}

// Re-runs the trace's scenario with its seed and compares every event as it happens.
int replay_trace(const std::string& path) {
  auto checker = std::make_unique<sim::trace::ReplayChecker>(path);
  sim::trace::ReplayChecker& check = *checker;
  const sim::trace::TraceHeader& recorded = check.header();
  scenarios::Script script = scenarios::parse_script(recorded.scenario_text,
                                                     recorded.scenario_name + ".ksim");
  scenarios::RunOptions run_options;
  run_options.seed = recorded.seed;
  std::optional<sim::SimTime> until;
  if (recorded.config.contains("options") && recorded.config["options"].contains("scenario.until_us")) {
    until = sim::SimTime::zero() +
            sim::SimDuration::from_us(recorded.config["options"]["scenario.until_us"].get<std::int64_t>());
  }
  std::ostringstream transcript;
  scenarios::ScenarioRunner runner(std::move(script), run_options, nullptr);
  if (until) runner.cluster().sim().header().set("scenario.until", *until);
  sim::trace::TraceRecorder recorder(runner.cluster());
  check.set_actual_header(header_of(runner));
  recorder.add_sink(std::move(checker));
  runner.start();
  try {
    drive(runner, until, transcript);
    recorder.finish();
  } catch (const sim::trace::TraceDiverged& e) {
    std::cout << e.what() << "\n";
    return kCheckFailed;
  }
  if (check.diverged()) {
    std::cout << check.divergence()->report << "\n";
    return kCheckFailed;
  }
  std::cout << fmt::format("{}: identical, {} events replayed (scenario {}, seed {})\n", path,
                           check.events_compared(), recorded.scenario_name, recorded.seed);
  return kSuccess;
}

int diff_traces(const std::string& a, const std::string& b) {
  const std::optional<sim::trace::TraceDivergence> divergence =
      sim::trace::compare_trace_files(a, b);
  if (!divergence) {
    std::cout << fmt::format("{} and {}: identical\n", a, b);
    return kSuccess;
  }
  std::cout << divergence->report << "\n";
  return kCheckFailed;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Run a scenario (a .ksim file or a library name) and print its transcript");
  run->add_option("scenario", options->scenario, "a .ksim file, or a name from `ksim list`")
      ->required();
  run->add_option("--seed", options->seed, "the seed (overrides the script's)");
  run->add_option("--trace", options->trace,
                  "write every event as JSON lines, for ksim replay (FILE.gz: gzipped)");
  run->add_option("--perfetto", options->perfetto,
                  "write a Chrome/Perfetto trace (JSON, for ui.perfetto.dev)");
  run->add_option("--data-dir", options->data_dir,
                  "keep the brokers' logs as real files in DIR/<broker>");
  run->add_option("--until", options->until, "stop at this simulated time (e.g. 30s)");
  run->add_flag("--internal-topics", options->internal_topics,
                "also show what happens to __consumer_offsets' partitions");
  run->callback([options, &exit_code] { exit_code = run_scenario(*options); });

  auto trace = std::make_shared<std::string>();
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-run a trace's scenario and compare event by event (exit 1 at a divergence)");
  replay->add_option("trace", *trace, "a trace written by ksim run --trace")->required();
  replay->callback([trace, &exit_code] { exit_code = replay_trace(*trace); });

  auto traces = std::make_shared<std::vector<std::string>>();
  CLI::App* diff = app.add_subcommand("diff", "Compare two traces: the first divergent event");
  diff->add_option("traces", *traces, "TRACE_A TRACE_B")->required()->expected(2);
  diff->callback([traces, &exit_code] { exit_code = diff_traces(traces->at(0), traces->at(1)); });

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
