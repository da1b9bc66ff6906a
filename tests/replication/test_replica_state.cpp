// The leader's view of a follower (Kafka's Replica): lastCaughtUpTimeMs case by case, and what a
// leader election resets.
#include <catch2/catch.hpp>

#include "core/replication/replica.h"

using namespace ksim::replication;

TEST_CASE("a fetch at the leader's LEO makes the follower caught up now", "[replica]") {
  Replica replica(2);
  replica.update_fetch_state(10, 0, 1000, 10, std::nullopt);
  CHECK(replica.state().log_end_offset == 10);
  CHECK(replica.state().last_fetch_time_ms == 1000);
  CHECK(replica.state().last_fetch_leader_log_end_offset == 10);
  CHECK(replica.state().last_caught_up_time_ms == 1000);
}

TEST_CASE("a fetch reaching the leader's LEO of the previous fetch dates caught-up to that fetch",
          "[replica]") {
  Replica replica(2);
  // t=1000: the follower fetches from 5 while the leader is at 10: not caught up.
  replica.update_fetch_state(5, 0, 1000, 10, std::nullopt);
  CHECK_FALSE(replica.state().last_caught_up_time_ms);
  // t=1500: it fetches from 10, the leader has moved to 15 meanwhile. It had everything the
  // leader had at t=1000, so it was caught up at t=1000 (not at 1500).
  replica.update_fetch_state(10, 0, 1500, 15, std::nullopt);
  CHECK(replica.state().last_caught_up_time_ms == 1000);
  CHECK(replica.state().last_fetch_time_ms == 1500);
  CHECK(replica.state().last_fetch_leader_log_end_offset == 15);
}

TEST_CASE("a fetch below the leader's LEO of the previous fetch leaves caught-up unchanged",
          "[replica]") {
  Replica replica(2);
  replica.update_fetch_state(10, 0, 1000, 10, std::nullopt);  // caught up at 1000
  replica.update_fetch_state(12, 0, 2000, 20, std::nullopt);  // 12 >= 10: caught up at 1000
  CHECK(replica.state().last_caught_up_time_ms == 1000);
  replica.update_fetch_state(15, 0, 3000, 30, std::nullopt);  // 15 < 20: unchanged
  CHECK(replica.state().last_caught_up_time_ms == 1000);
  CHECK(replica.state().log_end_offset == 15);
  replica.update_fetch_state(30, 0, 4000, 30, std::nullopt);  // at the LEO again
  CHECK(replica.state().last_caught_up_time_ms == 4000);
}

TEST_CASE("caught up means at the leader's LEO, or caught up within replica.lag.time.max.ms",
          "[replica]") {
  ReplicaState state;
  state.log_end_offset = 7;
  CHECK(state.is_caught_up(7, 1000000, 30000));  // at the LEO: no matter how long ago
  CHECK_FALSE(state.is_caught_up(8, 0, 30000));  // never caught up
  state.last_caught_up_time_ms = 1000;
  CHECK(state.is_caught_up(8, 31000, 30000));
  CHECK_FALSE(state.is_caught_up(8, 31001, 30000));
}

TEST_CASE("a new leader forgets its followers' LEOs; ISR members count as caught up now",
          "[replica]") {
  Replica in_sync(2);
  in_sync.update_fetch_state(10, 3, 500, 10, std::nullopt);
  in_sync.reset_replica_state(2000, 10, true, true);
  CHECK(in_sync.state().log_end_offset == unknown_offset);
  CHECK(in_sync.state().log_start_offset == unknown_offset);
  CHECK(in_sync.state().last_fetch_leader_log_end_offset == unknown_offset);
  CHECK_FALSE(in_sync.state().last_fetch_time_ms);
  CHECK(in_sync.state().last_caught_up_time_ms == 2000);

  Replica out_of_sync(3);
  out_of_sync.reset_replica_state(2000, 10, true, false);
  CHECK_FALSE(out_of_sync.state().last_caught_up_time_ms);
  // Its first fetch, behind the leader: the previous-fetch rule finds no previous fetch.
  out_of_sync.update_fetch_state(4, 0, 2500, 10, std::nullopt);
  CHECK_FALSE(out_of_sync.state().last_caught_up_time_ms);
}

TEST_CASE("a leader re-elected in a new epoch keeps its followers' LEOs", "[replica]") {
  Replica replica(2);
  replica.update_fetch_state(8, 0, 500, 10, std::nullopt);
  replica.reset_replica_state(3000, 12, false, true);
  CHECK(replica.state().log_end_offset == 8);
  CHECK(replica.state().last_fetch_leader_log_end_offset == 12);
  CHECK(replica.state().last_fetch_time_ms == 3000);
  CHECK(replica.state().last_caught_up_time_ms == 3000);
  // Reaching the LEO the leader had at the reset dates caught-up to the reset.
  replica.update_fetch_state(12, 0, 3500, 14, std::nullopt);
  CHECK(replica.state().last_caught_up_time_ms == 3000);

  Replica outside(3);
  outside.update_fetch_state(8, 0, 500, 10, std::nullopt);
  outside.reset_replica_state(3000, 12, false, false);
  CHECK_FALSE(outside.state().last_fetch_time_ms);
  CHECK_FALSE(outside.state().last_caught_up_time_ms);
}
