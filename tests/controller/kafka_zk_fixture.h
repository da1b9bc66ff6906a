// A ZooKeeper holding a Kafka cluster's znodes for the controller and topic command tests:
// Kafka's persistent paths, brokers registered the way Kafka registers them (one session each),
// a controller elected through /controller and /controller_epoch, and ZkWrites applied as the
// caller of the pure decisions would apply them.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/controller_zk_writes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_znodes.h"
#include "core/controller/zk_server.h"

namespace ksim::controller::testing {

struct KafkaZkFixture {
  zk::ZooKeeperServer zk{zk::ZooKeeperConfig{}, 0};
  zk::SessionId admin = zk.create_session(30000, 0).session_id;
  std::map<std::int32_t, zk::SessionId> broker_sessions;

  KafkaZkFixture() {
    for (const std::string& path : ZkPaths::persistent_paths()) create_recursive(path);
  }

  void create_recursive(const std::string& path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      const std::string prefix = path.substr(0, slash);
      zk.create(admin, prefix, std::nullopt, zk::CreateMode::PERSISTENT, 0);
      if (slash == std::string::npos) break;
    }
  }

  // A broker's registration: an ephemeral /brokers/ids/<id> created empty, then its data.
  void register_broker(std::int32_t id, std::optional<std::string> rack = std::nullopt) {
    const zk::SessionId session = zk.create_session(18000, 0).session_id;
    broker_sessions[id] = session;
    BrokerRegistration registration;
    registration.broker_id = id;
    registration.endpoints = {
        BrokerEndPoint{"PLAINTEXT", "PLAINTEXT", "broker" + std::to_string(id), 9092}};
    registration.rack = std::move(rack);
    const zk::MultiResult result = zk.multi(
        session,
        {zk::Op::create(ZkPaths::broker_id(id), std::nullopt, zk::CreateMode::EPHEMERAL),
         zk::Op::set_data(ZkPaths::broker_id(id), encode_broker_registration(registration), 0)},
        0);
    REQUIRE(result.code == zk::Code::OK);
  }

  // kill -9 seen by ZooKeeper: the session goes and the registration with it.
  void lose_broker(std::int32_t id) {
    REQUIRE(zk.close_session(broker_sessions.at(id), 0) == zk::Code::OK);
    broker_sessions.erase(id);
  }

  // KafkaZkClient.registerControllerAndIncrementControllerEpoch: returns the new
  // /controller_epoch zkVersion.
  std::int32_t elect_controller(std::int32_t broker) {
    const ClusterMetadata before = metadata();
    if (before.controller_epoch_zk_version < 0) {
      REQUIRE(zk.create(admin, ZkPaths::controller_epoch, std::string("0"),
                        zk::CreateMode::PERSISTENT, 0)
                  .code == zk::Code::OK);
    }
    const ClusterMetadata current = metadata();
    const zk::MultiResult result =
        zk.multi(broker_sessions.at(broker),
                 {zk::Op::create(std::string(ZkPaths::controller),
                                 encode_controller(ControllerRegistration{2, broker, 0, -1}),
                                 zk::CreateMode::EPHEMERAL),
                  zk::Op::set_data(std::string(ZkPaths::controller_epoch),
                                   encode_controller_epoch(current.controller_epoch + 1),
                                   current.controller_epoch_zk_version)},
                 0);
    REQUIRE(result.code == zk::Code::OK);
    return result.results.at(1).stat.version;
  }

  // Applies the writes in order; returns each request's outcome.
  std::vector<zk::Code> apply(const std::vector<ZkWrite>& writes) {
    std::vector<zk::Code> codes;
    for (const ZkWrite& write : writes) codes.push_back(zk.multi(admin, write.ops, 0).code);
    return codes;
  }
  // Applies the writes; every one must succeed (or find its node there when that is fine).
  void apply_all(const std::vector<ZkWrite>& writes) {
    for (const ZkWrite& write : writes) {
      const zk::Code code = zk.multi(admin, write.ops, 0).code;
      INFO("write to " << write.ops.back().path);
      CHECK((code == zk::Code::OK || (write.node_exists_is_ok && code == zk::Code::NODEEXISTS)));
    }
  }

  ClusterMetadata metadata() const { return read_cluster_metadata(zk.data_tree()); }
  bool exists(const std::string& path) const { return zk.data_tree().node(path) != nullptr; }
  std::string data(const std::string& path) const {
    const zk::DataNode* node = zk.data_tree().node(path);
    REQUIRE(node != nullptr);
    return node->data.value_or("null");
  }
  std::int32_t data_version(const std::string& path) const {
    const zk::DataNode* node = zk.data_tree().node(path);
    REQUIRE(node != nullptr);
    return node->stat.version;
  }
};

}  // namespace ksim::controller::testing
