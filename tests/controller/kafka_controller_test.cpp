// KafkaController against a real ZooKeeperServer through ZkClients: election through
// /controller, failover, broker failure, unclean election, topic creation, AlterPartition, a
// deposed controller, controlled shutdown, preferred election, deletion and reassignment.
#include "core/controller/kafka_controller.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/controller/topic_command.h"
#include "tests/controller/kafka_controller_harness.h"

using namespace ksim;
using namespace ksim::controller;
using ksim::controller::testing::ControllerCluster;
using ksim::controller::testing::lines;
using ksim::controller::testing::t0;
using ksim::controller::testing::t1;
using protocol::Error;
using storage::TopicPartition;

namespace {

template <typename Request>
std::vector<std::pair<std::int32_t, Request>> of_type(const std::vector<ControllerSend>& sends) {
  std::vector<std::pair<std::int32_t, Request>> result;
  for (const ControllerSend& send : sends) {
    if (const auto* request = std::get_if<Request>(&send.request)) {
      result.emplace_back(send.broker_id, *request);
    }
  }
  return result;
}

bool has_line(const std::vector<std::string>& all, const std::string& line) {
  return std::find(all.begin(), all.end(), line) != all.end();
}

std::string kinds(const std::vector<ControllerSend>& sends) {
  std::string out;
  for (const ControllerSend& send : sends) {
    static const char* const names[] = {"LeaderAndIsr", "UpdateMetadata", "StopReplica"};
    if (!out.empty()) out += " ";
    out += names[send.request.index()];
    out += "->" + std::to_string(send.broker_id);
  }
  return out;
}

protocol::AlterPartitionRequest alter(std::int32_t leader, std::int64_t broker_epoch,
                                      const TopicPartition& tp, std::int32_t leader_epoch,
                                      std::int32_t partition_epoch,
                                      const std::vector<std::int32_t>& isr) {
  protocol::AlterPartitionRequest request;
  request.broker_id = leader;
  request.broker_epoch = broker_epoch;
  protocol::AlterPartitionRequestPartition partition;
  partition.topic_partition = tp;
  partition.leader_epoch = leader_epoch;
  partition.partition_epoch = partition_epoch;
  for (std::int32_t id : isr) partition.new_isr_with_epochs.push_back({id, -1});
  request.partitions.push_back(partition);
  return request;
}

std::optional<protocol::AlterPartitionResponse> send_alter(ControllerCluster& cluster,
                                                           std::int32_t controller,
                                                           const protocol::AlterPartitionRequest& r) {
  std::optional<protocol::AlterPartitionResponse> answer;
  cluster.controller(controller).handle_alter_partition(
      r, cluster.net.now, [&](protocol::AlterPartitionResponse response) { answer = response; });
  cluster.net.run();
  return answer;
}

}  // namespace

TEST_CASE("controller: the first broker wins /controller, the other takes over after expiry") {
  ControllerCluster cluster({1, 2});
  KafkaController& one = cluster.controller(1);
  KafkaController& two = cluster.controller(2);
  CHECK(one.is_active());
  CHECK(one.epoch() == 1);
  CHECK_FALSE(two.is_active());
  CHECK(cluster.znode("/controller") ==
        R"({"version":2,"brokerid":1,"timestamp":"1700000000000","kraftControllerEpoch":-1})");
  CHECK(cluster.znode("/controller_epoch") == "1");
  CHECK(has_line(lines(one.take_records()), "broker 1 is the controller, epoch 1"));
  CHECK(one.context().live_brokers.size() == 2);

  // Broker 1 is cut off: it still believes it is the controller (a zombie) until it hears that
  // its session expired; broker 2 wins with epoch 2 as soon as ZooKeeper expires broker 1.
  cluster.kill(1);
  CHECK(two.is_active());
  CHECK(two.epoch() == 2);
  CHECK(cluster.znode("/controller_epoch") == "2");
  CHECK(one.is_active());
  CHECK(two.context().live_brokers.size() == 1);

  cluster.net.endpoint(cluster.broker(1).endpoint).reachable = true;
  cluster.net.advance_to(cluster.net.now + 10000);
  CHECK_FALSE(one.is_active());
  CHECK(one.context().live_brokers.empty());
  CHECK(has_line(lines(one.take_records()),
                 "broker 1 resigned as controller (ZooKeeper session expired)"));
}

TEST_CASE("controller: a new topic gets its leaders written and LeaderAndIsr sent") {
  ControllerCluster cluster({0, 1, 2});
  cluster.drain();
  // kafka-topics.sh --create --topic t --replica-assignment 1:2:0,2:0:1, its writes applied.
  TopicCommandOptions options;
  options.action = TopicCommandAction::create;
  options.topic = "t";
  options.replica_assignment = "1:2:0,2:0:1";
  TopicCommandEnvironment environment;
  environment.version = KafkaVersion{2, 8, 0};  // the last release with --zookeeper
  environment.new_topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
  const TopicCommandResult created = run_topic_command(
      read_cluster_metadata(cluster.net.server.data_tree()), options, environment);
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  for (zk::Code code : cluster.net.admin(created.zk_writes)) REQUIRE(code == zk::Code::OK);

  KafkaController& controller = cluster.controller(0);
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,0]})");
  CHECK(cluster.znode("/brokers/topics/t/partitions/1/state") ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,0,1]})");
  const std::vector<ControllerSend> sends = controller.take_requests();
  CHECK(kinds(sends) ==
        "LeaderAndIsr->0 LeaderAndIsr->1 LeaderAndIsr->2 UpdateMetadata->0 UpdateMetadata->1 "
        "UpdateMetadata->2");
  const auto leader_and_isr = of_type<protocol::LeaderAndIsrRequest>(sends);
  const protocol::LeaderAndIsrRequest& to_one = leader_and_isr[1].second;
  CHECK(to_one.controller_id == 0);
  CHECK(to_one.controller_epoch == 1);
  CHECK(to_one.broker_epoch == cluster.broker(1).broker_epoch);
  REQUIRE(to_one.partition_states.size() == 2);
  const protocol::LeaderAndIsrPartitionState& state = to_one.partition_states[0];
  CHECK(state.topic_partition == t0);
  CHECK(state.leader == 1);
  CHECK(state.leader_epoch == 0);
  CHECK(state.isr == std::vector<std::int32_t>{1, 2, 0});
  CHECK(state.partition_epoch == 0);
  CHECK(state.replicas == std::vector<std::int32_t>{1, 2, 0});
  CHECK(state.is_new);
  const auto metadata = of_type<protocol::UpdateMetadataRequest>(sends);
  CHECK(metadata[0].second.partition_states.size() == 2);
  CHECK(metadata[0].second.live_brokers.size() == 3);
  CHECK(metadata[0].second.live_brokers[1].host == "broker1");
  CHECK(lines(controller.take_records()) ==
        std::vector<std::string>{
            "new topic t",
            "t-0: new partition, leader 1, leader epoch 0, ISR [1,2,0] (new topic)",
            "t-1: new partition, leader 2, leader epoch 0, ISR [2,0,1] (new topic)"});

  // A partition added later (kafka-topics.sh --alter --partitions 3).
  cluster.net.admin({set_topic_assignment_write("t", {{0, {1, 2, 0}}, {1, {2, 0, 1}}, {2, {0, 1, 2}}},
                                                "SbJQ_jVrRFOYqlkfIgLwNg", KafkaVersion{3, 7, 0})});
  CHECK(cluster.znode("/brokers/topics/t/partitions/2/state") ==
        R"({"controller_epoch":1,"leader":0,"version":1,"leader_epoch":0,"isr":[0,1,2]})");
  CHECK(has_line(lines(controller.take_records()),
                 "t-2: new partition, leader 0, leader epoch 0, ISR [0,1,2] (new partition)"));
}

TEST_CASE("controller: broker failure elects the next live ISR replica in assignment order") {
  ControllerCluster cluster({0, 1, 2});
  cluster.create_topic("t", {{0, {1, 2, 0}}, {1, {0, 1, 2}}});
  cluster.drain();
  KafkaController& controller = cluster.controller(0);
  cluster.kill(1);
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,0]})");
  CHECK(cluster.znode("/brokers/topics/t/partitions/1/state") ==
        R"({"controller_epoch":1,"leader":0,"version":1,"leader_epoch":1,"isr":[0,2]})");
  const std::vector<ControllerSend> sends = controller.take_requests();
  CHECK(kinds(sends) ==
        "LeaderAndIsr->0 LeaderAndIsr->2 UpdateMetadata->0 UpdateMetadata->2");
  const auto leader_and_isr = of_type<protocol::LeaderAndIsrRequest>(sends);
  const protocol::LeaderAndIsrPartitionState& state = leader_and_isr[1].second.partition_states[0];
  CHECK(state.topic_partition == t0);
  CHECK(state.leader == 2);
  CHECK(state.leader_epoch == 1);
  CHECK(state.isr == std::vector<std::int32_t>{2, 0});
  CHECK(state.partition_epoch == 1);
  CHECK_FALSE(state.is_new);
  const auto metadata = of_type<protocol::UpdateMetadataRequest>(sends);
  const protocol::UpdateMetadataPartitionState& um = metadata[0].second.partition_states[0];
  CHECK(um.leader == 2);
  CHECK(um.offline_replicas == std::vector<std::int32_t>{1});
  CHECK(metadata[0].second.live_brokers.size() == 2);
  CHECK(lines(controller.take_records()) ==
        std::vector<std::string>{
            "broker 1 failed",
            "t-0: leader 1 -> 2, leader epoch 1, ISR [2,0] (broker 1 failed)",
            "t-1: ISR [0,1,2] -> [0,2], leader 0, leader epoch 1 (broker 1 failed)"});

  // Broker 1 comes back with a new session: it gets the metadata and its LeaderAndIsr.
  cluster.net.endpoint(cluster.broker(1).endpoint).reachable = true;
  cluster.net.advance_to(cluster.net.now + 10000);
  cluster.broker(1).client.start_new_session(cluster.net.now);
  cluster.net.run();
  const std::vector<ControllerSend> back = controller.take_requests();
  CHECK(kinds(back) ==
        "UpdateMetadata->0 UpdateMetadata->2 UpdateMetadata->1 LeaderAndIsr->1 UpdateMetadata->0 "
        "UpdateMetadata->1 UpdateMetadata->2");
  CHECK(controller.context().live_brokers.size() == 3);
}

TEST_CASE("controller: unclean election only when unclean.leader.election.enable is true") {
  for (const bool unclean : {false, true}) {
    ControllerConfig config;
    config.unclean_leader_election_enable = unclean;
    ControllerCluster cluster({0, 1, 2}, config);
    cluster.create_topic("t", {{0, {1, 2}}});
    const std::int64_t epoch1 = cluster.broker(1).broker_epoch;
    // The leader shrinks the ISR to itself (broker 2 fell behind).
    const auto shrunk = send_alter(cluster, 0, alter(1, epoch1, t0, 0, 0, {1}));
    REQUIRE(shrunk);
    REQUIRE(shrunk->partitions[0].error_code == Error::NONE);
    cluster.drain();
    cluster.kill(1);
    const std::vector<std::string> records = lines(cluster.controller(0).take_records());
    if (unclean) {
      CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
            R"({"controller_epoch":1,"leader":2,"version":1,"leader_recovery_state":1,"leader_epoch":1,"isr":[2]})");
      CHECK(has_line(records, "t-0: leader 1 -> 2, leader epoch 1, ISR [2] (broker 1 failed, "
                              "unclean election)"));
    } else {
      CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
            R"({"controller_epoch":1,"leader":-1,"version":1,"leader_epoch":1,"isr":[1]})");
      CHECK(has_line(records, "t-0: leader 1 -> none, leader epoch 1, ISR [1] (broker 1 failed)"));
    }
  }
}

TEST_CASE("controller: AlterPartition commits, and refuses in Kafka's order") {
  ControllerCluster cluster({0, 1, 2});
  cluster.create_topic("t", {{0, {1, 2, 0}}});
  cluster.drain();
  const std::int64_t epoch1 = cluster.broker(1).broker_epoch;

  const auto committed = send_alter(cluster, 0, alter(1, epoch1, t0, 0, 0, {1, 2}));
  REQUIRE(committed);
  CHECK(committed->error_code == Error::NONE);
  const protocol::AlterPartitionResponsePartition& p = committed->partitions.at(0);
  CHECK(p.error_code == Error::NONE);
  CHECK(p.leader_id == 1);
  CHECK(p.leader_epoch == 0);
  CHECK(p.isr == std::vector<std::int32_t>{1, 2});
  CHECK(p.partition_epoch == 1);
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]})");
  const std::vector<ControllerSend> sends = cluster.controller(0).take_requests();
  CHECK(kinds(sends) == "UpdateMetadata->0 UpdateMetadata->1 UpdateMetadata->2");
  CHECK(lines(cluster.controller(0).take_records()) ==
        std::vector<std::string>{"t-0: ISR [1,2,0] -> [1,2], leader 1, leader epoch 0, partition "
                                 "epoch 1 (AlterPartition from leader 1)"});

  const auto error_of = [&](const protocol::AlterPartitionRequest& request) {
    const auto answer = send_alter(cluster, 0, request);
    REQUIRE(answer);
    REQUIRE(answer->error_code == Error::NONE);
    return answer->partitions.at(0).error_code;
  };
  CHECK(error_of(alter(1, epoch1, TopicPartition{"u", 0}, 0, 1, {1})) ==
        Error::UNKNOWN_TOPIC_OR_PARTITION);
  CHECK(error_of(alter(1, epoch1, t0, 0, 0, {1, 2, 0})) == Error::INVALID_UPDATE_VERSION);
  CHECK(error_of(alter(2, cluster.broker(2).broker_epoch, t0, 0, 1, {2})) ==
        Error::NOT_LEADER_OR_FOLLOWER);
  CHECK(error_of(alter(1, epoch1, t0, 1, 1, {1})) == Error::NOT_CONTROLLER);
  CHECK(error_of(alter(1, epoch1, t0, 0, 1, {1, 2, 7})) == Error::INELIGIBLE_REPLICA);
  // A retry of the committed change (its answer was lost) gets the current state.
  const auto retry = send_alter(cluster, 0, alter(1, epoch1, t0, 0, 0, {1, 2}));
  CHECK(retry->partitions.at(0).error_code == Error::NONE);
  CHECK(retry->partitions.at(0).partition_epoch == 1);
  // A stale broker epoch refuses the whole request.
  const auto stale = send_alter(cluster, 0, alter(1, epoch1 - 1, t0, 0, 1, {1}));
  CHECK(stale->error_code == Error::STALE_BROKER_EPOCH);
  // A broker that is not the controller answers NOT_CONTROLLER.
  const auto not_controller = send_alter(cluster, 2, alter(1, epoch1, t0, 0, 1, {1}));
  CHECK(not_controller->error_code == Error::NOT_CONTROLLER);

  // After the leader changes, the old leader's epoch is fenced.
  cluster.kill(1);
  CHECK(error_of(alter(2, cluster.broker(2).broker_epoch, t0, 0, 2, {2})) ==
        Error::FENCED_LEADER_EPOCH);
}

TEST_CASE("controller: a deposed controller's write fails BADVERSION and it resigns") {
  ControllerCluster cluster({0, 1, 2});
  cluster.create_topic("t", {{0, {1, 2, 0}}});
  cluster.drain();
  // Someone deletes /controller (zookeeper-shell): broker 0 does not hear of it yet.
  cluster.broker(0).hold_watches = true;
  cluster.net.admin({ZkWrite{{zk::Op::delete_node("/controller", -1)}}});
  CHECK(cluster.controller(1).is_active());
  CHECK(cluster.controller(1).epoch() == 2);
  CHECK(cluster.controller(0).is_active());

  const auto answer =
      send_alter(cluster, 0, alter(1, cluster.broker(1).broker_epoch, t0, 0, 0, {1, 2}));
  REQUIRE(answer);
  CHECK(answer->error_code == Error::NOT_CONTROLLER);
  CHECK_FALSE(cluster.controller(0).is_active());
  CHECK(has_line(lines(cluster.controller(0).take_records()),
                 "broker 0 resigned as controller (a write found /controller_epoch changed: "
                 "another controller took over)"));
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,0]})");
  CHECK(cluster.controller(0).take_requests().empty());
  // The new controller commits it.
  const auto committed =
      send_alter(cluster, 1, alter(1, cluster.broker(1).broker_epoch, t0, 0, 0, {1, 2}));
  CHECK(committed->partitions.at(0).error_code == Error::NONE);
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":2,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]})");
  cluster.broker(0).release_watches();
  CHECK_FALSE(cluster.controller(0).is_active());
}

TEST_CASE("controller: controlled shutdown moves leadership first") {
  ControllerCluster cluster({0, 1, 2});
  cluster.create_topic("t", {{0, {1, 2, 0}}, {1, {2, 0, 1}}});
  cluster.drain();
  std::optional<protocol::ControlledShutdownResponse> answer;
  protocol::ControlledShutdownRequest request{1, cluster.broker(1).broker_epoch};
  cluster.controller(0).handle_controlled_shutdown(
      request, cluster.net.now, [&](protocol::ControlledShutdownResponse r) { answer = r; });
  cluster.net.run();
  REQUIRE(answer);
  CHECK(answer->error_code == Error::NONE);
  CHECK(answer->remaining_partitions.empty());
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,0]})");
  CHECK(cluster.znode("/brokers/topics/t/partitions/1/state") ==
        R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,0]})");
  CHECK(cluster.controller(0).context().shutting_down_broker_ids == std::set<std::int32_t>{1});
  const std::vector<ControllerSend> sends = cluster.controller(0).take_requests();
  CHECK(kinds(sends) ==
        "LeaderAndIsr->0 LeaderAndIsr->1 LeaderAndIsr->2 UpdateMetadata->0 UpdateMetadata->1 "
        "UpdateMetadata->2 StopReplica->1");
  const auto stop = of_type<protocol::StopReplicaRequest>(sends);
  CHECK(stop[0].second.partitions.size() == 1);
  CHECK(stop[0].second.partitions[0].topic_partition == t1);
  CHECK_FALSE(stop[0].second.partitions[0].delete_partition);
  CHECK(lines(cluster.controller(0).take_records()) ==
        std::vector<std::string>{
            "broker 1 is shutting down (controlled shutdown)",
            "t-0: leader 1 -> 2, leader epoch 1, ISR [2,0] (controlled shutdown of broker 1)",
            "t-1: ISR [2,0,1] -> [2,0], leader 2, leader epoch 1 (controlled shutdown of broker "
            "1)"});

  std::optional<protocol::ControlledShutdownResponse> refused;
  cluster.controller(2).handle_controlled_shutdown(
      request, cluster.net.now, [&](protocol::ControlledShutdownResponse r) { refused = r; });
  cluster.net.run();
  CHECK(refused->error_code == Error::NOT_CONTROLLER);
}

TEST_CASE("controller: preferred replica election through the admin znode, and auto rebalance") {
  ControllerCluster cluster({0, 1, 2});
  cluster.create_topic("t", {{0, {1, 2, 0}}});
  cluster.kill(1);
  cluster.net.endpoint(cluster.broker(1).endpoint).reachable = true;
  cluster.net.advance_to(cluster.net.now + 10000);
  cluster.broker(1).client.start_new_session(cluster.net.now);
  cluster.net.run();
  // Leader 2 takes broker 1 back into the ISR.
  const auto joined = send_alter(cluster, 0, alter(2, cluster.broker(2).broker_epoch, t0, 1, 1,
                                                   {2, 0, 1}));
  REQUIRE(joined->partitions.at(0).error_code == Error::NONE);
  cluster.drain();

  SECTION("kafka-preferred-replica-election.sh") {
    cluster.net.admin({ZkWrite{{zk::Op::create("/admin/preferred_replica_election",
                                               encode_preferred_replica_election({t0}),
                                               zk::CreateMode::PERSISTENT)}}});
    CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
          R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":2,"isr":[2,0,1]})");
    CHECK_FALSE(cluster.exists("/admin/preferred_replica_election"));
    CHECK(lines(cluster.controller(0).take_records()) ==
          std::vector<std::string>{
              "t-0: leader 2 -> 1, leader epoch 2, ISR [2,0,1] (preferred replica election)"});
  }
  SECTION("leader.imbalance.check.interval.ms") {
    KafkaController& controller = cluster.controller(0);
    const std::optional<std::int64_t> deadline = controller.next_deadline_ms();
    REQUIRE(deadline);
    cluster.net.advance_to(*deadline);
    controller.tick(cluster.net.now);
    cluster.net.run();
    CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
          R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":2,"isr":[2,0,1]})");
    CHECK(lines(controller.take_records()) ==
          std::vector<std::string>{
              "t-0: leader 2 -> 1, leader epoch 2, ISR [2,0,1] (auto leader rebalance)"});
    CHECK(*controller.next_deadline_ms() == cluster.net.now + 300000);
  }
}

TEST_CASE("controller: topic deletion stops and deletes the replicas, then the znodes") {
  SECTION("delete.topic.enable=true") {
    ControllerCluster cluster({0, 1, 2});
    cluster.create_topic("t", {{0, {1, 2, 0}}}, {{"retention.ms", "1000"}});
    cluster.drain();
    cluster.net.admin({mark_topic_for_deletion_write("t")});
    const std::vector<ControllerSend> sends = cluster.controller(0).take_requests();
    CHECK(kinds(sends) ==
          "UpdateMetadata->0 UpdateMetadata->1 UpdateMetadata->2 StopReplica->0 StopReplica->1 "
          "StopReplica->2");
    const auto metadata = of_type<protocol::UpdateMetadataRequest>(sends);
    CHECK(metadata[0].second.partition_states.at(0).leader == protocol::leader_during_delete);
    const auto stop = of_type<protocol::StopReplicaRequest>(sends);
    CHECK(stop[0].second.partitions.at(0).delete_partition);
    CHECK(stop[0].second.partitions.at(0).leader_epoch == protocol::epoch_during_delete);
    CHECK_FALSE(cluster.exists("/brokers/topics/t"));
    CHECK_FALSE(cluster.exists("/config/topics/t"));
    CHECK_FALSE(cluster.exists("/admin/delete_topics/t"));
    CHECK(cluster.controller(0).context().topic_ids.empty());
    CHECK(lines(cluster.controller(0).take_records()) ==
          std::vector<std::string>{"topic t: queued for deletion", "topic t deleted"});
  }
  SECTION("delete.topic.enable=false") {
    ControllerConfig config;
    config.delete_topic_enable = false;
    ControllerCluster cluster({0, 1, 2}, config);
    cluster.create_topic("t", {{0, {1, 2, 0}}});
    cluster.drain();
    cluster.net.admin({mark_topic_for_deletion_write("t")});
    CHECK(cluster.exists("/brokers/topics/t"));
    CHECK_FALSE(cluster.exists("/admin/delete_topics/t"));
    CHECK(cluster.controller(0).take_requests().empty());
  }
}

TEST_CASE("controller: reassignment adds the target replicas, waits for the ISR, then removes") {
  ControllerCluster cluster({0, 1, 2, 3});
  cluster.create_topic("t", {{0, {1, 2}}});
  cluster.drain();
  cluster.net.admin({ZkWrite{{zk::Op::create("/admin/reassign_partitions",
                                             encode_reassign_partitions({{t0, {3, 1}}}),
                                             zk::CreateMode::PERSISTENT)}}});
  KafkaController& controller = cluster.controller(0);
  CHECK(controller.context().partition_replica_assignment(t0) == std::vector<std::int32_t>{3, 1, 2});
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":1,"isr":[1,2]})");
  const auto started = of_type<protocol::LeaderAndIsrRequest>(controller.take_requests());
  REQUIRE(started.size() == 3);
  CHECK(started[2].first == 3);
  CHECK(started[2].second.partition_states[0].adding_replicas == std::vector<std::int32_t>{3});
  CHECK(cluster.exists("/admin/reassign_partitions"));

  // Broker 3 caught up: the leader adds it to the ISR; the reassignment completes.
  const auto joined =
      send_alter(cluster, 0, alter(1, cluster.broker(1).broker_epoch, t0, 1, 1, {1, 2, 3}));
  REQUIRE(joined->partitions.at(0).error_code == Error::NONE);
  CHECK(controller.context().partition_replica_assignment(t0) == std::vector<std::int32_t>{3, 1});
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":3,"isr":[1,3]})");
  CHECK_FALSE(cluster.exists("/admin/reassign_partitions"));
  const std::string assignment = cluster.znode("/brokers/topics/t");
  CHECK(assignment.find(R"("partitions":{"0":[3,1]})") != std::string::npos);
  const auto stop = of_type<protocol::StopReplicaRequest>(controller.take_requests());
  REQUIRE(stop.size() == 1);
  CHECK(stop[0].first == 2);
  CHECK(stop[0].second.partitions.at(0).delete_partition);
}
