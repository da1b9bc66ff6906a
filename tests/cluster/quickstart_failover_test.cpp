// The multi-broker quickstart (../shared/seeds/002): three brokers, a topic with replication
// factor 3, two messages, kill -9 the leader; the next ISR replica in assignment order leads,
// the killed broker leaves the ISR, and both messages are still readable.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

namespace ksim::sim::cluster::test {

TEST_CASE("quickstart failover: kill -9 the leader, the next ISR replica leads", "[cluster]") {
  KafkaCluster cluster(cluster_options(7));
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("my-replicated-topic");
  cluster.create_topic("my-replicated-topic", 1, 3);
  wait_for_isr(cluster, p, 3);

  const auto before = cluster.partition_state(p);
  REQUIRE(before.has_value());
  const controller::ClusterMetadata metadata = cluster.metadata();
  const std::vector<std::int32_t> replicas =
      metadata.replicas(p) != nullptr ? *metadata.replicas(p) : std::vector<std::int32_t>{};
  REQUIRE(replicas.size() == 3);
  const std::int32_t old_leader = before->leader_and_isr.leader;
  CHECK(old_leader == replicas[0]);  // the preferred replica leads a new partition
  CHECK(before->leader_and_isr.leader_epoch == 0);
  CHECK(before->leader_and_isr.isr == replicas);
  const std::string describe = cluster.describe("my-replicated-topic");
  CHECK_THAT(describe, Catch::Contains(fmt::format(
                           "Topic: my-replicated-topic\tPartition: 0\tLeader: {}\tReplicas: "
                           "{},{},{}\tIsr: {},{},{}",
                           old_leader, replicas[0], replicas[1], replicas[2], replicas[0],
                           replicas[1], replicas[2])));

  CHECK(produce(cluster, p, {"my test message 1"}, -1).base_offset == 0);
  CHECK(produce(cluster, p, {"my test message 2"}, -1).base_offset == 1);

  // If the leader was also the controller, the new controller first marks its replicas offline
  // (leader -1, one epoch) and then elects (another): Kafka's failover does the same.
  const bool leader_was_controller = cluster.controller_id() == old_leader;
  REQUIRE(cluster.kill(old_leader));
  // The controller hears of it when the session expires (18 s), then elects.
  cluster.run_until(
      [&] {
        const auto state = cluster.partition_state(p);
        return state && state->leader_and_isr.leader >= 0 &&
               state->leader_and_isr.leader != old_leader;
      },
      30_s, "a new leader");
  const auto after = cluster.partition_state(p);
  CHECK(after->leader_and_isr.leader == replicas[1]);
  CHECK(after->leader_and_isr.leader_epoch == (leader_was_controller ? 2 : 1));
  CHECK(after->leader_and_isr.isr == std::vector<std::int32_t>{replicas[1], replicas[2]});

  cluster.run_for(1_s);
  const FetchOutcome read = fetch(cluster, p, 0);
  CHECK(read.error == protocol::Error::NONE);
  CHECK(values_of(read) == std::vector<std::string>{"my test message 1", "my test message 2"});
  CHECK_THAT(cluster.describe("my-replicated-topic"),
             Catch::Contains(fmt::format("Leader: {}\tReplicas: {},{},{}\tIsr: {},{}",
                                         replicas[1], replicas[0], replicas[1], replicas[2],
                                         replicas[1], replicas[2])));
}

}  // namespace ksim::sim::cluster::test
