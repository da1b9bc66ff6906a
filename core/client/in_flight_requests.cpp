#include "core/client/in_flight_requests.h"

#include <set>

namespace ksim::client {

void InFlightRequests::add(InFlightRequest request) {
  const std::int32_t id = request.correlation_id;
  requests_.emplace(id, std::move(request));
}

std::optional<InFlightRequest> InFlightRequests::take(std::int32_t correlation_id) {
  const auto it = requests_.find(correlation_id);
  if (it == requests_.end()) return std::nullopt;
  InFlightRequest request = std::move(it->second);
  requests_.erase(it);
  return request;
}

std::vector<InFlightRequest> InFlightRequests::take_all_to(std::int32_t destination) {
  std::vector<InFlightRequest> taken;
  for (auto it = requests_.begin(); it != requests_.end();) {
    if (it->second.destination == destination) {
      taken.push_back(std::move(it->second));
      it = requests_.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

std::vector<InFlightRequest> InFlightRequests::take_all() {
  std::vector<InFlightRequest> taken;
  for (auto& [id, request] : requests_) taken.push_back(std::move(request));
  requests_.clear();
  return taken;
}

bool InFlightRequests::can_send_more(std::int32_t destination) const {
  return count(destination) < static_cast<std::size_t>(max_per_connection_);
}

std::size_t InFlightRequests::count(std::int32_t destination) const {
  std::size_t n = 0;
  for (const auto& [id, request] : requests_) {
    if (request.destination == destination) ++n;
  }
  return n;
}

bool InFlightRequests::has_kind(RequestKind kind) const {
  for (const auto& [id, request] : requests_) {
    if (request.kind == kind) return true;
  }
  return false;
}

std::vector<std::int32_t> InFlightRequests::nodes_with_timed_out_requests(
    std::int64_t now_ms) const {
  std::set<std::int32_t> nodes;
  for (const auto& [id, request] : requests_) {
    if (now_ms >= request.deadline_ms) nodes.insert(request.destination);
  }
  return {nodes.begin(), nodes.end()};
}

std::optional<std::int64_t> InFlightRequests::earliest_deadline_ms() const {
  std::optional<std::int64_t> earliest;
  for (const auto& [id, request] : requests_) {
    if (!earliest.has_value() || request.deadline_ms < *earliest) earliest = request.deadline_ms;
  }
  return earliest;
}

}  // namespace ksim::client
