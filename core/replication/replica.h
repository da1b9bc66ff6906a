// Replica: the leader's view of one follower of a partition (Kafka's kafka.cluster.Replica and
// its ReplicaState). The leader learns a follower's LEO only from the offset the follower fetches
// from; it tracks when that follower was last caught up, which decides ISR membership.
//
// Kafka writes 0 for "never" in lastFetchTimeMs and lastCaughtUpTimeMs (the Unix epoch: long
// ago). ksim's virtual time starts at 0, so "never" is an empty optional here.
#pragma once

#include <cstdint>
#include <optional>

namespace ksim::replication {

// Kafka's UnifiedLog.UnknownOffset: a follower whose position the leader does not know yet.
inline constexpr std::int64_t unknown_offset = -1;

struct ReplicaState {
  std::int64_t log_start_offset = unknown_offset;
  std::int64_t log_end_offset = unknown_offset;  // the follower's LEO: its last fetch offset
  // The leader's LEO when this follower last fetched (never lowered: Kafka keeps the max).
  std::int64_t last_fetch_leader_log_end_offset = 0;
  std::optional<std::int64_t> last_fetch_time_ms;
  std::optional<std::int64_t> last_caught_up_time_ms;  // lastCaughtUpTimeMs
  std::optional<std::int64_t> broker_epoch;

  // Kafka's isCaughtUp: at the leader's LEO, or caught up within replica.lag.time.max.ms.
  bool is_caught_up(std::int64_t leader_end_offset, std::int64_t now_ms,
                    std::int64_t replica_lag_time_max_ms) const;

  friend bool operator==(const ReplicaState&, const ReplicaState&) = default;
};

class Replica {
 public:
  explicit Replica(std::int32_t broker_id) : broker_id_(broker_id) {}

  std::int32_t broker_id() const { return broker_id_; }
  const ReplicaState& state() const { return state_; }

  // A fetch at `fetch_offset` arrived at `fetch_time_ms` while the leader's LEO was
  // `leader_end_offset` (Kafka's updateFetchStateOrThrow):
  // - fetch_offset >= leader LEO now: lastCaughtUpTimeMs = max(old, now);
  // - else fetch_offset >= the leader LEO at the previous fetch: max(old, previous fetch time);
  // - else unchanged.
  void update_fetch_state(std::int64_t fetch_offset, std::int64_t follower_log_start_offset,
                          std::int64_t fetch_time_ms, std::int64_t leader_end_offset,
                          std::optional<std::int64_t> broker_epoch);

  // The local broker became leader, or started a new leader epoch (Kafka's resetReplicaState).
  // An ISR member counts as caught up now, others as never; a new leader forgets what it knew of
  // the follower's log (its LEO is unknown until it fetches).
  void reset_replica_state(std::int64_t now_ms, std::int64_t leader_end_offset, bool is_new_leader,
                           bool is_follower_in_sync);

 private:
  std::int32_t broker_id_;
  ReplicaState state_;
};

}  // namespace ksim::replication
