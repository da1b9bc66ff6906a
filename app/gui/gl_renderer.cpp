// What the platform layers share on the OpenGL 3 renderer (platform.h): reading the back buffer
// for screenshots, and re-uploading the font atlas after the UI scale changed.
#include <GL/gl.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>

#include "app/gui/platform.h"

namespace ksim::gui {

void read_gl_back_buffer(Screenshot& shot) {
  shot.rgba.assign(static_cast<std::size_t>(std::max(shot.width, 0)) *
                       static_cast<std::size_t>(std::max(shot.height, 0)) * 4,
                   0);
  if (shot.rgba.empty()) return;
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, shot.width, shot.height, GL_RGBA, GL_UNSIGNED_BYTE, shot.rgba.data());
  flip_rows(shot);  // OpenGL's rows start at the bottom
}

void reload_font_texture() {
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

}  // namespace ksim::gui
