// The Timeline panel: play / pause / step one event / restart, the speed (1/100x to 10,000x of
// simulated time per wall second), and the scrubber over [0, the furthest time reached] with
// markers for faults, leader changes, ISR changes and losses. Dragging the scrubber back
// rewinds exactly (the session re-runs the scenario to that time).
#include <fmt/format.h>
#include <imgui.h>

#include <cmath>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

ImU32 marker_colour(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::fault: return IM_COL32(230, 80, 60, 255);
    case MarkerKind::leader_change: return IM_COL32(240, 190, 40, 255);
    case MarkerKind::isr_change: return IM_COL32(80, 160, 240, 255);
    case MarkerKind::loss: return IM_COL32(200, 60, 220, 255);
  }
  return IM_COL32_WHITE;
}

}  // namespace

void draw_timeline_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Timeline", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  GuiSession& session = *state.session;
  if (state.markers_generation != session.run_generation()) {
    state.markers.reset();
    state.markers_generation = session.run_generation();
  }
  state.markers.update(session.runner().transcript().lines());

  if (ImGui::Button(session.playing() ? "Pause" : "Play")) {
    session.playing() ? session.pause() : session.play();
  }
  ImGui::SameLine();
  if (ImGui::Button("Step")) {
    session.pause();
    session.step_event();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run one event");
  ImGui::SameLine();
  if (ImGui::Button("Restart")) session.restart();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  float speed = static_cast<float>(session.speed());
  if (ImGui::SliderFloat("speed", &speed, static_cast<float>(GuiSession::min_speed),
                         static_cast<float>(GuiSession::max_speed), "%.2fx",
                         ImGuiSliderFlags_Logarithmic)) {
    session.set_speed(static_cast<double>(speed));
  }
  for (double preset : {0.1, 1.0, 10.0, 100.0, 1000.0}) {
    ImGui::SameLine();
    const std::string label = preset < 1 ? fmt::format("{}x", preset) : fmt::format("{:.0f}x", preset);
    if (ImGui::SmallButton(label.c_str())) session.set_speed(preset);
  }
  ImGui::SameLine();
  ImGui::Text("t = %s   %llu events", session.now().to_string().c_str(),
              static_cast<unsigned long long>(session.events()));
  if (session.runner().script_done()) {
    ImGui::SameLine();
    ImGui::TextColored(theme_colour(state, ThemeColour::passed), "  lesson done");
  }
  if (session.stopped()) {
    ImGui::TextColored(theme_colour(state, ThemeColour::failed), "stopped: %s",
                       session.stopped()->c_str());
  }

  // The scrubber: [0, end], a little beyond the furthest time reached so it can move on.
  const sim::SimTime end = std::max(session.horizon(), sim::SimTime::from_s(10)) +
                           sim::SimDuration::from_s(5);
  const float width = ImGui::GetContentRegionAvail().x;
  const float height = ImGui::GetFontSize() * 1.6f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("scrubber", ImVec2(std::max(width, 1.0f), height));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 track = ImGui::GetColorU32(ImGuiCol_FrameBg);
  draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), track, 3.0f);
  const float reached = static_cast<float>(time_fraction(session.horizon(), end)) * width;
  draw->AddRectFilled(origin, ImVec2(origin.x + reached, origin.y + height),
                      ImGui::GetColorU32(ImGuiCol_FrameBgHovered), 3.0f);
  const ImGuiIO& io = ImGui::GetIO();
  const TimelineMarker* hovered_marker = nullptr;
  for (const TimelineMarker& marker : state.markers.markers()) {
    const float x = origin.x + static_cast<float>(time_fraction(marker.time, end)) * width;
    const float top = origin.y + (marker.kind == MarkerKind::fault ? 0.0f : height * 0.35f);
    draw->AddLine(ImVec2(x, top), ImVec2(x, origin.y + height), marker_colour(marker.kind), 2.0f);
    if (ImGui::IsItemHovered() && std::fabs(io.MousePos.x - x) < 3.0f) hovered_marker = &marker;
  }
  const float now_x = origin.x + static_cast<float>(time_fraction(session.now(), end)) * width;
  draw->AddTriangleFilled(ImVec2(now_x - 6, origin.y), ImVec2(now_x + 6, origin.y),
                          ImVec2(now_x, origin.y + 8), ImGui::GetColorU32(ImGuiCol_Text));
  draw->AddLine(ImVec2(now_x, origin.y), ImVec2(now_x, origin.y + height),
                ImGui::GetColorU32(ImGuiCol_Text), 2.0f);
  if (ImGui::IsItemHovered()) {
    const double fraction = width > 0 ? static_cast<double>((io.MousePos.x - origin.x) / width) : 0;
    const sim::SimTime at = fraction_time(fraction, end);
    if (hovered_marker != nullptr) {
      ImGui::SetTooltip("%s %s: %s", hovered_marker->time.to_string().c_str(),
                        std::string(marker_kind_name(hovered_marker->kind)).c_str(),
                        hovered_marker->text.c_str());
    } else {
      ImGui::SetTooltip("go to t=%s%s", at.to_string().c_str(),
                        at < session.now() ? " (rewind: the run is replayed exactly)" : "");
    }
  }
  // The release of a click or a drag seeks: a rewind replays from the start, so not every frame.
  if (ImGui::IsItemDeactivated()) {
    const double fraction = width > 0 ? static_cast<double>((io.MousePos.x - origin.x) / width) : 0;
    session.seek(fraction_time(fraction, end));
  }
  // The legend.
  for (MarkerKind kind : {MarkerKind::fault, MarkerKind::leader_change, MarkerKind::isr_change,
                          MarkerKind::loss}) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float size = ImGui::GetFontSize() * 0.7f;
    draw->AddRectFilled(ImVec2(p.x, p.y + size * 0.3f), ImVec2(p.x + size, p.y + size * 1.3f),
                        marker_colour(kind));
    ImGui::Dummy(ImVec2(size, size));
    ImGui::SameLine();
    ImGui::TextUnformatted(std::string(marker_kind_name(kind)).c_str());
    ImGui::SameLine(0, ImGui::GetFontSize() * 1.5f);
  }
  if (session.actions_ahead() > 0) {
    ImGui::Text("%zu recorded command(s) ahead will be re-applied", session.actions_ahead());
  } else {
    ImGui::NewLine();
  }
  ImGui::End();
}

}  // namespace ksim::gui
