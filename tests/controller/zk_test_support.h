// Helpers for the ZooKeeper tests: a fresh server with one session, and shorthands.
#pragma once

#include <stdexcept>
#include <string>

#include "core/controller/zk_server.h"

namespace ksim::controller::zk::testing {

// A standalone server started at t = 0 (tickTime 2000, server id 1) with one 18000 ms session
// (Kafka's zookeeper.session.timeout.ms). Its createSession took zxid 0x1.
struct ZkFixture {
  ZooKeeperServer zk{ZooKeeperConfig{}, 0};
  SessionId session = zk.create_session(18000, 0).session_id;

  // Creates a persistent node with `data` at time `now_ms`; the test fails if it does not.
  std::string create(std::string_view path, ZNodeData data = std::string(),
                     CreateMode mode = CreateMode::PERSISTENT, std::int64_t now_ms = 0) {
    CreateResult result = zk.create(session, path, std::move(data), mode, now_ms);
    if (result.code != Code::OK) {
      throw std::logic_error("fixture create " + std::string(path) +
                             " failed: " + std::string(code_name(result.code)));
    }
    return result.path;
  }
};

}  // namespace ksim::controller::zk::testing
