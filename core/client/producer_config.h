// The producer's settings, with Kafka's names and defaults (ProducerConfig), parsed from
// (name, value) string pairs, and the checks Kafka's ProducerConfig and KafkaProducer make on
// them: idempotence (on by default since 3.0) needs acks=all, retries > 0 and at most 5
// requests in flight per connection, and delivery.timeout.ms must cover linger.ms +
// request.timeout.ms. A contradiction is a ConfigException in Kafka's words.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ksim::client {

// org.apache.kafka.common.config.ConfigException.
class ConfigException : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct ProducerConfig {
  std::int16_t acks = -1;             // acks: 0, 1 or -1 ("all")
  std::int32_t batch_size = 16384;    // batch.size: bytes per partition batch
  std::int64_t linger_ms = 5;         // linger.ms (5 since Kafka 4.0, 0 before)
  std::int32_t retries = 2147483647;  // retries
  std::int64_t retry_backoff_ms = 100;
  std::int32_t request_timeout_ms = 30000;
  // delivery.timeout.ms; nullopt: Kafka's default 120000, raised to linger.ms +
  // request.timeout.ms when that is larger (an explicit smaller value is a ConfigException).
  std::optional<std::int32_t> delivery_timeout_ms;
  std::int32_t max_in_flight_requests_per_connection = 5;
  // enable.idempotence; nullopt: Kafka's default true, quietly turned off by acks != all or
  // retries = 0 (an explicit true with those is a ConfigException).
  std::optional<bool> enable_idempotence;
  std::int64_t metadata_max_age_ms = 300000;
  std::int32_t max_request_size = 1048576;
  std::int64_t max_block_ms = 60000;  // how long a send waits for its topic's metadata
  std::string client_id;

  // Whether the producer is idempotent once the defaults are resolved (after validate()).
  bool idempotence_enabled() const;
  // delivery.timeout.ms once the default is resolved.
  std::int32_t effective_delivery_timeout_ms() const;

  // Throws ConfigException for a value out of range or settings that contradict each other.
  void validate() const;
};

// Every name parse_producer_config accepts, in Kafka's spelling.
const std::vector<std::string>& producer_config_names();

// Parses (name, value) pairs ("acks", "all"), later pairs overriding earlier ones, then
// validates. Throws ConfigException naming the setting and the problem, e.g.
// "Invalid value abc for configuration batch.size: Not a number of type INT" or
// "Unknown producer configuration: bogus.name".
ProducerConfig parse_producer_config(
    const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace ksim::client
