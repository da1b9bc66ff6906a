// The GUI smoke test (CTest, label gui): for every library scenario, `ksim gui NAME` opens
// offscreen, plays 12 frames at 1000x (200 simulated seconds), rewinds to t=5s and writes a screenshot; the PNG must
// exist and not be blank (more than 64 distinct colours: text, nodes, markers). Then the first
// scenario's five data panels each alone (--panel partition, events, metrics, zookeeper, audit)
// at t=60s, with the same check. Runs itself
// under xvfb-run when there is no display; without xvfb-run it says so and exits 77 (skipped).
//
//   ksim_gui_smoke KSIM_BINARY OUT_DIR [SCENARIO...]
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/gui/logic/screenshot.h"
#include "scenarios/library.h"

namespace {

constexpr std::size_t min_colours = 64;

bool has_display() {
  const char* x = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x != nullptr && *x != '\0') || (wayland != nullptr && *wayland != '\0');
}

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::filesystem::path candidate = std::filesystem::path(std::string(rest.substr(0, colon))) / name;
    std::error_code error;
    if (std::filesystem::exists(candidate, error) && access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
  }
  return "";
}

int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(child, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: ksim_gui_smoke KSIM_BINARY OUT_DIR [SCENARIO...]\n";
    return 2;
  }
  if (!has_display()) {
    if (std::getenv("KSIM_GUI_SMOKE_UNDER_XVFB") != nullptr) {
      std::cerr << "ksim_gui_smoke: xvfb-run gave no display\n";
      return 1;
    }
    const std::string xvfb = find_in_path("xvfb-run");
    if (xvfb.empty()) {
      std::cout << "xvfb-run not found (Debian's xvfb package): GUI smoke test skipped\n";
      return 77;
    }
    setenv("KSIM_GUI_SMOKE_UNDER_XVFB", "1", 1);
    std::vector<std::string> args = {xvfb, "-a", "-s", "-screen 0 1600x1000x24"};
    for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
    std::cout.flush();
    return run(args);
  }
  const std::string ksim = argv[1];
  const std::filesystem::path out_dir = argv[2];
  std::filesystem::create_directories(out_dir);
  std::vector<std::string> names;
  for (int i = 3; i < argc; ++i) names.emplace_back(argv[i]);
  if (names.empty()) {
    for (const auto& scenario : ksim::scenarios::library_scenarios()) names.emplace_back(scenario.name);
  }
  int failures = 0;
  // Every scenario whole, then the first one's data panels alone (--panel), later in its run.
  struct Shot {
    std::string scenario;
    std::string panel;  // "" for the whole window
  };
  std::vector<Shot> shots;
  for (const std::string& name : names) shots.push_back({name, ""});
  for (const char* panel : {"partition", "events", "metrics", "zookeeper", "audit"}) {
    shots.push_back({names.front(), panel});
  }
  for (const Shot& shot_spec : shots) {
    const std::string name = shot_spec.panel.empty()
                                 ? shot_spec.scenario
                                 : shot_spec.scenario + " --panel " + shot_spec.panel;
    const std::string png =
        (out_dir / (shot_spec.scenario + (shot_spec.panel.empty() ? "" : "-" + shot_spec.panel) +
                    ".png"))
            .string();
    std::filesystem::remove(png);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> command = {ksim, "gui", shot_spec.scenario, "--frames", "12",
                                        "--speed", "1000", "--screenshot", png, "--at",
                                        shot_spec.panel.empty() ? "5s" : "60s", "--size",
                                        "1280x800"};
    if (!shot_spec.panel.empty()) {
      command.emplace_back("--panel");
      command.push_back(shot_spec.panel);
    }
    const int code = run(command);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (code != 0) {
      std::cout << fmt::format("FAIL {}: ksim gui exited {}\n", name, code);
      ++failures;
      continue;
    }
    try {
      const ksim::gui::Screenshot shot = ksim::gui::read_png(png);
      const std::size_t colours = ksim::gui::distinct_colours(shot);
      if (shot.width != 1280 || shot.height != 800 || colours <= min_colours) {
        std::cout << fmt::format("FAIL {}: {}x{} with {} colours (blank?)\n", name, shot.width,
                                 shot.height, colours);
        ++failures;
        continue;
      }
      std::cout << fmt::format("ok   {}: {}x{}, {} colours, {:.2f} s\n", name, shot.width,
                               shot.height, colours, seconds);
    } catch (const std::exception& e) {
      std::cout << fmt::format("FAIL {}: {}\n", name, e.what());
      ++failures;
    }
  }
  std::cout << fmt::format("{} of {} screenshots passed\n", shots.size() - static_cast<std::size_t>(failures),
                           shots.size());
  return failures == 0 ? 0 : 1;
}
