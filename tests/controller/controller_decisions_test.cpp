// The controller's decisions (partition_state_machine.h) applied to a real ZooKeeper: the
// quickstart failover, follower deaths, the last ISR member, unclean election, two brokers at
// once, controlled shutdown, preferred election, and a deposed controller's writes.
#include <catch2/catch.hpp>

#include "core/controller/controller_context.h"
#include "core/controller/partition_state_machine.h"
#include "tests/controller/kafka_zk_fixture.h"

using namespace ksim::controller;
using ksim::controller::testing::KafkaZkFixture;
using ksim::protocol::Error;
using ksim::storage::TopicPartition;

namespace {

const TopicPartition p0{"my-replicated-topic", 0};
const std::string state_path = ZkPaths::topic_partition_state("my-replicated-topic", 0);

// Brokers 0, 1, 2; broker 0 controls (epoch 1); topics created by kafka-topics.sh's writes and
// their partitions brought online by the controller.
struct Cluster {
  KafkaZkFixture fixture;
  ControllerContext context;

  explicit Cluster(const std::map<std::string, ReplicaAssignment>& topics,
                   std::set<std::int32_t> brokers = {0, 1, 2}) {
    for (std::int32_t id : brokers) fixture.register_broker(id);
    const std::int32_t epoch_zk_version = fixture.elect_controller(*brokers.begin());
    for (const auto& [name, assignment] : topics) {
      fixture.apply_all(
          create_topic_writes(name, assignment, std::nullopt, {}, false, KafkaVersion{2, 8, 0}));
    }
    context =
        ControllerContext::from_metadata(fixture.metadata(), *brokers.begin(), 1, epoch_zk_version);
    context.scala = zk::ScalaVersion::v2_12;
    const ControllerDecision created = on_new_partitions(context, context.all_partitions());
    fixture.apply_all(created.zk_writes);
    context = created.context;
  }

  // Applies a decision's writes (all must succeed) and adopts its context.
  void adopt(const ControllerDecision& decision) {
    fixture.apply_all(decision.zk_writes);
    context = decision.context;
  }

  ControllerDecision kill(std::set<std::int32_t> brokers) {
    for (std::int32_t id : brokers) fixture.lose_broker(id);
    const ControllerDecision decision = on_broker_failure(context, brokers);
    adopt(decision);
    return decision;
  }

  const LeaderAndIsr& leader_and_isr(const TopicPartition& partition) const {
    return context.leadership(partition)->leader_and_isr;
  }
};

LeaderAndIsr leader_isr(std::int32_t leader, std::vector<std::int32_t> isr, std::int32_t epoch,
                        std::int32_t zk_version) {
  return LeaderAndIsr{leader, epoch, std::move(isr), LeaderAndIsr::recovered, zk_version};
}

}  // namespace

TEST_CASE("the quickstart: a new topic's partition comes online led by its first replica",
          "[controller]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
  CHECK(cluster.fixture.data(state_path) ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,0]})");
  CHECK(cluster.fixture.data_version(state_path) == 0);
  CHECK(cluster.fixture.data(ZkPaths::topic_partition("my-replicated-topic", 0)) == "null");
  CHECK(cluster.leader_and_isr(p0) == leader_isr(1, {1, 2, 0}, 0, 0));
  // What the controller believes is what ZooKeeper holds.
  CHECK(cluster.fixture.metadata().partition_state(p0)->leader_and_isr ==
        cluster.leader_and_isr(p0));
}

TEST_CASE("on_new_partitions: the writes Kafka makes", "[controller][zk]") {
  KafkaZkFixture fixture;
  fixture.register_broker(0);
  fixture.register_broker(2);
  ControllerContext context = ControllerContext::from_metadata(fixture.metadata(), 0, 1, 1);
  context.add_topic("t", std::nullopt, {{0, {{1, 2, 0}, {}, {}}}, {1, {{1}, {}, {}}}});
  const ControllerDecision decision = on_new_partitions(context, context.all_partitions());
  REQUIRE(decision.changes.size() == 1);
  CHECK(decision.changes[0].creates_znode);
  CHECK(decision.changes[0].reason == StateChangeReason::new_partition);
  CHECK(decision.changes[0].state.leader_and_isr == leader_isr(2, {2, 0}, 0, 0));
  CHECK(decision.changes[0].recipients == std::vector<std::int32_t>{2, 0});
  REQUIRE(decision.failures.size() == 1);
  CHECK(decision.failures[0].partition == TopicPartition{"t", 1});
  CHECK(decision.failures[0].error == Error::LEADER_NOT_AVAILABLE);
  CHECK(decision.failures[0].message ==
        "Controller 0 epoch 1 encountered error during state change of partition t-1 from New "
        "to Online, assigned replicas are [1], live brokers are [Set(0, 2)]. No assigned replica "
        "is alive.");
  // /brokers/topics/t/partitions, .../0, then .../0/state, each behind the epoch check.
  REQUIRE(decision.zk_writes.size() == 3);
  for (const ZkWrite& write : decision.zk_writes) {
    REQUIRE(write.ops.size() == 2);
    CHECK(write.ops[0].type == zk::Op::Type::check);
    CHECK(write.ops[0].path == "/controller_epoch");
    CHECK(write.ops[0].version == 1);
    CHECK(write.ops[1].type == zk::Op::Type::create);
  }
  CHECK(decision.zk_writes[0].ops[1].path == "/brokers/topics/t/partitions");
  CHECK(decision.zk_writes[0].node_exists_is_ok);
  CHECK(decision.zk_writes[1].ops[1].path == "/brokers/topics/t/partitions/0");
  CHECK(decision.zk_writes[2].ops[1].path == "/brokers/topics/t/partitions/0/state");
  CHECK(decision.zk_writes[2].ops[1].data ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,0]})");
  CHECK_FALSE(decision.zk_writes[2].node_exists_is_ok);
}

TEST_CASE("kill -9 the leader: the next live ISR replica in assignment order leads",
          "[controller][failover]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
  const ControllerDecision decision = cluster.kill({1});
  REQUIRE(decision.changes.size() == 1);
  const PartitionStateChange& change = decision.changes[0];
  CHECK(change.reason == StateChangeReason::offline_election);
  CHECK_FALSE(change.unclean);
  CHECK(change.state.leader_and_isr == leader_isr(2, {2, 0}, 1, 0));  // expects zkVersion 0
  CHECK(change.written_state().leader_and_isr.zk_version == 1);
  CHECK(change.recipients == std::vector<std::int32_t>{2, 0});
  REQUIRE(decision.zk_writes.size() == 1);
  CHECK(decision.zk_writes[0].ops[1].type == zk::Op::Type::set_data);
  CHECK(decision.zk_writes[0].ops[1].version == 0);
  CHECK(decision.failures.empty());
  // Seed 002 after the kill: "Leader: 2  Replicas: 1,2,0  Isr: 2,0".
  CHECK(cluster.fixture.data(state_path) ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,0]})");
  CHECK(cluster.fixture.data_version(state_path) == 1);
  CHECK(cluster.leader_and_isr(p0) == leader_isr(2, {2, 0}, 1, 1));
  CHECK_FALSE(cluster.context.live_brokers.contains(1));
}

TEST_CASE("a dead follower leaves the ISR and the leader epoch rises", "[controller][isr]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
  cluster.kill({1});
  const ControllerDecision decision = cluster.kill({0});
  REQUIRE(decision.changes.size() == 1);
  CHECK(decision.changes[0].reason == StateChangeReason::replica_offline);
  CHECK(decision.changes[0].state.leader_and_isr == leader_isr(2, {2}, 2, 1));
  CHECK(decision.changes[0].recipients == std::vector<std::int32_t>{1, 2});
  CHECK(cluster.fixture.data(state_path) ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":2,"isr":[2]})");
}

TEST_CASE("the last ISR member dies: leader -1, the ISR keeps it, unclean off keeps it offline",
          "[controller][unclean]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
  cluster.kill({1});
  cluster.kill({0});
  const ControllerDecision decision = cluster.kill({2});
  REQUIRE(decision.failures.size() == 1);
  CHECK(decision.failures[0].error == ksim::protocol::Error::ELIGIBLE_LEADERS_NOT_AVAILABLE);
  CHECK(decision.failures[0].message ==
        "Failed to elect leader for partition my-replicated-topic-0 under strategy "
        "OfflinePartitionLeaderElectionStrategy(false)");
  REQUIRE(decision.changes.size() == 1);
  CHECK(decision.changes[0].reason == StateChangeReason::replica_offline);
  CHECK(cluster.leader_and_isr(p0) == leader_isr(-1, {2}, 3, 3));
  CHECK(cluster.fixture.data(state_path) ==
        R"({"controller_epoch":1,"leader":-1,"version":1,"leader_epoch":3,"isr":[2]})");

  SECTION("a replica outside the ISR comes back: still offline") {
    cluster.fixture.register_broker(0);
    const ControllerDecision startup = on_broker_startup(cluster.context, {{0, std::nullopt}});
    CHECK(startup.changes.empty());
    REQUIRE(startup.failures.size() == 1);
    CHECK(startup.zk_writes.empty());
    CHECK(startup.context.live_brokers.contains(0));
  }
  SECTION("the topic allows unclean election: the returning replica leads, data may be lost") {
    cluster.context.topic_configs["my-replicated-topic"] = {
        {"unclean.leader.election.enable", "true"}};
    cluster.fixture.register_broker(0);
    const ControllerDecision startup = on_broker_startup(cluster.context, {{0, std::nullopt}});
    REQUIRE(startup.changes.size() == 1);
    CHECK(startup.changes[0].unclean);
    CHECK(startup.changes[0].state.leader_and_isr == leader_isr(0, {0}, 4, 3));
    cluster.adopt(startup);
    CHECK(cluster.fixture.data(state_path) ==
          R"({"controller_epoch":1,"leader":0,"version":1,"leader_epoch":4,"isr":[0]})");
  }
  SECTION("the last ISR member returns and leads again") {
    cluster.fixture.register_broker(2);
    const ControllerDecision startup = on_broker_startup(cluster.context, {{2, std::nullopt}});
    REQUIRE(startup.changes.size() == 1);
    CHECK(startup.changes[0].state.leader_and_isr == leader_isr(2, {2}, 4, 3));
  }
}

TEST_CASE("two brokers die at once", "[controller][failover]") {
  SECTION("a live ISR member remains: one election, nothing else to remove") {
    Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
    const ControllerDecision decision = cluster.kill({1, 2});
    REQUIRE(decision.changes.size() == 1);
    CHECK(decision.changes[0].state.leader_and_isr == leader_isr(0, {0}, 1, 0));
  }
  SECTION("the whole ISR dies: one epoch bump per dead replica, the last member kept") {
    Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
    cluster.kill({0});  // ISR [1, 2], epoch 1, zkVersion 1
    REQUIRE(cluster.leader_and_isr(p0) == leader_isr(1, {1, 2}, 1, 1));
    const ControllerDecision decision = cluster.kill({1, 2});
    CHECK(decision.failures.size() == 1);
    REQUIRE(decision.changes.size() == 2);
    CHECK(decision.changes[0].state.leader_and_isr == leader_isr(-1, {2}, 2, 1));
    CHECK(decision.changes[1].state.leader_and_isr == leader_isr(-1, {2}, 3, 2));
    CHECK(cluster.fixture.data(state_path) ==
          R"({"controller_epoch":1,"leader":-1,"version":1,"leader_epoch":3,"isr":[2]})");
  }
}

TEST_CASE("controlled shutdown moves leadership first and leaves the ISRs",
          "[controller][shutdown]") {
  Cluster cluster({{"a", {{0, {1, 2, 0}}}}, {"b", {{0, {0, 1, 2}}}}, {"c", {{0, {1}}}}});
  const ControllerDecision decision = on_controlled_shutdown(cluster.context, 1);
  CHECK(decision.error == Error::NONE);
  REQUIRE(decision.changes.size() == 2);
  CHECK(decision.changes[0].partition == TopicPartition{"a", 0});
  CHECK(decision.changes[0].reason == StateChangeReason::controlled_shutdown_election);
  CHECK(decision.changes[0].state.leader_and_isr == leader_isr(2, {2, 0}, 1, 0));
  CHECK(decision.changes[0].recipients == std::vector<std::int32_t>{1, 2, 0});
  CHECK(decision.changes[1].partition == TopicPartition{"b", 0});
  CHECK(decision.changes[1].reason == StateChangeReason::replica_offline);
  CHECK(decision.changes[1].state.leader_and_isr == leader_isr(0, {0, 2}, 1, 0));
  // The single-replica partition keeps its leader and is not reported as remaining.
  CHECK(decision.partitions_remaining.empty());
  CHECK(decision.context.shutting_down_broker_ids == std::set<std::int32_t>{1});
  CHECK(decision.context.leadership({"c", 0})->leader_and_isr.leader == 1);
  cluster.adopt(decision);
  CHECK(cluster.fixture.data(ZkPaths::topic_partition_state("a", 0)) ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,0]})");

  SECTION("then the broker's session ends: only its single-replica partition goes offline") {
    const ControllerDecision after = cluster.kill({1});
    REQUIRE(after.failures.size() == 1);  // c-0 has no other replica
    CHECK(after.failures[0].partition == TopicPartition{"c", 0});
    REQUIRE(after.changes.size() == 1);
    CHECK(after.changes[0].partition == TopicPartition{"c", 0});
    CHECK(after.changes[0].state.leader_and_isr == leader_isr(-1, {1}, 1, 0));
  }
}

TEST_CASE("controlled shutdown of the only ISR member leaves the partition with it",
          "[controller][shutdown]") {
  Cluster cluster({{"a", {{0, {1, 2, 0}}}}});
  cluster.kill({0});
  cluster.kill({2});  // a-0: leader 1, ISR [1]
  cluster.fixture.register_broker(0);
  cluster.adopt(on_broker_startup(cluster.context, {{0, std::nullopt}}));
  const ControllerDecision decision = on_controlled_shutdown(cluster.context, 1);
  CHECK(decision.changes.empty());
  REQUIRE(decision.failures.size() == 1);
  CHECK(decision.failures[0].message ==
        "Failed to elect leader for partition a-0 under strategy "
        "ControlledShutdownPartitionLeaderElectionStrategy");
  CHECK(decision.partitions_remaining == std::vector<TopicPartition>{{"a", 0}});

  const ControllerDecision unknown = on_controlled_shutdown(cluster.context, 7);
  CHECK(unknown.error == Error::BROKER_NOT_AVAILABLE);
  CHECK(unknown.error_message == "Broker id 7 does not exist.");
}

TEST_CASE("preferred replica election", "[controller][preferred]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
  cluster.kill({1});
  cluster.fixture.register_broker(1);
  cluster.adopt(on_broker_startup(cluster.context, {{1, std::nullopt}}));

  SECTION("the preferred replica is not back in the ISR yet") {
    const ControllerDecision decision = on_preferred_replica_election(cluster.context, {p0});
    CHECK(decision.changes.empty());
    REQUIRE(decision.failures.size() == 1);
    CHECK(decision.failures[0].error == Error::PREFERRED_LEADER_NOT_AVAILABLE);
    CHECK(decision.failures[0].message ==
          "Failed to elect leader for partition my-replicated-topic-0 under strategy "
          "PreferredReplicaPartitionLeaderElectionStrategy");
  }
  SECTION("once the leader has taken it back into the ISR, it leads again") {
    // The leader's ISR expansion (no epoch bump) as the replication layer would write it.
    PartitionLeadership expanded = *cluster.context.leadership(p0);
    expanded.leader_and_isr.isr = {2, 0, 1};
    cluster.fixture.apply_all(
        {update_partition_state_write(p0, expanded, 1, zk::ScalaVersion::v2_12)});
    ++expanded.leader_and_isr.zk_version;
    cluster.context.partition_leadership_info[p0] = expanded;

    const ControllerDecision decision = on_preferred_replica_election(cluster.context, {p0});
    REQUIRE(decision.changes.size() == 1);
    CHECK(decision.changes[0].state.leader_and_isr == leader_isr(1, {2, 0, 1}, 2, 2));
    cluster.adopt(decision);
    CHECK(cluster.fixture.data(state_path) ==
          R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":2,"isr":[2,0,1]})");
    const ControllerDecision again = on_preferred_replica_election(cluster.context, {p0});
    REQUIRE(again.failures.size() == 1);
    CHECK(again.failures[0].error == Error::ELECTION_NOT_NEEDED);
  }
  SECTION("an unknown partition") {
    const ControllerDecision decision =
        on_preferred_replica_election(cluster.context, {{"nope", 0}});
    REQUIRE(decision.failures.size() == 1);
    CHECK(decision.failures[0].error == Error::UNKNOWN_TOPIC_OR_PARTITION);
  }
}

TEST_CASE("a deposed controller's writes fail on the epoch check", "[controller][zk]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}});
  cluster.fixture.lose_broker(1);
  const ControllerDecision decision = on_broker_failure(cluster.context, {1});
  // Broker 0's session ends too; broker 2 becomes controller and bumps /controller_epoch.
  cluster.fixture.lose_broker(0);
  cluster.fixture.elect_controller(2);
  CHECK(cluster.fixture.apply(decision.zk_writes) == std::vector<zk::Code>{zk::Code::BADVERSION});
  CHECK(cluster.fixture.data_version(state_path) == 0);
  CHECK(cluster.fixture.metadata().controller_epoch == 2);
}

TEST_CASE("ControllerContext from a ZooKeeper snapshot", "[controller][context]") {
  Cluster cluster({{"my-replicated-topic", {{0, {1, 2, 0}}}}, {"other", {{0, {0}}, {1, {1}}}}});
  cluster.fixture.apply_all({mark_topic_for_deletion_write("other")});
  ControllerContext context = ControllerContext::from_metadata(cluster.fixture.metadata(), 0, 1, 1);
  CHECK(context.live_broker_ids() == std::set<std::int32_t>{0, 1, 2});
  CHECK(context.topics_to_be_deleted == std::set<std::string>{"other"});
  CHECK(context.partitions_on_broker(1) ==
        std::vector<TopicPartition>{{"my-replicated-topic", 0}, {"other", 1}});
  CHECK(context.partition_replica_assignment(p0) == std::vector<std::int32_t>{1, 2, 0});
  CHECK(context.partition_replica_assignment({"nope", 0}).empty());
  CHECK(context.leadership(p0)->leader_and_isr == leader_isr(1, {1, 2, 0}, 0, 0));
  CHECK(context.partitions_without_leadership().empty());

  // Queued for deletion: no elections for its partitions.
  context.remove_live_broker(1);
  CHECK(context.partitions_with_offline_leader() == std::vector<TopicPartition>{p0});
  CHECK_FALSE(context.is_replica_online(1));
  context.shutting_down_broker_ids.insert(2);
  CHECK_FALSE(context.is_replica_online(2));
  CHECK(context.is_replica_online(2, true));

  context.topic_configs["x"] = {{"unclean.leader.election.enable", "TRUE"}};
  CHECK(context.unclean_leader_election_enabled("x"));
  CHECK_FALSE(context.unclean_leader_election_enabled("my-replicated-topic"));
  context.unclean_leader_election_enable = true;
  CHECK(context.unclean_leader_election_enabled("my-replicated-topic"));
  context.topic_configs["x"] = {{"unclean.leader.election.enable", "false"}};
  CHECK_FALSE(context.unclean_leader_election_enabled("x"));
}

TEST_CASE("deleting a topic's znodes once its replicas are gone", "[controller][zk]") {
  Cluster cluster({{"t", {{0, {0, 1}}, {1, {1, 2}}}}});
  cluster.fixture.apply_all({mark_topic_for_deletion_write("t")});
  REQUIRE(cluster.fixture.exists("/config/topics/t"));
  const std::vector<ZkWrite> writes =
      delete_topic_writes("t", {0, 1}, cluster.context.epoch_zk_version);
  CHECK(writes.size() == 8);
  cluster.fixture.apply_all(writes);
  CHECK_FALSE(cluster.fixture.exists("/brokers/topics/t"));
  CHECK_FALSE(cluster.fixture.exists("/config/topics/t"));
  CHECK_FALSE(cluster.fixture.exists("/admin/delete_topics/t"));
  CHECK(cluster.fixture.metadata().topics.empty());
  cluster.context.remove_topic("t");
  CHECK(cluster.context.all_partitions().empty());
}
