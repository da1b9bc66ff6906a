#include "core/replication/replica.h"

#include <algorithm>

namespace ksim::replication {

namespace {

std::optional<std::int64_t> later(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

bool ReplicaState::is_caught_up(std::int64_t leader_end_offset, std::int64_t now_ms,
                                std::int64_t replica_lag_time_max_ms) const {
  return leader_end_offset == log_end_offset ||
         (last_caught_up_time_ms && now_ms - *last_caught_up_time_ms <= replica_lag_time_max_ms);
}

void Replica::update_fetch_state(std::int64_t fetch_offset, std::int64_t follower_log_start_offset,
                                 std::int64_t fetch_time_ms, std::int64_t leader_end_offset,
                                 std::optional<std::int64_t> broker_epoch) {
  std::optional<std::int64_t> caught_up = state_.last_caught_up_time_ms;
  if (fetch_offset >= leader_end_offset) {
    caught_up = later(caught_up, fetch_time_ms);
  } else if (fetch_offset >= state_.last_fetch_leader_log_end_offset) {
    caught_up = later(caught_up, state_.last_fetch_time_ms);
  }
  state_.log_start_offset = follower_log_start_offset;
  state_.log_end_offset = fetch_offset;
  state_.last_fetch_leader_log_end_offset =
      std::max(leader_end_offset, state_.last_fetch_leader_log_end_offset);
  state_.last_fetch_time_ms = fetch_time_ms;
  state_.last_caught_up_time_ms = caught_up;
  state_.broker_epoch = broker_epoch;
}

void Replica::reset_replica_state(std::int64_t now_ms, std::int64_t leader_end_offset,
                                  bool is_new_leader, bool is_follower_in_sync) {
  const std::optional<std::int64_t> caught_up =
      is_follower_in_sync ? std::optional<std::int64_t>(now_ms) : std::nullopt;
  if (is_new_leader) {
    state_ = ReplicaState{};
    state_.last_fetch_leader_log_end_offset = unknown_offset;
    state_.last_caught_up_time_ms = caught_up;
  } else {
    // Re-elected in a new epoch: keep what is known of the follower's log, but it must fetch
    // again before it can count as having fetched since the change.
    state_.last_fetch_leader_log_end_offset = leader_end_offset;
    state_.last_fetch_time_ms = caught_up;
    state_.last_caught_up_time_ms = caught_up;
  }
}

}  // namespace ksim::replication
