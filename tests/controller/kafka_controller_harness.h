// Brokers for the KafkaController tests: each has a ZkClient on the loopback and a controller;
// on every new session it registers /brokers/ids/<id> the way Kafka does (create ephemeral with
// null data, setData version 0, in one multi) and then starts the controller's election. Watch
// events reach the controller unless the test holds them back.
#pragma once

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/kafka_controller.h"
#include "core/controller/zk_kafka_znodes.h"
#include "core/storage/topic_partition.h"
#include "tests/controller/zk_loopback.h"

namespace ksim::controller::testing {

struct ControllerBroker {
  ControllerBroker(ZkLoopback& loopback, std::int32_t broker_id, ControllerConfig config)
      : net(loopback), id(broker_id), controller((config.broker_id = broker_id, config), client) {
    endpoint = net.attach(client);
    client.set_watch_handler([this](const zk::WatchedEvent& event) {
      if (hold_watches) {
        held.push_back(event);
      } else {
        controller.handle_watch_event(event, net.now);
      }
    });
    client.set_state_handler([this](zk::SessionState state) {
      if (state == zk::SessionState::connected && client.session_id() != registered) {
        registered = client.session_id();
        register_broker();
      } else if (state == zk::SessionState::expired) {
        controller.on_session_expired(net.now);
      }
    });
  }

  void register_broker() {
    BrokerRegistration registration;
    registration.broker_id = id;
    registration.endpoints = {
        BrokerEndPoint{"PLAINTEXT", "PLAINTEXT", "broker" + std::to_string(id), 9092}};
    registration.timestamp_ms = net.now + 1700000000000;
    client.multi({zk::Op::create(ZkPaths::broker_id(id), std::nullopt, zk::CreateMode::EPHEMERAL),
                  zk::Op::set_data(ZkPaths::broker_id(id), encode_broker_registration(registration),
                                   0)},
                 [this](const zk::MultiResult& result) {
                   if (result.code != zk::Code::OK) return;
                   broker_epoch = result.results.front().stat.czxid;
                   controller.on_session_established(net.now);
                 });
  }

  void start() {
    client.start_new_session(net.now);
    net.run();
  }
  void release_watches() {
    hold_watches = false;
    std::vector<zk::WatchedEvent> events = std::move(held);
    held.clear();
    for (const zk::WatchedEvent& event : events) controller.handle_watch_event(event, net.now);
    net.run();
  }

  ZkLoopback& net;
  std::int32_t id;
  zk::ZkClient client{zk::ZkClientConfig{}};
  KafkaController controller;
  std::size_t endpoint = 0;
  zk::SessionId registered = 0;
  std::int64_t broker_epoch = -1;
  bool hold_watches = false;
  std::vector<zk::WatchedEvent> held;
};

struct ControllerCluster {
  explicit ControllerCluster(const std::vector<std::int32_t>& ids, ControllerConfig config = {}) {
    for (std::int32_t id : ids) {
      brokers.push_back(std::make_unique<ControllerBroker>(net, id, config));
      brokers.back()->start();
    }
  }

  ControllerBroker& broker(std::int32_t id) {
    for (auto& b : brokers) {
      if (b->id == id) return *b;
    }
    FAIL("no broker " << id);
    throw std::logic_error("unreachable");
  }
  KafkaController& controller(std::int32_t id) { return broker(id).controller; }

  // kafka-topics.sh --create through ZooKeeper, with an explicit assignment.
  void create_topic(const std::string& topic, const ReplicaAssignment& assignment,
                    const ConfigEntries& config = {}) {
    for (zk::Code code : net.admin(create_topic_writes(topic, assignment, "SbJQ_jVrRFOYqlkfIgLwNg",
                                                       config, false, KafkaVersion{3, 7, 0}))) {
      REQUIRE(code == zk::Code::OK);
    }
  }

  // kill -9: the broker is cut off and its session expires at the server.
  void kill(std::int32_t id) {
    net.endpoint(broker(id).endpoint).reachable = false;
    net.advance_to(net.now + 25000);
  }

  std::string znode(const std::string& path) {
    const zk::GetDataResult result = net.server.get_data(net.admin_session, path, false, net.now);
    if (result.code != zk::Code::OK) return std::string(zk::code_name(result.code));
    return result.data.value_or("null");
  }
  bool exists(const std::string& path) {
    return net.server.exists(net.admin_session, path, false, net.now).stat.has_value();
  }

  void drain() {
    for (auto& b : brokers) {
      b->controller.take_requests();
      b->controller.take_records();
    }
  }

  ZkLoopback net;
  std::vector<std::unique_ptr<ControllerBroker>> brokers;
};

// Partitions 0 and 1 of topic "t".
inline const storage::TopicPartition t0{"t", 0};
inline const storage::TopicPartition t1{"t", 1};

// What the controller's event records say, one line each.
inline std::vector<std::string> lines(const std::vector<ControllerEventRecord>& records) {
  std::vector<std::string> result;
  for (const ControllerEventRecord& record : records) result.push_back(record.what);
  return result;
}

}  // namespace ksim::controller::testing
