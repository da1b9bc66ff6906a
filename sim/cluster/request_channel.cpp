#include "sim/cluster/request_channel.h"

#include <utility>
#include <vector>

namespace ksim::sim::cluster {

RequestChannel::RequestChannel(ProcessContext& context, NodeId peer, SimDuration request_timeout,
                               ChannelDirectory* directory)
    : context_(&context), peer_(peer), request_timeout_(request_timeout), directory_(directory) {}

RequestChannel::~RequestChannel() {
  if (timer_) context_->cancel_timer(*timer_);
  if (connection_ && directory_ != nullptr) directory_->erase(*connection_);
}

// One timer per channel, at the oldest request's deadline (NetworkClient checks its in-flight
// requests' timeouts as it polls): no timer to set and cancel per request.
void RequestChannel::arm_timeout() {
  if (timer_ || in_flight_.empty()) return;
  const SimTime deadline = in_flight_.begin()->second.deadline;  // ids grow: the oldest first
  const SimDuration wait = deadline > context_->now() ? deadline - context_->now() : SimDuration{};
  timer_ = context_->set_timer(wait, "kafka.request_timeout", [this] {
    timer_.reset();
    if (!in_flight_.empty() && in_flight_.begin()->second.deadline <= context_->now()) {
      close();  // NetworkClient: a timed-out request disconnects, failing the others too
    }
    arm_timeout();
  });
}

void RequestChannel::connect() {
  connection_ = context_->connect(peer_);
  if (directory_ != nullptr) (*directory_)[*connection_] = this;
}

void RequestChannel::forget_connection() {
  if (connection_ && directory_ != nullptr) directory_->erase(*connection_);
  connection_.reset();
}

void RequestChannel::send(RequestBody body, Done done) {
  if (!connection_) connect();
  const std::int32_t correlation_id = next_correlation_id_++;
  in_flight_.emplace(correlation_id, InFlight{std::move(done), context_->now() + request_timeout_});
  arm_timeout();
  KafkaRequest request{correlation_id, std::move(body)};
  const std::size_t size = wire_size(request);
  context_->send(*connection_, Message::of(std::move(request), size));
}

void RequestChannel::send_without_response(RequestBody body) {
  if (!connection_) connect();
  KafkaRequest request{next_correlation_id_++, std::move(body)};
  const std::size_t size = wire_size(request);
  context_->send(*connection_, Message::of(std::move(request), size));
}

bool RequestChannel::on_message(Delivery& delivery) {
  if (!connection_ || delivery.connection != *connection_) return false;
  const KafkaResponse* response = delivery.message.payload.get<KafkaResponse>();
  if (response == nullptr) return true;
  const auto it = in_flight_.find(response->correlation_id);
  if (it == in_flight_.end()) return true;  // answered after it was given up
  InFlight request = std::move(it->second);
  in_flight_.erase(it);
  request.done(response);
  return true;
}

bool RequestChannel::on_disconnect(ConnectionId end) {
  if (!connection_ || end != *connection_) return false;
  forget_connection();
  fail_all();
  if (on_broken_) on_broken_();
  return true;
}

void RequestChannel::close() {
  if (connection_) {
    context_->close(*connection_);
    forget_connection();
  }
  fail_all();
}

void RequestChannel::fail_all() {
  std::map<std::int32_t, InFlight> failed = std::move(in_flight_);
  in_flight_.clear();
  for (auto& [id, request] : failed) {
    request.done(nullptr);  // may send again: a new connection
  }
}

}  // namespace ksim::sim::cluster
