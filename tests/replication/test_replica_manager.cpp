// ReplicaManager's broker-level duties: LeaderAndIsr validation, AlterPartition batching with
// one request in flight, StopReplica, fetcher backoff, and the ISR expiration schedule.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;

namespace {

ksim::protocol::LeaderAndIsrPartitionState state_for(const ksim::storage::TopicPartition& tp,
                                                     std::int32_t leader, std::int32_t epoch,
                                                     std::vector<std::int32_t> isr,
                                                     std::vector<std::int32_t> replicas) {
  auto state = partition_state(leader, epoch, std::move(isr), std::move(replicas));
  state.topic_partition = tp;
  return state;
}

}  // namespace

TEST_CASE("LeaderAndIsr: stale controller epoch, stale leader epoch, not assigned", "[manager]") {
  TestCluster cluster({1}, config_for(ProtocolVersion::v3_7));
  ReplicaManager& rm = cluster.rm(1);
  ksim::protocol::LeaderAndIsrRequest request;
  request.controller_epoch = 5;
  request.partition_states = {state_for(tp0, 1, 3, {1}, {1, 2})};
  auto response = rm.become_leader_or_follower(request, 0);
  CHECK(response.error_code == Error::NONE);
  REQUIRE(response.partition_errors.size() == 1);
  CHECK(response.partition_errors[0].error_code == Error::NONE);
  CHECK(rm.get_partition(tp0)->is_leader());

  request.controller_epoch = 4;
  CHECK(rm.become_leader_or_follower(request, 10).error_code == Error::STALE_CONTROLLER_EPOCH);

  request.controller_epoch = 5;
  request.partition_states = {state_for(tp0, 2, 2, {2}, {1, 2}),
                              state_for({"t", 1}, 2, 0, {2}, {2, 3})};
  response = rm.become_leader_or_follower(request, 20);
  REQUIRE(response.partition_errors.size() == 2);
  CHECK(response.partition_errors[0].error_code == Error::STALE_CONTROLLER_EPOCH);
  CHECK(response.partition_errors[1].error_code == Error::UNKNOWN_TOPIC_OR_PARTITION);
  CHECK(rm.get_partition(tp0)->is_leader());
  CHECK(rm.get_partition({"t", 1}) == nullptr);
}

TEST_CASE("ISR changes of several partitions go in one AlterPartition, one request in flight",
          "[manager]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  const ksim::storage::TopicPartition tp1{"t", 1};
  for (const auto& tp : {tp0, tp1}) cluster.leader_and_isr(state_for(tp, 1, 0, {1}, {1, 2}), 0);
  cluster.rm(1).set_broker_epoch(42);
  cluster.send_fetches(10);  // broker 2 at LEO 0 = HW in both: both join

  auto request = cluster.rm(1).take_alter_partition_request();
  REQUIRE(request);
  CHECK(request->broker_id == 1);
  CHECK(request->broker_epoch == 42);
  REQUIRE(request->partitions.size() == 2);
  CHECK(request->partitions[0].new_isr_with_epochs ==
        std::vector<ksim::protocol::BrokerState>{{1, 42}, {2, -1}});
  CHECK_FALSE(cluster.rm(1).take_alter_partition_request());  // one in flight

  // The controller answers only t-0; t-1 goes out again with the next request.
  ksim::protocol::AlterPartitionResponse response;
  response.partitions.push_back({tp0, Error::NONE, 1, 0, {1, 2}, {}, 1});
  cluster.rm(1).handle_alter_partition_response(response, 20);
  CHECK(cluster.broker(1).partition(tp0).isr() == std::vector<std::int32_t>{1, 2});
  request = cluster.rm(1).take_alter_partition_request();
  REQUIRE(request);
  REQUIRE(request->partitions.size() == 1);
  CHECK(request->partitions[0].topic_partition == tp1);

  // No answer at all: queued again.
  cluster.rm(1).handle_alter_partition_failure();
  request = cluster.rm(1).take_alter_partition_request();
  REQUIRE(request);
  CHECK(request->partitions[0].topic_partition == tp1);
  // A top-level error (e.g. NOT_CONTROLLER): the same.
  ksim::protocol::AlterPartitionResponse not_controller;
  not_controller.error_code = Error::NOT_CONTROLLER;
  cluster.rm(1).handle_alter_partition_response(not_controller, 30);
  CHECK(cluster.rm(1).take_alter_partition_request());
}

TEST_CASE("isr-expiration runs every replica.lag.time.max.ms / 2 from startup", "[manager]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  ReplicaManager& leader = cluster.rm(1);
  CHECK(leader.next_deadline_ms(0) == 0);  // isr-expiration and the HW checkpoint are due
  leader.tick(0);
  CHECK(leader.next_deadline_ms(0) == 5000);  // the next HW checkpoint
  leader.tick(29999);  // the 15000 run, late: broker 2 was caught up at 0, 29999 ms ago
  CHECK_FALSE(leader.take_alter_partition_request());
  leader.tick(30000);  // 30000 ms is not more than replica.lag.time.max.ms
  CHECK_FALSE(leader.take_alter_partition_request());
  leader.tick(44999);
  CHECK_FALSE(leader.take_alter_partition_request());
  leader.tick(45000);
  const auto request = leader.take_alter_partition_request();
  REQUIRE(request);
  CHECK(request->partitions[0].new_isr() == std::vector<std::int32_t>{1});
}

TEST_CASE("StopReplica answers waiting requests and forgets the partition", "[manager]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  REQUIRE(cluster.rm(1).append_records(4, produce_request(-1, {"a"}), 10).parked);
  cluster.rm(1).stop_replica(tp0, true);
  const auto done = cluster.rm(1).take_completed_produces();
  REQUIRE(done.size() == 1);
  CHECK(done[0].response.partitions[0].error_code == Error::NOT_LEADER_OR_FOLLOWER);
  CHECK(cluster.rm(1).get_partition(tp0) == nullptr);
  CHECK_FALSE(cluster.broker(1).fs.exists("t-0"));
}

TEST_CASE("a fetcher whose request failed backs off replica.fetch.backoff.ms", "[manager]") {
  TestCluster cluster({2}, config_for(ProtocolVersion::v3_7));  // leader 1 is unreachable
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  CHECK(cluster.send_fetches(100) == 1);  // fails: no broker 1
  const ReplicaFetcher* fetcher = cluster.rm(2).fetcher(1);
  REQUIRE(fetcher != nullptr);
  CHECK(fetcher->fetch_state(tp0)->delayed_until_ms == 1100);
  CHECK(cluster.send_fetches(1099) == 0);
  CHECK(fetcher->next_poll_time_ms(1099) == 1100);
  CHECK(cluster.send_fetches(1100) == 1);
}

TEST_CASE(
    "a follower restarts its fetcher on a new leader epoch (3.7), on a new leader only "
    "(before 2.1)",
    "[manager]") {
  for (const ProtocolVersion version : {ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(version));
    TestBroker follower(2, config_for(version));
    CHECK(follower.become_follower(partition_state(1, 0, {1, 2}, {1, 2}), 0));
    const bool restarted = follower.become_follower(partition_state(1, 1, {1, 2}, {1, 2}, 1), 10);
    CHECK(restarted == (version == ProtocolVersion::v3_7));
    CHECK(follower.partition->leader_epoch() == 1);
  }
}
