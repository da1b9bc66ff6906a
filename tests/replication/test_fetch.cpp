// Fetch on the leader: the long poll (replica.fetch.wait.max.ms, replica.fetch.min.bytes),
// follower reads up to the LEO and consumer reads below the HW, the errors, and the leader's
// answers to OffsetsForLeaderEpoch and ListOffsets by protocol version.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;
using Values = std::vector<std::string>;

namespace {

ksim::protocol::FetchRequest consumer_fetch(std::int64_t offset, std::int32_t max_wait_ms = 500,
                                            std::int32_t current_leader_epoch = -1) {
  ksim::protocol::FetchRequest request;
  request.replica_id = ksim::protocol::consumer_replica_id;
  request.max_wait_ms = max_wait_ms;
  request.min_bytes = 1;
  ksim::protocol::FetchPartition partition;
  partition.topic_partition = tp0;
  partition.fetch_offset = offset;
  partition.current_leader_epoch = current_leader_epoch;
  request.partitions.push_back(partition);
  return request;
}

Values values_of(const ksim::protocol::FetchResponsePartition& data) {
  Values values;
  for (const auto& record : ksim::storage::decode_records(data.records)) {
    values.push_back(ksim::storage::to_string(*record.value));
  }
  return values;
}

}  // namespace

TEST_CASE("an empty follower fetch waits replica.fetch.wait.max.ms, or until an append",
          "[fetch]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  CHECK(cluster.send_fetches(0) == 1);
  REQUIRE(cluster.parked_fetches.size() == 1);
  const std::uint64_t first = cluster.parked_fetches.begin()->first.second;
  CHECK(cluster.rm(1).fetch_deadline_ms(first) == 500);
  CHECK(cluster.send_fetches(10) == 0);  // one request in flight per leader

  cluster.rm(1).append_records(1, produce_request(1, {"a"}), 200);
  CHECK(cluster.rm(1).waiting_fetches() == 0);
  CHECK(cluster.deliver_completed_fetches(200) == 1);
  CHECK(cluster.broker(2).partition().log_end_offset() == 1);

  cluster.send_fetches(210);  // from 1: nothing new, waits until 710
  CHECK(cluster.rm(1).waiting_fetches() == 1);
  cluster.tick(709);
  CHECK(cluster.rm(1).waiting_fetches() == 1);
  cluster.tick(710);
  CHECK(cluster.rm(1).waiting_fetches() == 0);
  CHECK(cluster.broker(2).partition().high_watermark() == 1);  // the answer read the HW at 710
}

TEST_CASE("a new HW answers a waiting consumer fetch, not a waiting follower fetch", "[fetch]") {
  TestCluster cluster({1, 2, 3}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2, 3}, {1, 2, 3}), 0);
  cluster.send_fetches(0);
  const FetchResult consumer = cluster.rm(1).fetch_messages(900, consumer_fetch(0), 0);
  CHECK(consumer.parked);
  CHECK(consumer.deadline_ms == 500);

  cluster.rm(1).append_records(1, produce_request(1, {"m1", "m2"}), 100);
  cluster.deliver_completed_fetches(100);
  // The append does not answer the consumer: nothing below the HW yet.
  CHECK(cluster.rm(1).take_completed_fetches().empty());
  cluster.send_fetches_from(2, 110);
  cluster.send_fetches_from(3, 120);  // HW 0 -> 2
  CHECK(cluster.broker(1).partition().high_watermark() == 2);
  const auto done = cluster.rm(1).take_completed_fetches();
  REQUIRE(done.size() == 1);
  CHECK(done[0].request_id == 900);
  CHECK(values_of(done[0].response.partitions[0]) == Values{"m1", "m2"});
  CHECK(done[0].response.partitions[0].high_watermark == 2);
  // Both followers' fetches (from 2) still wait: nothing to read below the LEO.
  CHECK(cluster.rm(1).waiting_fetches() == 2);
}

TEST_CASE("a consumer reads only below the HW", "[fetch]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  cluster.rm(1).append_records(1, produce_request(1, {"a"}), 10);
  cluster.send_fetches(20);
  cluster.send_fetches(30);  // deliver "a", then report LEO 1: HW 1
  cluster.rm(1).append_records(2, produce_request(1, {"b"}), 40);
  cluster.rm(1).append_records(3, produce_request(1, {"c"}), 40);
  REQUIRE(cluster.broker(1).partition().high_watermark() == 1);
  REQUIRE(cluster.broker(1).partition().log_end_offset() == 3);

  const auto from_start = cluster.rm(1).fetch_messages(10, consumer_fetch(0, 0), 50);
  CHECK(values_of(from_start.response.partitions[0]) == Values{"a"});
  CHECK(from_start.response.partitions[0].high_watermark == 1);
  CHECK(from_start.response.partitions[0].last_stable_offset == 1);
  // Between the HW and the LEO: nothing yet, not an error.
  const auto above = cluster.rm(1).fetch_messages(11, consumer_fetch(2, 0), 50);
  CHECK(above.response.partitions[0].error_code == Error::NONE);
  CHECK(above.response.partitions[0].records.empty());
  const auto beyond = cluster.rm(1).fetch_messages(12, consumer_fetch(4, 0), 50);
  CHECK(beyond.response.partitions[0].error_code == Error::OFFSET_OUT_OF_RANGE);
  CHECK(beyond.response.partitions[0].high_watermark == -1);
}

TEST_CASE(
    "fetch errors: not the leader, unknown partition, stale or future epoch, unknown "
    "replica",
    "[fetch]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 3, {1, 2}, {1, 2}), 0);
  CHECK(cluster.rm(2).fetch_messages(1, consumer_fetch(0), 10).response.partitions[0].error_code ==
        Error::NOT_LEADER_OR_FOLLOWER);
  auto other = consumer_fetch(0);
  other.partitions[0].topic_partition = {"other", 0};
  CHECK(cluster.rm(1).fetch_messages(2, other, 10).response.partitions[0].error_code ==
        Error::UNKNOWN_TOPIC_OR_PARTITION);
  CHECK(cluster.rm(1)
            .fetch_messages(3, consumer_fetch(0, 500, 2), 10)
            .response.partitions[0]
            .error_code == Error::FENCED_LEADER_EPOCH);
  CHECK(cluster.rm(1)
            .fetch_messages(4, consumer_fetch(0, 500, 4), 10)
            .response.partitions[0]
            .error_code == Error::UNKNOWN_LEADER_EPOCH);
  // Errors answer at once: nothing waits.
  CHECK(cluster.rm(1).waiting_fetches() == 0);

  auto stranger = consumer_fetch(0, 0, 3);
  stranger.replica_id = 9;
  CHECK(cluster.rm(1).fetch_messages(5, stranger, 10).response.partitions[0].error_code ==
        Error::UNKNOWN_LEADER_EPOCH);
  stranger.partitions[0].current_leader_epoch = -1;
  CHECK(cluster.rm(1).fetch_messages(6, stranger, 10).response.partitions[0].error_code ==
        Error::NOT_LEADER_OR_FOLLOWER);
}

TEST_CASE("a waiting fetch is answered when its partition's leadership moves", "[fetch]") {
  TestCluster cluster({1, 2}, config_for(ProtocolVersion::v3_7));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  REQUIRE(cluster.rm(1).fetch_messages(77, consumer_fetch(0, 500, 0), 10).parked);
  cluster.leader_and_isr(partition_state(2, 1, {2}, {1, 2}, 1), 20);
  const auto done = cluster.rm(1).take_completed_fetches();
  REQUIRE(done.size() == 1);
  CHECK(done[0].response.partitions[0].error_code == Error::FENCED_LEADER_EPOCH);
}

TEST_CASE("OffsetsForLeaderEpoch is answered by each version's rule", "[fetch][epochs]") {
  // The leader's epochs: 1 from 0, 3 from 5; LEO 8; it leads epoch 3.
  for (const ProtocolVersion version :
       {ProtocolVersion::v0_11, ProtocolVersion::v2_0, ProtocolVersion::v3_7}) {
    INFO(protocol_version_name(version));
    TestBroker leader(1, config_for(version));
    leader.become_leader(partition_state(1, 1, {1}, {1}), 0);
    for (int i = 0; i < 5; ++i) leader.produce({"e1"}, 1, 0);
    leader.become_leader(partition_state(1, 3, {1}, {1}), 0);
    for (int i = 0; i < 3; ++i) leader.produce({"e3"}, 1, 0);
    REQUIRE(epochs_in(*leader.log) ==
            std::vector<std::pair<std::int32_t, std::int64_t>>{{1, 0}, {3, 5}});
    auto ask = [&](std::int32_t epoch) {
      const auto answer = leader.partition->last_offset_for_leader_epoch(-1, epoch, true);
      REQUIRE(answer.error_code == Error::NONE);
      return std::make_pair(answer.leader_epoch, answer.end_offset);
    };
    using Answer = std::pair<std::int32_t, std::int64_t>;
    switch (version) {
      case ProtocolVersion::v0_11:  // an end offset only
        CHECK(ask(0) == Answer{-1, -1});
        CHECK(ask(2) == Answer{-1, 5});
        CHECK(ask(3) == Answer{-1, 8});
        break;
      case ProtocolVersion::v2_0:  // with the largest epoch <= the one asked
        CHECK(ask(0) == Answer{-1, -1});
        CHECK(ask(2) == Answer{1, 5});
        CHECK(ask(3) == Answer{3, 8});
        break;
      default:  // also an epoch before the first: the log's start
        CHECK(ask(0) == Answer{0, 0});
        CHECK(ask(2) == Answer{1, 5});
        CHECK(ask(3) == Answer{3, 8});
        break;
    }
    CHECK(ask(4) == Answer{-1, -1});
    CHECK(leader.partition->last_offset_for_leader_epoch(2, 1, true).error_code ==
          Error::FENCED_LEADER_EPOCH);
  }
}

TEST_CASE("ListOffsets: latest is the LEO for a follower, the HW for a consumer", "[fetch]") {
  TestBroker leader(1, config_for(ProtocolVersion::v3_7));
  leader.become_leader(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  leader.produce({"a"}, 1, 0);
  leader.produce({"b"}, 1, 0);
  const auto follower_latest =
      leader.partition->fetch_offset_for_timestamp(ksim::protocol::latest_timestamp, false, -1);
  CHECK(follower_latest.offset == 2);
  CHECK(follower_latest.leader_epoch == 0);
  CHECK(leader.partition->fetch_offset_for_timestamp(ksim::protocol::latest_timestamp, true, -1)
            .offset == 0);
  CHECK(leader.partition->fetch_offset_for_timestamp(ksim::protocol::earliest_timestamp, true, -1)
            .offset == 0);
  CHECK(leader.partition->fetch_offset_for_timestamp(1000, true, -1).error_code ==
        Error::INVALID_REQUEST);

  // A new leader whose HW is below its epoch's start does not know the committed end yet.
  TestBroker successor(2, config_for(ProtocolVersion::v3_7));
  successor.log->append_as_follower(leader.log->read(0, 1 << 20).records, 0);
  successor.become_leader(partition_state(2, 1, {1, 2}, {1, 2}, 1), 10);
  REQUIRE(successor.hw() == 0);
  CHECK(successor.partition->fetch_offset_for_timestamp(ksim::protocol::latest_timestamp, true, -1)
            .error_code == Error::OFFSET_NOT_AVAILABLE);
}
