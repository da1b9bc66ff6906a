// kafka-topics.sh's outputs byte for byte: the seeds' transcripts (Kafka 0.8.2, 0.9, 1.0), the
// ZooKeeper-era 2.x formats, and 3.x over --bootstrap-server; every error message. Each test
// runs the command on a real ZooKeeper, applies its writes, and lets the controller's decisions
// bring new partitions online, as a cluster would.
#include "core/controller/topic_command.h"

#include <catch2/catch.hpp>

#include "core/controller/admin_error.h"
#include "core/controller/controller_context.h"
#include "core/controller/java_hash_map_order.h"
#include "core/controller/partition_state_machine.h"
#include "core/controller/topic_names.h"
#include "tests/controller/kafka_zk_fixture.h"

using namespace ksim::controller;
using ksim::controller::testing::KafkaZkFixture;
using Action = TopicCommandAction;

namespace {

// The seeds lost Kafka's tabs to spaces: compare with every run of whitespace as one space.
std::string squash(const std::string& text) {
  std::string squashed;
  for (char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space) {
      squashed += c;
    } else if (!squashed.empty() && squashed.back() != ' ') {
      squashed += ' ';
    }
  }
  if (!squashed.empty() && squashed.back() == ' ') squashed.pop_back();
  return squashed;
}

// A cluster with its brokers registered and broker `controller` in control; commands run
// against ZooKeeper's contents, their writes are applied, and the controller brings new
// partitions online.
struct Sandbox {
  KafkaZkFixture fixture;
  ControllerContext controller;
  TopicCommandEnvironment env;

  Sandbox(std::vector<std::int32_t> brokers, KafkaVersion version) {
    for (std::int32_t id : brokers) fixture.register_broker(id);
    const std::int32_t epoch_zk_version = fixture.elect_controller(brokers.front());
    controller =
        ControllerContext::from_metadata(fixture.metadata(), brokers.front(), 1, epoch_zk_version);
    controller.scala = default_scala_version(version);
    env.version = version;
    env.log_timestamp = "2019-11-30 07:07:02,569";
  }

  TopicCommandResult run(const TopicCommandOptions& options) {
    TopicCommandResult result = run_topic_command(fixture.metadata(), options, env);
    fixture.apply_all(result.zk_writes);
    sync_controller();
    return result;
  }

  // The controller's watch on /brokers/topics: new topics and partitions come online.
  void sync_controller() {
    const ClusterMetadata metadata = fixture.metadata();
    std::vector<ksim::storage::TopicPartition> added;
    for (const auto& [name, topic] : metadata.topics) {
      for (const auto& [partition, assignment] : topic.partitions) {
        const ksim::storage::TopicPartition tp{name, partition};
        if (!controller.partition_assignments.contains(tp)) added.push_back(tp);
      }
      controller.add_topic(name, topic.topic_id, topic.partitions);
    }
    if (!added.empty()) adopt(on_new_partitions(controller, added));
  }

  void adopt(const ControllerDecision& decision) {
    fixture.apply_all(decision.zk_writes);
    controller = decision.context;
  }

  void kill(std::int32_t broker) {
    fixture.lose_broker(broker);
    adopt(on_broker_failure(controller, {broker}));
  }
};

TopicCommandOptions create(std::string topic, std::int32_t partitions, std::int32_t rf) {
  TopicCommandOptions options;
  options.action = Action::create;
  options.topic = std::move(topic);
  options.partitions = partitions;
  options.replication_factor = rf;
  return options;
}

TopicCommandOptions command(Action action, std::optional<std::string> topic = std::nullopt) {
  TopicCommandOptions options;
  options.action = action;
  options.topic = std::move(topic);
  return options;
}

TopicCommandOptions bootstrap(TopicCommandOptions options) {
  options.bootstrap_server = true;
  return options;
}

}  // namespace

TEST_CASE("seed 002: the Kafka 1.0 multi-broker quickstart", "[topics][seed]") {
  Sandbox sandbox({0}, KafkaVersion{1, 0, 0});
  sandbox.env.randomness = {0, 0};
  CHECK(sandbox.run(create("test", 1, 1)).out == "Created topic \"test\".\n");
  // > bin/kafka-topics.sh --list --zookeeper localhost:2181
  CHECK(sandbox.run(command(Action::list)).out == "test\n");

  sandbox.fixture.register_broker(1);
  sandbox.fixture.register_broker(2);
  sandbox.adopt(on_broker_startup(sandbox.controller, {{1, std::nullopt}, {2, std::nullopt}}));
  sandbox.env.randomness = {1, 0};
  const TopicCommandResult created = sandbox.run(create("my-replicated-topic", 1, 3));
  CHECK(created.out == "Created topic \"my-replicated-topic\".\n");
  CHECK(created.err.empty());
  CHECK(created.exit_code == 0);

  const std::string describe = sandbox.run(command(Action::describe, "my-replicated-topic")).out;
  CHECK(describe ==
        "Topic:my-replicated-topic\tPartitionCount:1\tReplicationFactor:3\tConfigs:\n"
        "\tTopic: my-replicated-topic\tPartition: 0\tLeader: 1\tReplicas: 1,2,0\tIsr: 1,2,0\n");
  CHECK(squash(describe) ==
        squash("Topic:my-replicated-topic   PartitionCount:1    ReplicationFactor:3 Configs:  \n"
               "Topic: my-replicated-topic  Partition: 0    Leader: 1   Replicas: 1,2,0 "
               "Isr: 1,2,0"));
  CHECK(squash(sandbox.run(command(Action::describe, "test")).out) ==
        squash("Topic:test  PartitionCount:1    ReplicationFactor:1 Configs:\n"
               "    Topic: test Partition: 0    Leader: 0   Replicas: 0 Isr: 0"));

  // kill -9 broker 1: "Leader: 2 Replicas: 1,2,0 Isr: 2,0".
  sandbox.kill(1);
  const std::string after = sandbox.run(command(Action::describe, "my-replicated-topic")).out;
  CHECK(after ==
        "Topic:my-replicated-topic\tPartitionCount:1\tReplicationFactor:3\tConfigs:\n"
        "\tTopic: my-replicated-topic\tPartition: 0\tLeader: 2\tReplicas: 1,2,0\tIsr: 2,0\n");
  CHECK(squash(after) ==
        squash("Topic:my-replicated-topic   PartitionCount:1    ReplicationFactor:3 Configs:\n"
               "    Topic: my-replicated-topic  Partition: 0    Leader: 2   Replicas: 1,2,0 "
               "Isr: 2,0"));
}

TEST_CASE("seed 000: Kafka 0.8.2, four brokers, describe and delete", "[topics][seed]") {
  Sandbox sandbox({1, 2, 3, 4}, KafkaVersion{0, 8, 2});
  sandbox.env.randomness = {3, 1};
  CHECK(sandbox.run(create("test", 4, 2)).out == "Created topic \"test\".\n");
  CHECK(sandbox.run(command(Action::list)).out == "test\n");
  const std::string describe = sandbox.run(command(Action::describe, "test")).out;
  CHECK(squash(describe) ==
        squash("Topic:test      PartitionCount:4        ReplicationFactor:2     Configs:\n"
               "        Topic: test     Partition: 0    Leader: 4       Replicas: 4,2   Isr: 4,2\n"
               "        Topic: test     Partition: 1    Leader: 1       Replicas: 1,3   Isr: 1,3\n"
               "        Topic: test     Partition: 2    Leader: 2       Replicas: 2,4   Isr: 2,4\n"
               "        Topic: test     Partition: 3    Leader: 3       Replicas: 3,1   Isr: 3,1"));
  // [zk: localhost:2181(CONNECTED) 7] get /brokers/topics/test/partitions/3/state
  CHECK(sandbox.fixture.data(ZkPaths::topic_partition_state("test", 3)) ==
        R"({"controller_epoch":1,"leader":3,"version":1,"leader_epoch":0,"isr":[3,1]})");
  const TopicCommandResult deleted = sandbox.run(command(Action::delete_topic, "test"));
  CHECK(deleted.out ==
        "Topic test is marked for deletion.\n"
        "Note: This will have no impact if delete.topic.enable is not set to true.\n");
  CHECK(sandbox.fixture.data("/admin/delete_topics/test") == "null");
  // 0.8.2 describes a topic marked for deletion without saying so.
  CHECK(sandbox.run(command(Action::describe, "test")).out == describe);
  CHECK(sandbox.run(command(Action::list)).out == "test - marked for deletion\n");
}

TEST_CASE("seed 004: Kafka 0.9, replication factor 4 on three brokers", "[topics][seed][errors]") {
  Sandbox sandbox({0, 1, 2}, KafkaVersion{0, 9, 0});
  sandbox.env.log_timestamp = "2016-02-26 16:17:15,436";
  const TopicCommandResult failed = sandbox.run(create("test", 1, 4));
  CHECK(failed.exit_code == 1);
  CHECK(failed.zk_writes.empty());
  CHECK(failed.out ==
        "Error while executing topic command : replication factor: 4 larger than available "
        "brokers: 3\n");
  CHECK(failed.err ==
        "[2016-02-26 16:17:15,436] ERROR kafka.admin.AdminOperationException: replication "
        "factor: 4 larger than available brokers: 3\n"
        "\tat kafka.admin.AdminUtils$.assignReplicasToBrokers(AdminUtils.scala:77)\n"
        "\tat kafka.admin.AdminUtils$.createTopic(AdminUtils.scala:236)\n"
        "\tat kafka.admin.TopicCommand$.createTopic(TopicCommand.scala:105)\n"
        "\tat kafka.admin.TopicCommand$.main(TopicCommand.scala:60)\n"
        "\tat kafka.admin.TopicCommand.main(TopicCommand.scala)\n"
        " (kafka.admin.TopicCommand$)\n");
  CHECK(
      squash(failed.out + failed.err) ==
      squash(
          R"(Error while executing topic command : replication factor: 4 larger than available brokers: 3
[2016-02-26 16:17:15,436] ERROR kafka.admin.AdminOperationException: replication factor: 4 larger than available brokers: 3
at kafka.admin.AdminUtils$.assignReplicasToBrokers(AdminUtils.scala:77)
at kafka.admin.AdminUtils$.createTopic(AdminUtils.scala:236)
at kafka.admin.TopicCommand$.createTopic(TopicCommand.scala:105)
at kafka.admin.TopicCommand$.main(TopicCommand.scala:60)
at kafka.admin.TopicCommand.main(TopicCommand.scala)
(kafka.admin.TopicCommand$))"));

  CHECK(sandbox.run(create("test", 1, 3)).out == "Created topic \"test\".\n");
  CHECK(squash(sandbox.run(command(Action::describe, "test")).out) ==
        squash("Topic:test PartitionCount:1 ReplicationFactor:3 Configs:\n"
               "Topic: test Partition: 0 Leader: 0 Replicas: 0,1,2 Isr: 0,1,2"));
  CHECK(sandbox.run(create("test", 1, 3)).out ==
        "Error while executing topic command : Topic \"test\" already exists.\n");
}

TEST_CASE("ZooKeeper-era 2.x: create, its writes, and its errors", "[topics][errors]") {
  Sandbox sandbox({0, 1, 2}, KafkaVersion{2, 8, 0});
  sandbox.env.randomness = {1, 0};
  sandbox.env.new_topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
  const TopicCommandResult created = sandbox.run(create("my-replicated-topic", 1, 3));
  CHECK(created.out == "Created topic my-replicated-topic.\n");
  REQUIRE(created.zk_writes.size() == 2);
  CHECK(sandbox.fixture.data("/config/topics/my-replicated-topic") ==
        R"({"version":1,"config":{}})");
  // Kafka 2.8 writes version 2 with the topic id, keys in Scala 2.12's HashMap order.
  TopicAssignment expected;
  expected.version = 2;
  expected.topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
  expected.partitions[0].replicas = {1, 2, 0};
  CHECK(sandbox.fixture.data("/brokers/topics/my-replicated-topic") ==
        encode_topic_assignment(expected, zk::ScalaVersion::v2_12));
  const ClusterMetadata metadata = sandbox.fixture.metadata();
  REQUIRE(metadata.topic("my-replicated-topic") != nullptr);
  CHECK(metadata.topic("my-replicated-topic")->topic_id == "SbJQ_jVrRFOYqlkfIgLwNg");
  CHECK(metadata.replicas({"my-replicated-topic", 0})->size() == 3);

  SECTION("replication factor larger than the brokers") {
    const TopicCommandResult result = sandbox.run(create("t4", 1, 4));
    CHECK(result.exit_code == 1);
    CHECK(result.out ==
          "Error while executing topic command : Replication factor: 4 larger than available "
          "brokers: 3.\n");
    CHECK(result.err ==
          "[2019-11-30 07:07:02,569] ERROR "
          "org.apache.kafka.common.errors.InvalidReplicationFactorException: Replication factor: "
          "4 larger than available brokers: 3.\n (kafka.admin.TopicCommand$)\n");
  }
  SECTION("zero partitions, zero replicas") {
    CHECK(sandbox.run(create("t", 0, 1)).out ==
          "Error while executing topic command : Number of partitions must be larger than 0.\n");
    CHECK(sandbox.run(create("t", 1, 0)).out ==
          "Error while executing topic command : Replication factor must be larger than 0.\n");
  }
  SECTION("the topic exists") {
    const TopicCommandResult result = sandbox.run(create("my-replicated-topic", 1, 3));
    CHECK(result.out ==
          "Error while executing topic command : Topic 'my-replicated-topic' already exists.\n");
    CHECK(result.err ==
          "[2019-11-30 07:07:02,569] ERROR org.apache.kafka.common.errors.TopicExistsException: "
          "Topic 'my-replicated-topic' already exists.\n (kafka.admin.TopicCommand$)\n");
    CHECK(result.zk_writes.empty());
    // The assignment is computed before the existence check: its error wins.
    CHECK(sandbox.run(create("my-replicated-topic", 1, 4)).out ==
          "Error while executing topic command : Replication factor: 4 larger than available "
          "brokers: 3.\n");
    TopicCommandOptions quiet = create("my-replicated-topic", 1, 3);
    quiet.if_not_exists = true;
    const TopicCommandResult silent = sandbox.run(quiet);
    CHECK(silent.out.empty());
    CHECK(silent.exit_code == 0);
  }
  SECTION("a period or an underscore: the warning, and collisions") {
    const TopicCommandResult dotted = sandbox.run(create("a.b", 1, 1));
    CHECK(dotted.out ==
          "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore "
          "('_') could collide. To avoid issues it is best to use either, but not both.\n"
          "Created topic a.b.\n");
    const TopicCommandResult collides = sandbox.run(create("a_b", 1, 1));
    CHECK(collides.out ==
          "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore "
          "('_') could collide. To avoid issues it is best to use either, but not both.\n"
          "Error while executing topic command : Topic 'a_b' collides with existing topics: a.b\n");
    CHECK(collides.err ==
          "[2019-11-30 07:07:02,569] ERROR org.apache.kafka.common.errors.InvalidTopicException: "
          "Topic 'a_b' collides with existing topics: a.b\n (kafka.admin.TopicCommand$)\n");
  }
  SECTION("illegal names") {
    CHECK(sandbox.run(create("a b", 1, 1)).out ==
          "Error while executing topic command : Topic name \"a b\" is illegal, it contains a "
          "character other than ASCII alphanumerics, '.', '_' and '-'\n");
    const std::string long_name(250, 'x');
    CHECK(sandbox.run(create(long_name, 1, 1)).out ==
          "Error while executing topic command : Topic name is illegal, it can't be longer than "
          "249 characters, topic name: " +
              long_name + "\n");
    CHECK(sandbox.run(create(std::string(249, 'x'), 1, 1)).exit_code == 0);
    CHECK(sandbox.run(create("..", 1, 1)).out ==
          "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore "
          "('_') could collide. To avoid issues it is best to use either, but not both.\n"
          "Error while executing topic command : Topic name cannot be \".\" or \"..\"\n");
    CHECK(sandbox.run(create("", 1, 1)).out ==
          "Error while executing topic command : Topic name is illegal, it can't be empty\n");
  }
  SECTION("an explicit replica assignment") {
    TopicCommandOptions manual = command(Action::create, "manual");
    manual.replica_assignment = "0:1,1:2,0:2,1:2";
    CHECK(sandbox.run(manual).out == "Created topic manual.\n");
    CHECK(sandbox.fixture.metadata().topic("manual")->partitions.at(2).replicas ==
          std::vector<std::int32_t>{0, 2});
    manual.topic = "dup";
    manual.replica_assignment = "1:1";
    const TopicCommandResult duplicate = sandbox.run(manual);
    CHECK(duplicate.out ==
          "Error while executing topic command : Partition replica lists may not contain "
          "duplicate entries: 1\n");
    CHECK(duplicate.err ==
          "[2019-11-30 07:07:02,569] ERROR kafka.common.AdminCommandFailedException: Partition "
          "replica lists may not contain duplicate entries: 1\n (kafka.admin.TopicCommand$)\n");
  }
  SECTION("missing arguments are joptsimple's") {
    TopicCommandOptions no_rf = command(Action::create, "x");
    no_rf.partitions = 1;
    const TopicCommandResult result = sandbox.run(no_rf);
    CHECK(result.out.empty());
    CHECK(result.err == "Missing required argument \"[replication-factor]\"\n");
    CHECK(result.exit_code == 1);
    CHECK(sandbox.run(command(Action::delete_topic)).err ==
          "Missing required argument \"[topic]\"\n");
  }
}

TEST_CASE("errors in the words of Kafka 1.0 and 0.11", "[topics][errors]") {
  Sandbox v1_0({0}, KafkaVersion{1, 0, 0});
  CHECK(v1_0.run(create("t", 1, 3)).out ==
        "Error while executing topic command : replication factor: 3 larger than available "
        "brokers: 1\n");
  CHECK(v1_0.run(create("t", 1, 3)).err ==
        "[2019-11-30 07:07:02,569] ERROR "
        "org.apache.kafka.common.errors.InvalidReplicationFactorException: replication factor: 3 "
        "larger than available brokers: 1\n (kafka.admin.TopicCommand$)\n");
  CHECK(v1_0.run(create("a b", 1, 1)).out ==
        "Error while executing topic command : Topic name \"a b\" is illegal, it contains a "
        "character other than ASCII alphanumerics, '.', '_' and '-'\n");

  Sandbox v0_11({0}, KafkaVersion{0, 11, 0});
  const TopicCommandResult legacy = v0_11.run(create("tes@@#(23", 1, 1));
  CHECK(legacy.err ==
        "[2019-11-30 07:07:02,569] ERROR org.apache.kafka.common.errors.InvalidTopicException: "
        "topic name tes@@#(23 is illegal, contains a character other than ASCII alphanumerics, "
        "'.', '_' and '-'\n (kafka.admin.TopicCommand$)\n");
  CHECK(v0_11.run(create("@@@", 1, 1)).out ==
        "Error while executing topic command : topic name @@@ is illegal,  contains a character "
        "other than ASCII alphanumerics, '.', '_' and '-'\n");
  CHECK(v0_11.run(create(std::string(250, 'y'), 1, 1)).out ==
        "Error while executing topic command : topic name is illegal, can't be longer than 249 "
        "characters\n");
  CHECK(v0_11.run(create(".", 1, 1)).out ==
        "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore "
        "('_') could collide. To avoid issues it is best to use either, but not both.\n"
        "Error while executing topic command : topic name cannot be \".\" or \"..\"\n");
}

TEST_CASE("kafka-topics.sh --list: sorted, internal topics too, deletions marked", "[topics]") {
  Sandbox sandbox({0, 1, 2}, KafkaVersion{2, 8, 0});
  sandbox.run(create("orders", 1, 1));
  sandbox.run(create("audit", 1, 1));
  sandbox.run(create("__consumer_offsets", 3, 1));
  sandbox.run(command(Action::delete_topic, "audit"));
  CHECK(sandbox.run(command(Action::list)).out ==
        "__consumer_offsets\naudit - marked for deletion\norders\n");
  TopicCommandOptions exclude = command(Action::list);
  exclude.exclude_internal = true;
  CHECK(sandbox.run(exclude).out == "audit - marked for deletion\norders\n");
  CHECK(sandbox.run(command(Action::list, "or.*")).out == "orders\n");
  CHECK(sandbox.run(command(Action::list, "audit, orders")).out ==
        "audit - marked for deletion\norders\n");
  CHECK(sandbox.run(command(Action::list, "ord")).out.empty());
  const TopicCommandResult bad = sandbox.run(command(Action::list, "("));
  CHECK(bad.out == "Error while executing topic command : ( is an invalid regex.\n");
  // Over --bootstrap-server: the names only, and a lone newline when there are none.
  CHECK(sandbox.run(bootstrap(command(Action::list))).out == "__consumer_offsets\naudit\norders\n");
  CHECK(sandbox.run(bootstrap(command(Action::list, "nothing"))).out == "\n");
}

TEST_CASE("kafka-topics.sh --describe in the 2.4+ format, TopicId from 2.8, and Leader: none",
          "[topics][describe]") {
  SECTION("2.4: a space after each colon, an empty Configs") {
    Sandbox sandbox({0, 1, 2}, KafkaVersion{2, 4, 0});
    sandbox.env.randomness = {2, 0};
    sandbox.run(create("first-topic", 1, 3));
    CHECK(sandbox.run(command(Action::describe, "first-topic")).out ==
          "Topic: first-topic\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: \n"
          "\tTopic: first-topic\tPartition: 0\tLeader: 2\tReplicas: 2,0,1\tIsr: 2,0,1\n");
  }
  SECTION("2.8: the topic id") {
    Sandbox sandbox({0, 1, 2}, KafkaVersion{2, 8, 0});
    sandbox.env.randomness = {1, 0};
    sandbox.env.new_topic_id = "o8-iZDWFTimnBAdYVjga3A";
    sandbox.run(create("first", 1, 3));
    CHECK(sandbox.run(command(Action::describe, "first")).out ==
          "Topic: first\tTopicId: o8-iZDWFTimnBAdYVjga3A\tPartitionCount: 1\tReplicationFactor: "
          "3\tConfigs: \n"
          "\tTopic: first\tPartition: 0\tLeader: 1\tReplicas: 1,2,0\tIsr: 1,2,0\n");
    sandbox.kill(1);
    sandbox.kill(0);
    sandbox.kill(2);
    CHECK(sandbox.run(command(Action::describe, "first")).out ==
          "Topic: first\tTopicId: o8-iZDWFTimnBAdYVjga3A\tPartitionCount: 1\tReplicationFactor: "
          "3\tConfigs: \n"
          "\tTopic: first\tPartition: 0\tLeader: none\tReplicas: 1,2,0\tIsr: 2\n");
  }
  SECTION("before 2.4 the tool prints the -1 it reads") {
    Sandbox sandbox({0, 1}, KafkaVersion{2, 2, 0});
    sandbox.run(create("t", 1, 2));
    sandbox.kill(1);
    sandbox.kill(0);
    CHECK(sandbox.run(command(Action::describe, "t")).out ==
          "Topic:t\tPartitionCount:1\tReplicationFactor:2\tConfigs:\n"
          "\tTopic: t\tPartition: 0\tLeader: -1\tReplicas: 0,1\tIsr: 0\n");
  }
  SECTION("a partition the controller has not elected yet") {
    Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
    const TopicCommandResult created =
        run_topic_command(sandbox.fixture.metadata(), create("t", 1, 1), sandbox.env);
    sandbox.fixture.apply_all(created.zk_writes);  // no controller in between
    CHECK(run_topic_command(sandbox.fixture.metadata(), command(Action::describe, "t"), sandbox.env)
              .out ==
          "Topic: t\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"
          "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 0\tIsr: \n");
  }
}

TEST_CASE("kafka-topics.sh --describe filters: under-replicated and unavailable partitions",
          "[topics][describe]") {
  Sandbox sandbox({0, 1, 2}, KafkaVersion{2, 8, 0});
  sandbox.env.randomness = {0, 0};
  sandbox.run(create("t", 3, 2));       // [0,1] [1,2] [2,0]
  sandbox.run(create("single", 1, 1));  // [0]... start 0 -> [0]
  sandbox.kill(1);
  TopicCommandOptions under = command(Action::describe);
  under.under_replicated_partitions = true;
  CHECK(sandbox.run(under).out ==
        "\tTopic: t\tPartition: 0\tLeader: 0\tReplicas: 0,1\tIsr: 0\n"
        "\tTopic: t\tPartition: 1\tLeader: 2\tReplicas: 1,2\tIsr: 2\n");
  sandbox.kill(0);
  TopicCommandOptions unavailable = command(Action::describe);
  unavailable.unavailable_partitions = true;
  CHECK(sandbox.run(unavailable).out ==
        "\tTopic: single\tPartition: 0\tLeader: none\tReplicas: 0\tIsr: 0\n"
        "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 0,1\tIsr: 0\n");
  // A leader whose broker is gone counts as unavailable before the controller acts.
  sandbox.fixture.lose_broker(2);
  CHECK(sandbox.run(unavailable).out ==
        "\tTopic: single\tPartition: 0\tLeader: none\tReplicas: 0\tIsr: 0\n"
        "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 0,1\tIsr: 0\n"
        "\tTopic: t\tPartition: 1\tLeader: 2\tReplicas: 1,2\tIsr: 2\n"
        "\tTopic: t\tPartition: 2\tLeader: 2\tReplicas: 2,0\tIsr: 2\n");
}

TEST_CASE("kafka-topics.sh --describe of a topic marked for deletion", "[topics][describe]") {
  SECTION("2.2: on the topic line, and on partition lines only under a filter") {
    Sandbox sandbox({0, 1}, KafkaVersion{2, 2, 0});
    sandbox.run(create("t", 1, 2));
    sandbox.run(command(Action::delete_topic, "t"));
    CHECK(sandbox.run(command(Action::describe, "t")).out ==
          "Topic:t\tPartitionCount:1\tReplicationFactor:2\tConfigs:\tMarkedForDeletion:true\n"
          "\tTopic: t\tPartition: 0\tLeader: 0\tReplicas: 0,1\tIsr: 0,1\n");
    sandbox.kill(1);
    TopicCommandOptions under = command(Action::describe, "t");
    under.under_replicated_partitions = true;
    CHECK(sandbox.run(under).out ==
          "\tTopic: t\tPartition: 0\tLeader: 0\tReplicas: 0,1\tIsr: 0\tMarkedForDeletion: true\n");
  }
  SECTION("2.8: everywhere") {
    Sandbox sandbox({0, 1}, KafkaVersion{2, 8, 0});
    sandbox.run(create("t", 1, 2));
    sandbox.run(command(Action::delete_topic, "t"));
    CHECK(
        sandbox.run(command(Action::describe, "t")).out ==
        "Topic: t\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: \tMarkedForDeletion: true\n"
        "\tTopic: t\tPartition: 0\tLeader: 0\tReplicas: 0,1\tIsr: 0,1\tMarkedForDeletion: true\n");
  }
}

TEST_CASE("kafka-topics.sh --describe: config overrides in the order Kafka's collections give them",
          "[topics][describe]") {
  TopicCommandOptions with_configs = create("c", 1, 1);
  with_configs.configs = {
      {"min.insync.replicas", "2"}, {"retention.ms", "1000"}, {"cleanup.policy", "compact"}};
  SECTION("2.8: a HashMap of 4 bins (cleanup.policy and min.insync.replicas share bin 2)") {
    Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
    sandbox.run(with_configs);
    // Written by a Java 8 Properties: retention.ms, cleanup.policy, min.insync.replicas.
    CHECK(sandbox.fixture.data("/config/topics/c") ==
          R"({"version":1,"config":{"retention.ms":"1000","cleanup.policy":"compact",)"
          R"("min.insync.replicas":"2"}})");
    CHECK(sandbox.run(command(Action::describe, "c")).out ==
          "Topic: c\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: "
          "cleanup.policy=compact,min.insync.replicas=2,retention.ms=1000\n"
          "\tTopic: c\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0\n");
  }
  SECTION("2.2: the Properties read back (Hashtable of 11, newest first in a bucket)") {
    Sandbox sandbox({0}, KafkaVersion{2, 2, 0});
    sandbox.run(with_configs);
    CHECK(sandbox.run(command(Action::describe, "c")).out ==
          "Topic:c\tPartitionCount:1\tReplicationFactor:1\tConfigs:"
          "retention.ms=1000,min.insync.replicas=2,cleanup.policy=compact\n"
          "\tTopic: c\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0\n");
  }
  SECTION("--topics-with-overrides: only topic lines with overrides") {
    Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
    sandbox.run(with_configs);
    sandbox.run(create("plain", 1, 1));
    TopicCommandOptions overrides = command(Action::describe);
    overrides.topics_with_overrides = true;
    CHECK(sandbox.run(overrides).out ==
          "Topic: c\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: "
          "cleanup.policy=compact,min.insync.replicas=2,retention.ms=1000\n");
  }
}

TEST_CASE("kafka-topics.sh --config: unknown names and bad values are refused, nothing created",
          "[topics][errors]") {
  Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
  TopicCommandOptions unknown = create("c", 1, 1);
  unknown.configs = {{"retention.msx", "1000"}};
  TopicCommandResult result = sandbox.run(unknown);
  CHECK(result.out == "Error while executing topic command : Unknown topic config name: "
                      "retention.msx\n");
  CHECK(result.exit_code == 1);
  TopicCommandOptions out_of_range = create("c", 1, 1);
  out_of_range.configs = {{"min.cleanable.dirty.ratio", "2"}};
  CHECK(sandbox.run(out_of_range).out ==
        "Error while executing topic command : Invalid value 2 for configuration "
        "min.cleanable.dirty.ratio: Value must be no more than 1\n");
  TopicCommandOptions not_a_number = create("c", 1, 1);
  not_a_number.configs = {{"min.insync.replicas", "two"}};
  CHECK(sandbox.run(not_a_number).out ==
        "Error while executing topic command : Invalid value two for configuration "
        "min.insync.replicas: Not a number of type INT\n");
  CHECK(sandbox.run(command(Action::list)).out.empty());
}

TEST_CASE("describe, alter or delete a topic that does not exist", "[topics][errors]") {
  SECTION("1.0: describe prints nothing; alter and delete name the ZooKeeper path") {
    Sandbox sandbox({0}, KafkaVersion{1, 0, 0});
    const TopicCommandResult described = sandbox.run(command(Action::describe, "nope"));
    CHECK(described.out.empty());
    CHECK(described.exit_code == 0);
    CHECK(sandbox.run(command(Action::delete_topic, "nope")).out ==
          "Error while executing topic command : Topic nope does not exist on ZK path "
          "localhost:2181\n");
  }
  SECTION("2.2") {
    Sandbox sandbox({0}, KafkaVersion{2, 2, 0});
    CHECK(sandbox.run(command(Action::describe, "nope")).out ==
          "Error while executing topic command : Topics in [] does not exist\n");
    const TopicCommandResult deleted = sandbox.run(command(Action::delete_topic, "nope"));
    CHECK(deleted.out == "Error while executing topic command : Topics in [] does not exist\n");
    CHECK(deleted.err ==
          "[2019-11-30 07:07:02,569] ERROR java.lang.IllegalArgumentException: Topics in [] does "
          "not exist\n (kafka.admin.TopicCommand$)\n");
    // AdminClientTopicService.describeTopic did not check.
    const TopicCommandResult described = sandbox.run(bootstrap(command(Action::describe, "nope")));
    CHECK(described.out.empty());
    CHECK(described.exit_code == 0);
  }
  SECTION("2.8 and 3.x") {
    Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
    CHECK(sandbox.run(command(Action::describe, "nope")).out ==
          "Error while executing topic command : Topic 'nope' does not exist as expected\n");
    TopicCommandOptions if_exists = command(Action::delete_topic, "nope");
    if_exists.if_exists = true;
    CHECK(sandbox.run(if_exists).out.empty());
    CHECK(sandbox.run(if_exists).exit_code == 0);
    TopicCommandOptions alter = command(Action::alter, "nope");
    alter.partitions = 3;
    CHECK(sandbox.run(alter).out ==
          "Error while executing topic command : Topic 'nope' does not exist as expected\n");
  }
}

TEST_CASE("kafka-topics.sh --delete: internal topics, already marked, deletion over the broker",
          "[topics][delete]") {
  Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
  sandbox.run(create("t", 1, 1));
  sandbox.run(create("__consumer_offsets", 1, 1));
  CHECK(sandbox.run(command(Action::delete_topic, "t")).exit_code == 0);
  CHECK(sandbox.run(command(Action::delete_topic, "t")).out ==
        "Topic t is already marked for deletion.\n");
  const TopicCommandResult internal =
      sandbox.run(command(Action::delete_topic, "__consumer_offsets"));
  CHECK(internal.out ==
        "Error while executing topic command : Topic __consumer_offsets is a kafka internal "
        "topic and is not allowed to be marked for deletion.\n");
  CHECK(internal.err ==
        "[2019-11-30 07:07:02,569] ERROR kafka.admin.AdminOperationException: Topic "
        "__consumer_offsets is a kafka internal topic and is not allowed to be marked for "
        "deletion.\n (kafka.admin.TopicCommand$)\n");

  Sandbox v3({0}, KafkaVersion{3, 7, 0});
  v3.run(bootstrap(create("t", 1, 1)));
  v3.env.delete_topic_enable = false;
  const TopicCommandResult disabled = v3.run(bootstrap(command(Action::delete_topic, "t")));
  CHECK(disabled.out == "Error while executing topic command : Topic deletion is disabled.\n");
  CHECK(disabled.err ==
        "[2019-11-30 07:07:02,569] ERROR "
        "org.apache.kafka.common.errors.TopicDeletionDisabledException: Topic deletion is "
        "disabled.\n (org.apache.kafka.tools.TopicCommand)\n");
  v3.env.delete_topic_enable = true;
  const TopicCommandResult deleted = v3.run(bootstrap(command(Action::delete_topic, "t")));
  CHECK(deleted.out.empty());
  CHECK(deleted.exit_code == 0);
  CHECK(v3.fixture.exists("/admin/delete_topics/t"));
}

TEST_CASE("kafka-topics.sh --alter --partitions", "[topics][alter]") {
  Sandbox sandbox({0, 1, 2}, KafkaVersion{2, 8, 0});
  sandbox.env.randomness = {1, 0};
  sandbox.env.new_topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
  sandbox.run(create("t", 1, 3));  // [1, 2, 0]
  TopicCommandOptions alter = command(Action::alter, "t");
  alter.partitions = 3;
  const TopicCommandResult added = sandbox.run(alter);
  CHECK(added.out ==
        "WARNING: If partitions are increased for a topic that has a key, the partition logic or "
        "ordering of the messages will be affected\n"
        "Adding partitions succeeded!\n");
  TopicAssignment expected;
  expected.version = 2;
  expected.topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
  expected.partitions[0].replicas = {1, 2, 0};
  expected.partitions[1].replicas = {2, 1, 0};
  expected.partitions[2].replicas = {0, 2, 1};
  CHECK(sandbox.fixture.data("/brokers/topics/t") ==
        encode_topic_assignment(expected, zk::ScalaVersion::v2_12));
  REQUIRE(added.zk_writes.size() == 1);
  CHECK(added.zk_writes[0].ops[0].type == zk::Op::Type::set_data);
  CHECK(added.zk_writes[0].ops[0].version == -1);
  const ClusterMetadata metadata = sandbox.fixture.metadata();
  CHECK(metadata.topic("t")->partitions.at(1).replicas == std::vector<std::int32_t>{2, 1, 0});
  CHECK(metadata.topic("t")->partitions.at(2).replicas == std::vector<std::int32_t>{0, 2, 1});
  CHECK(metadata.topic("t")->topic_id == "SbJQ_jVrRFOYqlkfIgLwNg");
  // The controller brought the new partitions online.
  CHECK(metadata.partition_state({"t", 2})->leader_and_isr.leader == 0);

  alter.partitions = 1;
  const TopicCommandResult shrink = sandbox.run(alter);
  CHECK(shrink.out ==
        "WARNING: If partitions are increased for a topic that has a key, the partition logic or "
        "ordering of the messages will be affected\n"
        "Error while executing topic command : The number of partitions for a topic can only be "
        "increased. Topic t currently has 3 partitions, 1 would not be an increase.\n");
  CHECK(
      shrink.err ==
      "[2019-11-30 07:07:02,569] ERROR org.apache.kafka.common.errors.InvalidPartitionsException: "
      "The number of partitions for a topic can only be increased. Topic t currently has 3 "
      "partitions, 1 would not be an increase.\n (kafka.admin.TopicCommand$)\n");

  SECTION("an explicit assignment for the new partitions") {
    alter.partitions = 4;
    alter.replica_assignment = "1:2:0,2:1:0,0:2:1,0:1:5";
    CHECK(sandbox.run(alter).out ==
          "WARNING: If partitions are increased for a topic that has a key, the partition logic "
          "or ordering of the messages will be affected\n"
          "Error while executing topic command : Some brokers specified for partition id 3 are "
          "not available. Specified brokers: 0, 1, 5, available brokers: 0, 1, 2.\n");
    // The tool's own parsing rejects a differing replication factor first, before its warning
    // (Kafka prints the int[]'s identity hash).
    alter.replica_assignment = "1:2:0,2:1:0,0:2:1,0:1";
    const TopicCommandResult differing = sandbox.run(alter);
    CHECK(differing.out.starts_with(
        "Error while executing topic command : Partition 3 has different replication factor: "
        "[I@"));
    CHECK(differing.exit_code == 1);
    alter.replica_assignment = "1:2:0,2:1:0,0:2:1,2:0:1";
    CHECK(sandbox.run(alter).exit_code == 0);
    CHECK(sandbox.fixture.metadata().topic("t")->partitions.at(3).replicas ==
          std::vector<std::int32_t>{2, 0, 1});
  }
  SECTION("internal topics keep their partitions") {
    sandbox.run(create("__consumer_offsets", 1, 1));
    TopicCommandOptions offsets = command(Action::alter, "__consumer_offsets");
    offsets.partitions = 50;
    CHECK(sandbox.run(offsets).out ==
          "Error while executing topic command : The number of partitions for the internal "
          "topic __consumer_offsets cannot be changed.\n");
  }
  SECTION("over --bootstrap-server (3.x): silent on success, the broker's words on failure") {
    Sandbox v3({0, 1, 2}, KafkaVersion{3, 5, 0});
    v3.env.randomness = {1, 0};
    v3.env.new_topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
    v3.run(bootstrap(create("t", 3, 3)));
    TopicCommandOptions alter3 = bootstrap(command(Action::alter, "t"));
    alter3.partitions = 1;
    const TopicCommandResult lower = v3.run(alter3);
    CHECK(lower.out ==
          "Error while executing topic command : Topic currently has 3 partitions, which is "
          "higher than the requested 1.\n");
    CHECK(lower.err ==
          "[2019-11-30 07:07:02,569] ERROR "
          "org.apache.kafka.common.errors.InvalidPartitionsException: Topic currently has 3 "
          "partitions, which is higher than the requested 1.\n (kafka.admin.TopicCommand$)\n");
    alter3.partitions = 3;
    CHECK(v3.run(alter3).out ==
          "Error while executing topic command : Topic already has 3 partitions.\n");
    alter3.partitions = 4;
    const TopicCommandResult grown = v3.run(alter3);
    CHECK(grown.out.empty());
    CHECK(grown.exit_code == 0);
    CHECK(v3.fixture.metadata().topic("t")->partitions.size() == 4);
  }
}

TEST_CASE("kafka-topics.sh --alter --config, deprecated but still writing", "[topics][alter]") {
  Sandbox sandbox({0}, KafkaVersion{2, 8, 0});
  sandbox.run(create("t", 1, 1));
  TopicCommandOptions alter = command(Action::alter, "t");
  alter.configs = {{"retention.ms", "1000"}};
  const TopicCommandResult result = sandbox.run(alter);
  CHECK(result.out ==
        "WARNING: Altering topic configuration from this script has been deprecated and may be "
        "removed in future releases.\n"
        "         Going forward, please use kafka-configs.sh for this functionality\n"
        "Updated config for topic t.\n");
  CHECK(sandbox.fixture.data("/config/topics/t") ==
        R"({"version":1,"config":{"retention.ms":"1000"}})");
  CHECK(sandbox.fixture.data("/config/changes/config_change_0000000000") ==
        R"({"version":2,"entity_path":"topics/t"})");
}

TEST_CASE("Kafka 3.x over --bootstrap-server", "[topics][v3]") {
  Sandbox sandbox({1, 2, 3}, KafkaVersion{3, 0, 0});
  sandbox.env.randomness = {0, 0};
  sandbox.env.new_topic_id = "o8-iZDWFTimnBAdYVjga3A";
  sandbox.env.broker_topic_config_overrides = {
      {"segment.bytes", "1073741824"}, {"flush.messages", "10000"}, {"flush.ms", "3000"}};
  CHECK(sandbox.run(bootstrap(create("first", 1, 3))).out == "Created topic first.\n");
  // A Kafka 3.0.0 transcript: "Configs: flush.ms=3000,segment.bytes=1073741824,flush.messages=
  // 10000" (the order of Config's HashMap).
  CHECK(sandbox.run(bootstrap(command(Action::describe, "first"))).out ==
        "Topic: first\tTopicId: o8-iZDWFTimnBAdYVjga3A\tPartitionCount: 1\tReplicationFactor: "
        "3\tConfigs: flush.ms=3000,segment.bytes=1073741824,flush.messages=10000\n"
        "\tTopic: first\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\n");
  // The ZooKeeper znode: version 3, Scala 2.13.
  TopicAssignment expected;
  expected.version = 3;
  expected.topic_id = "o8-iZDWFTimnBAdYVjga3A";
  expected.partitions[0].replicas = {1, 2, 3};
  CHECK(sandbox.fixture.data("/brokers/topics/first") ==
        encode_topic_assignment(expected, zk::ScalaVersion::v2_13));

  const TopicCommandResult exists = sandbox.run(bootstrap(create("first", 1, 3)));
  CHECK(exists.out == "Error while executing topic command : Topic 'first' already exists.\n");
  // The existence check comes before the replication factor on the broker.
  CHECK(sandbox.run(bootstrap(create("first", 1, 9))).out ==
        "Error while executing topic command : Topic 'first' already exists.\n");
  CHECK(sandbox.run(bootstrap(create("x", 1, 9))).out ==
        "Error while executing topic command : Replication factor: 9 larger than available "
        "brokers: 3.\n");
  CHECK(sandbox.run(bootstrap(create("x", 0, 1))).out ==
        "Error while executing topic command : The partitions must be greater than 0\n");
  CHECK(sandbox.run(bootstrap(create("x", 1, 0))).out ==
        "Error while executing topic command : The replication factor must be between 1 and "
        "32767 inclusive\n");
  // Partitions and replication factor default to the brokers' settings (KIP-464).
  sandbox.env.num_partitions = 2;
  CHECK(sandbox.run(bootstrap(command(Action::create, "defaults"))).out ==
        "Created topic defaults.\n");
  CHECK(sandbox.fixture.metadata().topic("defaults")->partitions.size() == 2);

  const TopicCommandResult zookeeper = sandbox.run(command(Action::list));
  CHECK(zookeeper.exit_code == 1);
  CHECK(zookeeper.err ==
        "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: zookeeper is not a "
        "recognized option\n");
}

TEST_CASE("kafka-topics.sh --describe of a partition being reassigned (3.x, KIP-455)",
          "[topics][v3][describe]") {
  Sandbox sandbox({0, 1, 2, 3}, KafkaVersion{3, 7, 0});
  sandbox.env.new_topic_id = "o8-iZDWFTimnBAdYVjga3A";
  TopicCommandOptions options = bootstrap(command(Action::create, "m"));
  options.replica_assignment = "0:1:2";
  REQUIRE(sandbox.run(options).exit_code == 0);
  // The controller's first step of moving [0,1,2] to [3,1,2]: RS = [3,1,2,0], adding 3,
  // removing 0, in the topic znode.
  TopicAssignment moving;
  moving.version = 3;
  moving.topic_id = "o8-iZDWFTimnBAdYVjga3A";
  moving.partitions[0] = PartitionReplicaAssignment{{3, 1, 2, 0}, {3}, {0}};
  sandbox.fixture.apply_all({ZkWrite{{zk::Op::set_data(
      "/brokers/topics/m", encode_topic_assignment(moving, zk::ScalaVersion::v2_13), -1)}}});
  // The replication factor leaves the adding replica out, and so does under-replicated.
  CHECK(sandbox.run(bootstrap(command(Action::describe, "m"))).out ==
        "Topic: m\tTopicId: o8-iZDWFTimnBAdYVjga3A\tPartitionCount: 1\tReplicationFactor: 3\t"
        "Configs: \n"
        "\tTopic: m\tPartition: 0\tLeader: 0\tReplicas: 3,1,2,0\tIsr: 0,1,2\t"
        "Adding Replicas: 3\tRemoving Replicas: 0\n");
  TopicCommandOptions under = bootstrap(command(Action::describe, "m"));
  under.under_replicated_partitions = true;
  CHECK(sandbox.run(under).out.empty());
  // Done: the plain lines again.
  moving.partitions[0] = PartitionReplicaAssignment{{3, 1, 2}, {}, {}};
  sandbox.fixture.apply_all({ZkWrite{{zk::Op::set_data(
      "/brokers/topics/m", encode_topic_assignment(moving, zk::ScalaVersion::v2_13), -1)}}});
  CHECK(sandbox.run(bootstrap(command(Action::describe, "m"))).out ==
        "Topic: m\tTopicId: o8-iZDWFTimnBAdYVjga3A\tPartitionCount: 1\tReplicationFactor: 3\t"
        "Configs: \n"
        "\tTopic: m\tPartition: 0\tLeader: 0\tReplicas: 3,1,2\tIsr: 0,1,2\n");
}

TEST_CASE("kafka-topics.sh --describe over --bootstrap-server lists topics in HashMap order",
          "[topics][v3]") {
  Sandbox sandbox({0}, KafkaVersion{3, 7, 0});
  for (const char* name : {"alpha", "beta", "gamma"}) sandbox.run(bootstrap(create(name, 1, 1)));
  const std::string out = sandbox.run(bootstrap(command(Action::describe))).out;
  CHECK(out.find("Topic: beta") < out.find("Topic: gamma"));
  CHECK(out.find("Topic: gamma") < out.find("Topic: alpha"));
  CHECK(java_hash_map_order({"alpha", "beta", "gamma"}, 3) == std::vector<std::size_t>{1, 2, 0});
}

TEST_CASE("parse_replica_assignment", "[topics][parse]") {
  CHECK(parse_replica_assignment("1:2,2:0") == ReplicaAssignment{{0, {1, 2}}, {1, {2, 0}}});
  CHECK(parse_replica_assignment(" 1 : 2 ,2:0,") == ReplicaAssignment{{0, {1, 2}}, {1, {2, 0}}});
  CHECK(parse_replica_assignment("+3") == ReplicaAssignment{{0, {3}}});
  try {
    parse_replica_assignment("1:x");
    FAIL("no error");
  } catch (const AdminError& error) {
    CHECK(std::string(error.what()) == "For input string: \"x\"");
    CHECK(error.exception_class() == "java.lang.NumberFormatException");
  }
  try {
    parse_replica_assignment("1:2,3");
    FAIL("no error");
  } catch (const AdminError& error) {
    CHECK(
        std::string(error.what()).starts_with("Partition 1 has different replication factor: [I@"));
    CHECK(error.exception_class() == "kafka.admin.AdminOperationException");
  }
  CHECK_THROWS_AS(parse_replica_assignment(",1"), AdminError);
  CHECK_THROWS_AS(parse_replica_assignment("3:3:1:1"), AdminError);
}

TEST_CASE("topic name helpers", "[topics][names]") {
  CHECK(is_internal_topic("__consumer_offsets"));
  CHECK(is_internal_topic("__transaction_state"));
  CHECK_FALSE(is_internal_topic("__transaction_state", KafkaVersion{0, 10, 2}));
  CHECK_FALSE(is_internal_topic("orders"));
  CHECK(topics_collide("a.b", "a_b"));
  CHECK_FALSE(topics_collide("a.b", "a.bc"));
  CHECK(has_collision_chars("a_b"));
  CHECK_FALSE(has_collision_chars("a-b"));
  CHECK_NOTHROW(validate_topic_name("my-replicated-topic"));
  // Length counts Java chars (UTF-16), so one multi-byte character is one.
  CHECK_THROWS_WITH(validate_topic_name("caf\xc3\xa9"),
                    "Topic name \"caf\xc3\xa9\" is illegal, it contains a character other than "
                    "ASCII alphanumerics, '.', '_' and '-'");
  const TopicFilter filter("\"or.*,audit\"");
  CHECK(filter.regex() == "or.*|audit");
  CHECK(filter.is_topic_allowed("orders", false));
  CHECK(filter.is_topic_allowed("audit", false));
  CHECK_FALSE(filter.is_topic_allowed("audits", false));
  CHECK_FALSE(TopicFilter(".*").is_topic_allowed("__consumer_offsets", true));
  CHECK(TopicFilter(".*").is_topic_allowed("__consumer_offsets", false));
  // Matched against the whole name.
  CHECK_FALSE(TopicFilter("rders").is_topic_allowed("orders", false));
  CHECK(TopicFilter("test\\.topic").is_topic_allowed("test.topic", false));
  CHECK_FALSE(TopicFilter("test\\.topic").is_topic_allowed("test_topic", false));
  CHECK(TopicFilter("test.topic").is_topic_allowed("test_topic", false));
  CHECK(TopicFilter("[a-c]+-[0-9]{2}").is_topic_allowed("abc-42", false));
  CHECK_FALSE(TopicFilter("").is_topic_allowed("orders", false));
  CHECK_THROWS_WITH(TopicFilter("a[b"), "a[b is an invalid regex.");
  // A copy shares the compiled pattern.
  const TopicFilter copy = filter;
  CHECK(copy.is_topic_allowed("orders", false));
}

TEST_CASE("log4j timestamps and Kafka versions", "[topics][time]") {
  CHECK(log4j_timestamp(1456474635436) == "2016-02-26 08:17:15,436");
  CHECK(log4j_timestamp(1575097622569) == "2019-11-30 07:07:02,569");
  CHECK(log4j_timestamp(0) == "1970-01-01 00:00:00,000");
  CHECK(log4j_timestamp(-1) == "1969-12-31 23:59:59,999");
  CHECK(parse_kafka_version("2.8") == KafkaVersion{2, 8, 0});
  CHECK(parse_kafka_version("0.10.1") == KafkaVersion{0, 10, 1});
  CHECK(KafkaVersion{0, 10, 1} < KafkaVersion{0, 11, 0});
  CHECK(KafkaVersion{3, 7, 0}.to_string() == "3.7.0");
  CHECK_THROWS_WITH(parse_kafka_version("2"),
                    "invalid Kafka version \"2\": expected major.minor[.patch]");
  CHECK_THROWS_AS(parse_kafka_version("2.x"), std::invalid_argument);
  CHECK_THROWS_AS(parse_kafka_version("1.2.3.4"), std::invalid_argument);
}
