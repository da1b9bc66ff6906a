// The GUI's default arrangement of its fixed windows (Dear ImGui 1.86 without docking): the
// timeline across the top; the cluster graph and the lesson on the left; the topics table and
// the console on the right. The user may move and resize them (imgui.ini remembers);
// "Reset layout" puts them back here.
#pragma once

#include <string_view>

namespace ksim::gui {

struct PanelRect {
  float x = 0;
  float y = 0;
  float width = 0;
  float height = 0;
};

struct PanelLayout {
  PanelRect timeline;
  PanelRect cluster;
  PanelRect lesson;
  PanelRect topics;
  PanelRect console;
  // The data panels (closed until opened from the Windows menu): each over the part of the
  // screen whose panel it complements (partition and events on the right, metrics, ZooKeeper
  // and audit on the left).
  PanelRect partition;
  PanelRect events;
  PanelRect metrics;
  PanelRect zookeeper;
  PanelRect audit;
};

// For a display of width x height below a menu bar `top` high; `timeline_height` is the
// timeline's (it grows with the UI scale).
PanelLayout default_layout(float width, float height, float top, float timeline_height);

// The rectangle of the panel named `name` ("timeline", "cluster", ...) in `layout`, or nullptr.
const PanelRect* panel_rect(const PanelLayout& layout, std::string_view name);

}  // namespace ksim::gui
