// The Partition panel: one partition's replicas as horizontal strips of their logs by offset
// (PartitionStripModel), over a window of offsets that follows the log end unless the user
// scrolls it: batches coloured by leader epoch (upper half), records coloured by their fate in
// the audit (lower half), the log start shaded, HW and LEO marked, the acknowledged records no
// replica holds drawn as ghosts on a row of their own, and a truncation flashed for a few frames.
// Hovering an offset shows the model's tooltip. Only the window's offsets are read each frame.
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>

#include "app/gui/panels/panels.h"
#include "app/gui/theme.h"

namespace ksim::gui {

namespace {

constexpr int truncation_flash_frames = 45;

ImU32 epoch_colour(int index) {
  static constexpr ImU32 palette[model::PartitionStripModel::kEpochColours] = {
      IM_COL32(70, 130, 180, 255), IM_COL32(218, 165, 32, 255), IM_COL32(106, 90, 205, 255),
      IM_COL32(60, 179, 113, 255), IM_COL32(205, 92, 92, 255),  IM_COL32(72, 209, 204, 255),
      IM_COL32(199, 21, 133, 255), IM_COL32(160, 160, 100, 255)};
  return palette[static_cast<std::size_t>(std::clamp(index, 0, model::PartitionStripModel::kEpochColours - 1))];
}

ImU32 record_colour(model::RecordColour colour) {
  switch (colour) {
    case model::RecordColour::committed: return IM_COL32(60, 170, 80, 255);
    case model::RecordColour::acknowledged_uncommitted: return IM_COL32(230, 190, 40, 255);
    case model::RecordColour::lost: return IM_COL32(220, 50, 50, 255);
    case model::RecordColour::not_acknowledged: return IM_COL32(140, 140, 150, 255);
    case model::RecordColour::unknown: break;
  }
  return IM_COL32(90, 90, 100, 255);
}

// Picks the partition: the first of the first topic until the user chooses.
void ensure_model(GuiState& state) {
  DataPanelsView& data = state.data;
  if (data.partition) return;
  const std::vector<TopicRow> rows =
      read_topic_rows(state.session->runner().cluster(), false);
  if (rows.empty()) return;
  const TopicRow* chosen = &rows.front();
  for (const TopicRow& row : rows) {
    if (row.name == data.partition_name) chosen = &row;
  }
  data.partition = std::make_unique<model::PartitionStripModel>(
      storage::TopicPartition{chosen->topic, chosen->partition});
  data.partition_name = chosen->name;
  data.partition->update(state.session->runner().cluster());
}

void draw_chooser(GuiState& state) {
  DataPanelsView& data = state.data;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (ImGui::BeginCombo("##partition", data.partition_name.c_str())) {
    for (const TopicRow& row : read_topic_rows(state.session->runner().cluster(), false)) {
      if (ImGui::Selectable(row.name.c_str(), row.name == data.partition_name)) {
        data.partition_name = row.name;
        data.partition.reset();
        data.truncation_frames = 0;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::Checkbox("follow end", &data.follow_end);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::SliderInt("offsets", &data.window_size, 8, 512);
}

struct StripGeometry {
  float x0 = 0;
  float cell = 1;
  std::int64_t from = 0;
  float x(std::int64_t offset) const { return x0 + static_cast<float>(offset - from) * cell; }
};

void draw_strip(GuiState& state, const model::ReplicaStrip& replica, const StripGeometry& g,
                std::int64_t to, float height) {
  const model::PartitionStripModel& strip = *state.data.partition;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float label_width = g.x0 - origin.x;
  const std::string label =
      fmt::format("{} {}{}{} e{}", replica.broker, replica.leader ? "L" : " ",
                  replica.in_isr ? " ISR" : "", replica.online ? "" : " down", replica.leader_epoch);
  draw->AddText(ImVec2(origin.x, origin.y + (height - ImGui::GetTextLineHeight()) * 0.5f),
                ImGui::GetColorU32(replica.online ? ImGuiCol_Text : ImGuiCol_TextDisabled),
                label.c_str());
  const float x1 = g.x(to);
  const float y0 = origin.y;
  const float mid = y0 + height * 0.5f;
  const float y1 = y0 + height;
  draw->AddRectFilled(ImVec2(g.x0, y0), ImVec2(x1, y1), ImGui::GetColorU32(ImGuiCol_FrameBg));
  if (replica.log_start_offset > g.from) {
    draw->AddRectFilled(ImVec2(g.x0, y0),
                        ImVec2(g.x(std::min(replica.log_start_offset, to)), y1),
                        IM_COL32(0, 0, 0, 90));
  }
  for (const model::StripBatch& batch : strip.batches(replica.broker, g.from, to)) {
    const float bx0 = g.x(std::max(batch.base_offset, g.from));
    const float bx1 = g.x(std::min(batch.last_offset + 1, to));
    draw->AddRectFilled(ImVec2(bx0, y0 + 1), ImVec2(bx1, mid), epoch_colour(batch.colour));
    if (g.cell * static_cast<float>(batch.last_offset + 1 - batch.base_offset) > 4) {
      draw->AddRect(ImVec2(bx0, y0 + 1), ImVec2(bx1, mid), IM_COL32(0, 0, 0, 120));
    }
  }
  for (const model::StripRecord& record : strip.records(replica.broker, g.from, to)) {
    const float rx0 = g.x(record.offset);
    const float gap = g.cell > 4 ? 1.0f : 0.0f;
    ImU32 colour = record_colour(record.colour);
    if (record.above_high_watermark) colour = (colour & 0x00ffffffu) | 0x90000000u;
    draw->AddRectFilled(ImVec2(rx0, mid + 1), ImVec2(rx0 + g.cell - gap, y1 - 1), colour);
  }
  const DataPanelsView& data = state.data;
  if (data.truncation_frames > 0 && data.last_truncation.broker == replica.broker) {
    const auto alpha = static_cast<unsigned>(200 * data.truncation_frames / truncation_flash_frames);
    const std::int64_t t0 = std::clamp(data.last_truncation.from_offset, g.from, to);
    const std::int64_t t1 = std::clamp(data.last_truncation.to_offset, g.from, to);
    draw->AddRectFilled(ImVec2(g.x(t0), y0), ImVec2(std::max(g.x(t1), g.x(t0) + 3), y1),
                        IM_COL32(255, 40, 40, alpha));
  }
  // HW labelled at the top, LEO at the bottom, so they stay readable when equal.
  const auto marker = [&](std::int64_t offset, ImU32 colour, const char* name, float text_y) {
    if (offset < g.from || offset > to) return;
    const float mx = g.x(offset);
    draw->AddLine(ImVec2(mx, y0 - 2), ImVec2(mx, y1 + 2), colour, 2.0f);
    draw->AddText(ImVec2(mx + 3, text_y), colour, name);
  };
  marker(replica.high_watermark, theme_colour_u32(state, ThemeColour::passed), "HW", y0);
  marker(replica.log_end_offset, theme_colour_u32(state, ThemeColour::current), "LEO",
         y1 - ImGui::GetTextLineHeight());

  ImGui::InvisibleButton(fmt::format("strip{}", replica.broker).c_str(),
                         ImVec2(label_width + (x1 - g.x0), height));
  if (ImGui::IsItemHovered()) {
    const float mouse = ImGui::GetIO().MousePos.x;
    if (mouse >= g.x0 && mouse < x1) {
      const std::int64_t offset = g.from + static_cast<std::int64_t>((mouse - g.x0) / g.cell);
      const std::string text = strip.tooltip(replica.broker, offset);
      ImGui::SetTooltip("%s", text.c_str());
    }
  }
}

void draw_ghosts(GuiState& state, const StripGeometry& g, std::int64_t to, float height) {
  const model::PartitionStripModel& strip = *state.data.partition;
  const std::vector<model::LostRecordMark> lost = strip.lost_records(g.from, to);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  draw->AddText(origin, theme_colour_u32(state, ThemeColour::failed),
                fmt::format("lost ({})", lost.size()).c_str());
  const ImU32 colour = theme_colour_u32(state, ThemeColour::failed);
  for (const model::LostRecordMark& mark : lost) {
    const float gx = g.x(mark.offset);
    draw->AddRect(ImVec2(gx, origin.y + 1), ImVec2(gx + std::max(g.cell - 1, 2.0f), origin.y + height - 1),
                  colour, 0, 0, 1.5f);
  }
  ImGui::InvisibleButton("ghosts", ImVec2(g.x(to) - origin.x, height));
  if (ImGui::IsItemHovered()) {
    const float mouse = ImGui::GetIO().MousePos.x;
    const std::int64_t offset = g.from + static_cast<std::int64_t>((mouse - g.x0) / g.cell);
    for (const model::LostRecordMark& mark : lost) {
      if (mark.offset != offset) continue;
      ImGui::SetTooltip("lost record %s at offset %lld%s", mark.value.c_str(),
                        static_cast<long long>(mark.offset),
                        mark.destroyed_at ? (", gone at " + mark.destroyed_at->to_string()).c_str()
                                          : ", never written");
      break;
    }
  }
}

}  // namespace

void draw_partition_panel(GuiState& state, const PanelRect& rect, bool force_rect) {
  place_next_window(rect, force_rect);
  if (!ImGui::Begin("Partition", nullptr, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  ensure_model(state);
  DataPanelsView& data = state.data;
  draw_chooser(state);
  if (!data.partition) {
    ImGui::TextDisabled("No topic yet.");
    ImGui::End();
    return;
  }
  const model::PartitionStripModel& strip = *data.partition;
  const std::int64_t size = data.window_size;
  const std::int64_t end = strip.end_offset();
  if (data.follow_end) data.window_start = std::max<std::int64_t>(0, end - size + 1);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  long long start = data.window_start;
  const long long step = std::max<long long>(1, size / 4);
  if (ImGui::InputScalar("from", ImGuiDataType_S64, &start, &step, &step)) {
    data.window_start = std::clamp<std::int64_t>(start, 0, std::max<std::int64_t>(0, end));
    data.follow_end = false;
  }
  if (data.truncation_frames > 0) {
    ImGui::TextColored(theme_colour(state, ThemeColour::failed),
                       "broker %d truncated [%lld, %lld): %s", data.last_truncation.broker,
                       static_cast<long long>(data.last_truncation.from_offset),
                       static_cast<long long>(data.last_truncation.to_offset),
                       data.last_truncation.cause.c_str());
  } else {
    ImGui::TextDisabled("offsets %lld..%lld (end %lld); upper: batches by leader epoch, lower: records by audit fate",
                        static_cast<long long>(data.window_start),
                        static_cast<long long>(data.window_start + size - 1),
                        static_cast<long long>(end));
  }
  StripGeometry g;
  g.from = data.window_start;
  const std::int64_t to = g.from + size;
  g.x0 = ImGui::GetCursorScreenPos().x + ImGui::GetFontSize() * 8;
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  g.cell = std::max(1.0f, (right - g.x0) / static_cast<float>(size));
  const float height = ImGui::GetTextLineHeight() * 2.2f;
  for (const model::ReplicaStrip& replica : strip.replicas()) {
    draw_strip(state, replica, g, to, height);
  }
  draw_ghosts(state, g, to, height * 0.6f);
  ImGui::End();
}

}  // namespace ksim::gui
