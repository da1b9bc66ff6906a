// Kafka's producer (core/client) against the simulated cluster: keyed partitioning, idempotence
// with a producer id from /latest_producer_id_block, and the audit's account of every send.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"
#include "core/client/murmur2_partitioner.h"
#include "sim/clients/producer_process.h"

namespace ksim::sim::cluster::test {

TEST_CASE("an idempotent producer's keyed records land where murmur2 puts them", "[cluster]") {
  KafkaCluster cluster(cluster_options(21));
  cluster.start();
  cluster.wait_until_ready();
  cluster.create_topic("t", 3, 3);
  for (std::int32_t p = 0; p < 3; ++p) wait_for_isr(cluster, tp("t", p), 3);

  clients::ProducerProcess& producer = cluster.add_producer("producer-1");
  for (int i = 0; i < 12; ++i) {
    producer.send("t", fmt::format("key-{}", i), fmt::format("value-{}", i));
  }
  wait_for_outcomes(cluster, "producer-1", 60_s);

  const clients::ProducerHistory& history = cluster.producer_history("producer-1");
  REQUIRE(history.records.size() == 12);
  CHECK(history.count(client::SendOutcomeKind::acknowledged) == 12);
  std::map<std::int32_t, std::vector<std::string>> expected;  // partition -> values in order
  for (const clients::ProducedRecord& record : history.records) {
    const std::int32_t partition =
        client::partition_for_key(storage::to_bytes(*record.key), 3);
    REQUIRE(record.outcome->topic_partition.has_value());
    CHECK(record.outcome->topic_partition->partition == partition);
    CHECK(record.outcome->producer_id == 0);  // the first id of the first block
    CHECK(record.outcome->offset == static_cast<std::int64_t>(expected[partition].size()));
    expected[partition].push_back(*record.value);
  }
  for (const auto& [partition, values] : expected) {
    CHECK(values_of(fetch(cluster, tp("t", partition))) == values);
  }
  // The broker that answered InitProducerId claimed the first block of 1000 ids.
  const controller::zk::DataNode* block =
      cluster.zookeeper().server().data_tree().node("/latest_producer_id_block");
  REQUIRE(block != nullptr);
  REQUIRE(block->data.has_value());
  CHECK_THAT(*block->data, Catch::Matches(
                               R"(\{"version":1,"broker":[0-2],"block_start":"0","block_end":"999"\})"));

  // The audit accounts for every record: sent, acknowledged, committed, nothing lost.
  REQUIRE(cluster.audit() != nullptr);
  const std::vector<audit::AcksSummary> summary = cluster.audit()->summary();
  REQUIRE(summary.size() == 1);
  CHECK(summary[0].acks == -1);
  CHECK(summary[0].sent == 12);
  CHECK(summary[0].acknowledged == 12);
  CHECK(summary[0].committed == 12);
  CHECK(summary[0].lost == 0);
  CHECK(summary[0].duplicated == 0);
}

}  // namespace ksim::sim::cluster::test
