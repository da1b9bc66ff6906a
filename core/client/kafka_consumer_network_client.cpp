#include "core/client/kafka_consumer_network_client.h"

#include <algorithm>
#include <set>

namespace ksim::client {

std::string_view api_name(ConsumerApi api) {
  switch (api) {
    case ConsumerApi::metadata:
      return "Metadata";
    case ConsumerApi::fetch:
      return "Fetch";
    case ConsumerApi::list_offsets:
      return "ListOffsets";
    case ConsumerApi::find_coordinator:
      return "FindCoordinator";
    case ConsumerApi::join_group:
      return "JoinGroup";
    case ConsumerApi::sync_group:
      return "SyncGroup";
    case ConsumerApi::heartbeat:
      return "Heartbeat";
    case ConsumerApi::leave_group:
      return "LeaveGroup";
    case ConsumerApi::offset_commit:
      return "OffsetCommit";
    case ConsumerApi::offset_fetch:
      return "OffsetFetch";
  }
  return "Unknown";
}

ConsumerNetworkClient::ConsumerNetworkClient(const ConsumerConfig& config) : config_(config) {}

std::int32_t ConsumerNetworkClient::send(std::int32_t destination, ConsumerRequestBody body,
                                         std::int64_t now_ms,
                                         std::optional<std::int64_t> timeout_ms) {
  const std::int32_t correlation_id = next_correlation_id_++;
  const std::int64_t timeout = timeout_ms.value_or(config_.request_timeout_ms);
  in_flight_.emplace(correlation_id, InFlight{destination, api_of(body), now_ms + timeout});
  outbox_.push_back({destination, correlation_id, std::move(body)});
  return correlation_id;
}

std::vector<ConsumerOutboundRequest> ConsumerNetworkClient::take_outbox() {
  std::vector<ConsumerOutboundRequest> taken;
  taken.swap(outbox_);
  return taken;
}

std::optional<ConsumerNetworkClient::InFlight> ConsumerNetworkClient::take(
    std::int32_t correlation_id) {
  auto it = in_flight_.find(correlation_id);
  if (it == in_flight_.end()) return std::nullopt;
  InFlight done = it->second;
  in_flight_.erase(it);
  return done;
}

std::optional<ConsumerNetworkClient::InFlight> ConsumerNetworkClient::complete(
    std::int32_t correlation_id) {
  auto done = take(correlation_id);
  if (done && done->destination != any_broker) backoff_.erase(done->destination);
  return done;
}

std::vector<std::pair<std::int32_t, ConsumerNetworkClient::InFlight>>
ConsumerNetworkClient::disconnect(std::int32_t broker, std::int64_t now_ms) {
  std::vector<std::pair<std::int32_t, InFlight>> failed;
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->second.destination == broker) {
      failed.emplace_back(it->first, it->second);
      it = in_flight_.erase(it);
    } else {
      ++it;
    }
  }
  // A request still in the outbox never left: it fails too.
  std::erase_if(outbox_, [&](const ConsumerOutboundRequest& r) { return r.destination == broker; });
  if (broker != any_broker) {
    auto& backoff = backoff_[broker];
    backoff.failures = std::min(backoff.failures + 1, 30);
    std::int64_t delay = config_.reconnect_backoff_ms;
    for (std::int32_t i = 1; i < backoff.failures && delay < config_.reconnect_backoff_max_ms;
         ++i) {
      delay *= 2;
    }
    delay =
        std::min(delay, std::max(config_.reconnect_backoff_max_ms, config_.reconnect_backoff_ms));
    backoff.unavailable_until_ms = now_ms + delay;
  }
  return failed;
}

std::optional<ConsumerNetworkClient::InFlight> ConsumerNetworkClient::fail(
    std::int32_t correlation_id, std::int64_t /*now_ms*/) {
  std::erase_if(outbox_, [&](const ConsumerOutboundRequest& r) {
    return r.correlation_id == correlation_id;
  });
  return take(correlation_id);
}

std::vector<std::pair<std::int32_t, ConsumerNetworkClient::InFlight>> ConsumerNetworkClient::expire(
    std::int64_t now_ms) {
  std::vector<std::pair<std::int32_t, InFlight>> failed;
  std::set<std::int32_t> brokers;
  std::vector<std::int32_t> lone;
  for (const auto& [id, request] : in_flight_) {
    if (request.deadline_ms > now_ms) continue;
    if (request.destination == any_broker) {
      lone.push_back(id);
    } else {
      brokers.insert(request.destination);
    }
  }
  for (auto id : lone) {
    if (auto request = fail(id, now_ms)) failed.emplace_back(id, *request);
  }
  for (auto broker : brokers) {
    auto dropped = disconnect(broker, now_ms);
    failed.insert(failed.end(), dropped.begin(), dropped.end());
  }
  std::sort(failed.begin(), failed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return failed;
}

bool ConsumerNetworkClient::is_unavailable(std::int32_t broker, std::int64_t now_ms) const {
  auto it = backoff_.find(broker);
  return it != backoff_.end() && now_ms < it->second.unavailable_until_ms;
}

bool ConsumerNetworkClient::has_in_flight(ConsumerApi api) const {
  return std::any_of(in_flight_.begin(), in_flight_.end(),
                     [&](const auto& entry) { return entry.second.api == api; });
}

std::optional<std::int64_t> ConsumerNetworkClient::next_wakeup_ms(std::int64_t now_ms) const {
  std::optional<std::int64_t> next;
  auto consider = [&](std::int64_t t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [id, request] : in_flight_) consider(request.deadline_ms);
  for (const auto& [broker, backoff] : backoff_) {
    if (backoff.unavailable_until_ms > now_ms) consider(backoff.unavailable_until_ms);
  }
  return next;
}

}  // namespace ksim::client
