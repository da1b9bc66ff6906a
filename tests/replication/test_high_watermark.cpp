// The leader's high watermark and how followers learn it: three replicas of t-0 driven by hand,
// exact offsets at every fetch.
#include <catch2/catch.hpp>

#include "replication_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;

namespace {

struct ThreeReplicas {
  TestBroker b1, b2, b3;
  explicit ThreeReplicas(const ReplicationConfig& config)
      : b1(1, config), b2(2, config), b3(3, config) {
    const auto state = partition_state(1, 0, {1, 2, 3}, {1, 2, 3});
    b1.become_leader(state, 0);
    b2.become_follower(state, 0);
    b3.become_follower(state, 0);
  }
};

}  // namespace

TEST_CASE("the HW is the smallest ISR LEO and followers learn it one fetch round later", "[hw]") {
  ThreeReplicas r(config_for(ProtocolVersion::v3_7));
  REQUIRE(r.b1.produce({"a", "b"}, 1, 5).error == ksim::protocol::Error::NONE);
  CHECK(r.b1.leo() == 2);
  CHECK(r.b1.hw() == 0);  // the followers' LEOs are unknown to a new leader

  // Round 1: both fetch from 0 and get the records; the leader learns they are at 0.
  CHECK(round_trip(r.b2, r.b1, 10) == "Fetch");
  CHECK(round_trip(r.b3, r.b1, 10) == "Fetch");
  CHECK(r.b2.leo() == 2);
  CHECK(r.b3.leo() == 2);
  CHECK(r.b1.hw() == 0);
  CHECK(r.b2.hw() == 0);
  CHECK(r.b1.partition->remote_replica(2)->state().log_end_offset == 0);

  // Round 2: they fetch from 2. The leader advances its HW when the last ISR member reports 2,
  // but the answer to that very fetch carries the HW read before it: 0.
  round_trip(r.b2, r.b1, 20);
  CHECK(r.b1.hw() == 0);  // broker 3 is still at 0
  round_trip(r.b3, r.b1, 20);
  CHECK(r.b1.hw() == 2);
  CHECK(r.b2.hw() == 0);
  CHECK(r.b3.hw() == 0);

  // Round 3: the next answers carry HW 2.
  round_trip(r.b2, r.b1, 30);
  round_trip(r.b3, r.b1, 30);
  CHECK(r.b2.hw() == 2);
  CHECK(r.b3.hw() == 2);
}

TEST_CASE("a follower's HW is min(leader HW, its own LEO)", "[hw]") {
  ThreeReplicas r(config_for(ProtocolVersion::v3_7));
  for (const char* value : {"a", "b", "c"}) r.b1.produce({value}, 1, 0);  // three batches
  replicate(r.b2, r.b1, 10);
  replicate(r.b3, r.b1, 10);
  round_trip(r.b2, r.b1, 20);
  REQUIRE(r.b1.hw() == 3);
  REQUIRE(r.b2.hw() == 3);
  // The leader's HW is 3; a follower whose log is shorter takes its own LEO.
  CHECK(r.b3.partition->update_follower_high_watermark(3) == true);
  r.b3.partition->truncate_to(1, TruncationCause::leader_epoch_end_offset);
  CHECK(r.b3.hw() == 1);
  CHECK_FALSE(r.b3.partition->update_follower_high_watermark(3));  // min(3, LEO 1) = 1
  CHECK(r.b3.hw() == 1);
}

TEST_CASE("the leader's HW only moves forward", "[hw]") {
  ThreeReplicas r(config_for(ProtocolVersion::v3_7));
  r.b1.produce({"a", "b"}, 1, 0);
  replicate(r.b2, r.b1, 10);
  replicate(r.b3, r.b1, 10);
  REQUIRE(r.b1.hw() == 2);
  // Broker 3 restarts with an empty log and fetches from 0: its LEO as the leader sees it drops
  // to 0, the HW does not.
  r.b3.partition->truncate_to(0, TruncationCause::leader_epoch_end_offset);
  r.b3.fetcher->remove_partition(tp0);
  r.b3.fetcher->add_partition(*r.b3.partition, 0);
  round_trip(r.b3, r.b1, 20);
  CHECK(r.b1.partition->remote_replica(3)->state().log_end_offset == 0);
  CHECK(r.b1.hw() == 2);
}

TEST_CASE("a new leader cannot advance its HW until every ISR follower has fetched once", "[hw]") {
  ThreeReplicas r(config_for(ProtocolVersion::v3_7));
  r.b1.produce({"a", "b"}, 1, 0);
  replicate(r.b2, r.b1, 10);
  replicate(r.b3, r.b1, 10);
  round_trip(r.b2, r.b1, 20);
  round_trip(r.b3, r.b1, 20);
  REQUIRE(r.b2.hw() == 2);

  // Broker 1 dies; broker 2 leads epoch 1 with ISR {2, 3}.
  const auto state = partition_state(2, 1, {2, 3}, {1, 2, 3}, 1);
  r.b2.become_leader(state, 100);
  r.b3.become_follower(state, 100);
  CHECK(r.b2.partition->leader_epoch_start_offset() == 2);
  CHECK(epochs_in(*r.b2.log) == std::vector<std::pair<std::int32_t, std::int64_t>>{{0, 0}, {1, 2}});
  r.b2.produce({"c"}, 1, 110);
  CHECK(r.b2.leo() == 3);
  CHECK(r.b2.hw() == 2);  // broker 3's LEO is unknown to the new leader

  round_trip(r.b3, r.b2, 120);  // fetches from 2, gets "c"
  CHECK(r.b2.hw() == 2);
  round_trip(r.b3, r.b2, 130);  // fetches from 3
  CHECK(r.b2.hw() == 3);
}

TEST_CASE("a leader alone in the ISR commits on append", "[hw]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  b1.become_leader(partition_state(1, 0, {1}, {1, 2}), 0);
  const LeaderAppendResult append = b1.produce({"a", "b"}, 1, 0);
  CHECK(append.high_watermark_increased);
  CHECK(b1.hw() == 2);
}

TEST_CASE("a caught-up follower outside the ISR holds the HW back until it fetches", "[hw]") {
  // ISR {1}; brokers 2 and 3 both catch up, but only one ISR change may be in flight.
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  TestBroker b2(2, config_for(ProtocolVersion::v3_7));
  TestBroker b3(3, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1}, {1, 2, 3});
  b1.become_leader(state, 0);
  b2.become_follower(state, 0);
  b3.become_follower(state, 0);
  b1.produce({"a"}, 1, 0);
  CHECK(b1.hw() == 1);
  replicate(b2, b1, 10);  // fetches from 0, then from 1: caught up, joins (in flight)
  CHECK(b1.partition->isr_state().pending == IsrState::Pending::expand);
  CHECK(b1.partition->isr_state().proposed_isr == std::vector<std::int32_t>{1, 2});
  replicate(b3, b1, 10);  // caught up too, but an ISR change is in flight
  CHECK(b1.partition->isr_state().proposed_isr == std::vector<std::int32_t>{1, 2});

  b1.produce({"b"}, 1, 20);
  CHECK(b1.hw() == 1);     // broker 2 is in the maximal ISR
  round_trip(b2, b1, 30);  // gets "b"
  round_trip(b2, b1, 31);  // reports LEO 2
  CHECK(b1.hw() == 1);     // broker 3 is caught up (within 30 s) and eligible: the HW waits
  round_trip(b3, b1, 40);
  round_trip(b3, b1, 41);
  CHECK(b1.hw() == 2);

  // An ineligible broker (dead, fenced, shutting down) does not hold the HW back.
  b1.partition->set_isr_eligibility([](std::int32_t id) { return id != 3; });
  b1.produce({"c"}, 1, 50);
  round_trip(b2, b1, 60);
  round_trip(b2, b1, 61);
  CHECK(b1.hw() == 3);
}

TEST_CASE("a follower that has not caught up for replica.lag.time.max.ms does not hold the HW",
          "[hw]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  TestBroker b2(2, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1}, {1, 2});
  b1.become_leader(state, 0);
  b2.become_follower(state, 0);
  b1.partition->set_isr_eligibility([](std::int32_t) { return true; });
  round_trip(b2, b1, 0);  // at the leader's LEO 0 at t=0: caught up, joins (in flight)
  REQUIRE(b1.partition->take_alter_partition_request());
  b1.partition->handle_alter_partition_response(
      {tp0, ksim::protocol::Error::INELIGIBLE_REPLICA, -1, -1, {}, {}, -1}, 0);
  REQUIRE(b1.partition->isr() == std::vector<std::int32_t>{1});
  b1.produce({"a"}, 1, 30000);
  CHECK(b1.hw() == 0);  // broker 2 caught up at t=0, 30000 ms ago: still counts
  b1.produce({"b"}, 1, 30001);
  CHECK(b1.hw() == 2);  // 30001 ms: it no longer holds the HW
}

TEST_CASE("3.7 freezes the HW while the ISR is below min.insync.replicas; 2.0 does not", "[hw]") {
  for (const ProtocolVersion version : {ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(version));
    TestBroker b1(1, config_for(version, 2));
    TestBroker b2(2, config_for(version, 2));
    const auto state = partition_state(1, 0, {1}, {1, 2, 3});
    b1.become_leader(state, 0);
    b2.become_follower(state, 0);
    CHECK(b1.partition->effective_min_isr() == 2);
    CHECK(b1.partition->is_under_min_isr());
    b1.produce({"a", "b"}, 1, 10);  // acks=1 is accepted below min ISR
    if (version == ProtocolVersion::v3_7) {
      CHECK(b1.hw() == 0);
    } else {
      CHECK(b1.hw() == 2);
    }
    // Broker 2 catches up and joins; the commit brings the ISR to min ISR.
    replicate(b2, b1, 20);
    const auto proposal = b1.partition->take_alter_partition_request();
    REQUIRE(proposal);
    CHECK(proposal->new_isr() == std::vector<std::int32_t>{1, 2});
    CHECK(b1.hw() == (version == ProtocolVersion::v3_7 ? 0 : 2));  // still under min ISR
    const AlterPartitionOutcome outcome = b1.partition->handle_alter_partition_response(
        {tp0, ksim::protocol::Error::NONE, 1, 0, {1, 2}, {}, 1}, 30);
    CHECK(outcome == AlterPartitionOutcome::committed);
    CHECK(b1.hw() == 2);
    CHECK(b1.partition->partition_epoch() == 1);
  }
}

TEST_CASE("min ISR never exceeds the replication factor for the HW freeze", "[hw]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7, 3));
  b1.become_leader(partition_state(1, 0, {1}, {1}), 0);
  CHECK(b1.partition->effective_min_isr() == 1);
  b1.produce({"a"}, 1, 0);
  CHECK(b1.hw() == 1);
}
