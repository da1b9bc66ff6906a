// PartitionLeaderElectionAlgorithms and the LeaderAndIsr each election writes, case by case.
#include "core/controller/leader_election.h"

#include <catch2/catch.hpp>

using namespace ksim::controller;

namespace {

const std::vector<std::int32_t> quickstart{1, 2, 0};  // seed 002's assignment

BrokerLiveness live(std::set<std::int32_t> brokers, std::set<std::int32_t> shutting_down = {}) {
  return BrokerLiveness{std::move(brokers), std::move(shutting_down)};
}

LeaderAndIsr state(std::int32_t leader, std::vector<std::int32_t> isr, std::int32_t epoch = 0,
                   std::int32_t zk_version = 0) {
  return LeaderAndIsr{leader, epoch, std::move(isr), LeaderAndIsr::recovered, zk_version};
}

}  // namespace

TEST_CASE("LeaderAndIsr: every new leader and ISR raises the leader epoch", "[election]") {
  const LeaderAndIsr current = state(1, {1, 2, 0}, 4, 7);
  CHECK(current.new_leader(2) == state(2, {1, 2, 0}, 5, 7));
  CHECK(current.new_leader_and_isr(-1, {1}) == state(-1, {1}, 5, 7));
  CHECK(current.new_epoch() == state(1, {1, 2, 0}, 5, 7));
  CHECK(current.new_recovering_leader_and_isr(0, {0}) ==
        LeaderAndIsr{0, 5, {0}, LeaderAndIsr::recovering, 7});
  CHECK(current.with_zk_version(8).zk_version == 8);
  CHECK(current.has_leader());
  CHECK_FALSE(state(-1, {1}).has_leader());
  CHECK(to_string(current) == "(Leader:1,ISR:1,2,0,LeaderEpoch:4,ZkVersion:7)");
}

TEST_CASE("offline election: first live ISR replica in assignment order", "[election]") {
  // The quickstart failover: leader 1 is killed, 2 is next in the assignment.
  CHECK(offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1, 2, 0}, {2, 0},
                                          false) == 2);
  // Assignment order, not ISR order and not log length.
  CHECK(offline_partition_leader_election(quickstart, std::vector<std::int32_t>{0, 2}, {0, 2},
                                          false) == 2);
  // A live replica outside the ISR is skipped.
  CHECK(offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1, 0}, {2, 0},
                                          false) == 0);
}

TEST_CASE("offline election: unclean off keeps the partition offline", "[election][unclean]") {
  CHECK_FALSE(
      offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1}, {2, 0}, false));
  // Unclean on: the first live replica in assignment order, whatever the ISR says.
  CHECK(offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1}, {2, 0}, true) ==
        2);
  CHECK(offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1}, {0}, true) ==
        0);
  // Nobody alive: nobody, unclean or not.
  CHECK_FALSE(
      offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1}, {}, true));
  CHECK_FALSE(
      offline_partition_leader_election(quickstart, std::vector<std::int32_t>{1, 2, 0}, {}, false));
}

TEST_CASE("leader_for_offline: the new LeaderAndIsr", "[election]") {
  SECTION("clean: the ISR loses its offline members, in its own order") {
    const ElectionResult result =
        leader_for_offline(quickstart, state(1, {1, 2, 0}, 0, 3), live({0, 2}), false);
    REQUIRE(result.leader_and_isr);
    CHECK(*result.leader_and_isr == state(2, {2, 0}, 1, 3));
    CHECK_FALSE(result.unclean);
    CHECK(result.live_replicas == std::vector<std::int32_t>{2, 0});
  }
  SECTION("a broker in controlled shutdown does not count as online") {
    const ElectionResult result =
        leader_for_offline(quickstart, state(1, {1, 2, 0}), live({0, 2}, {2}), false);
    REQUIRE(result.leader_and_isr);
    CHECK(*result.leader_and_isr == state(0, {0}, 1));
  }
  SECTION("unclean off, no live ISR member: no election, the state stays") {
    const ElectionResult result =
        leader_for_offline(quickstart, state(1, {1}), live({0, 2}), false);
    CHECK_FALSE(result.leader_and_isr);
    CHECK(result.live_replicas == std::vector<std::int32_t>{2, 0});
  }
  SECTION("unclean on: the ISR becomes just the new leader") {
    const ElectionResult result =
        leader_for_offline(quickstart, state(-1, {1}, 6, 9), live({0, 2}), true);
    REQUIRE(result.leader_and_isr);
    CHECK(*result.leader_and_isr == state(2, {2}, 7, 9));
    CHECK(result.unclean);
  }
  SECTION("unclean with leader recovery (KIP-704, IBP 3.2+): the leader starts RECOVERING") {
    const ElectionResult result =
        leader_for_offline(quickstart, state(-1, {1}, 6, 9), live({0}), true, true);
    REQUIRE(result.leader_and_isr);
    CHECK(*result.leader_and_isr == LeaderAndIsr{0, 7, {0}, LeaderAndIsr::recovering, 9});
  }
  SECTION("a clean election keeps the recovery state") {
    const ElectionResult result = leader_for_offline(
        quickstart, LeaderAndIsr{-1, 2, {0}, LeaderAndIsr::recovered, 1}, live({0}), true, true);
    REQUIRE(result.leader_and_isr);
    CHECK(result.leader_and_isr->leader_recovery_state == LeaderAndIsr::recovered);
    CHECK_FALSE(result.unclean);
  }
  SECTION("the returning last ISR member leads again") {
    const ElectionResult result =
        leader_for_offline(quickstart, state(-1, {1}, 3), live({1}), false);
    REQUIRE(result.leader_and_isr);
    CHECK(*result.leader_and_isr == state(1, {1}, 4));
  }
}

TEST_CASE("reassignment election: first live ISR replica of the target", "[election]") {
  CHECK(reassign_partition_leader_election(std::vector<std::int32_t>{3, 4},
                                           std::vector<std::int32_t>{1, 4, 3}, {3, 4}) == 3);
  CHECK(reassign_partition_leader_election(std::vector<std::int32_t>{3, 4},
                                           std::vector<std::int32_t>{1, 4}, {3, 4}) == 4);
  CHECK_FALSE(reassign_partition_leader_election(std::vector<std::int32_t>{3, 4},
                                                 std::vector<std::int32_t>{1}, {3, 4}));
  const ElectionResult result = leader_for_reassignment(std::vector<std::int32_t>{3, 4},
                                                        state(1, {1, 3, 4}, 2), live({1, 3, 4}));
  REQUIRE(result.leader_and_isr);
  CHECK(*result.leader_and_isr == state(3, {1, 3, 4}, 3));  // the ISR is kept
  CHECK(result.live_replicas == std::vector<std::int32_t>{3, 4});
}

TEST_CASE("preferred replica election: the head of the assignment or nobody", "[election]") {
  CHECK(preferred_replica_partition_leader_election(quickstart, std::vector<std::int32_t>{2, 0, 1},
                                                    {0, 1, 2}) == 1);
  CHECK_FALSE(preferred_replica_partition_leader_election(
      quickstart, std::vector<std::int32_t>{2, 0}, {0, 1, 2}));  // not in the ISR
  CHECK_FALSE(preferred_replica_partition_leader_election(
      quickstart, std::vector<std::int32_t>{2, 0, 1}, {0, 2}));  // not live
  CHECK_FALSE(preferred_replica_partition_leader_election({}, std::vector<std::int32_t>{1}, {1}));
  const ElectionResult result =
      leader_for_preferred_replica(quickstart, state(2, {2, 0, 1}, 1, 4), live({0, 1, 2}));
  REQUIRE(result.leader_and_isr);
  CHECK(*result.leader_and_isr == state(1, {2, 0, 1}, 2, 4));
  CHECK(result.live_replicas == quickstart);
  CHECK_FALSE(
      leader_for_preferred_replica(quickstart, state(2, {2, 0}), live({0, 1, 2})).leader_and_isr);
}

TEST_CASE("controlled shutdown of the leader moves leadership first", "[election][shutdown]") {
  CHECK(controlled_shutdown_partition_leader_election(
            quickstart, std::vector<std::int32_t>{1, 2, 0}, {0, 1, 2}, {1}) == 2);
  const ElectionResult result =
      leader_for_controlled_shutdown(quickstart, state(1, {1, 2, 0}, 0, 2), live({0, 1, 2}, {1}));
  REQUIRE(result.leader_and_isr);
  CHECK(*result.leader_and_isr == state(2, {2, 0}, 1, 2));
  // The shutting-down broker still gets the LeaderAndIsr.
  CHECK(result.live_replicas == quickstart);

  SECTION("every shutting-down broker leaves the ISR") {
    const ElectionResult two =
        leader_for_controlled_shutdown(quickstart, state(1, {1, 2, 0}), live({0, 1, 2}, {1, 2}));
    REQUIRE(two.leader_and_isr);
    CHECK(*two.leader_and_isr == state(0, {0}, 1));
  }
  SECTION("the only ISR member shutting down: no election") {
    CHECK_FALSE(leader_for_controlled_shutdown(quickstart, state(1, {1}), live({0, 1, 2}, {1}))
                    .leader_and_isr);
  }
  SECTION("a dead ISR member cannot take over") {
    CHECK_FALSE(leader_for_controlled_shutdown(quickstart, state(1, {1, 2}), live({0, 1}, {1}))
                    .leader_and_isr);
  }
}

TEST_CASE("a new partition's first LeaderAndIsr", "[election]") {
  CHECK(initial_leader_and_isr(quickstart, live({0, 1, 2})) == state(1, {1, 2, 0}, 0, 0));
  CHECK(initial_leader_and_isr(quickstart, live({0, 2})) == state(2, {2, 0}, 0, 0));
  CHECK(initial_leader_and_isr(quickstart, live({0, 1, 2}, {1})) == state(2, {2, 0}, 0, 0));
  CHECK_FALSE(initial_leader_and_isr(quickstart, live({3})));
}

TEST_CASE("an offline replica leaves the ISR with an epoch bump", "[election][isr]") {
  // A follower dies: the leader stays, the epoch rises (Kafka's newLeaderAndIsr).
  CHECK(remove_replica_from_isr(state(2, {2, 0}, 1, 1), 0) == state(2, {2}, 2, 1));
  // The leader dies with others in the ISR: no leader until an election.
  CHECK(remove_replica_from_isr(state(2, {2, 0}, 1, 1), 2) == state(-1, {0}, 2, 1));
  // The last ISR member: it stays in the ISR, the partition has no leader.
  CHECK(remove_replica_from_isr(state(2, {2}, 3, 5), 2) == state(-1, {2}, 4, 5));
  CHECK(remove_replica_from_isr(state(-1, {2}, 4, 6), 2) == state(-1, {2}, 5, 6));
  // Not in the ISR: nothing to write.
  CHECK_FALSE(remove_replica_from_isr(state(2, {2, 0}), 1));
}
