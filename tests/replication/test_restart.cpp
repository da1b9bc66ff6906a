// Checkpoints and restarts: replication-offset-checkpoint every 5000 ms, the recovery point, and
// a restarted broker starting from its checkpointed HW (min with its LEO).
#include <catch2/catch.hpp>

#include "cluster_test_support.h"
#include "core/storage/offset_checkpoint.h"

using namespace ksim::replication;
using namespace ksim::replication::test;
using ksim::protocol::Error;

namespace {

std::string file_text(ksim::storage::MemoryFileSystem& fs, std::string_view path) {
  auto file = fs.open(path, ksim::storage::OpenMode::read_write);
  ksim::storage::Bytes bytes(file->size());
  file->read_at(0, bytes);
  return ksim::storage::to_string(bytes);
}

}  // namespace

TEST_CASE("high watermarks are checkpointed every 5000 ms from the first LeaderAndIsr",
          "[restart]") {
  TestCluster cluster({1}, config_for(ProtocolVersion::v3_7));
  ClusterBroker& broker = cluster.broker(1);
  broker.rm->tick(0);
  CHECK_FALSE(broker.fs.exists("replication-offset-checkpoint"));  // nothing hosted yet

  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 1000);
  broker.rm->tick(1000);
  CHECK(file_text(broker.fs, "replication-offset-checkpoint") == "0\n1\nt 0 0\n");
  broker.rm->append_records(1, produce_request(1, {"a"}), 1100);
  CHECK(broker.partition().high_watermark() == 1);
  CHECK(broker.rm->next_deadline_ms(1100) == 6000);
  broker.rm->tick(5999);
  CHECK(file_text(broker.fs, "replication-offset-checkpoint") == "0\n1\nt 0 0\n");
  broker.rm->tick(6000);
  CHECK(file_text(broker.fs, "replication-offset-checkpoint") == "0\n1\nt 0 1\n");
  CHECK(broker.rm->high_watermarks() == ksim::storage::TopicPartitionOffsets{{tp0, 1}});
}

TEST_CASE("a restarted broker starts from its checkpointed HW, not the one it had", "[restart]") {
  TestCluster cluster({1}, config_for(ProtocolVersion::v3_7));
  ClusterBroker& broker = cluster.broker(1);
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1, 2}), 0);
  broker.rm->append_records(1, produce_request(1, {"a"}), 100);
  broker.rm->tick(5000);  // checkpoint: HW 1
  for (const char* value : {"b", "c", "d"}) {
    broker.rm->append_records(2, produce_request(1, {value}), 6000);
  }
  REQUIRE(broker.partition().high_watermark() == 4);

  // kill -9 before the next checkpoint (10000). The page cache keeps the records.
  broker.restart(7000);
  CHECK(broker.rm->get_partition(tp0) == nullptr);  // hosted again on the next LeaderAndIsr
  cluster.leader_and_isr(partition_state(2, 1, {2}, {1, 2}, 1), 8000);
  CHECK(broker.partition().log_end_offset() == 4);
  CHECK(broker.partition().high_watermark() == 1);
}

TEST_CASE("a restarted broker's HW is at most its LEO after a power loss", "[restart]") {
  TestCluster cluster({1}, config_for(ProtocolVersion::v3_7));
  ClusterBroker& broker = cluster.broker(1);
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1, 2}), 0);
  broker.rm->append_records(1, produce_request(1, {"a"}), 100);
  broker.partition().log().flush();
  broker.rm->append_records(2, produce_request(1, {"b"}), 200);
  broker.rm->append_records(3, produce_request(1, {"c"}), 300);
  broker.rm->tick(5000);  // checkpoint: HW 3 (the checkpoint file is synced)

  broker.rm.reset();
  broker.logs.reset();
  broker.fs.power_loss();  // b and c were never flushed
  broker.start(6000);
  cluster.leader_and_isr(partition_state(2, 1, {2}, {1, 2}, 1), 6000);
  CHECK(broker.partition().log_end_offset() == 1);
  CHECK(broker.partition().high_watermark() == 1);
}

TEST_CASE("the recovery point is checkpointed every log.flush.offset.checkpoint.interval.ms",
          "[restart]") {
  TestCluster cluster({1}, config_for(ProtocolVersion::v3_7));
  ClusterBroker& broker = cluster.broker(1);
  cluster.leader_and_isr(partition_state(1, 0, {1}, {1}), 0);
  broker.rm->append_records(1, produce_request(1, {"a", "b"}), 100);
  broker.partition().log().flush();
  CHECK(broker.partition().log().recovery_point() == 2);
  broker.rm->tick(59999);
  CHECK_FALSE(broker.fs.exists("recovery-point-offset-checkpoint"));
  broker.rm->tick(60000);
  CHECK(file_text(broker.fs, "recovery-point-offset-checkpoint") == "0\n1\nt 0 2\n");
  CHECK(broker.fs.exists("log-start-offset-checkpoint"));
}

TEST_CASE("0.10 on a restarted follower: everything above the checkpointed HW goes", "[restart]") {
  ReplicationConfig config = config_for(ProtocolVersion::v0_10);
  TestCluster cluster({1, 2}, config);
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 0);
  cluster.tick(0);
  for (const char* value : {"a", "b", "c"}) {
    cluster.rm(1).append_records(1, produce_request(1, {value}), 10);
  }
  cluster.send_fetches(20);  // broker 2 copies a, b, c
  cluster.send_fetches(30);  // leader HW 3; broker 2's fetch waits
  cluster.tick(530);         // the wait ends: broker 2 learns HW 3
  REQUIRE(cluster.broker(2).partition().high_watermark() == 3);
  // Broker 2's last checkpoint (t=0) says HW 0.
  cluster.broker(2).restart(600);
  cluster.drop_parked_fetches_of(2);
  cluster.leader_and_isr(partition_state(1, 0, {1, 2}, {1, 2}), 700);
  CHECK(cluster.broker(2).partition().log_end_offset() == 0);
  cluster.send_fetches(800);
  CHECK(cluster.broker(2).partition().log_end_offset() == 3);  // fetched again from the leader
}
