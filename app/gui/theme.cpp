// Themes, colours and the UI scale (theme.h).
#include "app/gui/theme.h"

#include <filesystem>

namespace ksim::gui {

void apply_theme(bool dark) {
  if (dark) {
    ImGui::StyleColorsDark();
  } else {
    ImGui::StyleColorsLight();
  }
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
}

void apply_scale(float scale, bool dark) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::error_code error;
  if (std::filesystem::exists(font, error)) {
    io.Fonts->AddFontFromFileTTF(font, 15.0f * scale);
  } else {
    ImFontConfig config;
    config.SizePixels = 13.0f * scale;
    io.Fonts->AddFontDefault(&config);
  }
  io.Fonts->Build();
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  apply_theme(dark);
  style.ScaleAllSizes(scale);
}

ImVec4 theme_colour(const GuiState& state, ThemeColour colour) {
  const bool dark = state.dark;
  switch (colour) {
    case ThemeColour::passed: return dark ? ImVec4(0.35f, 0.85f, 0.40f, 1) : ImVec4(0.05f, 0.50f, 0.10f, 1);
    case ThemeColour::failed: return dark ? ImVec4(1.00f, 0.40f, 0.35f, 1) : ImVec4(0.80f, 0.10f, 0.05f, 1);
    case ThemeColour::current: return dark ? ImVec4(1.00f, 0.85f, 0.30f, 1) : ImVec4(0.65f, 0.45f, 0.00f, 1);
    case ThemeColour::muted: return dark ? ImVec4(0.60f, 0.60f, 0.60f, 1) : ImVec4(0.45f, 0.45f, 0.45f, 1);
    case ThemeColour::alive: return dark ? ImVec4(0.20f, 0.65f, 0.30f, 1) : ImVec4(0.30f, 0.75f, 0.35f, 1);
    case ThemeColour::paused: return ImVec4(0.95f, 0.65f, 0.15f, 1);
    case ThemeColour::down: return dark ? ImVec4(0.75f, 0.20f, 0.20f, 1) : ImVec4(0.85f, 0.30f, 0.30f, 1);
    case ThemeColour::controller: return ImVec4(0.95f, 0.80f, 0.20f, 1);
    case ThemeColour::warning: return dark ? ImVec4(1.00f, 0.70f, 0.30f, 1) : ImVec4(0.75f, 0.40f, 0.00f, 1);
  }
  return ImVec4(1, 1, 1, 1);
}

ImU32 theme_colour_u32(const GuiState& state, ThemeColour colour) {
  return ImGui::ColorConvertFloat4ToU32(theme_colour(state, colour));
}

}  // namespace ksim::gui
