// `ksim gui [SCENARIO|NAME]`: the classroom GUI (app/gui). In a build without it
// (-DKSIM_BUILD_GUI=OFF) the command says so and exits 2.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "app/cli/commands.h"
#include "app/cli/scenario_source.h"
#include "scenarios/library.h"

#ifdef KSIM_HAS_GUI
#include "app/gui/app.h"
#include "app/gui/panels/panels.h"
#endif

namespace ksim::cli {

namespace {

struct GuiCommandOptions {
  std::string scenario{scenarios::default_scenario};
  std::optional<std::uint64_t> seed;
  std::string screenshot;
  std::string at;
  std::string panel;
  std::optional<int> frames;
  std::optional<int> bench_frames;
  double speed = 100.0;
  std::uint64_t frame_events = 50000;
  float scale = 0.0f;
  bool light = false;
  std::string size;
};

int run_gui_command(const GuiCommandOptions& options) {
#ifdef KSIM_HAS_GUI
  gui::GuiOptions gui_options;
  gui_options.seed = options.seed;
  gui_options.screenshot = options.screenshot;
  gui_options.panel = options.panel;
  gui_options.frames = options.frames;
  gui_options.bench_frames = options.bench_frames;
  gui_options.speed = options.speed;
  gui_options.frame_events = options.frame_events;
  gui_options.scale = options.scale;
  gui_options.light = options.light;
  if (!options.at.empty()) {
    gui_options.at = sim::SimTime::zero() + parse_cli_duration(options.at, "--at");
  }
  if (!options.at.empty() && options.screenshot.empty() && !options.bench_frames) {
    std::cerr << "ksim gui: --at is the time of a --screenshot (or where --bench-frames starts)\n";
    return kBadInput;
  }
  if (!options.panel.empty() && !gui::is_panel_name(options.panel)) {
    std::cerr << fmt::format(
        "ksim gui: no panel named '{}' (timeline, cluster, topics, console, lesson, "
        "partition, events, metrics, zookeeper, audit)\n",
        options.panel);
    return kBadInput;
  }
  if ((options.frames && *options.frames < 0) || (options.bench_frames && *options.bench_frames <= 0)) {
    std::cerr << "ksim gui: --frames and --bench-frames take a positive count\n";
    return kBadInput;
  }
  if (!options.size.empty()) {
    const std::size_t x = options.size.find('x');
    try {
      if (x == std::string::npos) throw std::invalid_argument("no x");
      gui_options.width = std::stoi(options.size.substr(0, x));
      gui_options.height = std::stoi(options.size.substr(x + 1));
      if (gui_options.width < 200 || gui_options.height < 150 || gui_options.width > 8192 ||
          gui_options.height > 8192) {
        throw std::invalid_argument("out of range");
      }
    } catch (const std::exception&) {
      std::cerr << fmt::format("ksim gui: --size takes WIDTHxHEIGHT (200x150 to 8192x8192), not '{}'\n",
                               options.size);
      return kBadInput;
    }
  }
  scenarios::Script script = load_scenario(options.scenario);
  return gui::run_gui(std::move(script), gui_options, std::cout, std::cerr);
#else
  (void)options;
  std::cerr << "ksim gui: this build has no GUI (configure with -DKSIM_BUILD_GUI=ON; "
               "`ksim run` prints a scenario's transcript)\n";
  return kBadInput;
#endif
}

}  // namespace

void add_gui_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GuiCommandOptions>();
  CLI::App* gui = app.add_subcommand(
      "gui", "Open the classroom GUI on a scenario (a .ksim file or a library name)");
  gui->add_option("scenario", options->scenario,
                  "a .ksim file, or a name from `ksim list` (default: quickstart)");
  gui->add_option("--seed", options->seed, "the seed (overrides the script's)");
  gui->add_option("--screenshot", options->screenshot,
                  "render offscreen, write this PNG and exit");
  gui->add_option("--at", options->at, "the screenshot's simulated time (e.g. 30s); with --bench-frames, where the frames start");
  gui->add_option("--panel", options->panel,
                  "show only this panel over the whole window (timeline, cluster, topics, "
                  "console, lesson, partition, events, metrics, zookeeper, audit)");
  gui->add_option("--frames", options->frames, "run N frames (offscreen, playing) and exit");
  gui->add_option("--bench-frames", options->bench_frames,
                  "run N frames offscreen, playing, and print per-frame CPU time statistics");
  gui->add_option("--speed", options->speed,
                  "playback speed of --frames and --bench-frames (default 100x)")
      ->check(CLI::Range(0.01, 10000.0));
  gui->add_option("--frame-events", options->frame_events,
                  "the most events a frame runs (default 50000): a big cluster's simulation "
                  "then lags the wall clock instead of stalling the frame")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100000000}));
  gui->add_option("--scale", options->scale, "UI scale (default: the monitor's)")
      ->check(CLI::Range(0.5, 4.0));
  gui->add_option("--size", options->size, "window size WIDTHxHEIGHT (default 1600x960)");
  gui->add_flag("--light", options->light, "the light theme");
  gui->callback([options, &exit_code] { exit_code = run_gui_command(*options); });
}

}  // namespace ksim::cli
