// The default arrangement of the GUI's windows (panel_layout.h).
#include "app/gui/logic/panel_layout.h"

#include <algorithm>
#include <cmath>

namespace ksim::gui {

PanelLayout default_layout(float width, float height, float top, float timeline_height) {
  PanelLayout layout;
  const float gap = 2.0f;
  const float body_top = top + std::min(timeline_height, height * 0.4f) + gap;
  const float body_height = std::max(0.0f, height - body_top);
  const float left_width = std::floor(width * 0.4f);
  const float right_x = left_width + gap;
  const float right_width = std::max(0.0f, width - right_x);
  layout.timeline = {0, top, width, body_top - gap - top};
  const float cluster_height = std::floor(body_height * 0.5f);
  layout.cluster = {0, body_top, left_width, cluster_height};
  layout.lesson = {0, body_top + cluster_height + gap, left_width,
                   std::max(0.0f, body_height - cluster_height - gap)};
  const float topics_height = std::floor(body_height * 0.45f);
  layout.topics = {right_x, body_top, right_width, topics_height};
  layout.console = {right_x, body_top + topics_height + gap, right_width,
                    std::max(0.0f, body_height - topics_height - gap)};
  layout.partition = layout.topics;
  layout.events = layout.console;
  layout.metrics = layout.cluster;
  layout.zookeeper = layout.lesson;
  layout.audit = {0, body_top, left_width, body_height};
  return layout;
}

const PanelRect* panel_rect(const PanelLayout& layout, std::string_view name) {
  if (name == "timeline") return &layout.timeline;
  if (name == "cluster") return &layout.cluster;
  if (name == "lesson") return &layout.lesson;
  if (name == "topics") return &layout.topics;
  if (name == "console") return &layout.console;
  if (name == "partition") return &layout.partition;
  if (name == "events") return &layout.events;
  if (name == "metrics") return &layout.metrics;
  if (name == "zookeeper") return &layout.zookeeper;
  if (name == "audit") return &layout.audit;
  return nullptr;
}

}  // namespace ksim::gui
