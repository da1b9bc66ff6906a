// The Topics panel: kafka-topics.sh --describe as a table (topic_rows.h), with each replica's HW
// and LEO as its broker holds them; under-replicated and offline partitions marked; sortable by
// clicking a column, filtered by name; only the visible rows are drawn (ImGuiListClipper), so
// thousands of partitions cost what a screenful does.
#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

// Re-reading ZooKeeper's metadata costs more than drawing: while playing, every sixth frame
// (ten times a second at 60 frames a second).
constexpr int refresh_frames = 6;

void refresh(GuiState& state) {
  TopicsView& view = state.topics;
  GuiSession& session = *state.session;
  const int now = ImGui::GetFrameCount();
  const bool changed = view.read_at_events != session.events() ||
                       view.read_generation != session.run_generation();
  const bool due = view.read_at_frame < 0 || view.read_generation != session.run_generation() || now - view.read_at_frame >= refresh_frames ||
                   !session.playing();
  if (changed && due) {
    view.rows = read_topic_rows(session.runner().cluster(), view.internal);
    view.read_at_events = session.events();
    view.read_generation = session.run_generation();
    view.read_at_frame = now;
    view.dirty = true;
  }
  if (view.dirty) {
    view.order = filter_rows(view.rows, view.filter.data(), view.problems_only);
    sort_rows(view.rows, view.order, view.sort_column, view.ascending);
    view.dirty = false;
  }
}

}  // namespace

void draw_topics_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Topics", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  TopicsView& view = state.topics;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
  if (ImGui::InputTextWithHint("##filter", "filter partitions", view.filter.data(),
                               view.filter.size())) {
    view.dirty = true;
  }
  ImGui::SameLine();
  if (ImGui::Checkbox("problems only", &view.problems_only)) view.dirty = true;
  ImGui::SameLine();
  if (ImGui::Checkbox("internal topics", &view.internal)) view.read_at_events = ~0ull;
  refresh(state);
  std::size_t under = 0;
  std::size_t offline = 0;
  for (const TopicRow& row : view.rows) {
    under += row.under_replicated ? 1 : 0;
    offline += row.offline ? 1 : 0;
  }
  ImGui::SameLine();
  ImGui::Text("%zu partitions", view.rows.size());
  if (under > 0 || offline > 0) {
    ImGui::SameLine();
    ImGui::TextColored(theme_colour(state, ThemeColour::failed), "%zu under-replicated, %zu offline",
                       under, offline);
  }

  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("partitions", 7, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Partition", ImGuiTableColumnFlags_DefaultSort, 2.2f,
                            static_cast<ImGuiID>(TopicColumn::partition));
    ImGui::TableSetupColumn("Leader", 0, 0.8f, static_cast<ImGuiID>(TopicColumn::leader));
    ImGui::TableSetupColumn("Replicas", 0, 1.2f, static_cast<ImGuiID>(TopicColumn::replicas));
    ImGui::TableSetupColumn("ISR", 0, 1.2f, static_cast<ImGuiID>(TopicColumn::isr));
    ImGui::TableSetupColumn("HW per replica", 0, 1.8f, static_cast<ImGuiID>(TopicColumn::high_watermark));
    ImGui::TableSetupColumn("LEO per replica", 0, 1.8f, static_cast<ImGuiID>(TopicColumn::log_end_offset));
    ImGui::TableSetupColumn("Status", 0, 1.6f, static_cast<ImGuiID>(TopicColumn::status));
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs != nullptr && specs->SpecsDirty) {
      if (specs->SpecsCount > 0) {
        view.sort_column = static_cast<TopicColumn>(specs->Specs[0].ColumnUserID);
        view.ascending = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
      }
      sort_rows(view.rows, view.order, view.sort_column, view.ascending);
      specs->SpecsDirty = false;
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(view.order.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const TopicRow& row = view.rows[view.order[static_cast<std::size_t>(i)]];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.name.c_str());
        ImGui::TableNextColumn();
        if (row.leader >= 0) {
          ImGui::Text("%d", row.leader);
        } else {
          ImGui::TextColored(theme_colour(state, ThemeColour::failed), "none");
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(broker_list(row.replicas).c_str());
        ImGui::TableNextColumn();
        ImGui::TextColored(row.under_replicated ? theme_colour(state, ThemeColour::warning)
                                                : ImGui::GetStyleColorVec4(ImGuiCol_Text),
                           "%s", broker_list(row.isr).c_str());
        for (const bool hw : {true, false}) {
          ImGui::TableNextColumn();
          std::string text;
          for (const ReplicaOffsets& offsets : row.offsets) {
            if (!text.empty()) text += "  ";
            text += offsets.online
                        ? fmt::format("{}:{}", offsets.broker,
                                      hw ? offsets.high_watermark : offsets.log_end_offset)
                        : fmt::format("{}:-", offsets.broker);
          }
          ImGui::TextUnformatted(text.c_str());
        }
        ImGui::TableNextColumn();
        if (row.offline) {
          ImGui::TextColored(theme_colour(state, ThemeColour::failed), "OFFLINE");
        } else if (row.under_replicated) {
          ImGui::TextColored(theme_colour(state, ThemeColour::warning), "under-replicated");
        } else {
          ImGui::TextColored(theme_colour(state, ThemeColour::passed), "in sync");
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace ksim::gui
