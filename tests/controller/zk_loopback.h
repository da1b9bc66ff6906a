// A synchronous loopback between one ZooKeeperServer and several ZkClients, for tests of what
// runs on top of ZkClient (the controller): each client's transport actions are performed at
// once, the server's watch events go to the client whose session set them, before the answer
// that fired them. `reachable` false cuts a client off (connects and requests are lost), so its
// session can expire at the server while the client does not know it yet. An admin session
// (kept alive by every step) applies writes the way kafka-topics.sh and zkCli do.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/controller/controller_zk_writes.h"
#include "core/controller/zk_client.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_request_processor.h"
#include "core/controller/zk_server.h"

namespace ksim::controller::testing {

class ZkLoopback {
 public:
  struct Endpoint {
    zk::ZkClient* client = nullptr;
    bool reachable = true;
    bool transport = false;
    zk::SessionId bound = 0;
  };

  ZkLoopback() {
    // Kafka's makeSurePersistentPathExists: parents first, existing nodes are fine.
    for (const std::string& path : ZkPaths::persistent_paths()) {
      for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        server.create(admin_session, path.substr(0, slash), std::nullopt,
                      zk::CreateMode::PERSISTENT, now);
        if (slash == std::string::npos) break;
      }
    }
    server.take_watch_events();
  }

  zk::ZooKeeperServer server{zk::ZooKeeperConfig{}, 0};
  std::int64_t now = 0;
  zk::SessionId admin_session = server.create_session(30000, 0).session_id;

  // The client must outlive the loopback's use of it.
  std::size_t attach(zk::ZkClient& client) {
    endpoints_.push_back(Endpoint{&client});
    return endpoints_.size() - 1;
  }
  Endpoint& endpoint(std::size_t index) { return endpoints_.at(index); }

  // Performs every client's actions until none is left.
  void run() {
    for (bool busy = true; busy;) {
      busy = false;
      for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        std::vector<zk::ZkTransportAction> actions = endpoints_[i].client->take_actions();
        if (!actions.empty()) busy = true;
        for (const zk::ZkTransportAction& action : actions) perform(i, action);
      }
    }
  }

  // Writes of an admin tool (one multi per ZkWrite); returns each multi's code.
  std::vector<zk::Code> admin(const std::vector<ZkWrite>& writes) {
    std::vector<zk::Code> codes;
    for (const ZkWrite& write : writes) {
      codes.push_back(server.multi(admin_session, write.ops, now).code);
      deliver_events();
      run();
    }
    return codes;
  }

  // Runs the clients' timers and the server's expiry up to `until`.
  void advance_to(std::int64_t until) {
    for (;;) {
      std::optional<std::int64_t> next = server.next_expiry_time();
      for (const Endpoint& e : endpoints_) {
        const std::optional<std::int64_t> deadline = e.client->next_deadline_ms();
        if (deadline && (!next || *deadline < *next)) next = deadline;
      }
      if (!next || *next > until) break;
      step(std::max(*next, now));
    }
    step(until);
  }

  void step(std::int64_t at) {
    now = at;
    server.ping(admin_session, now);
    server.expire_sessions(now);
    deliver_events();
    for (Endpoint& e : endpoints_) e.client->tick(now);
    run();
  }

  void deliver_events() {
    for (const zk::WatchedEvent& event : server.take_watch_events()) {
      for (Endpoint& e : endpoints_) {
        if (e.transport && e.reachable && e.bound == event.session_id) {
          e.client->on_watch_notification({event}, now);
        }
      }
    }
  }

 private:
  void perform(std::size_t index, const zk::ZkTransportAction& action) {
    Endpoint& e = endpoints_[index];
    switch (action.kind) {
      case zk::ZkTransportAction::Kind::open_connection:
        e.transport = true;
        e.bound = 0;
        if (e.reachable) e.client->on_transport_connected(now);
        return;
      case zk::ZkTransportAction::Kind::close_connection:
        e.transport = false;
        e.bound = 0;
        return;
      case zk::ZkTransportAction::Kind::send:
        break;
    }
    if (!e.transport || !e.reachable) return;
    if (const auto* connect = std::get_if<zk::ConnectRequest>(&action.message)) {
      const zk::ConnectResponse response = zk::process_connect(server, *connect, now);
      e.bound = response.expired() ? 0 : response.session_id;
      deliver_events();
      e.client->on_connect_response(response, now);
      return;
    }
    const zk::Response response =
        zk::process_request(server, e.bound, std::get<zk::Request>(action.message), now);
    deliver_events();
    endpoints_[index].client->on_response(response, now);
  }

  std::vector<Endpoint> endpoints_;
};

}  // namespace ksim::controller::testing
