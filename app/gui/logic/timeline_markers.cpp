// The Timeline panel's model (timeline_markers.h).
#include "app/gui/logic/timeline_markers.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>

namespace ksim::gui {

std::string_view marker_kind_name(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::fault: return "fault";
    case MarkerKind::leader_change: return "leader change";
    case MarkerKind::isr_change: return "ISR change";
    case MarkerKind::loss: return "loss";
  }
  return "?";
}

std::optional<TimelineMarker> marker_of(const scenarios::TranscriptLine& line) {
  using scenarios::TranscriptKind;
  const std::string_view text = line.text;
  switch (line.kind) {
    case TranscriptKind::command: {
      static constexpr std::array<std::string_view, 12> faults = {
          "kill ", "power-off ", "shutdown ", "pause ", "resume ", "start ",
          "isolate ", "split ", "slow ", "heal", "disk ", "fail "};
      for (std::string_view prefix : faults) {
        if (text.starts_with(prefix)) return TimelineMarker{line.time, MarkerKind::fault, line.text};
      }
      return std::nullopt;
    }
    case TranscriptKind::violation:
      return TimelineMarker{line.time, MarkerKind::loss, line.text};
    case TranscriptKind::cluster_event: {
      // A follower truncating its log drops records it had: acknowledged ones, with acks=1.
      if (text.find(": truncated ") != std::string_view::npos) {
        return TimelineMarker{line.time, MarkerKind::loss, line.text};
      }
      // The controller's writes: "t-0: leader 2 -> 1, ..." and "t-0: ISR [0,1,2] -> [1,2], ...".
      const std::size_t arrow = text.find(" -> ");
      if (arrow == std::string_view::npos) return std::nullopt;
      const std::string_view before = text.substr(0, arrow);
      if (before.find(": leader ") != std::string_view::npos) {
        return TimelineMarker{line.time, MarkerKind::leader_change, line.text};
      }
      if (before.find("ISR ") != std::string_view::npos) {
        return TimelineMarker{line.time, MarkerKind::isr_change, line.text};
      }
      return std::nullopt;
    }
    case TranscriptKind::note:
    case TranscriptKind::output:
      if (text.find(" lost") != std::string_view::npos && text.find(" 0 lost") == std::string_view::npos) {
        return TimelineMarker{line.time, MarkerKind::loss, line.text};
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<std::pair<std::string, std::string>> controller_isr(std::string_view text) {
  const std::size_t controller = text.find("controller: ");
  if (controller == std::string_view::npos) return std::nullopt;
  const std::string_view rest = text.substr(controller + 12);
  const std::size_t colon = rest.find(": ");
  const std::size_t isr = rest.find("ISR [");
  if (colon == std::string_view::npos || isr == std::string_view::npos) return std::nullopt;
  std::size_t open = isr + 4;
  std::size_t close = rest.find(']', open);
  if (close == std::string_view::npos) return std::nullopt;
  // "ISR [2,1,0] -> [1,0]": the ISR written is the second.
  if (rest.substr(close + 1).starts_with(" -> [")) {
    open = close + 5;
    close = rest.find(']', open);
    if (close == std::string_view::npos) return std::nullopt;
  }
  return std::make_pair(std::string(rest.substr(0, colon)),
                        std::string(rest.substr(open, close + 1 - open)));
}

void TimelineMarkers::update(const std::vector<scenarios::TranscriptLine>& lines) {
  if (read_ > lines.size()) reset();
  for (; read_ < lines.size(); ++read_) {
    const scenarios::TranscriptLine& line = lines[read_];
    std::optional<TimelineMarker> marker = marker_of(line);
    if (marker) markers_.push_back(*marker);
    if (line.kind != scenarios::TranscriptKind::cluster_event) continue;
    // An ISR the controller writes with a leader change ("leader 2 -> none, ..., ISR [1,0]")
    // changed too when it differs from the partition's last one.
    if (const auto isr = controller_isr(line.text)) {
      const auto [known, inserted] = isr_.emplace(isr->first, isr->second);
      if (!inserted && known->second != isr->second) {
        known->second = isr->second;
        if (!marker || marker->kind != MarkerKind::isr_change) {
          markers_.push_back({line.time, MarkerKind::isr_change, line.text});
        }
      }
    }
  }
}

void TimelineMarkers::reset() {
  read_ = 0;
  markers_.clear();
  isr_.clear();
}

double time_fraction(sim::SimTime time, sim::SimTime end) {
  const double span = static_cast<double>(end.to_us());
  if (span <= 0) return 0;
  return std::clamp(static_cast<double>(time.to_us()) / span, 0.0, 1.0);
}

sim::SimTime fraction_time(double fraction, sim::SimTime end) {
  const double clamped = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  return sim::SimTime::from_us(
      static_cast<std::int64_t>(std::llround(clamped * static_cast<double>(end.to_us()))));
}

}  // namespace ksim::gui
