// The ZooKeeper panel: the znode tree live from the cluster's ZooKeeper (ZooKeeperTreeModel; only
// the rows under expanded nodes, drawn with a clipper) beside the selected znode's data
// (pretty-printed JSON when it parses) and its stat.
#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

void draw_tree(GuiState& state, model::ZooKeeperTreeModel& tree,
               const std::vector<model::ZnodeRow>& rows) {
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  std::optional<std::string> toggled;
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const model::ZnodeRow& row = rows[static_cast<std::size_t>(i)];
      ImGui::PushID(row.path.c_str());
      ImGui::Indent(static_cast<float>(row.depth) * ImGui::GetFontSize());
      ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_NoTreePushOnOpen |
                                 ImGuiTreeNodeFlags_OpenOnArrow |
                                 ImGuiTreeNodeFlags_SpanAvailWidth;
      if (row.child_count == 0) flags |= ImGuiTreeNodeFlags_Leaf;
      if (tree.selected() == row.path) flags |= ImGuiTreeNodeFlags_Selected;
      ImGui::SetNextItemOpen(row.expanded, ImGuiCond_Always);
      if (row.ephemeral) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme_colour(state, ThemeColour::alive));
      }
      const std::string label = row.child_count > 0
                                    ? fmt::format("{} ({})", row.name, row.child_count)
                                    : row.name;
      const bool open = ImGui::TreeNodeEx("node", flags, "%s", label.c_str());
      if (row.ephemeral) ImGui::PopStyleColor();
      if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) tree.select(row.path);
      if (row.child_count > 0 && open != row.expanded) toggled = row.path;
      ImGui::Unindent(static_cast<float>(row.depth) * ImGui::GetFontSize());
      ImGui::PopID();
    }
  }
  if (toggled) tree.toggle(*toggled);
}

void draw_details(const controller::zk::DataTree& data_tree, const std::string& path) {
  const model::ZnodeDetails details = model::ZooKeeperTreeModel::details(data_tree, path);
  ImGui::TextUnformatted(details.path.c_str());
  if (!details.exists) {
    ImGui::TextDisabled("(no such znode now)");
    return;
  }
  ImGui::Separator();
  if (!details.has_data) {
    ImGui::TextDisabled("null");
  } else {
    ImGui::TextUnformatted(details.data.c_str());
  }
  ImGui::Separator();
  const controller::zk::Stat& stat = details.stat;
  ImGui::Text("czxid 0x%llx  mzxid 0x%llx  pzxid 0x%llx",
              static_cast<unsigned long long>(stat.czxid),
              static_cast<unsigned long long>(stat.mzxid),
              static_cast<unsigned long long>(stat.pzxid));
  ImGui::Text("ctime %lld  mtime %lld", static_cast<long long>(stat.ctime),
              static_cast<long long>(stat.mtime));
  ImGui::Text("version %d  cversion %d  aversion %d", stat.version, stat.cversion,
              stat.aversion);
  ImGui::Text("ephemeralOwner 0x%llx", static_cast<unsigned long long>(stat.ephemeral_owner));
  ImGui::Text("dataLength %d  numChildren %d", stat.data_length, stat.num_children);
}

}  // namespace

void draw_zookeeper_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("ZooKeeper", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  model::ZooKeeperTreeModel& tree = *state.data.zookeeper;
  const controller::zk::DataTree* data_tree =
      model::ZooKeeperTreeModel::tree_of(state.session->runner().cluster());
  if (data_tree == nullptr) {
    ImGui::TextDisabled("ZooKeeper has not started yet.");
    ImGui::End();
    return;
  }
  const std::vector<model::ZnodeRow> rows = tree.rows(*data_tree);
  const float width = ImGui::GetContentRegionAvail().x;
  if (ImGui::BeginChild("tree", ImVec2(width * 0.45f, 0), true)) draw_tree(state, tree, rows);
  ImGui::EndChild();
  ImGui::SameLine();
  if (ImGui::BeginChild("details", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar)) {
    if (tree.selected()) {
      draw_details(*data_tree, *tree.selected());
    } else {
      ImGui::TextDisabled("Select a znode to see its data and stat.");
    }
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace ksim::gui
