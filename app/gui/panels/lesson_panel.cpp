// The Lesson panel: the script's narration, commands and expectations in order (lesson_steps.h),
// the step running now highlighted, expectations ticking green or red as the run reaches them.
#include <imgui.h>

#include "app/gui/logic/lesson_steps.h"
#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

void draw_lesson_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Lesson", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  GuiSession& session = *state.session;
  const scenarios::Script& script = session.script();
  ImGui::TextUnformatted(script.name.c_str());
  if (!script.setup.description.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("- %s", script.setup.description.c_str());
  }
  ImGui::Separator();
  ImGui::BeginChild("steps");
  const std::vector<LessonItem> items = lesson_items(session.runner());
  for (const LessonItem& item : items) {
    const char* mark = " ";
    ImVec4 colour = ImGui::GetStyleColorVec4(ImGuiCol_Text);
    switch (item.state) {
      case LessonItemState::pending:
        colour = theme_colour(state, ThemeColour::muted);
        break;
      case LessonItemState::current:
        mark = ">";
        colour = theme_colour(state, ThemeColour::current);
        break;
      case LessonItemState::done:
        break;
      case LessonItemState::passed:
        mark = "v";
        colour = theme_colour(state, ThemeColour::passed);
        break;
      case LessonItemState::failed:
        mark = "x";
        colour = theme_colour(state, ThemeColour::failed);
        break;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::Text("%s %3d", mark, item.line);
    ImGui::SameLine();
    if (item.kind == LessonItemKind::narration) {
      ImGui::TextWrapped("%s", item.text.c_str());
    } else {
      ImGui::TextWrapped("%s%s", item.kind == LessonItemKind::command ? "$ " : "",
                         item.text.c_str());
    }
    ImGui::PopStyleColor();
    if (item.state == LessonItemState::failed && !item.observed.empty()) {
      ImGui::TextColored(theme_colour(state, ThemeColour::failed), "        observed %s",
                         item.observed.c_str());
    }
    if (item.state == LessonItemState::current && session.playing()) ImGui::SetScrollHereY(0.3f);
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace ksim::gui
