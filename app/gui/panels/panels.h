// The GUI's panels, one file each; each draws one fixed window from GuiState. Their logic lives
// in app/gui/logic (tested without a window); these files only draw and forward clicks.
#pragma once

#include <string_view>

#include "app/gui/gui_state.h"
#include "app/gui/logic/panel_layout.h"

namespace ksim::gui {

void draw_timeline_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_cluster_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_topics_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_console_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_lesson_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_partition_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_events_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_metrics_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_zookeeper_panel(GuiState& state, const PanelRect& rect, bool force_rect);
void draw_audit_panel(GuiState& state, const PanelRect& rect, bool force_rect);

// Once per frame before the panels: makes the data panels' models after a rewind, updates them.
void update_data_models(GuiState& state);

// The panels' names for --panel, in their default order.
inline constexpr std::string_view panel_names[] = {
    "timeline", "cluster", "topics", "console", "lesson",
    "partition", "events", "metrics", "zookeeper", "audit"};
bool is_panel_name(std::string_view name);

// Sets the next window's place: always when `force`, else on first use (the ini remembers).
void place_next_window(const PanelRect& rect, bool force);

}  // namespace ksim::gui
