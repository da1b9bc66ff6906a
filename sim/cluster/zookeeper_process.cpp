// The zookeeper node's connections, requests, watch deliveries and expiry timer.
#include "sim/cluster/zookeeper_process.h"

#include <stdexcept>
#include <utility>

#include "core/controller/zk_request_processor.h"

namespace ksim::sim::cluster {

namespace zk = controller::zk;

// --- the store ----------------------------------------------------------------------------------

zk::ZooKeeperServer& ZooKeeperStore::server() {
  if (!server_) throw std::logic_error("ZooKeeperStore: the zookeeper node has not started yet");
  return *server_;
}

const zk::ZooKeeperServer& ZooKeeperStore::server() const {
  if (!server_) throw std::logic_error("ZooKeeperStore: the zookeeper node has not started yet");
  return *server_;
}

zk::ZooKeeperServer& ZooKeeperStore::open(const zk::ZooKeeperConfig& config, std::int64_t now_ms) {
  if (server_) {
    server_->restart(now_ms);
  } else {
    server_.emplace(config, now_ms);
  }
  return *server_;
}

// --- the process --------------------------------------------------------------------------------

ZooKeeperProcess::ZooKeeperProcess(ZooKeeperProcessOptions options,
                                   std::shared_ptr<ZooKeeperStore> store)
    : options_(options), store_(std::move(store)) {}

ProcessFactory ZooKeeperProcess::factory(ZooKeeperProcessOptions options,
                                         std::shared_ptr<ZooKeeperStore> store) {
  return [options, store] { return std::make_unique<ZooKeeperProcess>(options, store); };
}

std::int64_t ZooKeeperProcess::now_ms() const {
  return context_->now().to_ms() + options_.unix_epoch_offset_ms;
}

std::optional<ConnectionId> ZooKeeperProcess::connection_of(zk::SessionId session) const {
  const auto it = connection_of_session_.find(session);
  if (it == connection_of_session_.end()) return std::nullopt;
  return it->second;
}

void ZooKeeperProcess::start(ProcessContext& context) {
  context_ = &context;
  store_->open(options_.config, now_ms());
  NodeHandlers handlers;
  handlers.on_message = [this](Delivery& delivery) { on_message(delivery); };
  handlers.on_disconnect = [this](ConnectionId end, NodeId, DisconnectReason) {
    on_disconnect(end);
  };
  context.set_network_handlers(std::move(handlers));
  arm_expiry_timer();
}

template <typename T>
void ZooKeeperProcess::send(ConnectionId connection, T message) {
  const std::size_t size = zk::wire_size(message);
  context_->send(connection, Message::of(std::move(message), size));
}

void ZooKeeperProcess::on_message(Delivery& delivery) {
  if (const auto* connect = delivery.message.payload.get<zk::ConnectRequest>()) {
    on_connect(delivery.connection, *connect);
  } else if (const auto* request = delivery.message.payload.get<zk::Request>()) {
    on_request(delivery.connection, *request);
  }
  arm_expiry_timer();
}

void ZooKeeperProcess::on_connect(ConnectionId connection, const zk::ConnectRequest& request) {
  const zk::ConnectResponse response = zk::process_connect(server(), request, now_ms());
  // Sessions the connect found due expire first (their notifications go out).
  const std::vector<ConnectionId> dead = settle();
  if (!response.expired()) bind(response.session_id, connection);
  // An expired answer leaves the connection unbound: the client closes it when it reads this.
  send(connection, response);
  if (!response.expired()) {
    // SetWatches: what was sent on the old connection after the last zxid the client saw.
    if (auto sent = unconfirmed_events_.find(response.session_id);
        sent != unconfirmed_events_.end()) {
      std::vector<zk::WatchedEvent> events = std::move(sent->second);
      unconfirmed_events_.erase(sent);
      for (zk::WatchedEvent& event : events) {
        if (event.zxid > request.last_zxid_seen) {
          send(connection, zk::WatchNotification{std::move(event)});
        }
      }
    }
    const auto held = held_events_.find(response.session_id);
    if (held != held_events_.end()) {
      std::vector<zk::WatchedEvent> events = std::move(held->second);
      held_events_.erase(held);
      for (zk::WatchedEvent& event : events) {
        send(connection, zk::WatchNotification{std::move(event)});
      }
    }
  }
  close_all(dead);
}

void ZooKeeperProcess::on_request(ConnectionId connection, const zk::Request& request) {
  const auto bound = session_of_connection_.find(connection);
  if (bound == session_of_connection_.end()) return;  // no handshake on it: not ZooKeeper's client
  const zk::SessionId session = bound->second;
  const zk::Response response = zk::process_request(server(), session, request, now_ms());
  if (std::holds_alternative<zk::CloseSessionOp>(request.body)) {
    unconfirmed_events_.erase(session);
    held_events_.erase(session);
    unbind(connection);  // answered below; then the client closes the connection
  }
  // The notifications this request fired go out before its answer (ZooKeeper's order).
  const std::vector<ConnectionId> dead = settle();
  send(connection, response);
  close_all(dead);
}

void ZooKeeperProcess::on_disconnect(ConnectionId connection) { unbind(connection); }

void ZooKeeperProcess::bind(zk::SessionId session, ConnectionId connection) {
  const auto previous = connection_of_session_.find(session);
  if (previous != connection_of_session_.end() && previous->second != connection) {
    // ZooKeeper closes the stale connection of a session that reconnected elsewhere.
    const ConnectionId stale = previous->second;
    unbind(stale);
    context_->close(stale);
  }
  unbind(connection);
  connection_of_session_[session] = connection;
  session_of_connection_[connection] = session;
}

void ZooKeeperProcess::unbind(ConnectionId connection) {
  const auto it = session_of_connection_.find(connection);
  if (it == session_of_connection_.end()) return;
  connection_of_session_.erase(it->second);
  session_of_connection_.erase(it);
}

std::vector<ConnectionId> ZooKeeperProcess::settle() {
  std::vector<ConnectionId> dead;
  for (const zk::SessionId session : server().expire_sessions(now_ms())) {
    held_events_.erase(session);
    unconfirmed_events_.erase(session);
    const auto it = connection_of_session_.find(session);
    if (it == connection_of_session_.end()) continue;
    dead.push_back(it->second);
    unbind(it->second);
  }
  deliver_watch_events();
  return dead;
}

void ZooKeeperProcess::close_all(const std::vector<ConnectionId>& connections) {
  // ZooKeeper closes the connection of a session it expires; the client reconnects and learns.
  for (const ConnectionId connection : connections) context_->close(connection);
}

void ZooKeeperProcess::deliver_pending_watch_events() {
  deliver_watch_events();
  arm_expiry_timer();
}

void ZooKeeperProcess::deliver_watch_events() {
  zk::ZooKeeperServer& zk = server();
  for (zk::WatchedEvent& event : zk.take_watch_events()) {
    const auto it = connection_of_session_.find(event.session_id);
    if (it != connection_of_session_.end()) {
      // Sent on the connection the server believes in. That connection may in fact be dead
      // (the client gave up on it and will reconnect): the event is kept until the session
      // resumes and sent again if the client had not seen its zxid (what ZooKeeper's SetWatches
      // achieves after a reconnect).
      std::vector<zk::WatchedEvent>& unconfirmed = unconfirmed_events_[event.session_id];
      if (unconfirmed.size() >= kMaxUnconfirmedEvents) unconfirmed.erase(unconfirmed.begin());
      unconfirmed.push_back(event);
      send(it->second, zk::WatchNotification{std::move(event)});
    } else if (zk.session_tracker().is_live(event.session_id)) {
      held_events_[event.session_id].push_back(std::move(event));
    }
  }
}

void ZooKeeperProcess::arm_expiry_timer() {
  const std::optional<std::int64_t> due = server().next_expiry_time();
  if (expiry_timer_ && due && *due == expiry_timer_at_ms_) return;
  if (expiry_timer_) {
    context_->cancel_timer(*expiry_timer_);
    expiry_timer_.reset();
    ++expiry_generation_;
  }
  if (!due) return;
  const SimTime at = SimTime::from_ms(*due - options_.unix_epoch_offset_ms);
  const SimDuration delay = at > context_->now() ? at - context_->now() : SimDuration::zero();
  expiry_timer_at_ms_ = *due;
  const std::uint64_t generation = ++expiry_generation_;
  expiry_timer_ = context_->set_timer(delay, "zk.expire_sessions", [this, generation] {
    // A timer cancelled while the process was paused may still run at the resume: ignore it.
    if (generation != expiry_generation_) return;
    expiry_timer_.reset();
    close_all(settle());
    arm_expiry_timer();
  });
}

}  // namespace ksim::sim::cluster
