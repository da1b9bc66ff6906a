// Comparing two runs event by event: the first divergent event, both versions of it, the
// events before it (identical in both: the context) and the simulated time, as values and as
// a report for people. Traces in memory (compare_traces), trace files streamed
// (compare_trace_files, for `ksim diff`), or a live run against a recorded trace
// (ReplayChecker, for `ksim replay`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/trace/trace_format.h"
#include "sim/trace/trace_reader.h"
#include "sim/trace/trace_recorder.h"

namespace ksim::sim::trace {

inline constexpr std::size_t kDefaultContextEvents = 5;

struct TraceDivergence {
  // The first event index where the traces differ: both have an event there and they differ,
  // or one of them has no event there (it ended, the other goes on). When every event matches
  // but the end lines differ (the driver changed the state after the last event, or one run
  // stopped later), it is the event count.
  std::uint64_t index = 0;
  // Simulated time of the divergence: the earlier of the two events' times (or the end's).
  std::int64_t time_us = 0;
  std::optional<TraceEvent> expected;  // nullopt: the expected trace has no event there
  std::optional<TraceEvent> actual;
  std::vector<TraceEvent> context;     // the events just before, identical in both, oldest first
  std::vector<std::string> differences;  // "digest 00ab... vs 77cd...", "details", ...
  std::vector<std::string> header_notes;  // headers that differ (seed, scenario, config, version)
  std::string report;                  // all of the above for people, several lines
};

// Streams two event sequences through; the first mismatch is the divergence. Events before it
// are kept as context (the last `context_events` only).
class EventComparer {
 public:
  explicit EventComparer(std::size_t context_events = kDefaultContextEvents)
      : context_events_(context_events) {}
  void set_names(std::string expected_name, std::string actual_name);
  void set_headers(const TraceHeader& expected, const TraceHeader& actual);

  // The next event of each side (nullptr: that side ended). Returns true while they match;
  // false once they diverge (then divergence() is set and later calls change nothing).
  bool compare(const TraceEvent* expected, const TraceEvent* actual);
  // Both sides ended with these end lines (nullopt: not finished). A difference is a
  // divergence at the event count; a missing end line on one side only is noted, not one.
  void compare_ends(const std::optional<TraceEnd>& expected, const std::optional<TraceEnd>& actual);

  bool diverged() const { return divergence_.has_value(); }
  const std::optional<TraceDivergence>& divergence() const { return divergence_; }
  std::uint64_t events_compared() const { return compared_; }

 private:
  void diverge(TraceDivergence divergence);

  std::size_t context_events_;
  std::string expected_name_ = "expected";
  std::string actual_name_ = "actual";
  std::vector<std::string> header_notes_;
  std::deque<TraceEvent> context_;
  std::uint64_t compared_ = 0;
  std::uint64_t next_index_ = 0;  // after the last matching event
  std::optional<TraceDivergence> divergence_;
};

// nullopt when the two traces have the same events and the same end.
std::optional<TraceDivergence> compare_traces(const Trace& expected, const Trace& actual,
                                              std::size_t context_events = kDefaultContextEvents);
// The same over two files, streamed (memory stays bounded by the context). Throws TraceError
// for a malformed file (up to the divergence: what follows it is not read).
std::optional<TraceDivergence> compare_trace_files(
    const std::string& expected_path, const std::string& actual_path,
    std::size_t context_events = kDefaultContextEvents);

// A live run checked against a recorded trace, as it runs: add it to the replay's
// TraceRecorder. By default the first divergent event stops the run: write_event throws
// TraceDiverged out of the run call. finish() checks the recording has no events left over.
class TraceDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ReplayChecker final : public TraceSink {
 public:
  explicit ReplayChecker(std::string expected_path,
                         std::size_t context_events = kDefaultContextEvents,
                         bool stop_at_divergence = true);

  // The recorded header, to rebuild the run from (its seed, scenario and config).
  const TraceHeader& header() const { return expected_.header(); }
  // Notes where the replay's own header differs (shown in the report).
  void set_actual_header(const TraceHeader& actual);

  void write_event(const TraceEvent& event) override;
  void finish(const TraceEnd& end) override;

  bool diverged() const { return comparer_.diverged(); }
  const std::optional<TraceDivergence>& divergence() const { return comparer_.divergence(); }
  std::uint64_t events_compared() const { return comparer_.events_compared(); }

 private:
  TraceReader expected_;
  EventComparer comparer_;
  bool stop_at_divergence_;
};

}  // namespace ksim::sim::trace
