// Produce through a ReplicaManager: acks 0, 1 and all with min.insync.replicas, each error
// where Kafka raises it, and acks=all released exactly when the HW passes the last offset.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;

namespace {

TestCluster three_brokers(ProtocolVersion version, std::int32_t min_isr,
                          std::vector<std::int32_t> isr = {1, 2, 3}) {
  TestCluster cluster({1, 2, 3}, config_for(version, min_isr));
  cluster.leader_and_isr(partition_state(1, 0, std::move(isr), {1, 2, 3}), 0);
  return cluster;
}

}  // namespace

TEST_CASE("acks=all is answered exactly when the HW passes its last offset", "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 2);
  CHECK(cluster.send_fetches(0) == 2);  // both followers wait in the leader's purgatory
  CHECK(cluster.rm(1).waiting_fetches() == 2);

  const ProduceResult produced =
      cluster.rm(1).append_records(7, produce_request(-1, {"m1", "m2"}), 100);
  CHECK(produced.parked);
  CHECK(produced.deadline_ms == 30100);
  CHECK(cluster.rm(1).produce_deadline_ms(7) == 30100);
  // The append completed both waiting fetches: they bring m1 and m2, with HW 0.
  CHECK(cluster.deliver_completed_fetches(100) == 2);
  CHECK(cluster.broker(2).partition().log_end_offset() == 2);
  CHECK(cluster.broker(2).partition().high_watermark() == 0);

  cluster.send_fetches_from(2, 110);  // broker 2 reports 2; broker 3 is still at 0
  CHECK(cluster.broker(1).partition().high_watermark() == 0);
  CHECK(cluster.rm(1).take_completed_produces().empty());
  cluster.send_fetches_from(3, 120);  // broker 3 reports 2: HW 2 >= last offset 1 + 1
  CHECK(cluster.broker(1).partition().high_watermark() == 2);
  const auto done = cluster.rm(1).take_completed_produces();
  REQUIRE(done.size() == 1);
  CHECK(done[0].request_id == 7);
  REQUIRE(done[0].response.partitions.size() == 1);
  CHECK(done[0].response.partitions[0].error_code == Error::NONE);
  CHECK(done[0].response.partitions[0].base_offset == 0);
  CHECK(done[0].response.partitions[0].log_start_offset == 0);
  CHECK(cluster.rm(1).waiting_produces() == 0);

  // The followers' fetches that moved the HW wait in purgatory: a new HW alone does not answer
  // them. They learn HW 2 when replica.fetch.wait.max.ms runs out.
  CHECK(cluster.rm(1).waiting_fetches() == 2);
  CHECK(cluster.rm(1).fetch_deadline_ms(cluster.parked_fetches.begin()->first.second) == 610);
  cluster.tick(609);
  CHECK(cluster.broker(2).partition().high_watermark() == 0);
  cluster.tick(610);
  CHECK(cluster.broker(2).partition().high_watermark() == 2);
  CHECK(cluster.broker(3).partition().high_watermark() == 0);
  cluster.tick(620);
  CHECK(cluster.broker(3).partition().high_watermark() == 2);
}

TEST_CASE("acks=1 is answered after the local append; acks=0 is not answered", "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 2);
  const ProduceResult one = cluster.rm(1).append_records(1, produce_request(1, {"a", "b"}), 10);
  CHECK_FALSE(one.parked);
  CHECK(one.send_response);
  REQUIRE(one.response.partitions.size() == 1);
  CHECK(one.response.partitions[0].error_code == Error::NONE);
  CHECK(one.response.partitions[0].base_offset == 0);
  CHECK(cluster.broker(1).partition().high_watermark() == 0);  // nobody else has it yet

  const ProduceResult zero = cluster.rm(1).append_records(2, produce_request(0, {"c"}), 20);
  CHECK_FALSE(zero.parked);
  CHECK_FALSE(zero.send_response);
  CHECK_FALSE(zero.close_connection);
  CHECK(zero.response.partitions[0].base_offset == 2);
  CHECK(values_in(cluster.broker(1).partition().log()) == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("acks other than 0, 1 and -1 is INVALID_REQUIRED_ACKS, nothing written", "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 1);
  for (const std::int16_t acks : {std::int16_t{2}, std::int16_t{-2}}) {
    const ProduceResult result = cluster.rm(1).append_records(1, produce_request(acks, {"a"}), 10);
    CHECK_FALSE(result.parked);
    REQUIRE(result.response.partitions.size() == 1);
    CHECK(result.response.partitions[0].error_code == Error::INVALID_REQUIRED_ACKS);
    CHECK(result.response.partitions[0].base_offset == -1);
  }
  CHECK(cluster.broker(1).partition().log_end_offset() == 0);
}

TEST_CASE("acks=all below min.insync.replicas is NOT_ENOUGH_REPLICAS and writes nothing",
          "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 2, {1});
  const ProduceResult all = cluster.rm(1).append_records(1, produce_request(-1, {"a"}), 10);
  CHECK_FALSE(all.parked);
  CHECK(all.response.partitions[0].error_code == Error::NOT_ENOUGH_REPLICAS);
  CHECK(all.response.partitions[0].error_message ==
        "The size of the current ISR [1] is insufficient to satisfy the min.isr requirement of "
        "2 for partition t-0");
  CHECK(cluster.broker(1).partition().log_end_offset() == 0);
  // acks=1 does not look at the ISR.
  const ProduceResult one = cluster.rm(1).append_records(2, produce_request(1, {"a"}), 20);
  CHECK(one.response.partitions[0].error_code == Error::NONE);
  CHECK(cluster.broker(1).partition().log_end_offset() == 1);
}

TEST_CASE(
    "when the ISR shrinks below min ISR after the append: 2.0 answers "
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND, 3.7 freezes the HW and times out",
    "[produce]") {
  for (const ProtocolVersion version : {ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(version));
    TestCluster cluster = three_brokers(version, 2);
    cluster.send_fetches(0);  // the followers fetch once at t=0, then are cut off
    const ProduceResult produced =
        cluster.rm(1).append_records(9, produce_request(-1, {"a", "b"}, 60000), 100);
    REQUIRE(produced.parked);
    ReplicaManager& leader = cluster.rm(1);
    leader.tick(30000);  // caught up at t=0: 30000 ms is not more than replica.lag.time.max.ms
    CHECK_FALSE(leader.take_alter_partition_request());
    leader.tick(45000);  // the next isr-expiration run
    CHECK(cluster.commit_alter_partitions(45000) == 1);
    CHECK(cluster.broker(1).partition().isr() == std::vector<std::int32_t>{1});
    if (version == ProtocolVersion::v2_0) {
      CHECK(cluster.broker(1).partition().high_watermark() == 2);
      const auto done = leader.take_completed_produces();
      REQUIRE(done.size() == 1);
      CHECK(done[0].response.partitions[0].error_code == Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND);
      CHECK(done[0].response.partitions[0].base_offset == 0);
    } else {
      CHECK(cluster.broker(1).partition().high_watermark() == 0);
      CHECK(leader.take_completed_produces().empty());
      leader.tick(60099);
      CHECK(leader.take_completed_produces().empty());
      leader.tick(60100);
      const auto done = leader.take_completed_produces();
      REQUIRE(done.size() == 1);
      CHECK(done[0].response.partitions[0].error_code == Error::REQUEST_TIMED_OUT);
    }
    CHECK(values_in(cluster.broker(1).partition().log()) == std::vector<std::string>{"a", "b"});
  }
}

TEST_CASE("REQUEST_TIMED_OUT is indeterminate: the write may still commit", "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 1);
  ReplicaManager& leader = cluster.rm(1);
  REQUIRE(leader.append_records(3, produce_request(-1, {"a"}), 0).parked);
  leader.tick(29999);
  CHECK(leader.take_completed_produces().empty());
  leader.tick(30000);
  const auto done = leader.take_completed_produces();
  REQUIRE(done.size() == 1);
  CHECK(done[0].request_id == 3);
  CHECK(done[0].response.partitions[0].error_code == Error::REQUEST_TIMED_OUT);
  // Later the silent followers leave the ISR and the record commits anyway.
  leader.tick(45000);
  cluster.commit_alter_partitions(45000);
  CHECK(cluster.broker(1).partition().high_watermark() == 1);
}

TEST_CASE(
    "NOT_LEADER_OR_FOLLOWER: produce to a follower, and waiting produces when leadership "
    "moves",
    "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 2);
  const ProduceResult to_follower = cluster.rm(2).append_records(1, produce_request(1, {"a"}), 10);
  CHECK(to_follower.response.partitions[0].error_code == Error::NOT_LEADER_OR_FOLLOWER);

  REQUIRE(cluster.rm(1).append_records(2, produce_request(-1, {"a"}), 20).parked);
  cluster.leader_and_isr(partition_state(2, 1, {2, 3}, {1, 2, 3}, 1), 30);
  const auto done = cluster.rm(1).take_completed_produces();
  REQUIRE(done.size() == 1);
  CHECK(done[0].request_id == 2);
  CHECK(done[0].response.partitions[0].error_code == Error::NOT_LEADER_OR_FOLLOWER);
  CHECK(cluster.rm(1).waiting_produces() == 0);
}

TEST_CASE("a partition this broker does not host is UNKNOWN_TOPIC_OR_PARTITION", "[produce]") {
  TestCluster cluster = three_brokers(ProtocolVersion::v3_7, 1);
  const ProduceResult result =
      cluster.rm(1).append_records(1, produce_request(1, {"a"}, 30000, {"other", 0}), 10);
  CHECK(result.response.partitions[0].error_code == Error::UNKNOWN_TOPIC_OR_PARTITION);
}

TEST_CASE("storage refusals become their Kafka errors", "[produce]") {
  TestCluster cluster({1}, config_for(ProtocolVersion::v3_7));
  TopicConfig small;
  small.log_config.max_message_bytes = 80;
  cluster.rm(1).set_topic_config("t", small);
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 0);
  const ProduceResult too_large =
      cluster.rm(1).append_records(1, produce_request(1, {std::string(200, 'x')}), 10);
  CHECK(too_large.response.partitions[0].error_code == Error::MESSAGE_TOO_LARGE);
  CHECK(cluster.broker(1).partition().log_end_offset() == 0);

  cluster.broker(1).fs.set_fail_writes(true);
  const ProduceResult failing = cluster.rm(1).append_records(2, produce_request(1, {"a"}), 20);
  CHECK(failing.response.partitions[0].error_code == Error::KAFKA_STORAGE_ERROR);
  const ProduceResult failing_zero = cluster.rm(1).append_records(3, produce_request(0, {"a"}), 30);
  CHECK_FALSE(failing_zero.send_response);
  CHECK(failing_zero.close_connection);  // acks=0: the only way to tell the producer
}

TEST_CASE("one acks=all request over two partitions waits for both", "[produce]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7, 2));
  const ksim::storage::TopicPartition tp1{"t", 1};
  for (const auto& tp : {tp0, tp1}) {
    auto state = partition_state(1, 0, {1, 2}, {1, 2});
    state.topic_partition = tp;
    cluster.leader_and_isr(state, 0);
  }
  ksim::protocol::ProduceRequest request = produce_request(-1, {"a"});
  request.partitions.push_back({tp1, producer_batch({"x", "y"})});
  REQUIRE(cluster.rm(1).append_records(5, request, 10).parked);

  // One fetch request from broker 2 covers both partitions.
  auto sends = cluster.rm(2).poll_fetchers(20);
  REQUIRE(sends.size() == 1);
  const auto& fetch = std::get<ksim::protocol::FetchRequest>(sends[0].request);
  REQUIRE(fetch.partitions.size() == 2);
  CHECK(fetch.partitions[0].topic_partition == tp0);
  CHECK(fetch.partitions[1].topic_partition == tp1);
  CHECK(fetch.replica_id == 2);
  CHECK(fetch.max_wait_ms == 500);
  CHECK(fetch.min_bytes == 1);
  auto answer = cluster.serve(2, 1, sends[0].request, 20);
  REQUIRE(answer);
  cluster.rm(2).handle_fetcher_response(1, *answer, 20);
  CHECK(cluster.broker(2).partition(tp0).log_end_offset() == 1);
  CHECK(cluster.broker(2).partition(tp1).log_end_offset() == 2);
  CHECK(cluster.rm(1).take_completed_produces().empty());

  cluster.send_fetches(30);  // reports 1 and 2: both HWs pass
  const auto done = cluster.rm(1).take_completed_produces();
  REQUIRE(done.size() == 1);
  REQUIRE(done[0].response.partitions.size() == 2);
  CHECK(done[0].response.partitions[0].error_code == Error::NONE);
  CHECK(done[0].response.partitions[1].error_code == Error::NONE);
  CHECK(done[0].response.partitions[1].base_offset == 0);
}
