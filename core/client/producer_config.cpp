#include "core/client/producer_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace ksim::client {

namespace {

constexpr std::int32_t kMaxInFlightForIdempotence = 5;

[[noreturn]] void invalid_value(const std::string& name, const std::string& value,
                                const std::string& why) {
  throw ConfigException("Invalid value " + value + " for configuration " + name + ": " + why);
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

template <typename T>
T parse_trimmed_number(const std::string& name, const std::string& raw, const char* type_name) {
  const std::string value = trim(raw);
  T parsed{};
  const auto* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, parsed);
  if (value.empty() || ec != std::errc{} || ptr != end) {
    invalid_value(name, raw, std::string("Not a number of type ") + type_name);
  }
  return parsed;
}

std::int32_t parse_int(const std::string& name, const std::string& value) {
  return parse_trimmed_number<std::int32_t>(name, value, "INT");
}
std::int64_t parse_long(const std::string& name, const std::string& value) {
  return parse_trimmed_number<std::int64_t>(name, value, "LONG");
}

bool parse_boolean(const std::string& name, const std::string& raw) {
  std::string value = trim(raw);
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "true") return true;
  if (value == "false") return false;
  invalid_value(name, raw, "Expected value to be either true or false");
}

std::int16_t parse_acks(const std::string& raw) {
  const std::string value = trim(raw);
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "all" || value == "-1") return -1;
  if (value == "0") return 0;
  if (value == "1") return 1;
  invalid_value("acks", raw, "String must be one of: all, -1, 0, 1");
}

void at_least(const std::string& name, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    invalid_value(name, std::to_string(value), "Value must be at least " + std::to_string(minimum));
  }
}

}  // namespace

bool ProducerConfig::idempotence_enabled() const {
  if (enable_idempotence.has_value()) return *enable_idempotence;
  // The default (true) gives way quietly to settings that cannot be idempotent.
  return acks == -1 && retries != 0;
}

std::int32_t ProducerConfig::effective_delivery_timeout_ms() const {
  if (delivery_timeout_ms.has_value()) return *delivery_timeout_ms;
  const std::int64_t floor = linger_ms + request_timeout_ms;
  const std::int64_t resolved = std::max<std::int64_t>(120000, floor);
  return static_cast<std::int32_t>(
      std::min<std::int64_t>(resolved, std::numeric_limits<std::int32_t>::max()));
}

void ProducerConfig::validate() const {
  if (acks != -1 && acks != 0 && acks != 1) {
    invalid_value("acks", std::to_string(acks), "String must be one of: all, -1, 0, 1");
  }
  at_least("batch.size", batch_size, 0);
  at_least("linger.ms", linger_ms, 0);
  at_least("retries", retries, 0);
  at_least("retry.backoff.ms", retry_backoff_ms, 0);
  at_least("request.timeout.ms", request_timeout_ms, 0);
  if (delivery_timeout_ms.has_value()) at_least("delivery.timeout.ms", *delivery_timeout_ms, 0);
  at_least("max.in.flight.requests.per.connection", max_in_flight_requests_per_connection, 1);
  at_least("metadata.max.age.ms", metadata_max_age_ms, 0);
  at_least("max.request.size", max_request_size, 0);
  at_least("max.block.ms", max_block_ms, 0);

  if (enable_idempotence.value_or(false)) {
    // ProducerConfig.postProcessAndValidateIdempotenceConfigs, for a user who asked for it.
    if (retries == 0) {
      throw ConfigException("Must set retries to non-zero when using the idempotent producer.");
    }
    if (acks != -1) {
      throw ConfigException(
          "Must set acks to all in order to use the idempotent producer. Otherwise we cannot "
          "guarantee idempotence.");
    }
  }
  if (idempotence_enabled() && max_in_flight_requests_per_connection > kMaxInFlightForIdempotence) {
    // An error since Kafka 4.0 even when idempotence is on only by default.
    throw ConfigException(
        "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at "
        "most 5. Current value is " +
        std::to_string(max_in_flight_requests_per_connection) + ".");
  }
  if (delivery_timeout_ms.has_value() &&
      static_cast<std::int64_t>(*delivery_timeout_ms) < linger_ms + request_timeout_ms) {
    // KafkaProducer.configureDeliveryTimeout, for an explicit delivery.timeout.ms.
    throw ConfigException(
        "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms");
  }
}

const std::vector<std::string>& producer_config_names() {
  static const std::vector<std::string> names = {
      "acks",
      "batch.size",
      "client.id",
      "delivery.timeout.ms",
      "enable.idempotence",
      "linger.ms",
      "max.block.ms",
      "max.in.flight.requests.per.connection",
      "max.request.size",
      "metadata.max.age.ms",
      "request.timeout.ms",
      "retries",
      "retry.backoff.ms",
  };
  return names;
}

ProducerConfig parse_producer_config(
    const std::vector<std::pair<std::string, std::string>>& settings) {
  ProducerConfig config;
  for (const auto& [name, value] : settings) {
    if (name == "acks") {
      config.acks = parse_acks(value);
    } else if (name == "batch.size") {
      config.batch_size = parse_int(name, value);
    } else if (name == "linger.ms") {
      config.linger_ms = parse_long(name, value);
    } else if (name == "retries") {
      config.retries = parse_int(name, value);
    } else if (name == "retry.backoff.ms") {
      config.retry_backoff_ms = parse_long(name, value);
    } else if (name == "request.timeout.ms") {
      config.request_timeout_ms = parse_int(name, value);
    } else if (name == "delivery.timeout.ms") {
      config.delivery_timeout_ms = parse_int(name, value);
    } else if (name == "max.in.flight.requests.per.connection") {
      config.max_in_flight_requests_per_connection = parse_int(name, value);
    } else if (name == "enable.idempotence") {
      config.enable_idempotence = parse_boolean(name, value);
    } else if (name == "metadata.max.age.ms") {
      config.metadata_max_age_ms = parse_long(name, value);
    } else if (name == "max.request.size") {
      config.max_request_size = parse_int(name, value);
    } else if (name == "max.block.ms") {
      config.max_block_ms = parse_long(name, value);
    } else if (name == "client.id") {
      config.client_id = value;
    } else {
      throw ConfigException("Unknown producer configuration: " + name);
    }
  }
  config.validate();
  return config;
}

}  // namespace ksim::client
