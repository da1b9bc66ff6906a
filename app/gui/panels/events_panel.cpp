// The Events panel: the run's event log (EventLogModel: broker and controller events merged with
// the transcript's commands, faults, client answers and checks), filtered by kind, broker and
// partition. Only the visible rows are drawn (ImGuiListClipper over the model's cached matching
// list). Clicking a row seeks the timeline to its time; the last row at or before now is marked.
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <string>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

ImVec4 kind_colour(const GuiState& state, model::EventKind kind) {
  switch (kind) {
    case model::EventKind::fault:
    case model::EventKind::violation:
    case model::EventKind::truncation:
      return theme_colour(state, ThemeColour::failed);
    case model::EventKind::leader_change:
    case model::EventKind::controller:
      return theme_colour(state, ThemeColour::controller);
    case model::EventKind::isr_change:
      return theme_colour(state, ThemeColour::warning);
    case model::EventKind::narration:
    case model::EventKind::other:
      return theme_colour(state, ThemeColour::muted);
    default:
      return ImGui::GetStyleColorVec4(ImGuiCol_Text);
  }
}

void draw_filters(GuiState& state) {
  DataPanelsView& data = state.data;
  model::EventFilter& filter = data.event_filter;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::BeginCombo("##kinds", "kinds")) {
    for (std::size_t i = 0; i < model::kEventKindCount; ++i) {
      const auto kind = static_cast<model::EventKind>(i);
      bool shown = (filter.kinds & model::EventFilter::bit(kind)) != 0;
      const std::string label(model::to_string(kind));
      if (ImGui::Checkbox(label.c_str(), &shown)) filter.kinds ^= model::EventFilter::bit(kind);
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  const std::string broker_label =
      filter.broker ? fmt::format("broker {}", *filter.broker) : std::string("any broker");
  if (ImGui::BeginCombo("##broker", broker_label.c_str())) {
    if (ImGui::Selectable("any broker", !filter.broker)) filter.broker.reset();
    for (const std::int32_t broker : data.events->brokers()) {
      const std::string label = fmt::format("broker {}", broker);
      if (ImGui::Selectable(label.c_str(), filter.broker == broker)) filter.broker = broker;
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::InputTextWithHint("##partition", "partition (t-0)", data.event_partition.data(),
                               data.event_partition.size())) {
    const std::string text = data.event_partition.data();
    if (text.empty()) {
      filter.partition.reset();
    } else {
      filter.partition = text;
    }
  }
  if (ImGui::IsItemHovered() && !data.events->partitions().empty()) {
    std::string names;
    for (const std::string& name : data.events->partitions()) names += name + " ";
    ImGui::SetTooltip("named so far: %s", names.c_str());
  }
}

}  // namespace

void draw_events_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Events", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  DataPanelsView& data = state.data;
  model::EventLogModel& events = *data.events;
  draw_filters(state);
  const std::vector<std::uint64_t>& matching = events.matching(data.event_filter);
  ImGui::SameLine();
  ImGui::Text("%zu of %zu events", matching.size(), events.rows().size());
  if (events.dropped() > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("(%llu oldest dropped)", static_cast<unsigned long long>(events.dropped()));
  }
  const model::EventRow* current =
      events.last_at_or_before(state.session->now(), data.event_filter);

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  std::optional<sim::SimTime> seek_to;
  if (ImGui::BeginTable("events", 5, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Time", 0, 1.0f);
    ImGui::TableSetupColumn("Kind", 0, 1.1f);
    ImGui::TableSetupColumn("Broker", 0, 0.6f);
    ImGui::TableSetupColumn("Partition", 0, 0.8f);
    ImGui::TableSetupColumn("Event", 0, 5.0f);
    ImGui::TableHeadersRow();
    // Keep the current row in view when it changes (playing, or a seek).
    const std::uint64_t current_sequence = current != nullptr ? current->sequence : ~0ull;
    if (current != nullptr && current_sequence != data.event_scrolled_to) {
      const auto found = std::lower_bound(matching.begin(), matching.end(), current_sequence);
      const float row_height =
          ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
      const float row_y = static_cast<float>(found - matching.begin()) * row_height;
      ImGui::SetScrollY(std::max(0.0f, row_y - ImGui::GetWindowHeight() * 0.5f));
    }
    data.event_scrolled_to = current_sequence;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(matching.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const std::uint64_t sequence = matching[static_cast<std::size_t>(i)];
        const model::EventRow* row = events.row(sequence);
        if (row == nullptr) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool is_current = row == current;
        const std::string time = row->time.to_string();
        ImGui::PushID(static_cast<int>(sequence % 0x7fffffff));
        if (ImGui::Selectable(time.c_str(), is_current,
                              ImGuiSelectableFlags_SpanAllColumns |
                                  ImGuiSelectableFlags_AllowItemOverlap)) {
          seek_to = events.select(sequence);
        }
        ImGui::PopID();
        ImGui::TableNextColumn();
        const std::string kind(model::to_string(row->kind));
        ImGui::TextColored(kind_colour(state, row->kind), "%s", kind.c_str());
        ImGui::TableNextColumn();
        if (row->broker >= 0) ImGui::Text("%d", row->broker);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row->partition.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row->text.c_str());
      }
    }
    ImGui::EndTable();
  }
  if (seek_to) data.pending_seek = seek_to;
  ImGui::End();
}

}  // namespace ksim::gui
