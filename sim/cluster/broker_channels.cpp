// KafkaBroker's requests to other brokers: its replica fetchers, ISR proposals to the
// controller, and, when it is the controller, the controller's channel to every broker.
#include "sim/cluster/broker_process.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <utility>

namespace ksim::sim::cluster {

// --- outbound requests ----------------------------------------------------------------------

std::optional<NodeId> KafkaBroker::broker_node(std::int32_t broker_id) {
  if (auto it = broker_nodes_.find(broker_id); it != broker_nodes_.end()) return it->second;
  try {
    const NodeId node = context_->resolve(fmt::format("broker {}", broker_id));
    broker_nodes_.emplace(broker_id, node);
    return node;
  } catch (const std::exception&) {
    return std::nullopt;  // no such broker in this world
  }
}

RequestChannel& KafkaBroker::channel(Purpose purpose, std::int32_t broker_id) {
  auto& slot = channels_[{purpose, broker_id}];
  if (!slot) {
    slot = std::make_unique<RequestChannel>(*context_, *broker_node(broker_id),
                                            config_.request_timeout, &channel_of_connection_);
  }
  return *slot;
}

void KafkaBroker::send_fetcher_requests() {
  replication::ReplicaManager& rm = *replica_manager_;
  for (replication::FetcherSend& send : rm.poll_fetchers(now_ms())) {
    const std::int32_t leader = send.leader_id;
    if (!broker_node(leader)) {
      rm.handle_fetcher_failure(leader, now_ms());
      continue;
    }
    RequestBody body = std::visit([](auto& r) -> RequestBody { return std::move(r); },
                                  send.request);
    channel(Purpose::fetcher, leader).send(std::move(body), [this, leader](const KafkaResponse* r) {
      replication::ReplicaManager& manager = *replica_manager_;
      if (r == nullptr) {
        manager.handle_fetcher_failure(leader, now_ms());
      } else if (const auto* fetch = std::get_if<protocol::FetchResponse>(&r->body)) {
        manager.handle_fetcher_response(leader, *fetch, now_ms());
      } else if (const auto* epochs = std::get_if<protocol::OffsetForLeaderEpochResponse>(&r->body)) {
        manager.handle_fetcher_response(leader, *epochs, now_ms());
      } else if (const auto* offsets = std::get_if<protocol::ListOffsetsResponse>(&r->body)) {
        manager.handle_fetcher_response(leader, *offsets, now_ms());
      } else {
        manager.handle_fetcher_failure(leader, now_ms());
      }
      pump();
    });
  }
}

void KafkaBroker::send_alter_partition() {
  if (alter_partition_backoff_) return;
  std::optional<protocol::AlterPartitionRequest> request =
      replica_manager_->take_alter_partition_request();
  if (!request) return;
  const auto back_off = [this] {
    replica_manager_->handle_alter_partition_failure();
    alter_partition_backoff_ = true;
    context_->set_timer(config_.retry_backoff, "broker.alter_partition_backoff", [this] {
      alter_partition_backoff_ = false;
      pump();
    });
  };
  const std::int32_t controller_id = metadata_.controller_id();
  if (controller_id < 0 || !broker_node(controller_id)) {
    back_off();
    return;
  }
  request->broker_id = config_.broker_id;
  request->broker_epoch = broker_epoch_;
  channel(Purpose::to_controller, controller_id)
      .send(std::move(*request), [this, back_off](const KafkaResponse* r) {
        const auto* answer = r ? std::get_if<protocol::AlterPartitionResponse>(&r->body) : nullptr;
        if (answer == nullptr || answer->error_code != protocol::Error::NONE) {
          back_off();  // no controller there (NOT_CONTROLLER), or no answer: try again
        } else {
          replica_manager_->handle_alter_partition_response(*answer, now_ms());
        }
        pump();
      });
}

void KafkaBroker::send_controller_requests() {
  for (controller::ControllerSend& send : controller_->take_requests()) {
    ControllerQueue& queue = controller_queues_[send.broker_id];
    // Requests queued for an earlier life of that broker go (ControllerChannelManager's
    // removeBroker when it failed): a new life must never get an old life's LeaderAndIsr.
    const std::optional<std::int64_t> epoch = controller_->live_broker_epoch(send.broker_id);
    if (queue.broker_epoch != epoch) reset_controller_queue(send.broker_id, epoch);
    queue.requests.push_back(std::move(send.request));
    if (!queue.in_flight) send_next_controller_request(send.broker_id);
  }
}

void KafkaBroker::reset_controller_queue(std::int32_t broker_id,
                                         std::optional<std::int64_t> broker_epoch) {
  ControllerQueue& queue = controller_queues_[broker_id];
  queue.requests.clear();
  queue.in_flight = false;
  queue.broker_epoch = broker_epoch;
  ++queue.generation;  // an answer to what was in flight is ignored
  if (auto it = channels_.find({Purpose::controller_channel, broker_id}); it != channels_.end()) {
    it->second->close();
  }
}

// The controller's channel to one broker (Kafka's RequestSendThread): one request at a time,
// retried after a failure while that life of the broker is alive and this broker controls.
void KafkaBroker::send_next_controller_request(std::int32_t broker_id) {
  ControllerQueue& queue = controller_queues_[broker_id];
  if (queue.in_flight || queue.requests.empty()) return;
  if (!controller_->is_active() || !broker_node(broker_id) ||
      controller_->live_broker_epoch(broker_id) != queue.broker_epoch) {
    reset_controller_queue(broker_id, controller_->live_broker_epoch(broker_id));
    return;
  }
  queue.in_flight = true;
  const std::uint64_t generation = queue.generation;
  RequestBody body =
      std::visit([](const auto& r) -> RequestBody { return r; }, queue.requests.front());
  channel(Purpose::controller_channel, broker_id)
      .send(std::move(body), [this, broker_id, generation](const KafkaResponse* response) {
        ControllerQueue& q = controller_queues_[broker_id];
        if (q.generation != generation) return;  // the queue was reset meanwhile
        q.in_flight = false;
        if (response != nullptr) {
          if (!q.requests.empty()) q.requests.pop_front();
          send_next_controller_request(broker_id);
        } else {
          context_->set_timer(config_.retry_backoff, "controller.retry", [this, broker_id] {
            send_next_controller_request(broker_id);  // drops the queue if that life is gone
            pump();
          });
        }
        pump();
      });
}

}  // namespace ksim::sim::cluster
