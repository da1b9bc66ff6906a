// ZkSession: the ZkClient's transport actions on the simulated network, and its tick timer.
#include "sim/cluster/zk_session.h"

#include <utility>
#include <variant>

namespace ksim::sim::cluster {

namespace zk = controller::zk;

ZkSession::ZkSession(ProcessContext& context, std::string zookeeper_node_name,
                     zk::ZkClientConfig config)
    : context_(context), zookeeper_node_name_(std::move(zookeeper_node_name)), client_(config) {}

ZkSession::~ZkSession() {
  if (timer_) context_.cancel_timer(*timer_);
}

bool ZkSession::on_message(Delivery& delivery) {
  if (connection_.is_none() || delivery.connection != connection_) return false;
  const std::int64_t now = now_ms();
  if (const auto* response = delivery.message.payload.get<zk::Response>()) {
    client_.on_response(*response, now);
  } else if (const auto* notification = delivery.message.payload.get<zk::WatchNotification>()) {
    client_.on_watch_notification(*notification, now);
  } else if (const auto* connect = delivery.message.payload.get<zk::ConnectResponse>()) {
    client_.on_connect_response(*connect, now);
  }
  flush();
  return true;
}

bool ZkSession::on_connected(ConnectionId end, NodeId) {
  if (connection_.is_none() || end != connection_) return false;
  client_.on_transport_connected(now_ms());
  flush();
  return true;
}

bool ZkSession::on_disconnect(ConnectionId end, NodeId, DisconnectReason) {
  if (connection_.is_none() || end != connection_) return false;
  // The network ended it; closing our end too releases the dead socket.
  context_.close(connection_);
  connection_ = {};
  client_.on_transport_lost(now_ms());
  flush();
  return true;
}

void ZkSession::flush() {
  // Callbacks run by the client may call flush() again: the outer loop does the work.
  if (flushing_) return;
  flushing_ = true;
  for (;;) {
    std::vector<zk::ZkTransportAction> actions = client_.take_actions();
    if (actions.empty()) break;
    for (zk::ZkTransportAction& action : actions) {
      switch (action.kind) {
        case zk::ZkTransportAction::Kind::open_connection:
          if (!connection_.is_none()) context_.close(connection_);
          connection_ = context_.connect(context_.resolve(zookeeper_node_name_));
          break;
        case zk::ZkTransportAction::Kind::close_connection:
          if (!connection_.is_none()) context_.close(connection_);
          connection_ = {};
          break;
        case zk::ZkTransportAction::Kind::send:
          if (connection_.is_none()) break;
          std::visit(
              [this](auto& message) {
                const std::size_t size = zk::wire_size(message);
                context_.send(connection_, Message::of(std::move(message), size));
              },
              action.message);
          break;
      }
    }
  }
  flushing_ = false;
  arm_timer();
}

void ZkSession::arm_timer() {
  const std::optional<std::int64_t> deadline = client_.next_deadline_ms();
  if (timer_ && deadline && *deadline == timer_at_ms_) return;
  if (timer_) {
    context_.cancel_timer(*timer_);
    timer_.reset();
    ++timer_generation_;
  }
  if (!deadline) return;
  const SimTime at = SimTime::from_ms(*deadline);
  const SimDuration delay = at > context_.now() ? at - context_.now() : SimDuration::zero();
  timer_at_ms_ = *deadline;
  const std::uint64_t generation = ++timer_generation_;
  timer_ = context_.set_timer(delay, "zk.tick", [this, generation] {
    // A timer cancelled while the process was paused may still run at the resume: ignore it.
    if (generation != timer_generation_) return;
    timer_.reset();
    client_.tick(now_ms());
    flush();
  });
}

}  // namespace ksim::sim::cluster
