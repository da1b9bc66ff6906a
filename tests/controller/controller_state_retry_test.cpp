// The controller's partition state writes that find another zkVersion in ZooKeeper (BADVERSION
// on the setData, the /controller_epoch check passing). It happens when an earlier attempt of the
// same write applied but its answer was lost with the connection (ZkClient sends it again, as
// Kafka's retryRequestsUntilConnected does). Kafka re-reads the state and decides again
// (electLeaderForPartitions / removeReplicasFromIsr loop on "updatesToRetry"); it stays the
// controller, since only a failed /controller_epoch check means it was deposed.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "core/controller/kafka_controller.h"
#include "tests/controller/kafka_controller_harness.h"

using namespace ksim;
using namespace ksim::controller;
using ksim::controller::testing::ControllerCluster;
using ksim::controller::testing::lines;
using ksim::controller::testing::t0;
using storage::TopicPartition;

namespace {

// The LeaderAndIsr states for t-0 each broker was sent, as "broker:leader/epoch/[isr]".
std::vector<std::string> leader_and_isr_sent(const std::vector<ControllerSend>& sends) {
  std::vector<std::string> result;
  for (const ControllerSend& send : sends) {
    const auto* request = std::get_if<protocol::LeaderAndIsrRequest>(&send.request);
    if (request == nullptr) continue;
    for (const protocol::LeaderAndIsrPartitionState& state : request->partition_states) {
      if (state.topic_partition != t0) continue;
      result.push_back(fmt::format("{}:{}/{}/[{}]", send.broker_id, state.leader,
                                   state.leader_epoch, fmt::join(state.isr, ",")));
    }
  }
  return result;
}

// Writes the partition state as a tool (or the controller's own lost-answer write) would.
void overwrite_state(ControllerCluster& cluster, const std::string& json) {
  REQUIRE(cluster.net.admin({ZkWrite{{zk::Op::set_data("/brokers/topics/t/partitions/0/state",
                                                        json, -1)}}}) ==
          std::vector<zk::Code>{zk::Code::OK});
}

// Broker 1 (preferred for t-0) died and came back; leader 2 took it back into the ISR: the
// auto rebalance wants broker 1 to lead again. The state znode is at version 2.
void leader_not_preferred(ControllerCluster& cluster) {
  cluster.create_topic("t", {{0, {1, 2, 0}}});
  cluster.kill(1);
  cluster.net.endpoint(cluster.broker(1).endpoint).reachable = true;
  cluster.net.advance_to(cluster.net.now + 10000);
  cluster.broker(1).client.start_new_session(cluster.net.now);
  cluster.net.run();
  protocol::AlterPartitionRequest request;
  request.broker_id = 2;
  request.broker_epoch = cluster.broker(2).broker_epoch;
  protocol::AlterPartitionRequestPartition partition;
  partition.topic_partition = t0;
  partition.leader_epoch = 1;
  partition.partition_epoch = 1;
  for (std::int32_t id : {2, 0, 1}) partition.new_isr_with_epochs.push_back({id, -1});
  request.partitions.push_back(partition);
  std::optional<protocol::AlterPartitionResponse> answer;
  cluster.controller(0).handle_alter_partition(
      request, cluster.net.now, [&](protocol::AlterPartitionResponse r) { answer = r; });
  cluster.net.run();
  REQUIRE(answer);
  REQUIRE(answer->partitions.at(0).error_code == protocol::Error::NONE);
  REQUIRE(cluster.znode("/brokers/topics/t/partitions/0/state") ==
          R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,0,1]})");
  cluster.drain();
}

void auto_rebalance(ControllerCluster& cluster, KafkaController& controller) {
  const std::optional<std::int64_t> deadline = controller.next_deadline_ms();
  REQUIRE(deadline);
  cluster.net.advance_to(*deadline);
  controller.tick(cluster.net.now);
  cluster.net.run();
}

}  // namespace

TEST_CASE("controller retry: a preferred election whose state moved is decided again") {
  ControllerCluster cluster({0, 1, 2});
  leader_not_preferred(cluster);
  KafkaController& controller = cluster.controller(0);
  // The rebalance's write applied once already, its answer lost with the connection: the
  // controller's cache still says leader 2 at version 2 (it has no watch on the state znode).
  overwrite_state(cluster,
                  R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":2,"isr":[2,0,1]})");
  auto_rebalance(cluster, controller);

  // Decided again on the state read back (Kafka's preferred strategy elects the head of the
  // assignment once more, leader epoch + 1), and the brokers learn it.
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":3,"isr":[2,0,1]})");
  CHECK(controller.is_active());
  CHECK(lines(controller.take_records()) ==
        std::vector<std::string>{
            "t-0: state write failed with BADVERSION (auto leader rebalance)",
            "t-0: ISR [2,0,1] -> [2,0,1], leader 1, leader epoch 3 (auto leader rebalance, "
            "retried)"});
  CHECK(leader_and_isr_sent(controller.take_requests()) ==
        std::vector<std::string>{"0:1/3/[2,0,1]", "1:1/3/[2,0,1]", "2:1/3/[2,0,1]"});
  CHECK(controller.context().leadership(t0)->leader_and_isr.zk_version == 4);
}

TEST_CASE("controller retry: a replica already out of the ISR gets its LeaderAndIsr sent") {
  ControllerCluster cluster({0, 1, 2});
  cluster.create_topic("t", {{0, {1, 2, 0}}});
  cluster.drain();
  KafkaController& controller = cluster.controller(0);
  // Broker 2 dies; the controller hears of it only after the state znode already shows it out
  // of the ISR (the controller's earlier write, whose answer it never got).
  cluster.broker(0).hold_watches = true;
  cluster.kill(2);
  overwrite_state(cluster,
                  R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":1,"isr":[1,0]})");
  cluster.broker(0).release_watches();

  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":1,"leader":1,"version":1,"leader_epoch":1,"isr":[1,0]})");
  CHECK(controller.is_active());
  CHECK(lines(controller.take_records()) ==
        std::vector<std::string>{
            "broker 2 failed", "t-0: state write failed with BADVERSION (broker 2 failed)",
            "t-0: state already leader 1, leader epoch 1, ISR [1,0] (broker 2 failed, retried)"});
  CHECK(leader_and_isr_sent(controller.take_requests()) ==
        std::vector<std::string>{"0:1/1/[1,0]", "1:1/1/[1,0]"});
}

TEST_CASE("controller retry: a state written by a newer controller is not overwritten") {
  ControllerCluster cluster({0, 1, 2});
  leader_not_preferred(cluster);
  KafkaController& controller = cluster.controller(0);
  overwrite_state(cluster,
                  R"({"controller_epoch":7,"leader":2,"version":1,"leader_epoch":4,"isr":[2,0,1]})");
  auto_rebalance(cluster, controller);
  CHECK(cluster.znode("/brokers/topics/t/partitions/0/state") ==
        R"({"controller_epoch":7,"leader":2,"version":1,"leader_epoch":4,"isr":[2,0,1]})");
  const std::vector<std::string> records = lines(controller.take_records());
  REQUIRE(records.size() == 2);
  CHECK(records[0] == "t-0: state write failed with BADVERSION (auto leader rebalance)");
  CHECK(records[1].starts_with("t-0: Leader and isr path written by another controller."));
  CHECK(records[1].ends_with("(NOT_CONTROLLER)"));
  CHECK(leader_and_isr_sent(controller.take_requests()).empty());
  CHECK(controller.is_active());
}
