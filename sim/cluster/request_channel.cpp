#include "sim/cluster/request_channel.h"

#include <utility>
#include <vector>

namespace ksim::sim::cluster {

RequestChannel::RequestChannel(ProcessContext& context, NodeId peer, SimDuration request_timeout,
                               ChannelDirectory* directory)
    : context_(&context), peer_(peer), request_timeout_(request_timeout), directory_(directory) {}

RequestChannel::~RequestChannel() {
  for (auto& [id, request] : in_flight_) context_->cancel_timer(request.timeout);
  if (connection_ && directory_ != nullptr) directory_->erase(*connection_);
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
  const EventHandle timeout =
      context_->set_timer(request_timeout_, "kafka.request_timeout", [this, correlation_id] {
        if (!in_flight_.contains(correlation_id)) return;
        close();  // NetworkClient: a timed-out request disconnects, failing the others too
      });
  in_flight_.emplace(correlation_id, InFlight{std::move(done), timeout});
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
  context_->cancel_timer(request.timeout);
  request.done(response);
  return true;
}

bool RequestChannel::on_disconnect(ConnectionId end) {
  if (!connection_ || end != *connection_) return false;
  forget_connection();
  fail_all();
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
    context_->cancel_timer(request.timeout);
    request.done(nullptr);  // may send again: a new connection
  }
}

}  // namespace ksim::sim::cluster
