// What acks=1 loses when the leader dies before its followers copied the record, what acks=all
// refuses when the ISR is too small, and what an unclean election loses (Jepsen 2013) or keeps
// offline. Exact offsets, the replication invariants checked after every event.
#include <catch2/catch.hpp>

#include "cluster_test_support.h"

namespace ksim::sim::cluster::test {

TEST_CASE("acks=1 loses the record the leader acknowledged before a follower copied it",
          "[cluster]") {
  KafkaCluster cluster(cluster_options(11));
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("t");
  cluster.create_topic("t", 1, 3);
  wait_for_isr(cluster, p, 3);
  const std::vector<std::int32_t> replicas = replicas_of(cluster, p);
  const std::int32_t leader = replicas[0];
  REQUIRE(produce(cluster, p, {"committed"}, -1).base_offset == 0);

  // The followers stop reaching the leader; the next record exists on the leader only.
  Network& net = cluster.world().network();
  net.cut_link(node(cluster, leader), node(cluster, replicas[1]));
  net.cut_link(node(cluster, leader), node(cluster, replicas[2]));
  const ProduceOutcome& unreplicated = produce(cluster, p, {"acked by the leader only"}, 1);
  REQUIRE(unreplicated.acknowledged());
  CHECK(unreplicated.base_offset == 1);
  CHECK(cluster.replica(leader, p)->log_end_offset() == 2);
  CHECK(cluster.replica(leader, p)->high_watermark() == 1);

  REQUIRE(cluster.kill(leader));
  net.heal();
  cluster.run_until([&] { return leader_of(cluster, p) == replicas[1]; }, 30_s, "failover");
  cluster.run_for(1_s);
  CHECK(cluster.replica(replicas[1], p)->log_end_offset() == 1);
  CHECK(values_of(fetch(cluster, p)) == std::vector<std::string>{"committed"});

  // The old leader comes back as a follower and truncates the record nobody else has.
  REQUIRE(cluster.start_broker(leader));
  cluster.run_until(
      [&] {
        const replication::Partition* copy = cluster.replica(leader, p);
        return copy != nullptr && !copy->is_leader() && copy->log_end_offset() == 1;
      },
      40_s, "the old leader truncated to offset 1");
  // The truncation is reported, with what the audit needs to say what destroyed offset 1.
  std::vector<replication::LogTruncation> cuts;
  for (const BrokerEvent& event : cluster.events()) {
    if (event.truncation && event.broker_id == leader) cuts.push_back(*event.truncation);
  }
  REQUIRE(cuts.size() == 1);
  CHECK(cuts[0].topic_partition == p);
  CHECK(cuts[0].truncated_from == 1);
  CHECK(cuts[0].previous_log_end_offset == 2);
  CHECK(cuts[0].leader_id == replicas[1]);
  CHECK(cuts[0].leader_epoch == 1);
  CHECK(cuts[0].cause == replication::TruncationCause::diverging_epoch);
  REQUIRE(produce(cluster, p, {"after"}, -1).base_offset == 1);
  wait_for_isr(cluster, p, 3, 60_s);
  CHECK(values_of(fetch(cluster, p)) == std::vector<std::string>{"committed", "after"});
}

TEST_CASE("acks=all with min.insync.replicas=2 is refused when two followers are down",
          "[cluster]") {
  KafkaCluster cluster(cluster_options(12));
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("durable");
  cluster.create_topic("durable", 1, 3, {{"min.insync.replicas", "2"}});
  wait_for_isr(cluster, p, 3);
  const std::vector<std::int32_t> replicas = replicas_of(cluster, p);
  REQUIRE(produce(cluster, p, {"one"}, -1).acknowledged());

  REQUIRE(cluster.kill(replicas[1]));
  REQUIRE(cluster.kill(replicas[2]));
  INFO(cluster.events_text());
  cluster.run_until(
      [&] { return cluster.partition_state(p)->leader_and_isr.isr.size() == 1; }, 30_s,
      "the ISR down to the leader");
  cluster.run_for(1_s);
  const ProduceOutcome& refused = produce(cluster, p, {"two"}, -1);
  CHECK(refused.answered);
  CHECK(refused.error == protocol::Error::NOT_ENOUGH_REPLICAS);
  CHECK(cluster.replica(replicas[0], p)->log_end_offset() == 1);  // nothing written
  const ProduceOutcome& accepted = produce(cluster, p, {"three"}, 1);
  CHECK(accepted.acknowledged());
  CHECK(accepted.base_offset == 1);
}

TEST_CASE("a follower cut off for longer than replica.lag.time.max.ms leaves the ISR and rejoins",
          "[cluster]") {
  KafkaCluster cluster(cluster_options(13));
  cluster.start();
  cluster.wait_until_ready();
  const auto p = tp("t");
  cluster.create_topic("t", 1, 3);
  wait_for_isr(cluster, p, 3);
  const std::vector<std::int32_t> replicas = replicas_of(cluster, p);
  Network& net = cluster.world().network();
  const SimTime cut_at = cluster.now();
  net.cut_link(node(cluster, replicas[0]), node(cluster, replicas[2]));
  // acks=1 traffic, one record a second: the cut-off follower falls behind.
  std::optional<SimTime> shrunk_at;
  for (int second = 0; second < 50 && !shrunk_at; ++second) {
    cluster.client().produce(p, {fmt::format("r{}", second)}, 1);
    cluster.run_for(1_s);
    if (cluster.partition_state(p)->leader_and_isr.isr.size() == 2) shrunk_at = cluster.now();
  }
  REQUIRE(shrunk_at.has_value());
  // Not before replica.lag.time.max.ms, and within one more check period (lag / 2).
  CHECK(*shrunk_at - cut_at > 30_s);
  CHECK(*shrunk_at - cut_at <= 46_s);
  CHECK(cluster.partition_state(p)->leader_and_isr.isr ==
        std::vector<std::int32_t>{replicas[0], replicas[1]});

  net.heal();
  wait_for_isr(cluster, p, 3, 10_s);
  CHECK(cluster.partition_state(p)->leader_and_isr.isr ==
        std::vector<std::int32_t>{replicas[0], replicas[1], replicas[2]});
}

namespace {

// Jepsen 2013: the followers lose the leader, the ISR shrinks to the leader alone
// (min.insync.replicas=1), acks=all writes keep being acknowledged; then the leader is cut off
// from everything and its session expires. Four brokers, the topic's three replicas on the
// brokers that are not the controller, so the leader can still reach the controller to shrink
// its ISR (as the 2013 leader could still reach ZooKeeper).
struct JepsenRun {
  KafkaCluster cluster;
  storage::TopicPartition p = tp("jepsen");
  std::vector<std::int32_t> replicas;
  std::vector<std::string> acknowledged_alone;

  explicit JepsenRun(bool unclean) : cluster([&] {
    ClusterOptions options = cluster_options(21, 4);
    options.broker.controller.unclean_leader_election_enable = unclean;
    return options;
  }()) {
    cluster.start();
    cluster.wait_until_ready();
    std::vector<std::string> others;
    for (std::int32_t id : cluster.broker_ids()) {
      if (id != cluster.controller_id()) others.push_back(std::to_string(id));
    }
    controller::TopicCommandOptions create;
    create.action = controller::TopicCommandAction::create;
    create.topic = "jepsen";
    create.replica_assignment = fmt::format("{}:{}:{}", others[0], others[1], others[2]);
    REQUIRE(cluster.topics(create).exit_code == 0);
    wait_for_isr(cluster, p, 3);
    replicas = replicas_of(cluster, p);
    REQUIRE(produce(cluster, p, {"before"}, -1).acknowledged());
    Network& net = cluster.world().network();
    net.cut_link(node(cluster, replicas[0]), node(cluster, replicas[1]));
    net.cut_link(node(cluster, replicas[0]), node(cluster, replicas[2]));
    // A write the followers cannot copy: they fall behind and leave the ISR after
    // replica.lag.time.max.ms (an idle follower with the leader's LEO would stay).
    REQUIRE(produce(cluster, p, {"during the cut"}, 1).acknowledged());
    cluster.run_until(
        [&] { return cluster.partition_state(p)->leader_and_isr.isr.size() == 1; }, 60_s,
        "the ISR shrunk to the leader");
    for (int i = 0; i < 3; ++i) {
      const std::string value = fmt::format("alone-{}", i);
      REQUIRE(produce(cluster, p, {value}, -1).acknowledged());
      acknowledged_alone.push_back(value);
    }
    net.heal();
    net.isolate(node(cluster, replicas[0]));
  }
};

}  // namespace

TEST_CASE("unclean election loses acknowledged acks=all writes (Jepsen 2013)", "[cluster]") {
  JepsenRun run(true);
  KafkaCluster& cluster = run.cluster;
  cluster.run_until([&] { return leader_of(cluster, run.p) == run.replicas[1]; }, 40_s,
                    "the unclean election");
  const auto state = cluster.partition_state(run.p);
  CHECK(state->leader_and_isr.isr == std::vector<std::int32_t>{run.replicas[1]});
  cluster.run_for(1_s);
  // Everything the leader acknowledged alone is gone, acks=all included.
  CHECK(run.acknowledged_alone.size() == 3);
  CHECK(values_of(fetch(cluster, run.p)) == std::vector<std::string>{"before"});
  CHECK(cluster.replica(run.replicas[1], run.p)->log_end_offset() == 1);
}

TEST_CASE("without unclean election the partition stays offline instead", "[cluster]") {
  JepsenRun run(false);
  KafkaCluster& cluster = run.cluster;
  cluster.run_until([&] { return leader_of(cluster, run.p) == -1; }, 40_s, "the partition offline");
  cluster.run_for(10_s);
  const auto state = cluster.partition_state(run.p);
  CHECK(state->leader_and_isr.leader == -1);
  CHECK(state->leader_and_isr.isr == std::vector<std::int32_t>{run.replicas[0]});
  CHECK_THAT(cluster.describe("jepsen"), Catch::Contains("Leader: none"));
}

}  // namespace ksim::sim::cluster::test
