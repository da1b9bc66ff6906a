#include "sim/clients/broker_connections.h"

#include <fmt/format.h>


namespace ksim::sim::clients {

BrokerConnections::BrokerConnections(ProcessContext& context, SimDuration request_timeout,
                                     std::function<void(std::int32_t)> on_disconnect)
    : context_(&context), request_timeout_(request_timeout), on_disconnect_(std::move(on_disconnect)) {}

void BrokerConnections::attach() {
  NodeHandlers handlers;
  handlers.on_message = [this](Delivery& delivery) {
    if (auto it = directory_.find(delivery.connection); it != directory_.end()) {
      it->second->on_message(delivery);
    }
  };
  handlers.on_disconnect = [this](ConnectionId end, NodeId, DisconnectReason) {
    if (auto it = directory_.find(end); it != directory_.end()) it->second->on_disconnect(end);
  };
  context_->set_network_handlers(std::move(handlers));
}

cluster::RequestChannel& BrokerConnections::to(std::int32_t broker_id) {
  auto& slot = channels_[broker_id];
  if (!slot) {
    const NodeId node = context_->resolve(fmt::format("broker {}", broker_id));
    slot = std::make_unique<cluster::RequestChannel>(*context_, node, request_timeout_,
                                                     &directory_);
    if (on_disconnect_) {
      slot->set_disconnect_handler([this, broker_id] { on_disconnect_(broker_id); });
    }
  }
  return *slot;
}

cluster::RequestChannel& BrokerConnections::to_coordinator(std::int32_t broker_id,
                                                          SimDuration request_timeout) {
  auto& slot = coordinator_channels_[broker_id];
  if (!slot) {
    const NodeId node = context_->resolve(fmt::format("broker {}", broker_id));
    slot = std::make_unique<cluster::RequestChannel>(*context_, node, request_timeout,
                                                     &directory_);
  }
  return *slot;
}

void BrokerConnections::close_all() {
  for (auto& [id, channel] : channels_) channel->close();
  for (auto& [id, channel] : coordinator_channels_) channel->close();
}

}  // namespace ksim::sim::clients
