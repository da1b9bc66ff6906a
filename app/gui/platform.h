// The GUI's platform seam: a window with an OpenGL 3 context and Dear ImGui's platform and
// renderer backends on it. One implementation per platform layer (platform/platform_glfw.cpp,
// platform/platform_sdl2.cpp); an executable compiles exactly one of them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/logic/screenshot.h"

namespace ksim::gui {

struct WindowOptions {
  std::string title = "ksim";
  int width = 1600;
  int height = 960;
  bool hidden = false;  // offscreen rendering (screenshots, benchmarks): never shown
};


class Platform {
 public:
  virtual ~Platform() = default;
  // Which layer this is: "glfw" or "sdl2".
  virtual const char* name() const = 0;
  // Polls input and starts Dear ImGui's frame on the backends (then call ImGui::NewFrame()).
  virtual void new_frame() = 0;
  // Draws ImGui's draw data (after ImGui::Render()) over `clear` into the back buffer.
  virtual void render(const float clear_rgba[4]) = 0;
  // Shows the back buffer (vsync on a visible window).
  virtual void present() = 0;
  // The back buffer as rendered (call after render(), before present()).
  virtual Screenshot read_framebuffer() = 0;
  virtual bool should_close() const = 0;
  virtual void request_close() = 0;
  // The monitor's content scale (1 at 96 dpi, 2 on a HiDPI screen).
  virtual float content_scale() const = 0;
  // Seconds since the platform opened (a monotonic clock).
  virtual double seconds() const = 0;
};

// Opens the window with a current OpenGL context and initialises ImGui's backends on it. The
// ImGui context must exist. Throws std::runtime_error saying what failed (no display, no GL).
std::unique_ptr<Platform> open_platform(const WindowOptions& options);

// Reads the current OpenGL context's back buffer (shot.width x shot.height) into shot.rgba,
// top row first; each platform file calls it from read_framebuffer().
void read_gl_back_buffer(Screenshot& shot);
// Uploads the font atlas again (after it was rebuilt at another size).
void reload_font_texture();

}  // namespace ksim::gui
