// The Cluster panel: brokers, ZooKeeper and the clients as a graph (laid out by
// cluster_graph.cpp), coloured by state with a badge for the controller; cut links dashed red,
// slow ones orange. A click on a node opens its actions (kill -9, power off, controlled
// shutdown, start, pause / resume, isolate, heal), each run through the console as its command.
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

ImU32 node_fill(const GuiState& state, const GraphNode& node) {
  switch (node.status) {
    case GraphNodeStatus::alive:
      return node.kind == GraphNodeKind::broker
                 ? theme_colour_u32(state, ThemeColour::alive)
                 : node.kind == GraphNodeKind::zookeeper ? IM_COL32(90, 120, 200, 255)
                                                         : IM_COL32(120, 120, 140, 255);
    case GraphNodeStatus::paused: return theme_colour_u32(state, ThemeColour::paused);
    case GraphNodeStatus::killed:
    case GraphNodeStatus::powered_off: return theme_colour_u32(state, ThemeColour::down);
    case GraphNodeStatus::stopped:
    case GraphNodeStatus::not_started: return theme_colour_u32(state, ThemeColour::muted);
  }
  return IM_COL32_WHITE;
}

void dashed_line(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 colour, float thickness) {
  const float dx = b.x - a.x;
  const float dy = b.y - a.y;
  const float length = std::sqrt(dx * dx + dy * dy);
  const float dash = 6.0f;
  for (float s = 0; s < length; s += dash * 2) {
    const float e = std::min(length, s + dash);
    draw->AddLine(ImVec2(a.x + dx * s / length, a.y + dy * s / length),
                  ImVec2(a.x + dx * e / length, a.y + dy * e / length), colour, thickness);
  }
}

}  // namespace

void draw_cluster_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Cluster", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  GuiSession& session = *state.session;
  ClusterView& view = state.cluster;
  // Every third frame at most while playing (20 times a second at 60 frames a second).
  const int frame = ImGui::GetFrameCount();
  const bool changed = view.read_at_events != session.events() ||
                       view.read_generation != session.run_generation();
  if (changed && (view.read_at_frame < 0 || frame - view.read_at_frame >= 3 || !session.playing() ||
                  view.read_generation != session.run_generation())) {
    view.graph = read_cluster_graph(session.runner().cluster(), view.graph);
    view.read_at_events = session.events();
    view.read_generation = session.run_generation();
    view.read_at_frame = frame;
  }
  const ClusterGraph& graph = view.graph;
  const std::string faults = session.runner().cluster().world().network().describe();
  const bool network_faulty = faults != "healthy";
  ImGui::TextColored(theme_colour(state, network_faulty ? ThemeColour::warning : ThemeColour::muted),
                     "network: %s", faults.c_str());

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(10.0f, std::min(avail.x, avail.y));
  const float radius = std::clamp(side / (4.0f + std::sqrt(static_cast<float>(graph.nodes.size())) * 2.5f),
                                  ImGui::GetFontSize() * 0.6f, ImGui::GetFontSize() * 2.2f);
  const float margin = radius * 1.3f;
  const auto place = [&](const GraphNode& node) {
    return ImVec2(origin.x + margin + static_cast<float>(node.x) * std::max(1.0f, avail.x - 2 * margin),
                  origin.y + margin + static_cast<float>(node.y) * std::max(1.0f, avail.y - 2 * margin));
  };
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 link_colour = ImGui::GetColorU32(ImGuiCol_Border);
  for (const GraphLink& link : graph.links) {
    const ImVec2 a = place(graph.nodes[link.a]);
    const ImVec2 b = place(graph.nodes[link.b]);
    if (link.cut) {
      dashed_line(draw, a, b, theme_colour_u32(state, ThemeColour::failed), 2.0f);
    } else if (link.slow) {
      draw->AddLine(a, b, theme_colour_u32(state, ThemeColour::paused), 3.0f);
    } else {
      draw->AddLine(a, b, link_colour, 1.0f);
    }
  }
  ImGui::InvisibleButton("graph", ImVec2(std::max(avail.x, 1.0f), std::max(avail.y, 1.0f)));
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left) ||
                       ImGui::IsItemClicked(ImGuiMouseButton_Right);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const GraphNode* hovered = nullptr;
  for (const GraphNode& node : graph.nodes) {
    const ImVec2 centre = place(node);
    const float r = node.kind == GraphNodeKind::broker ? radius : radius * 0.75f;
    draw->AddCircleFilled(centre, r, node_fill(state, node), 32);
    draw->AddCircle(centre, r, node.name == view.selected ? ImGui::GetColorU32(ImGuiCol_Text)
                                                         : ImGui::GetColorU32(ImGuiCol_Border),
                    32, node.name == view.selected ? 3.0f : 1.5f);
    if (node.isolated) {
      draw->AddCircle(centre, r + 4, theme_colour_u32(state, ThemeColour::failed), 32, 2.0f);
    }
    const std::string label = node.kind == GraphNodeKind::broker ? fmt::format("B{}", node.broker_id)
                                                                 : node.label;
    const ImVec2 text = ImGui::CalcTextSize(label.c_str());
    // Brokers' and ZooKeeper's short labels sit on the node; clients' names below it.
    if (node.kind == GraphNodeKind::client) {
      draw->AddText(ImVec2(centre.x - text.x / 2, centre.y - r - text.y - 1),
                    ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
    } else {
      draw->AddText(ImVec2(centre.x - text.x / 2, centre.y - text.y / 2),
                    IM_COL32(255, 255, 255, 255), label.c_str());
    }
    if (node.controller) {
      const ImVec2 badge(centre.x + r * 0.75f, centre.y - r * 0.75f);
      draw->AddCircleFilled(badge, r * 0.35f, theme_colour_u32(state, ThemeColour::controller), 16);
      const ImVec2 c = ImGui::CalcTextSize("C");
      draw->AddText(ImVec2(badge.x - c.x / 2, badge.y - c.y / 2), IM_COL32(0, 0, 0, 255), "C");
    }
    if (node.status != GraphNodeStatus::alive) {
      const std::string status(status_name(node.status));
      const ImVec2 size = ImGui::CalcTextSize(status.c_str());
      draw->AddText(ImVec2(centre.x - size.x / 2, centre.y + r + 2), ImGui::GetColorU32(ImGuiCol_Text),
                    status.c_str());
    }
    const float dx = mouse.x - centre.x;
    const float dy = mouse.y - centre.y;
    if (dx * dx + dy * dy <= r * r) hovered = &node;
  }
  if (hovered != nullptr && ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s: %s%s%s", hovered->name.c_str(),
                      std::string(status_name(hovered->status)).c_str(),
                      hovered->controller ? ", controller" : "", hovered->isolated ? ", isolated" : "");
  }
  if (clicked && hovered != nullptr) {
    view.selected = hovered->name;
    ImGui::OpenPopup("node actions");
  }
  if (ImGui::BeginPopup("node actions")) {
    const auto selected = std::find_if(graph.nodes.begin(), graph.nodes.end(),
                                       [&](const GraphNode& n) { return n.name == view.selected; });
    if (selected != graph.nodes.end()) {
      ImGui::TextDisabled("%s (%s)", selected->name.c_str(),
                          std::string(status_name(selected->status)).c_str());
      ImGui::Separator();
      const std::vector<NodeAction> actions = node_actions(*selected, network_faulty);
      if (actions.empty()) ImGui::TextDisabled("no actions");
      for (const NodeAction& action : actions) {
        if (ImGui::MenuItem(action.label.c_str(), action.command.c_str())) {
          state.run_console_command(action.command);
        }
      }
    }
    ImGui::EndPopup();
  }
  ImGui::End();
}

}  // namespace ksim::gui
