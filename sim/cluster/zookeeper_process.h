// The zookeeper node: a standalone ZooKeeper (controller::zk::ZooKeeperServer) serving ZooKeeper's
// client protocol (zk_protocol.h) over the simulated network. Each connection carries one
// session at a time; requests are answered in order, each after the watch notifications it
// fired; a timer at the next expiry bucket expires sessions and delivers what their ephemerals'
// deletion fired.
//
// ZooKeeper fsyncs its transaction log before it answers a write, so everything it answered
// survives a kill -9 or a power cut: the server lives in a ZooKeeperStore owned outside the
// process (the factory captures it) and only the connections die with the process. At the
// restart every live session gets a fresh timeout, as ZooKeeper gives the sessions it restores.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/controller/zk_protocol.h"
#include "core/controller/zk_server.h"
#include "sim/process/process.h"
#include "sim/process/process_context.h"

namespace ksim::sim::cluster {

// ZooKeeper's durable state (the snapshot and txn log, always in sync with what it answered).
class ZooKeeperStore {
 public:
  bool has_server() const { return server_.has_value(); }
  // The server; throws std::logic_error before the zookeeper node first started.
  controller::zk::ZooKeeperServer& server();
  const controller::zk::ZooKeeperServer& server() const;
  // At a process start: a fresh server the first time, the restored one (sessions touched at
  // `now_ms`) afterwards.
  controller::zk::ZooKeeperServer& open(const controller::zk::ZooKeeperConfig& config,
                                        std::int64_t now_ms);

 private:
  std::optional<controller::zk::ZooKeeperServer> server_;
};

struct ZooKeeperProcessOptions {
  controller::zk::ZooKeeperConfig config = {};
  // The wall clock of the znodes and sessions: Unix ms at simulated time 0.
  std::int64_t unix_epoch_offset_ms = 1700000000000;
};

class ZooKeeperProcess final : public Process {
 public:
  ZooKeeperProcess(ZooKeeperProcessOptions options, std::shared_ptr<ZooKeeperStore> store);
  // For World::add_metadata: every start builds a process on the same store.
  static ProcessFactory factory(ZooKeeperProcessOptions options,
                                std::shared_ptr<ZooKeeperStore> store);

  void start(ProcessContext& context) override;

  controller::zk::ZooKeeperServer& server() { return store_->server(); }
  // The server's clock now: simulated ms plus the epoch offset.
  std::int64_t now_ms() const;
  // Sends the watch events that writes made outside any request fired (an admin tool applying
  // its writes to the server directly), and re-arms the expiry timer.
  void deliver_pending_watch_events();
  // The connection a session is bound to, if any (for tests and views).
  std::optional<ConnectionId> connection_of(controller::zk::SessionId session) const;

 private:
  void on_message(Delivery& delivery);
  void on_connect(ConnectionId connection, const controller::zk::ConnectRequest& request);
  void on_request(ConnectionId connection, const controller::zk::Request& request);
  void on_disconnect(ConnectionId connection);
  void bind(controller::zk::SessionId session, ConnectionId connection);
  void unbind(ConnectionId connection);
  // Expires what is due and delivers the watch events fired so far; returns the connections of
  // the sessions that expired (unbound, to close once the current answer is out).
  std::vector<ConnectionId> settle();
  void close_all(const std::vector<ConnectionId>& connections);
  void deliver_watch_events();
  void arm_expiry_timer();
  template <typename T>
  void send(ConnectionId connection, T message);

  ZooKeeperProcessOptions options_;
  std::shared_ptr<ZooKeeperStore> store_;
  ProcessContext* context_ = nullptr;
  std::map<controller::zk::SessionId, ConnectionId> connection_of_session_;
  std::map<ConnectionId, controller::zk::SessionId> session_of_connection_;
  // Events for a live session with no connection, delivered when it reconnects: the effect of
  // the SetWatches a real client sends after reconnecting (the server re-fires the watches whose
  // node changed since the client's last zxid).
  std::map<controller::zk::SessionId, std::vector<controller::zk::WatchedEvent>> held_events_;
  // Events sent on a session's connection since its last (re)connect: sent again at a resume
  // when their zxid is newer than the client's last seen one (bounded per session).
  static constexpr std::size_t kMaxUnconfirmedEvents = 4096;
  std::map<controller::zk::SessionId, std::vector<controller::zk::WatchedEvent>>
      unconfirmed_events_;
  std::optional<EventHandle> expiry_timer_;
  std::int64_t expiry_timer_at_ms_ = 0;
  std::uint64_t expiry_generation_ = 0;
};

}  // namespace ksim::sim::cluster
