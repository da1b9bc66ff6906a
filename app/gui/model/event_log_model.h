// EventLogModel: what the Events panel lists: the brokers' and the controller's events (leader
// and ISR changes, truncations, controller elections, starts and stops) as the cluster's event
// sink gives them, merged in time order with the scenario transcript's commands (the faults
// injected), notes (client acknowledgements and errors), invariant violations and expectation
// results. Each row has a kind, a broker and a partition when it names them, and its simulated
// time, so selecting it seeks the timeline there. Filters by kind, broker and partition.
//
// Bounded: at most `capacity` rows are kept (the oldest go first) and dropped() counts them.
// After a rewind (a new cluster), make a new model.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/transcript.h"
#include "sim/cluster/kafka_cluster.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui::model {

enum class EventKind : std::uint8_t {
  leader_change,  // a new leader (controller), or a broker becoming leader / follower
  isr_change,     // the controller's ISR change
  truncation,     // a replica cut its log
  controller,     // controller elections and resignations, the controller's other decisions
  broker_state,   // a broker started, registered, shut down, its session expired
  fault,          // a fault the scenario injected (kill -9, power off, isolate, heal, ...)
  command,        // a tool the scenario ran (kafka-topics.sh, a console producer, ...)
  client,         // what clients were told (acknowledgements, errors): the transcript's notes
  violation,      // a replication invariant broke
  expectation,    // an expectation passed or failed
  narration,      // the scenario's `say` lines
  other,
};
inline constexpr std::size_t kEventKindCount = 12;
std::string_view to_string(EventKind kind);

struct EventRow {
  std::uint64_t sequence = 0;  // numbers every row ever added, from 0 (dropped ones too)
  sim::SimTime time;
  EventKind kind = EventKind::other;
  std::int32_t broker = -1;      // the broker that reported it or that it names (-1: none)
  std::string partition;         // the partition it names, "t-0" ("" if none)
  std::string text;              // as the transcript shows it ("broker 1: ..." for broker events)
  std::int32_t script_line = 0;  // the transcript's script line (0: none or a broker event)
};

struct EventFilter {
  std::uint32_t kinds = (1u << kEventKindCount) - 1;  // bit i: EventKind i shown
  std::optional<std::int32_t> broker;
  std::optional<std::string> partition;  // "t-0"

  static std::uint32_t bit(EventKind kind) { return 1u << static_cast<unsigned>(kind); }
  void show_only(std::initializer_list<EventKind> shown);
  bool matches(const EventRow& row) const;
  friend bool operator==(const EventFilter&, const EventFilter&) = default;
};

struct EventLogOptions {
  std::size_t capacity = 100'000;
  bool show_internal_topics = false;  // __consumer_offsets' events (there are many)
};

class EventLogModel {
 public:
  explicit EventLogModel(EventLogOptions options = {});

  // Once per frame: adds what the cluster and the transcript (if any) added since the last call.
  void update(sim::cluster::KafkaCluster& cluster, const scenarios::Transcript* transcript);

  const std::deque<EventRow>& rows() const { return rows_; }
  std::uint64_t dropped() const { return dropped_; }
  // The kept rows the filter shows, in order.
  std::vector<const EventRow*> filtered(const EventFilter& filter) const;
  // The same as sequence numbers, kept between frames: with the filter unchanged, a frame costs
  // only the rows added (and dropped) since the last call. For a clipped list: row(sequence).
  const std::vector<std::uint64_t>& matching(const EventFilter& filter);
  const EventRow* row(std::uint64_t sequence) const;
  // Selecting a row: the time to seek the timeline to (none once it was dropped).
  std::optional<sim::SimTime> select(std::uint64_t sequence) const;
  // The last row at or before `time` that the filter shows (the one to highlight while playing).
  const EventRow* last_at_or_before(sim::SimTime time, const EventFilter& filter = {}) const;
  // Every broker and partition named so far (for the filter's choices).
  const std::set<std::int32_t>& brokers() const { return brokers_; }
  const std::set<std::string>& partitions() const { return partitions_; }

  // How a text is classified, and which partition and broker it names (for tests and tools).
  static EventKind classify_broker_event(std::string_view what, bool truncation);
  static EventKind classify_transcript_line(scenarios::TranscriptKind kind, std::string_view text);
  // The first "<topic>-<n>" in `text` whose topic is one of `topics` ("" if none).
  static std::string partition_named(std::string_view text, const std::set<std::string>& topics);
  static std::int32_t broker_named(std::string_view text);  // after "broker " (-1 if none)

 private:
  void add(EventRow row);

  EventLogOptions options_;
  std::deque<EventRow> rows_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t events_seen_ = 0;
  std::size_t lines_seen_ = 0;
  std::set<std::string> topics_;
  std::set<std::int32_t> brokers_;
  std::set<std::string> partitions_;
  // matching()'s cache.
  EventFilter cached_filter_;
  std::vector<std::uint64_t> cached_;
  std::uint64_t cached_through_ = 0;  // rows with a sequence below it were looked at
};

}  // namespace ksim::gui::model
