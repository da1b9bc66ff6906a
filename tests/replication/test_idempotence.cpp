// The idempotent producer on the broker side: a leader answers a retry with the original offset
// (for acks=all once the original is committed, as Kafka's DelayedProduce does), refuses
// out-of-order and fenced batches, followers rebuild the same producer state from what they
// replicate (so a new leader still recognises a retry), and truncation and restarts keep the
// state in step with the log.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"
#include "replication_test_support.h"
#include "tests/support/idempotent_batch.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;
using ksim::storage::BatchMetadata;
using ksim::storage::ProducerStateEntry;
using ksim::test_support::idempotent_batch;
using ksim::test_support::ProducerIdAndEpoch;

namespace {

constexpr ProducerIdAndEpoch p7{7, 0};

ksim::protocol::ProduceRequest idempotent_request(std::int16_t acks, ProducerIdAndEpoch producer,
                                                  std::int32_t sequence,
                                                  const std::vector<std::string>& values) {
  ksim::protocol::ProduceRequest request;
  request.acks = acks;
  request.partitions.push_back({tp0, idempotent_batch(producer, sequence, values)});
  return request;
}

const std::map<std::int64_t, ProducerStateEntry>& producers_of(const Partition& partition) {
  return partition.log().producer_state_manager().active_producers();
}

// (first seq, last seq, first offset, last offset) of a producer's retained batches.
std::vector<std::array<std::int64_t, 4>> retained(const Partition& partition,
                                                  std::int64_t producer_id) {
  std::vector<std::array<std::int64_t, 4>> out;
  const ProducerStateEntry* entry =
      partition.log().producer_state_manager().last_entry(producer_id);
  if (entry == nullptr) return out;
  for (const BatchMetadata& b : entry->batch_metadata()) {
    out.push_back({b.first_seq(), b.last_seq, b.first_offset(), b.last_offset});
  }
  return out;
}

TestCluster three_brokers(std::int32_t min_isr) {
  TestCluster cluster({1, 2, 3}, config_for(ProtocolVersion::v3_7, min_isr));
  cluster.leader_and_isr(partition_state(1, 0, {1, 2, 3}, {1, 2, 3}), 0);
  return cluster;
}

}  // namespace

TEST_CASE("a retry answers NONE with the original base offset and writes nothing (acks=1)",
          "[idempotence]") {
  TestCluster cluster = three_brokers(1);
  ReplicaManager& leader = cluster.rm(1);
  CHECK(leader.append_records(1, idempotent_request(1, p7, 0, {"m1", "m2"}), 10)
            .response.partitions[0]
            .base_offset == 0);
  CHECK(leader.append_records(2, idempotent_request(1, p7, 2, {"m3"}), 20)
            .response.partitions[0]
            .base_offset == 2);
  const ProduceResult retry =
      leader.append_records(3, idempotent_request(1, p7, 0, {"m1", "m2"}), 30);
  CHECK_FALSE(retry.parked);
  REQUIRE(retry.response.partitions.size() == 1);
  CHECK(retry.response.partitions[0].error_code == Error::NONE);
  CHECK(retry.response.partitions[0].base_offset == 0);
  CHECK(retry.response.partitions[0].log_start_offset == 0);
  CHECK(cluster.broker(1).partition().log_end_offset() == 3);
  CHECK(values_in(cluster.broker(1).partition().log()) ==
        std::vector<std::string>{"m1", "m2", "m3"});
}

TEST_CASE("an acks=all retry waits until the original is committed, then answers its offset",
          "[idempotence]") {
  TestCluster cluster = three_brokers(2);
  ReplicaManager& leader = cluster.rm(1);
  CHECK(cluster.send_fetches(0) == 2);  // both followers wait in the leader's purgatory
  CHECK(leader.append_records(7, idempotent_request(-1, p7, 0, {"m1", "m2"}), 100).parked);
  CHECK(cluster.deliver_completed_fetches(100) == 2);

  // The producer timed out and retries before the original is committed: Kafka parks the
  // duplicate too, on the original's last offset + 1.
  const ProduceResult retry =
      leader.append_records(8, idempotent_request(-1, p7, 0, {"m1", "m2"}), 105);
  CHECK(retry.parked);
  CHECK(retry.deadline_ms == 30105);
  CHECK(leader.waiting_produces() == 2);
  CHECK(cluster.broker(1).partition().log_end_offset() == 2);

  cluster.send_fetches_from(2, 110);
  CHECK(leader.take_completed_produces().empty());
  cluster.send_fetches_from(3, 120);  // HW 2: both the original and the retry are answered
  CHECK(cluster.broker(1).partition().high_watermark() == 2);
  const auto done = leader.take_completed_produces();
  REQUIRE(done.size() == 2);
  for (const CompletedProduce& produce : done) {
    CHECK(produce.response.partitions[0].error_code == Error::NONE);
    CHECK(produce.response.partitions[0].base_offset == 0);
  }

  // A retry of a committed batch is answered at once.
  const ProduceResult late =
      leader.append_records(9, idempotent_request(-1, p7, 0, {"m1", "m2"}), 130);
  CHECK_FALSE(late.parked);
  CHECK(late.response.partitions[0].error_code == Error::NONE);
  CHECK(late.response.partitions[0].base_offset == 0);
  CHECK(values_in(cluster.broker(1).partition().log()) == std::vector<std::string>{"m1", "m2"});
}

TEST_CASE("out-of-order and fenced batches are refused per partition, nothing written",
          "[idempotence]") {
  TestCluster cluster = three_brokers(1);
  ReplicaManager& leader = cluster.rm(1);
  leader.append_records(1, idempotent_request(1, {7, 1}, 0, {"a"}), 10);

  const ProduceResult gap = leader.append_records(2, idempotent_request(-1, {7, 1}, 2, {"c"}), 20);
  CHECK_FALSE(gap.parked);  // every partition failed: nothing to wait for
  CHECK(gap.response.partitions[0].error_code == Error::OUT_OF_ORDER_SEQUENCE_NUMBER);
  CHECK(gap.response.partitions[0].base_offset == -1);
  CHECK(gap.response.partitions[0].error_message ==
        "Out of order sequence number for producer 7 at offset 1 in partition t-0: 2 (incoming "
        "seq. number), 0 (current end sequence number)");

  const ProduceResult fenced =
      leader.append_records(3, idempotent_request(1, {7, 0}, 1, {"b"}), 30);
  CHECK(fenced.response.partitions[0].error_code == Error::INVALID_PRODUCER_EPOCH);

  const ProduceResult new_epoch =
      leader.append_records(4, idempotent_request(1, {7, 2}, 1, {"b"}), 40);
  CHECK(new_epoch.response.partitions[0].error_code == Error::OUT_OF_ORDER_SEQUENCE_NUMBER);

  // acks=0: an error closes the connection.
  const ProduceResult zero = leader.append_records(5, idempotent_request(0, {7, 1}, 5, {"z"}), 50);
  CHECK(zero.close_connection);
  CHECK(values_in(cluster.broker(1).partition().log()) == std::vector<std::string>{"a"});
}

TEST_CASE("followers mirror the leader's producer state; a new leader recognises a retry",
          "[idempotence]") {
  TestCluster cluster = three_brokers(1);
  CHECK(cluster.send_fetches(0) == 2);
  std::int64_t now = 10;
  for (std::int32_t sequence = 0; sequence < 6; sequence += 2) {
    cluster.rm(1).append_records(static_cast<std::uint64_t>(now),
                                 idempotent_request(1, p7, sequence, {"x", "y"}), now);
    CHECK(cluster.deliver_completed_fetches(now) == 2);  // the parked fetches bring it
    CHECK(cluster.send_fetches(now + 1) == 2);           // and park again at the new LEO
    now += 10;
  }
  CHECK(cluster.broker(2).partition().log_end_offset() == 6);
  CHECK(producers_of(cluster.broker(2).partition()) == producers_of(cluster.broker(1).partition()));
  CHECK(producers_of(cluster.broker(3).partition()) == producers_of(cluster.broker(1).partition()));
  CHECK(retained(cluster.broker(2).partition(), 7) ==
        std::vector<std::array<std::int64_t, 4>>{{0, 1, 0, 1}, {2, 3, 2, 3}, {4, 5, 4, 5}});

  // Broker 1 fails; broker 2 leads epoch 1. The producer retries the batch whose answer it lost.
  cluster.brokers.erase(1);
  cluster.leader_and_isr(partition_state(2, 1, {2, 3}, {1, 2, 3}, 1), 100);
  const ProduceResult retry =
      cluster.rm(2).append_records(50, idempotent_request(1, p7, 4, {"x", "y"}), 110);
  CHECK(retry.response.partitions[0].error_code == Error::NONE);
  CHECK(retry.response.partitions[0].base_offset == 4);
  CHECK(cluster.broker(2).partition().log_end_offset() == 6);
  // The next batch goes on in sequence.
  const ProduceResult next =
      cluster.rm(2).append_records(51, idempotent_request(1, p7, 6, {"z"}), 120);
  CHECK(next.response.partitions[0].error_code == Error::NONE);
  CHECK(next.response.partitions[0].base_offset == 6);
}

TEST_CASE("a truncated batch leaves the old leader's state; its retry is written by the new one",
          "[idempotence]") {
  const ReplicationConfig config = config_for(ProtocolVersion::v3_7);
  TestBroker a(1, config);
  TestBroker b(2, config);
  const auto epoch0 = partition_state(1, 0, {1, 2}, {1, 2});
  a.become_leader(epoch0, 0);
  b.become_follower(epoch0, 0);

  ksim::storage::Bytes first = idempotent_batch(p7, 0, {"m1"});
  REQUIRE(a.partition->append_records_to_leader(first, 1, 10).error == Error::NONE);
  replicate(b, a, 20);
  CHECK(b.leo() == 1);
  // m2 reaches only A (acks=1), then A loses leadership before B fetches it.
  ksim::storage::Bytes second = idempotent_batch(p7, 1, {"m2"});
  REQUIRE(a.partition->append_records_to_leader(second, 1, 30).error == Error::NONE);
  CHECK(retained(*a.partition, 7) ==
        std::vector<std::array<std::int64_t, 4>>{{0, 0, 0, 0}, {1, 1, 1, 1}});

  const auto epoch1 = partition_state(2, 1, {2}, {1, 2}, 1);
  b.become_leader(epoch1, 40);
  a.become_follower(epoch1, 40);
  replicate(a, b, 50);  // truncation on fetch (diverging epoch): A drops m2
  CHECK(a.leo() == 1);
  CHECK(retained(*a.partition, 7) == std::vector<std::array<std::int64_t, 4>>{{0, 0, 0, 0}});

  // The producer retries m2 at the new leader: not a duplicate there, written at offset 1.
  ksim::storage::Bytes retry = idempotent_batch(p7, 1, {"m2"});
  const LeaderAppendResult written = b.partition->append_records_to_leader(retry, 1, 60);
  CHECK(written.error == Error::NONE);
  CHECK_FALSE(written.info.duplicate);
  CHECK(written.info.first_offset == 1);
  replicate(a, b, 70);
  CHECK(a.values() == std::vector<std::string>{"m1", "m2"});
  CHECK(producers_of(*a.partition) == producers_of(*b.partition));
}

TEST_CASE("a leader restarted after kill -9 rebuilds the state from its log", "[idempotence]") {
  const ReplicationConfig config = config_for(ProtocolVersion::v3_7);
  TestBroker a(1, config);
  a.become_leader(partition_state(1, 0, {1}, {1}), 0);
  for (std::int32_t sequence = 0; sequence < 3; ++sequence) {
    ksim::storage::Bytes batch = idempotent_batch(p7, sequence, {"v"});
    REQUIRE(a.partition->append_records_to_leader(batch, 1, 10).error == Error::NONE);
  }
  const auto before = producers_of(*a.partition);
  a.crash(false);
  a.restart(3, 100);
  a.become_leader(partition_state(1, 1, {1}, {1}, 1), 110);
  CHECK(producers_of(*a.partition) == before);
  ksim::storage::Bytes retry = idempotent_batch(p7, 1, {"v"});
  const LeaderAppendResult answer = a.partition->append_records_to_leader(retry, 1, 120);
  CHECK(answer.info.duplicate);
  CHECK(answer.info.first_offset == 1);
  CHECK(a.leo() == 3);
}

TEST_CASE("a producer idle for producer.id.expiration.ms is forgotten by the periodic check",
          "[idempotence]") {
  ReplicationConfig config = config_for(ProtocolVersion::v3_7);
  config.producer_id_expiration_ms = 1000;
  config.producer_id_expiration_check_interval_ms = 500;
  TestCluster cluster({1}, config);
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 0);
  // The batch's timestamp is 1000 (the producer's clock).
  cluster.rm(1).append_records(1, idempotent_request(1, p7, 0, {"a"}), 10);
  cluster.tick(10);  // isr-expiration and the HW checkpoint, due from the start
  // The check is no deadline of its own: the next one is isr-expiration's.
  CHECK(cluster.rm(1).next_deadline_ms(10) == 5000);
  cluster.tick(1999);
  CHECK(retained(cluster.broker(1).partition(), 7).size() == 1);
  cluster.tick(2000);
  CHECK(retained(cluster.broker(1).partition(), 7).empty());
  // Forgotten: the producer may go on at any sequence.
  const ProduceResult later =
      cluster.rm(1).append_records(2, idempotent_request(1, p7, 5, {"b"}), 2010);
  CHECK(later.response.partitions[0].error_code == Error::NONE);
  CHECK(later.response.partitions[0].base_offset == 1);
}
