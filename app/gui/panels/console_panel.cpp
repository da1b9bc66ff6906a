// The Console panel: the run's transcript (commands, their output, the brokers' and the
// controller's lines) and an input line that takes the scenario language's commands
// (kafka-topics.sh --describe ..., kill -9 leader t-0, ...), parsed by ScriptParser and run
// through the session, which records them. Up / Down browse the history. "Save as scenario..."
// writes the session as a .ksim script.
#include <fmt/format.h>
#include <imgui.h>

#include <cstring>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

ImVec4 line_colour(const GuiState& state, scenarios::TranscriptKind kind) {
  using scenarios::TranscriptKind;
  switch (kind) {
    case TranscriptKind::narration: return theme_colour(state, ThemeColour::current);
    case TranscriptKind::command: return ImGui::GetStyleColorVec4(ImGuiCol_Text);
    case TranscriptKind::cluster_event:
    case TranscriptKind::note: return theme_colour(state, ThemeColour::muted);
    case TranscriptKind::violation:
    case TranscriptKind::expectation_failed: return theme_colour(state, ThemeColour::failed);
    case TranscriptKind::expectation_passed: return theme_colour(state, ThemeColour::passed);
    default: return ImGui::GetStyleColorVec4(ImGuiCol_Text);
  }
}

int history_callback(ImGuiInputTextCallbackData* data) {
  auto* view = static_cast<ConsoleView*>(data->UserData);
  if (data->EventFlag != ImGuiInputTextFlags_CallbackHistory || view->history.empty()) return 0;
  const int size = static_cast<int>(view->history.size());
  if (data->EventKey == ImGuiKey_UpArrow) {
    view->history_position = view->history_position < 0 ? size - 1
                                                        : std::max(0, view->history_position - 1);
  } else if (data->EventKey == ImGuiKey_DownArrow && view->history_position >= 0) {
    view->history_position = view->history_position + 1 >= size ? -1 : view->history_position + 1;
  }
  data->DeleteChars(0, data->BufTextLen);
  if (view->history_position >= 0) {
    data->InsertChars(0, view->history[static_cast<std::size_t>(view->history_position)].c_str());
  }
  return 0;
}

}  // namespace

void GuiState::run_console_command(const std::string& line) {
  const CommandOutcome outcome = session->run_command(line);
  if (!line.empty()) console.history.push_back(line);
  console.history_position = -1;
  console.status_error = !outcome.ok;
  console.status = outcome.ok ? (outcome.waiting ? "(continue the command; an empty line ends a "
                                                   "producer's input)"
                                                 : "")
                              : outcome.message;
  console.scroll_to_bottom = true;
}

void draw_console_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Console", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  ConsoleView& view = state.console;
  GuiSession& session = *state.session;
  if (ImGui::Button("Save as scenario...")) {
    if (view.save_path[0] == '\0') {
      const std::string name = session.script().name + "-class.ksim";
      std::strncpy(view.save_path.data(), name.c_str(), view.save_path.size() - 1);
    }
    ImGui::OpenPopup("save session");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%zu command(s) recorded", session.actions().size());
  if (ImGui::BeginPopup("save session")) {
    ImGui::TextUnformatted("The scenario plus the commands typed here, at their times:");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 24);
    ImGui::InputText("file", view.save_path.data(), view.save_path.size());
    if (ImGui::Button("Save")) {
      try {
        session.save_script(view.save_path.data());
        view.status = fmt::format("saved {} (ksim run {} replays it)", view.save_path.data(),
                                  view.save_path.data());
        view.status_error = false;
      } catch (const std::exception& e) {
        view.status = e.what();
        view.status_error = true;
      }
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  const float input_height = ImGui::GetFrameHeightWithSpacing() * (view.status.empty() ? 1.0f : 2.2f);
  ImGui::BeginChild("transcript", ImVec2(0, -input_height), false, ImGuiWindowFlags_HorizontalScrollbar);
  const std::vector<scenarios::TranscriptLine>& lines = session.runner().transcript().lines();
  if (lines.size() != view.lines_seen) {
    view.scroll_to_bottom = view.scroll_to_bottom || ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4;
    view.lines_seen = lines.size();
  }
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(lines.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const scenarios::TranscriptLine& line = lines[static_cast<std::size_t>(i)];
      ImGui::TextColored(theme_colour(state, ThemeColour::muted), "%10s",
                         line.time.to_string().c_str());
      ImGui::SameLine();
      const std::string text = line.kind == scenarios::TranscriptKind::command
                                   ? "$ " + line.text
                                   : line.text;
      ImGui::PushStyleColor(ImGuiCol_Text, line_colour(state, line.kind));
      ImGui::TextUnformatted(text.c_str(), text.c_str() + text.size());
      ImGui::PopStyleColor();
    }
  }
  if (view.scroll_to_bottom) {
    ImGui::SetScrollHereY(1.0f);
    view.scroll_to_bottom = false;
  }
  ImGui::EndChild();

  if (!view.status.empty()) {
    ImGui::TextColored(theme_colour(state, view.status_error ? ThemeColour::failed : ThemeColour::muted),
                       "%s", view.status.c_str());
  }
  ImGui::TextUnformatted(session.command_pending() ? ">" : "$");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (view.focus_input) {
    ImGui::SetKeyboardFocusHere();
    view.focus_input = false;
  }
  const ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue |
                                    ImGuiInputTextFlags_CallbackHistory;
  if (ImGui::InputTextWithHint("##command", "kafka-topics.sh --describe --topic ...  |  kill -9 leader t-0",
                               view.input.data(), view.input.size(), flags, history_callback, &view)) {
    const std::string line = view.input.data();
    view.input.fill('\0');
    state.run_console_command(line);
    view.focus_input = true;
  }
  ImGui::End();
}

}  // namespace ksim::gui
