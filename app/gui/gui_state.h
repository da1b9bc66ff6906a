// What the GUI's panels share: the session, the theme and UI scale, and each panel's view state
// (what is typed, selected, filtered, sorted). Panels are free functions over it (panels.h).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/logic/cluster_graph.h"
#include "app/gui/logic/session.h"
#include "app/gui/logic/timeline_markers.h"
#include "app/gui/logic/topic_rows.h"
#include "app/gui/model/audit_model.h"
#include "app/gui/model/event_log_model.h"
#include "app/gui/model/metrics_model.h"
#include "app/gui/model/partition_strip_model.h"
#include "app/gui/model/zookeeper_tree_model.h"

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

// The data panels' models (app/gui/model) follow one run: data_panels.cpp makes new ones when the
// session's run generation changes (a rewind), and updates them once per frame.
struct DataPanelsView {
  std::uint64_t generation = ~0ull;
  std::unique_ptr<model::PartitionStripModel> partition;
  std::string partition_name;  // "t-0" chosen in the Partition panel ("" = first of first topic)
  std::int64_t window_start = 0;  // first offset shown in the strips
  int window_size = 64;           // offsets shown
  bool follow_end = true;         // keep the log end in view
  int truncation_frames = 0;      // frames left to highlight the last truncation
  model::StripTruncation last_truncation;
  std::unique_ptr<model::EventLogModel> events;
  model::EventFilter event_filter;
  int event_broker = -1;  // combo: -1 any
  std::array<char, 64> event_partition{};
  std::uint64_t event_scrolled_to = ~0ull;  // the current row the list last scrolled to
  std::unique_ptr<model::MetricsModel> metrics;
  std::unique_ptr<model::ZooKeeperTreeModel> zookeeper;
  std::unique_ptr<model::AuditModel> audit;
  // A click's seek, applied after the frame's panels (a rewind replaces the run the models read).
  std::optional<sim::SimTime> pending_seek;
  bool open[5] = {false, false, false, false, false};  // partition, events, metrics, zookeeper, audit
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
  DataPanelsView data;
  std::string error;  // a problem to show (a scenario that failed to load)

  // Runs a command as the console does (clicks go through here, so they are recorded and
  // shown as their command text).
  void run_console_command(const std::string& line);
};

}  // namespace ksim::gui
