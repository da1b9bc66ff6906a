// The Timeline panel's model: the scrubber's markers, read from the transcript as it grows:
// faults (the commands that break or mend the cluster), leader changes and ISR changes (the
// controller's lines), and losses (broken invariants, log truncations, lines saying records
// were lost).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/transcript.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui {

enum class MarkerKind { fault, leader_change, isr_change, loss };

struct TimelineMarker {
  sim::SimTime time;
  MarkerKind kind = MarkerKind::fault;
  std::string text;
};

std::string_view marker_kind_name(MarkerKind kind);

// The marker a transcript line makes, if any.
std::optional<TimelineMarker> marker_of(const scenarios::TranscriptLine& line);

// The ISR a controller line writes, as (partition, "[1,0]"), if it writes one.
std::optional<std::pair<std::string, std::string>> controller_isr(std::string_view text);

// Keeps the markers of a transcript, reading only the lines added since the last update (a
// rebuilt run's transcript is read again from its start: call reset()).
class TimelineMarkers {
 public:
  void update(const std::vector<scenarios::TranscriptLine>& lines);
  void reset();
  const std::vector<TimelineMarker>& markers() const { return markers_; }

 private:
  std::size_t read_ = 0;
  std::vector<TimelineMarker> markers_;
  std::map<std::string, std::string> isr_;  // each partition's last ISR the controller wrote
};

// A scrubber's mapping: time <-> fraction of [0, end].
double time_fraction(sim::SimTime time, sim::SimTime end);
sim::SimTime fraction_time(double fraction, sim::SimTime end);

}  // namespace ksim::gui
