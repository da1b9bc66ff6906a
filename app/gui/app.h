// `ksim gui`: the classroom GUI's main loop over a platform layer (platform.h): a menu bar, the
// panels in their default arrangement, playback each frame; and its batch modes: a screenshot
// rendered offscreen at a simulated time, a fixed number of frames, frame-time statistics.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "scenarios/script.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui {

struct GuiOptions {
  std::optional<std::uint64_t> seed;
  std::string screenshot;            // write a PNG (offscreen) and exit
  std::optional<sim::SimTime> at;    // the screenshot's simulated time (a benchmark's start)
  std::string panel;                 // draw only this panel, over the whole window
  std::optional<int> frames;         // run this many frames and exit
  std::optional<int> bench_frames;   // run this many frames and print frame-time statistics
  double speed = 100.0;              // playback speed in the batch modes
  std::uint64_t frame_events = 50000;  // the most events a frame runs
  float scale = 0.0f;                // the UI scale (0: the monitor's content scale)
  bool light = false;                // the light theme
  int width = 1600;
  int height = 960;
};

// Runs the GUI on `script`. Returns the exit code (0, or 2 when no window can be opened).
int run_gui(scenarios::Script script, const GuiOptions& options, std::ostream& out,
            std::ostream& err);

// Where the window layout is remembered: $XDG_CONFIG_HOME/ksim/imgui.ini, else
// $HOME/.config/ksim/imgui.ini ("" when neither is set).
std::string layout_file_path();

}  // namespace ksim::gui
