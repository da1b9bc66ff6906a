// The Audit panel: the loss summary per acks setting (the table `ksim run` prints at its end) and
// the records lost after acknowledgement or duplicated, each with the audit's explanation.
// Clicking a record seeks the timeline to the event that destroyed it (AuditModel::click).
#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

void draw_summary(GuiState& state, const model::AuditModel& audit) {
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame;
  static constexpr const char* headers[] = {"acks",      "sent",    "acknowledged", "lost",
                                            "lost after commit", "duplicated", "indeterminate",
                                            "failed",    "pending", "committed",    "consumed"};
  if (!ImGui::BeginTable("summary", 11, flags)) return;
  for (const char* header : headers) ImGui::TableSetupColumn(header);
  ImGui::TableHeadersRow();
  for (const model::AuditSummaryRow& row : audit.summary()) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(row.acks.c_str());
    const std::uint64_t values[] = {row.sent,      row.acknowledged,  row.lost,
                                    row.lost_after_commit, row.duplicated, row.indeterminate,
                                    row.failed,    row.pending,       row.committed,
                                    row.consumed};
    for (std::size_t i = 0; i < std::size(values); ++i) {
      ImGui::TableNextColumn();
      const bool bad = (i == 2 || i == 3 || i == 4) && values[i] > 0;
      if (bad) {
        ImGui::TextColored(theme_colour(state, ThemeColour::failed), "%llu",
                           static_cast<unsigned long long>(values[i]));
      } else {
        ImGui::Text("%llu", static_cast<unsigned long long>(values[i]));
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_audit_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Audit", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  const model::AuditModel& audit = *state.data.audit;
  if (!audit.available()) {
    ImGui::TextDisabled("This run keeps no audit.");
    ImGui::End();
    return;
  }
  draw_summary(state, audit);
  const std::vector<model::AuditRecordRow>& records = audit.records();
  ImGui::Text("%zu lost, %zu duplicated", audit.lost_count(), records.size() - audit.lost_count());
  ImGui::SameLine();
  ImGui::TextDisabled("(click a record to seek to what destroyed it)");
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("records", 6, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Record", 0, 0.8f);
    ImGui::TableSetupColumn("Problem", 0, 1.6f);
    ImGui::TableSetupColumn("Partition", 0, 0.8f);
    ImGui::TableSetupColumn("acks", 0, 0.4f);
    ImGui::TableSetupColumn("Offset", 0, 0.5f);
    ImGui::TableSetupColumn("What happened", 0, 5.0f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(records.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const auto index = static_cast<std::size_t>(i);
        const model::AuditRecordRow& row = records[index];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(i);
        const std::string label = row.value.empty() ? fmt::format("#{}", row.record) : row.value;
        if (ImGui::Selectable(label.c_str(), false,
                              ImGuiSelectableFlags_SpanAllColumns |
                                  ImGuiSelectableFlags_AllowItemOverlap)) {
          if (const std::optional<sim::SimTime> time = audit.click(index)) {
            state.data.pending_seek = time;
          }
        }
        if (ImGui::IsItemHovered() && !row.explanation.empty()) {
          ImGui::SetTooltip("%s", row.explanation.c_str());
        }
        ImGui::PopID();
        ImGui::TableNextColumn();
        if (row.problem == model::AuditProblem::lost) {
          ImGui::TextColored(theme_colour(state, ThemeColour::failed), "%s", row.loss.c_str());
        } else {
          ImGui::TextColored(theme_colour(state, ThemeColour::warning), "duplicated");
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.partition.c_str());
        ImGui::TableNextColumn();
        if (row.acks < 0) {
          ImGui::TextUnformatted("all");
        } else {
          ImGui::Text("%d", row.acks);
        }
        ImGui::TableNextColumn();
        if (row.offset >= 0) ImGui::Text("%lld", static_cast<long long>(row.offset));
        ImGui::TableNextColumn();
        const std::string what =
            row.destroyed_at ? fmt::format("at {}: {}", row.destroyed_at->to_string(),
                                           row.destroyed_how)
                             : row.explanation;
        ImGui::TextUnformatted(what.c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace ksim::gui
