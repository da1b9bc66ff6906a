// The cluster's administration, end to end: controlled shutdown (leadership moves first, the
// partition never goes without a leader), controller failover, adding partitions, deleting a
// topic, reassigning a partition, preferred leader election, and auto-creation on first use.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

namespace ksim::sim::cluster::test {

namespace {

controller::TopicCommandOptions topic_command(controller::TopicCommandAction action,
                                              const std::string& topic) {
  controller::TopicCommandOptions options;
  options.action = action;
  options.topic = topic;
  return options;
}

}  // namespace

TEST_CASE("controlled shutdown moves leadership before the broker stops: no leaderless moment",
          "[cluster]") {
  KafkaCluster cluster(cluster_options(31));
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("t");
  cluster.create_topic("t", 1, 3);
  wait_for_isr(cluster, p, 3);
  REQUIRE(produce(cluster, p, {"a"}, -1).acknowledged());
  const std::vector<std::int32_t> replicas = replicas_of(cluster, p);
  const std::int32_t leader = replicas[0];
  REQUIRE(cluster.shutdown(leader));
  // Every millisecond until the broker is gone and a while after: a live leader in ZooKeeper.
  bool always_led = true;
  for (int ms = 0; ms < 3000; ++ms) {
    cluster.run_for(1_ms);
    const auto state = cluster.partition_state(p);
    const std::int32_t now_leader = state->leader_and_isr.leader;
    if (now_leader < 0 || (now_leader == leader && cluster.broker(leader) == nullptr)) {
      always_led = false;
    }
  }
  CHECK(always_led);
  CHECK(cluster.broker(leader) == nullptr);  // it stopped once its leadership had moved
  const auto state = cluster.partition_state(p);
  CHECK(state->leader_and_isr.leader == replicas[1]);
  CHECK(state->leader_and_isr.isr == std::vector<std::int32_t>{replicas[1], replicas[2]});
  cluster.client().invalidate_metadata();  // it was talking to the stopped leader
  CHECK(produce(cluster, p, {"b"}, -1).base_offset == 1);
  // It comes back cleanly (no recovery) and rejoins the ISR.
  REQUIRE(cluster.start_broker(leader));
  wait_for_isr(cluster, p, 3, 60_s);
}

TEST_CASE("the controller fails over when its broker dies", "[cluster]") {
  KafkaCluster cluster(cluster_options(32));
  cluster.start();
  cluster.wait_until_ready();
  const std::int32_t first = *cluster.controller_id();
  const std::int32_t epoch = cluster.metadata().controller_epoch;
  REQUIRE(cluster.kill(first));
  cluster.run_until(
      [&] {
        const auto id = cluster.controller_id();
        return id && *id != first;
      },
      30_s, "a new controller");
  CHECK(cluster.metadata().controller_epoch == epoch + 1);
  // The new controller works: a topic created now gets its leaders on the live brokers.
  cluster.create_topic("after", 2, 2);
  wait_for_isr(cluster, tp("after", 0), 2);
  wait_for_isr(cluster, tp("after", 1), 2);
}

TEST_CASE("partitions added with --alter get leaders; a deleted topic disappears", "[cluster]") {
  KafkaCluster cluster(cluster_options(33));
  cluster.start();
  cluster.wait_until_ready();
  cluster.create_topic("t", 1, 2);
  wait_for_isr(cluster, tp("t", 0), 2);

  auto alter = topic_command(controller::TopicCommandAction::alter, "t");
  alter.partitions = 3;
  REQUIRE(cluster.topics(alter).exit_code == 0);
  wait_for_isr(cluster, tp("t", 1), 2);
  wait_for_isr(cluster, tp("t", 2), 2);
  CHECK(produce(cluster, tp("t", 2), {"x"}, -1).base_offset == 0);

  REQUIRE(cluster.topics(topic_command(controller::TopicCommandAction::delete_topic, "t"))
              .exit_code == 0);
  cluster.run_until(
      [&] {
        if (cluster.metadata().topic("t") != nullptr) return false;
        for (std::int32_t id : cluster.broker_ids()) {
          if (cluster.replica(id, tp("t", 0)) != nullptr) return false;
        }
        return true;
      },
      30_s, "topic t deleted everywhere");
  const std::string listed =
      cluster.topics(topic_command(controller::TopicCommandAction::list, "t")).out;
  CHECK(listed == "\n");  // Kafka 3.x prints the empty list with println: one empty line
}

TEST_CASE("a reassignment moves a partition to new replicas", "[cluster]") {
  KafkaCluster cluster(cluster_options(34, 4));
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("moving");
  controller::TopicCommandOptions create =
      topic_command(controller::TopicCommandAction::create, "moving");
  create.replica_assignment = "0:1";
  REQUIRE(cluster.topics(create).exit_code == 0);
  wait_for_isr(cluster, p, 2);
  REQUIRE(produce(cluster, p, {"one", "two"}, -1).acknowledged());

  REQUIRE(cluster.reassign_partitions({{p, {2, 3}}}));
  cluster.run_until(
      [&] {
        const controller::ClusterMetadata metadata = cluster.metadata();
        const auto* replicas = metadata.replicas(p);
        return replicas != nullptr && *replicas == std::vector<std::int32_t>{2, 3} &&
               !metadata.partition_state(p)->leader_and_isr.isr.empty() &&
               cluster.replica(0, p) == nullptr && cluster.replica(1, p) == nullptr;
      },
      60_s, "the partition on brokers 2 and 3 only");
  const auto state = cluster.partition_state(p);
  CHECK(state->leader_and_isr.leader == 2);
  cluster.run_for(2_s);
  CHECK(values_of(fetch(cluster, p)) == std::vector<std::string>{"one", "two"});
}

TEST_CASE("preferred leader election moves leadership back to the first replica", "[cluster]") {
  ClusterOptions options = cluster_options(35);
  options.broker.controller.auto_leader_rebalance_enable = false;
  KafkaCluster cluster(options);
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("t");
  cluster.create_topic("t", 1, 3);
  wait_for_isr(cluster, p, 3);
  const std::vector<std::int32_t> replicas = replicas_of(cluster, p);
  REQUIRE(cluster.shutdown(replicas[0]));
  cluster.run_until([&] { return cluster.broker(replicas[0]) == nullptr; }, 30_s, "stopped");
  REQUIRE(cluster.start_broker(replicas[0]));
  wait_for_isr(cluster, p, 3, 60_s);
  CHECK(leader_of(cluster, p) == replicas[1]);
  REQUIRE(cluster.elect_preferred_leaders({p}));
  cluster.run_until([&] { return leader_of(cluster, p) == replicas[0]; }, 10_s,
                    "the preferred replica leads");
}

TEST_CASE("a producer's first request auto-creates its topic", "[cluster]") {
  ClusterOptions options = cluster_options(36);
  options.broker.num_partitions = 2;
  options.broker.default_replication_factor = 3;
  KafkaCluster cluster(options);
  cluster.start();
  cluster.wait_until_ready();
  const ProduceOutcome& outcome = produce(cluster, tp("fresh", 1), {"hello"}, -1);
  CHECK(outcome.acknowledged());
  CHECK(outcome.base_offset == 0);
  const controller::ClusterMetadata metadata = cluster.metadata();
  REQUIRE(metadata.topic("fresh") != nullptr);
  CHECK(metadata.topic("fresh")->partitions.size() == 2);
  CHECK(replicas_of(cluster, tp("fresh", 0)).size() == 3);
}

}  // namespace ksim::sim::cluster::test
