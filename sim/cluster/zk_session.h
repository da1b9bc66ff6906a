// ZkSession: a process's ZooKeeper client over its ProcessContext. It owns the sans-IO ZkClient
// and does what the client asks of the transport: one connection at a time to the zookeeper
// node, ZooKeeper's messages sent with their wire sizes, and a "zk.tick" timer at the client's
// next deadline (pings, the read timeout, reconnects). The process forwards its network events
// to it; the events of the ZooKeeper connection stop there.
//
//   ZkSession zk(context, "zookeeper", ZkClientConfig{});     // in Process::start
//   zk.client().set_watch_handler(...);
//   zk.client().start_new_session(zk.now_ms());
//   zk.flush();
//
// The client's clock is simulated milliseconds (now_ms()); the znodes' wall clock is the
// zookeeper node's business. Owned by the process: it dies with it (its timer too).
#pragma once

#include <cstdint>
#include <string>

#include "core/controller/zk_client.h"
#include "sim/process/process_context.h"

namespace ksim::sim::cluster {

class ZkSession {
 public:
  ZkSession(ProcessContext& context, std::string zookeeper_node_name,
            controller::zk::ZkClientConfig config);
  ~ZkSession();
  ZkSession(const ZkSession&) = delete;
  ZkSession& operator=(const ZkSession&) = delete;

  controller::zk::ZkClient& client() { return client_; }
  // The clock to pass to client() calls: simulated ms.
  std::int64_t now_ms() const { return context_.now().to_ms(); }

  // Call from the process's NodeHandlers; each returns true when the event was the ZK
  // connection's (then the caller does nothing else with it).
  bool on_message(Delivery& delivery);
  bool on_connected(ConnectionId end, NodeId peer);
  bool on_disconnect(ConnectionId end, NodeId peer, DisconnectReason reason);

  // Performs the client's pending transport actions and re-arms the client's tick timer. Call
  // after calling into client() from outside a ZkSession callback (ZkSession calls it itself
  // after its own events and timer).
  void flush();

  // The current connection to the zookeeper node (none between connections).
  ConnectionId connection() const { return connection_; }

 private:
  void arm_timer();

  ProcessContext& context_;
  std::string zookeeper_node_name_;
  controller::zk::ZkClient client_;
  ConnectionId connection_;
  std::optional<EventHandle> timer_;
  std::int64_t timer_at_ms_ = 0;
  std::uint64_t timer_generation_ = 0;
  bool flushing_ = false;
};

}  // namespace ksim::sim::cluster
