// What the GUI's panels share: the session, the theme and UI scale, and each panel's view state
// (what is typed, selected, filtered, sorted). Panels are free functions over it (panels.h).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/logic/cluster_graph.h"
#include "app/gui/logic/session.h"
#include "app/gui/logic/timeline_markers.h"
#include "app/gui/logic/topic_rows.h"

namespace ksim::gui {

struct ConsoleView {
  std::array<char, 1024> input{};
  std::vector<std::string> history;  // lines run, oldest first
  int history_position = -1;         // -1: not browsing
  std::string status;                // the last error, or what Save did
  bool status_error = false;
  std::array<char, 512> save_path{};
  bool save_popup = false;
  bool scroll_to_bottom = true;
  std::size_t lines_seen = 0;
  bool focus_input = false;
};

struct TopicsView {
  std::vector<TopicRow> rows;
  std::vector<std::size_t> order;
  std::array<char, 128> filter{};
  bool problems_only = false;
  bool internal = false;
  TopicColumn sort_column = TopicColumn::partition;
  bool ascending = true;
  std::uint64_t read_at_events = ~0ull;  // the run's event count when rows were read
  std::uint64_t read_generation = ~0ull;
  int read_at_frame = -1;
  bool dirty = true;  // the filter or sort changed
};

struct ClusterView {
  ClusterGraph graph;
  std::uint64_t read_at_events = ~0ull;
  std::uint64_t read_generation = ~0ull;
  int read_at_frame = -1;
  std::string selected;  // a node's name
};

struct GuiState {
  std::unique_ptr<GuiSession> session;
  bool dark = true;
  float ui_scale = 1.0f;
  float pending_scale = 0.0f;  // applied before the next frame (the font atlas is rebuilt)
  bool reset_layout = false;
  std::string only_panel;  // --panel: one panel over the whole window
  bool headless = false;   // screenshots, --frames, --bench-frames: no ini, fixed frame time

  TimelineMarkers markers;
  std::uint64_t markers_generation = ~0ull;
  ConsoleView console;
  TopicsView topics;
  ClusterView cluster;
  std::string error;  // a problem to show (a scenario that failed to load)

  // Runs a command as the console does (clicks go through here, so they are recorded and
  // shown as their command text).
  void run_console_command(const std::string& line);
};

}  // namespace ksim::gui
