// ConsumerNetworkClient: the consumer's side of its connections, sans-IO (Kafka's
// ConsumerNetworkClient and NetworkClient without sockets). Requests go into an outbox with a
// destination broker (or any_broker: the host picks one, as Kafka's leastLoadedNode does) and a
// correlation id; the host sends them and passes back each answer, a broken connection, or
// nothing at all, in which case the request expires after request.timeout.ms. An expired request
// disconnects its broker, failing everything else in flight to it, as Kafka does. A broker that
// disconnected is not used again for reconnect.backoff.ms, doubling per failure up to
// reconnect.backoff.max.ms (Kafka adds 20% jitter; ksim's core draws no random numbers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/client/kafka_consumer_config.h"
#include "core/client/kafka_consumer_requests.h"

namespace ksim::client {

class ConsumerNetworkClient {
 public:
  struct InFlight {
    std::int32_t destination = any_broker;
    ConsumerApi api = ConsumerApi::metadata;
    std::int64_t deadline_ms = 0;
  };

  explicit ConsumerNetworkClient(const ConsumerConfig& config);

  // Queues a request; returns its correlation id. `timeout_ms` overrides request.timeout.ms
  // (JoinGroup waits up to the rebalance timeout).
  std::int32_t send(std::int32_t destination, ConsumerRequestBody body, std::int64_t now_ms,
                    std::optional<std::int64_t> timeout_ms = std::nullopt);
  std::vector<ConsumerOutboundRequest> take_outbox();
  const std::vector<ConsumerOutboundRequest>& outbox() const { return outbox_; }

  // The request answered: removed from the in-flight set. nullopt for an unknown id (already
  // failed or never sent), which the caller ignores.
  std::optional<InFlight> complete(std::int32_t correlation_id);
  // The connection to `broker` broke: every request in flight to it fails, in id order.
  std::vector<std::pair<std::int32_t, InFlight>> disconnect(std::int32_t broker,
                                                            std::int64_t now_ms);
  // One request failed without an answer (e.g. an any_broker request whose connection broke).
  std::optional<InFlight> fail(std::int32_t correlation_id, std::int64_t now_ms);
  // Requests past their deadline, and everything else in flight to their brokers.
  std::vector<std::pair<std::int32_t, InFlight>> expire(std::int64_t now_ms);

  bool is_unavailable(std::int32_t broker, std::int64_t now_ms) const;
  std::size_t in_flight_count() const { return in_flight_.size(); }
  bool has_in_flight(ConsumerApi api) const;
  // The earliest deadline of a request in flight, and the end of every reconnect backoff.
  std::optional<std::int64_t> next_wakeup_ms(std::int64_t now_ms) const;

 private:
  std::optional<InFlight> take(std::int32_t correlation_id);

  ConsumerConfig config_;
  std::int32_t next_correlation_id_ = 0;
  std::vector<ConsumerOutboundRequest> outbox_;
  std::map<std::int32_t, InFlight> in_flight_;
  struct Backoff {
    std::int32_t failures = 0;
    std::int64_t unavailable_until_ms = 0;
  };
  std::map<std::int32_t, Backoff> backoff_;
};

}  // namespace ksim::client
