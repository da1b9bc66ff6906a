// The GLFW 3.3 + OpenGL 3 platform layer (platform.h).
#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <stdexcept>
#include <string>

#include "app/gui/platform.h"

namespace ksim::gui {

namespace {

std::string glfw_error() {
  const char* description = nullptr;
  const int code = glfwGetError(&description);
  return code == GLFW_NO_ERROR ? "unknown error" : (description ? description : "no description");
}

class GlfwPlatform final : public Platform {
 public:
  explicit GlfwPlatform(const WindowOptions& options) {
    if (glfwInit() == GLFW_FALSE) {
      throw std::runtime_error(fmt::format("cannot open a window (GLFW): {} (is DISPLAY set?)",
                                           glfw_error()));
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_VISIBLE, options.hidden ? GLFW_FALSE : GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    window_ = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr,
                               nullptr);
    if (window_ == nullptr) {
      const std::string why = glfw_error();
      glfwTerminate();
      throw std::runtime_error(fmt::format("cannot create an OpenGL 3 window (GLFW): {}", why));
    }
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(options.hidden ? 0 : 1);
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 130");
  }

  ~GlfwPlatform() override {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    glfwDestroyWindow(window_);
    glfwTerminate();
  }

  const char* name() const override { return "glfw"; }

  void new_frame() override {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
  }

  void render(const float clear_rgba[4]) override {
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(clear_rgba[0], clear_rgba[1], clear_rgba[2], clear_rgba[3]);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  }

  void present() override { glfwSwapBuffers(window_); }

  Screenshot read_framebuffer() override {
    Screenshot shot;
    glfwGetFramebufferSize(window_, &shot.width, &shot.height);
    read_gl_back_buffer(shot);
    return shot;
  }

  bool should_close() const override { return glfwWindowShouldClose(window_) != 0; }
  void request_close() override { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

  float content_scale() const override {
    float x = 1.0f;
    float y = 1.0f;
    glfwGetWindowContentScale(window_, &x, &y);
    return x > 0.0f ? x : 1.0f;
  }

  double seconds() const override { return glfwGetTime(); }

 private:
  GLFWwindow* window_ = nullptr;
};

}  // namespace

std::unique_ptr<Platform> open_platform(const WindowOptions& options) {
  return std::make_unique<GlfwPlatform>(options);
}

}  // namespace ksim::gui
