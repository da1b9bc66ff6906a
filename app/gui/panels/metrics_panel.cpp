// The Metrics panel: MetricsModel's series as ImGui::PlotLines, one a row: produce and consume
// rates, the minimum ISR size, under-replicated partitions, each consumer group's lag, and per
// acks setting the records acknowledged and lost. The model holds at most `capacity` points a
// series, so a frame's cost is bounded whatever the run's length.
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <string_view>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

void plot(const char* label, const std::vector<float>& values, const std::string& overlay) {
  if (values.size() < 2) {  // a line needs two points (a new run has sampled once at most)
    ImGui::TextDisabled("%s: %s (waiting for a second sample)", label, overlay.c_str());
    return;
  }
  const float height = ImGui::GetTextLineHeight() * 3.0f;
  // PlotLines (1.86) takes its size as given: a negative width is not "all but", so compute it.
  const float width = std::max(ImGui::GetFontSize() * 4,
                               ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 9);
  float top = 1.0f;
  for (const float value : values) top = std::max(top, value);
  ImGui::PlotLines(label, values.data(), static_cast<int>(values.size()), 0, overlay.c_str(), 0.0f,
                   top * 1.1f, ImVec2(width, height));
}

// The `last` of each point (0 where the series did not exist yet).
std::vector<float> lasts(const model::MetricSeries* series) {
  std::vector<float> values;
  if (series == nullptr) return values;
  values.reserve(series->points.size());
  for (const model::MetricPoint& point : series->points) {
    values.push_back(point.present ? static_cast<float>(point.last) : 0.0f);
  }
  return values;
}

std::string last_text(const std::vector<float>& values) {
  return values.empty() ? std::string("no samples") : fmt::format("now {:.0f}", values.back());
}

void plot_series(const model::MetricsModel& metrics, std::string_view name, const char* label) {
  const std::vector<float> values = lasts(metrics.series(name));
  plot(label, values, last_text(values));
}

void plot_rate(const model::MetricsModel& metrics, std::string_view name, const char* label) {
  std::vector<float> values;
  for (const std::int64_t rate : metrics.rate_per_second(name)) {
    values.push_back(static_cast<float>(rate));
  }
  plot(label, values, values.empty() ? "no samples" : fmt::format("now {:.0f}/s", values.back()));
}

}  // namespace

void draw_metrics_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Metrics", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  const model::MetricsModel& metrics = *state.data.metrics;
  ImGui::TextDisabled("%zu samples, one per %s of simulated time", metrics.size(),
                      metrics.resolution().to_string().c_str());
  if (ImGui::CollapsingHeader("Throughput", ImGuiTreeNodeFlags_DefaultOpen)) {
    plot_rate(metrics, "produced", "produced/s");
    plot_rate(metrics, "consumed", "consumed/s");
  }
  if (ImGui::CollapsingHeader("Replication", ImGuiTreeNodeFlags_DefaultOpen)) {
    plot_series(metrics, "isr_size_min", "min ISR size");
    plot_series(metrics, "under_replicated", "under-replicated");
    plot_series(metrics, "offline", "offline");
  }
  const std::vector<std::string> names = metrics.series_names();
  if (ImGui::CollapsingHeader("Consumer lag", ImGuiTreeNodeFlags_DefaultOpen)) {
    bool any = false;
    for (const std::string& name : names) {
      if (!name.starts_with("consumer_lag/")) continue;
      any = true;
      plot_series(metrics, name, name.c_str() + std::string_view("consumer_lag/").size());
    }
    if (!any) ImGui::TextDisabled("no consumer groups");
  }
  if (ImGui::CollapsingHeader("Acknowledged vs lost", ImGuiTreeNodeFlags_DefaultOpen)) {
    for (const char* acks : {"0", "1", "all"}) {
      const std::string acknowledged = fmt::format("acknowledged/acks={}", acks);
      if (metrics.series(acknowledged) == nullptr) continue;
      const std::string lost = fmt::format("lost/acks={}", acks);
      const std::string acknowledged_label = fmt::format("acked, acks={}", acks);
      const std::string lost_label = fmt::format("lost, acks={}", acks);
      plot_series(metrics, acknowledged, acknowledged_label.c_str());
      const std::vector<float> lost_values = lasts(metrics.series(lost));
      const bool losing = !lost_values.empty() && lost_values.back() > 0;
      if (losing) {
        ImGui::PushStyleColor(ImGuiCol_PlotLines, theme_colour(state, ThemeColour::failed));
      }
      plot(lost_label.c_str(), lost_values, last_text(lost_values));
      if (losing) ImGui::PopStyleColor();
    }
  }
  ImGui::End();
}

}  // namespace ksim::gui
