// The SDL2 + OpenGL 3 platform layer (platform.h).
#include <SDL.h>
#include <SDL_opengl.h>
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "app/gui/platform.h"

namespace ksim::gui {

namespace {

class Sdl2Platform final : public Platform {
 public:
  explicit Sdl2Platform(const WindowOptions& options) {
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
      throw std::runtime_error(fmt::format("cannot open a window (SDL2): {} (is DISPLAY set?)",
                                           SDL_GetError()));
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    const auto flag = [](SDL_WindowFlags f) { return static_cast<std::uint32_t>(f); };
    const std::uint32_t flags = flag(SDL_WINDOW_OPENGL) | flag(SDL_WINDOW_RESIZABLE) |
                                flag(SDL_WINDOW_ALLOW_HIGHDPI) |
                                flag(options.hidden ? SDL_WINDOW_HIDDEN : SDL_WINDOW_SHOWN);
    const int centred = static_cast<int>(SDL_WINDOWPOS_CENTERED);
    window_ = SDL_CreateWindow(options.title.c_str(), centred, centred, options.width,
                               options.height, flags);
    if (window_ == nullptr) {
      const std::string why = SDL_GetError();
      SDL_Quit();
      throw std::runtime_error(fmt::format("cannot create a window (SDL2): {}", why));
    }
    context_ = SDL_GL_CreateContext(window_);
    if (context_ == nullptr) {
      const std::string why = SDL_GetError();
      SDL_DestroyWindow(window_);
      SDL_Quit();
      throw std::runtime_error(fmt::format("cannot create an OpenGL 3 context (SDL2): {}", why));
    }
    SDL_GL_MakeCurrent(window_, context_);
    SDL_GL_SetSwapInterval(options.hidden ? 0 : 1);
    ImGui_ImplSDL2_InitForOpenGL(window_, context_);
    ImGui_ImplOpenGL3_Init("#version 130");
  }

  ~Sdl2Platform() override {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    SDL_GL_DeleteContext(context_);
    SDL_DestroyWindow(window_);
    SDL_Quit();
  }

  const char* name() const override { return "sdl2"; }

  void new_frame() override {
    SDL_Event event;
    while (SDL_PollEvent(&event) != 0) {
      ImGui_ImplSDL2_ProcessEvent(&event);
      if (event.type == SDL_QUIT) close_ = true;
      if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
          event.window.windowID == SDL_GetWindowID(window_)) {
        close_ = true;
      }
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
  }

  void render(const float clear_rgba[4]) override {
    int width = 0;
    int height = 0;
    SDL_GL_GetDrawableSize(window_, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(clear_rgba[0], clear_rgba[1], clear_rgba[2], clear_rgba[3]);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  }

  void present() override { SDL_GL_SwapWindow(window_); }

  Screenshot read_framebuffer() override {
    Screenshot shot;
    SDL_GL_GetDrawableSize(window_, &shot.width, &shot.height);
    read_gl_back_buffer(shot);
    return shot;
  }

  bool should_close() const override { return close_; }
  void request_close() override { close_ = true; }

  float content_scale() const override {
    float dpi = 0.0f;
    const int display = SDL_GetWindowDisplayIndex(window_);
    if (display < 0 || SDL_GetDisplayDPI(display, &dpi, nullptr, nullptr) != 0 || dpi <= 0.0f) {
      return 1.0f;
    }
    return dpi / 96.0f;
  }

  double seconds() const override {
    return static_cast<double>(SDL_GetPerformanceCounter() - start_) /
           static_cast<double>(SDL_GetPerformanceFrequency());
  }

 private:
  SDL_Window* window_ = nullptr;
  SDL_GLContext context_ = nullptr;
  bool close_ = false;
  std::uint64_t start_ = SDL_GetPerformanceCounter();
};

}  // namespace

std::unique_ptr<Platform> open_platform(const WindowOptions& options) {
  return std::make_unique<Sdl2Platform>(options);
}

}  // namespace ksim::gui
