// The GUI's light and dark themes and its UI scale (fonts rebuilt at the scaled size, so text
// stays sharp on a projector), and the few colours with a meaning (passed, failed, the node
// states) in each theme.
#pragma once

#include <imgui.h>

#include "app/gui/gui_state.h"

namespace ksim::gui {

enum class ThemeColour { passed, failed, current, muted, alive, paused, down, controller, warning };

void apply_theme(bool dark);
// Rebuilds the font atlas at 15 px x scale and scales the style's sizes. Call between frames,
// then reload_font_texture() (platform.h) once a renderer exists.
void apply_scale(float scale, bool dark);
ImVec4 theme_colour(const GuiState& state, ThemeColour colour);
ImU32 theme_colour_u32(const GuiState& state, ThemeColour colour);

}  // namespace ksim::gui
