// The GUI's main loop and batch modes (app.h).
#include "app/gui/app.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "app/gui/gui_state.h"
#include "app/gui/logic/frame_stats.h"
#include "app/gui/panels/panels.h"
#include "app/gui/platform.h"
#include "app/gui/theme.h"
#include "scenarios/library.h"
#include "scenarios/parser.h"

namespace ksim::gui {

std::string layout_file_path() {
  std::filesystem::path dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
    dir = std::filesystem::path(xdg) / "ksim";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = std::filesystem::path(home) / ".config" / "ksim";
  } else {
    return "";
  }
  return (dir / "imgui.ini").string();
}

bool is_panel_name(std::string_view name) {
  return std::find(std::begin(panel_names), std::end(panel_names), name) != std::end(panel_names);
}

void place_next_window(const PanelRect& rect, bool force) {
  const ImGuiCond cond = force ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(ImVec2(rect.x, rect.y), cond);
  ImGui::SetNextWindowSize(ImVec2(rect.width, rect.height), cond);
}

namespace {

// Ctrl-C or SIGTERM in the terminal closes the window as its close button does (the layout is
// saved on the way out).
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted.store(true); }

void load_scenario(GuiState& state, const std::string& name) {
  const std::optional<scenarios::LibraryScenario> scenario = scenarios::find_library_scenario(name);
  if (!scenario) return;
  try {
    state.session = std::make_unique<GuiSession>(
        scenarios::parse_script(scenario->text, std::string(scenario->name) + ".ksim"));
    state.console = ConsoleView{};
    state.topics = TopicsView{};
    state.cluster = ClusterView{};
    state.markers.reset();
    state.markers_generation = ~0ull;
    state.data.generation = ~0ull;  // new models for the new scenario
    state.data.partition_name.clear();
    state.data.zookeeper.reset();
  } catch (const std::exception& e) {
    state.console.status = e.what();
    state.console.status_error = true;
  }
}

void draw_menu_bar(GuiState& state) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("Scenario")) {
    for (const scenarios::LibraryScenario& scenario : scenarios::library_scenarios()) {
      const std::string name(scenario.name);
      if (ImGui::MenuItem(name.c_str(), nullptr, name == state.session->script().name)) {
        load_scenario(state, name);
      }
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s", scenarios::library_description(scenario).c_str());
      }
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Dark theme", nullptr, state.dark)) {
      state.dark = true;
      apply_theme(true);
    }
    if (ImGui::MenuItem("Light theme", nullptr, !state.dark)) {
      state.dark = false;
      apply_theme(false);
    }
    ImGui::Separator();
    for (float scale : {1.0f, 1.25f, 1.5f, 2.0f, 2.5f}) {
      const std::string label = fmt::format("UI scale {:.0f}%", scale * 100);
      if (ImGui::MenuItem(label.c_str(), nullptr, state.ui_scale == scale)) {
        state.pending_scale = scale;
      }
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Reset layout")) state.reset_layout = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Windows")) {
    static constexpr const char* titles[] = {"Partition", "Events", "Metrics", "ZooKeeper",
                                             "Audit"};
    for (std::size_t i = 0; i < std::size(titles); ++i) {
      ImGui::MenuItem(titles[i], nullptr, &state.data.open[i]);
    }
    ImGui::EndMenu();
  }
  const GuiSession& session = *state.session;
  ImGui::TextDisabled("  %s  seed %llu", session.script().name.c_str(),
                      static_cast<unsigned long long>(session.seed()));
  ImGui::EndMainMenuBar();
}

// Builds one frame's UI (between ImGui::NewFrame and ImGui::Render).
void build_ui(GuiState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  const float width = io.DisplaySize.x;
  const float height = io.DisplaySize.y;
  if (state.only_panel.empty()) {
    draw_menu_bar(state);
  }
  const float top = state.only_panel.empty() ? ImGui::GetFrameHeight() : 0.0f;
  const float timeline_height = ImGui::GetFrameHeightWithSpacing() * 4.2f +
                                ImGui::GetStyle().WindowPadding.y * 2;
  const PanelLayout layout = default_layout(width, height, top, timeline_height);
  const bool force = state.reset_layout || state.headless;
  state.reset_layout = false;
  if (!state.only_panel.empty()) {
    const PanelRect whole{0, 0, width, height};
    if (state.only_panel == "timeline") draw_timeline_panel(state, whole, true);
    if (state.only_panel == "cluster") draw_cluster_panel(state, whole, true);
    if (state.only_panel == "topics") draw_topics_panel(state, whole, true);
    if (state.only_panel == "console") draw_console_panel(state, whole, true);
    if (state.only_panel == "lesson") draw_lesson_panel(state, whole, true);
    update_data_models(state);
    if (state.only_panel == "partition") draw_partition_panel(state, whole, true);
    if (state.only_panel == "events") draw_events_panel(state, whole, true);
    if (state.only_panel == "metrics") draw_metrics_panel(state, whole, true);
    if (state.only_panel == "zookeeper") draw_zookeeper_panel(state, whole, true);
    if (state.only_panel == "audit") draw_audit_panel(state, whole, true);
  } else {
    draw_timeline_panel(state, layout.timeline, force);
    draw_cluster_panel(state, layout.cluster, force);
    draw_lesson_panel(state, layout.lesson, force);
    draw_topics_panel(state, layout.topics, force);
    draw_console_panel(state, layout.console, force);
    // After the panels that may seek (the timeline), so the models read this frame's run.
    update_data_models(state);
    const bool* open = state.data.open;
    if (open[0]) draw_partition_panel(state, layout.partition, force);
    if (open[1]) draw_events_panel(state, layout.events, force);
    if (open[2]) draw_metrics_panel(state, layout.metrics, force);
    if (open[3]) draw_zookeeper_panel(state, layout.zookeeper, force);
    if (open[4]) draw_audit_panel(state, layout.audit, force);
  }
  // A data panel's click seeks once every panel has drawn (a rewind replaces the run).
  if (state.data.pending_seek) {
    state.session->seek(*state.data.pending_seek);
    state.data.pending_seek.reset();
  }
}

class ImGuiContextOwner {
 public:
  ImGuiContextOwner() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
  }
  ~ImGuiContextOwner() { ImGui::DestroyContext(); }
  ImGuiContextOwner(const ImGuiContextOwner&) = delete;
  ImGuiContextOwner& operator=(const ImGuiContextOwner&) = delete;
};

}  // namespace

int run_gui(scenarios::Script script, const GuiOptions& options, std::ostream& out,
            std::ostream& err) {
  GuiState state;
  state.session = std::make_unique<GuiSession>(std::move(script), options.seed);
  state.only_panel = options.panel;
  state.dark = !options.light;
  const bool batch = !options.screenshot.empty() || options.frames || options.bench_frames;
  state.headless = batch;

  std::string ini_path;  // outlives the context, which saves the layout to it when destroyed
  ImGuiContextOwner context;
  ImGuiIO& io = ImGui::GetIO();
  if (batch) {
    io.IniFilename = nullptr;  // batch runs neither read nor change the user's layout
  } else {
    ini_path = layout_file_path();
    if (ini_path.empty()) {
      io.IniFilename = nullptr;
    } else {
      std::error_code error;
      std::filesystem::create_directories(std::filesystem::path(ini_path).parent_path(), error);
      io.IniFilename = ini_path.c_str();
    }
  }
  WindowOptions window;
  window.title = fmt::format("ksim: {}", state.session->script().name);
  window.width = options.width;
  window.height = options.height;
  window.hidden = batch;
  std::unique_ptr<Platform> platform;
  try {
    platform = open_platform(window);
  } catch (const std::exception& e) {
    err << "ksim gui: " << e.what() << "\n";
    return 2;
  }
  state.ui_scale = options.scale > 0 ? options.scale
                                     : (batch ? 1.0f : std::clamp(platform->content_scale(), 1.0f, 3.0f));
  apply_scale(state.ui_scale, state.dark);
  reload_font_texture();

  const float clear_dark[4] = {0.08f, 0.08f, 0.10f, 1.0f};
  const float clear_light[4] = {0.92f, 0.92f, 0.94f, 1.0f};
  FrameStats ui_times;
  FrameStats sim_times;
  const int frames = options.bench_frames ? *options.bench_frames : options.frames.value_or(0);
  // A benchmark starts where the cluster is busy.
  if (options.bench_frames && options.at) state.session->seek(*options.at);
  if (batch && frames > 0) {
    state.session->set_speed(options.speed);
    state.session->play();
  }
  double last_seconds = platform->seconds();
  int frame = 0;
  const auto frame_once = [&](bool advance) {
    if (state.pending_scale > 0) {
      state.ui_scale = state.pending_scale;
      state.pending_scale = 0;
      apply_scale(state.ui_scale, state.dark);
      reload_font_texture();
    }
    platform->new_frame();
    const double now_seconds = platform->seconds();
    // Batch runs step the wall clock by 1/60 s a frame, so they are deterministic.
    const double wall = batch ? 1.0 / 60.0 : std::min(now_seconds - last_seconds, 0.25);
    last_seconds = now_seconds;
    const auto sim_start = std::chrono::steady_clock::now();
    if (advance) state.session->advance(wall, options.frame_events);
    const auto ui_start = std::chrono::steady_clock::now();
    ImGui::NewFrame();
    build_ui(state);
    ImGui::Render();
    const auto ui_end = std::chrono::steady_clock::now();
    sim_times.add(std::chrono::duration<double, std::milli>(ui_start - sim_start).count());
    ui_times.add(std::chrono::duration<double, std::milli>(ui_end - ui_start).count());
    platform->render(state.dark ? clear_dark : clear_light);
  };

  try {
    if (batch) {
      for (; frame < frames; ++frame) {
        frame_once(true);
        platform->present();
      }
      if (!options.screenshot.empty()) {
        state.session->pause();
        if (options.at && !options.bench_frames) state.session->seek(*options.at);
        // A few frames so every window has its size and its content settles.
        for (int i = 0; i < 3; ++i) {
          frame_once(false);
          if (i < 2) platform->present();
        }
        write_png(platform->read_framebuffer(), options.screenshot);
        out << fmt::format("{}: {} at t={} ({} events){}\n", options.screenshot,
                           state.session->script().name, state.session->now().to_string(),
                           state.session->events(),
                           options.panel.empty() ? "" : ", panel " + options.panel);
      }
      if (options.bench_frames) {
        out << fmt::format(
            "{} frames of {} at {}x (t={} at the end, {} events)\n"
            "UI building (CPU, excluding GPU and present): median {:.3f} ms, p95 {:.3f} ms, max "
            "{:.3f} ms\n"
            "simulation per frame: median {:.3f} ms, p95 {:.3f} ms, max {:.3f} ms\n",
            frames, state.session->script().name, options.speed,
            state.session->now().to_string(), state.session->events(), ui_times.median(),
            ui_times.percentile(95), ui_times.max(), sim_times.median(), sim_times.percentile(95),
            sim_times.max());
      }
      return 0;
    }
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    while (!platform->should_close() && !interrupted.load()) {
      frame_once(true);
      platform->present();
    }
  } catch (const std::exception& e) {
    err << "ksim gui: " << e.what() << "\n";
    return 2;
  }
  return 0;  // the context saves the layout as it goes
}

}  // namespace ksim::gui
