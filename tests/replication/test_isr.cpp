// ISR shrink and expand on the leader: replica.lag.time.max.ms, the HW and leader-epoch start
// offset conditions, one AlterPartition in flight, and the HW on the old ISR while a shrink waits.
#include <catch2/catch.hpp>

#include "replication_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::AlterPartitionResponsePartition;
using ksim::protocol::Error;

namespace {

AlterPartitionResponsePartition committed(std::int32_t leader, std::int32_t leader_epoch,
                                          std::vector<std::int32_t> isr,
                                          std::int32_t partition_epoch) {
  return {tp0, Error::NONE, leader, leader_epoch, std::move(isr), {}, partition_epoch};
}

AlterPartitionResponsePartition refused(Error error) {
  return {tp0, error, -1, -1, {}, {}, -1};
}

}  // namespace

TEST_CASE("a follower that has not caught up for replica.lag.time.max.ms leaves the ISR", "[isr]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  TestBroker b2(2, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1, 2, 3}, {1, 2, 3});
  b1.become_leader(state, 0);  // ISR members count as caught up at t=0
  b2.become_follower(state, 0);
  // Broker 2 fetches at the leader's LEO at t=20000; broker 3 never fetches.
  round_trip(b2, b1, 20000);
  CHECK(b1.partition->remote_replica(2)->state().last_caught_up_time_ms == 20000);

  CHECK_FALSE(b1.partition->maybe_shrink_isr(30000));  // 30000 - 0 <= 30000: still in sync
  CHECK(b1.partition->maybe_shrink_isr(30001));
  const auto proposal = b1.partition->take_alter_partition_request();
  REQUIRE(proposal);
  CHECK(proposal->topic_partition == tp0);
  CHECK(proposal->leader_epoch == 0);
  CHECK(proposal->partition_epoch == 0);
  CHECK(proposal->new_isr() == std::vector<std::int32_t>{1, 2});
  CHECK_FALSE(b1.partition->take_alter_partition_request());  // handed over once

  // Until the controller commits it, the ISR is the old one.
  CHECK(b1.partition->isr() == std::vector<std::int32_t>{1, 2, 3});
  CHECK(b1.partition->isr_state().pending == IsrState::Pending::shrink);
  CHECK(b1.partition->isr_state().maximal_isr() == std::vector<std::int32_t>{1, 2, 3});
  CHECK_FALSE(b1.partition->maybe_shrink_isr(45000));  // one change in flight at a time

  // The HW still waits for broker 3 while the shrink is pending.
  b1.produce({"a"}, 1, 30002);
  round_trip(b2, b1, 30003);  // gets "a"
  round_trip(b2, b1, 30004);  // reports LEO 1
  CHECK(b1.hw() == 0);

  const auto outcome =
      b1.partition->handle_alter_partition_response(committed(1, 0, {1, 2}, 1), 30005);
  CHECK(outcome == AlterPartitionOutcome::committed);
  CHECK(b1.partition->isr() == std::vector<std::int32_t>{1, 2});
  CHECK(b1.partition->partition_epoch() == 1);
  CHECK(b1.hw() == 1);  // the commit re-evaluates the HW
}

TEST_CASE("the leader never removes itself, even alone", "[isr]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  b1.become_leader(partition_state(1, 0, {1}, {1, 2}), 0);
  CHECK_FALSE(b1.partition->maybe_shrink_isr(1000000));
  CHECK_FALSE(b1.partition->take_alter_partition_request());
}

TEST_CASE("a follower rejoins when its LEO reaches the HW", "[isr]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  TestBroker b3(3, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1}, {1, 3});
  b1.become_leader(state, 0);
  b1.produce({"a"}, 1, 0);
  b1.produce({"b"}, 1, 0);
  REQUIRE(b1.hw() == 2);
  b3.become_follower(state, 100);

  CHECK(round_trip(b3, b1, 100) == "Fetch");  // from 0: LEO 0 < HW 2
  CHECK_FALSE(b1.partition->isr_state().is_inflight());
  CHECK(b3.leo() == 2);
  round_trip(b3, b1, 200);  // from 2: LEO 2 >= HW 2
  CHECK(b1.partition->isr_state().pending == IsrState::Pending::expand);
  CHECK(b1.partition->isr_state().maximal_isr() == std::vector<std::int32_t>{1, 3});
  CHECK(b1.partition->isr() == std::vector<std::int32_t>{1});
  const auto proposal = b1.partition->take_alter_partition_request();
  REQUIRE(proposal);
  CHECK(proposal->new_isr() == std::vector<std::int32_t>{1, 3});

  // While the expansion is in flight the HW already waits for broker 3.
  b1.produce({"c"}, 1, 300);
  CHECK(b1.hw() == 2);
  CHECK(b1.partition->handle_alter_partition_response(committed(1, 0, {1, 3}, 1), 400) ==
        AlterPartitionOutcome::committed);
  CHECK(b1.partition->isr() == std::vector<std::int32_t>{1, 3});
  CHECK(b1.hw() == 2);
}

TEST_CASE("3.7 also requires the start offset of the leader's epoch to join; 2.0 does not",
          "[isr]") {
  for (const ProtocolVersion version : {ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(version));
    // Broker 1 holds 10 records of epoch 0 but restarted with HW 4 from its checkpoint; it now
    // leads epoch 5 with ISR {1, 3} (broker 3 has not fetched yet, so the HW stays at 4).
    TestBroker b1(1, config_for(version));
    b1.become_leader(partition_state(1, 0, {1}, {1}), 0);
    for (int i = 0; i < 10; ++i) b1.produce({"v" + std::to_string(i)}, 1, 0);
    b1.crash(false);
    b1.restart(4, 0);
    b1.become_leader(partition_state(1, 5, {1, 3}, {1, 2, 3}, 3), 100);
    REQUIRE(b1.hw() == 4);
    REQUIRE(b1.partition->leader_epoch_start_offset() == 10);

    // Broker 2, outside the ISR, reports LEO 6: beyond the HW, short of the epoch's start.
    ksim::protocol::FetchPartition fetch;
    fetch.topic_partition = tp0;
    fetch.fetch_offset = 6;
    const FetchParams params{2, 0, 1, 1 << 20, {}};
    b1.partition->fetch_records(params, fetch, 200, 1 << 20, true, true);
    if (version == ProtocolVersion::v3_7) {
      CHECK_FALSE(b1.partition->isr_state().is_inflight());
      fetch.fetch_offset = 10;
      b1.partition->fetch_records(params, fetch, 300, 1 << 20, true, true);
    }
    CHECK(b1.partition->isr_state().pending == IsrState::Pending::expand);
    CHECK(b1.partition->isr_state().proposed_isr == std::vector<std::int32_t>{1, 3, 2});
  }
}

TEST_CASE("an ineligible broker does not join the ISR", "[isr]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  TestBroker b2(2, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1}, {1, 2});
  b1.become_leader(state, 0);
  b2.become_follower(state, 0);
  b1.partition->set_isr_eligibility([](std::int32_t) { return false; });  // e.g. shutting down
  replicate(b2, b1, 10);
  CHECK_FALSE(b1.partition->isr_state().is_inflight());
  b1.partition->set_isr_eligibility([](std::int32_t) { return true; });
  round_trip(b2, b1, 20);
  CHECK(b1.partition->isr_state().pending == IsrState::Pending::expand);
}

TEST_CASE("the controller's refusals: revert, wait for LeaderAndIsr, or retry", "[isr]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  TestBroker b2(2, config_for(ProtocolVersion::v3_7));
  const auto state = partition_state(1, 0, {1}, {1, 2});
  b1.become_leader(state, 0);
  b2.become_follower(state, 0);
  round_trip(b2, b1, 10);  // at LEO 0 = HW: joins
  REQUIRE(b1.partition->take_alter_partition_request());

  SECTION("INELIGIBLE_REPLICA: back to the committed ISR; the next fetch proposes again") {
    CHECK(b1.partition->handle_alter_partition_response(refused(Error::INELIGIBLE_REPLICA), 20) ==
          AlterPartitionOutcome::reverted);
    CHECK_FALSE(b1.partition->isr_state().is_inflight());
    CHECK(b1.partition->isr() == std::vector<std::int32_t>{1});
    round_trip(b2, b1, 30);
    CHECK(b1.partition->isr_state().pending == IsrState::Pending::expand);
  }
  SECTION("FENCED_LEADER_EPOCH: pending until the controller's LeaderAndIsr replaces it") {
    CHECK(b1.partition->handle_alter_partition_response(refused(Error::FENCED_LEADER_EPOCH), 20) ==
          AlterPartitionOutcome::awaiting_leader_and_isr);
    CHECK(b1.partition->isr_state().is_inflight());
    CHECK_FALSE(b1.partition->take_alter_partition_request());
    b1.become_leader(partition_state(1, 1, {1, 2}, {1, 2}, 1), 30);
    CHECK_FALSE(b1.partition->isr_state().is_inflight());
    CHECK(b1.partition->isr() == std::vector<std::int32_t>{1, 2});
  }
  SECTION("another error: the same proposal is queued again") {
    CHECK(b1.partition->handle_alter_partition_response(refused(Error::REQUEST_TIMED_OUT), 20) ==
          AlterPartitionOutcome::retry);
    const auto again = b1.partition->take_alter_partition_request();
    REQUIRE(again);
    CHECK(again->new_isr() == std::vector<std::int32_t>{1, 2});
  }
  SECTION("an answer for another leader epoch is ignored") {
    CHECK(b1.partition->handle_alter_partition_response(committed(1, 7, {1, 2}, 1), 20) ==
          AlterPartitionOutcome::ignored);
    CHECK(b1.partition->isr_state().is_inflight());
    CHECK(b1.partition->isr() == std::vector<std::int32_t>{1});
  }
}

TEST_CASE("a LeaderAndIsr with an older partition epoch is ignored", "[isr]") {
  TestBroker b1(1, config_for(ProtocolVersion::v3_7));
  b1.become_leader(partition_state(1, 0, {1, 2}, {1, 2}, 4), 0);
  CHECK_FALSE(b1.partition->make_leader(partition_state(1, 0, {1}, {1, 2}, 3), 10));
  CHECK(b1.partition->isr() == std::vector<std::int32_t>{1, 2});
  CHECK(b1.partition->partition_epoch() == 4);
  CHECK_FALSE(b1.partition->make_follower(partition_state(2, 1, {2}, {1, 2}, 3), 10));
  CHECK(b1.partition->is_leader());
}
