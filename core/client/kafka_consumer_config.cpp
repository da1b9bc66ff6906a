#include "core/client/kafka_consumer_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace ksim::client {

std::string_view offset_reset_name(OffsetResetStrategy strategy) {
  switch (strategy) {
    case OffsetResetStrategy::latest:
      return "latest";
    case OffsetResetStrategy::earliest:
      return "earliest";
    case OffsetResetStrategy::none:
      return "none";
  }
  return "none";
}

std::string_view assignor_protocol_name(AssignorKind kind) {
  return kind == AssignorKind::range ? "range" : "roundrobin";
}

namespace {

[[noreturn]] void invalid(const std::string& name, const std::string& value,
                          const std::string& why) {
  throw std::invalid_argument("Invalid value " + value + " for configuration " + name + ": " + why);
}

template <typename Int>
Int parse_number(const std::string& name, const std::string& value, const char* type) {
  Int result{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
    invalid(name, value, std::string("Not a number of type ") + type);
  }
  return result;
}

std::int32_t as_int(const std::string& name, const std::string& value) {
  return parse_number<std::int32_t>(name, value, "INT");
}
std::int64_t as_long(const std::string& name, const std::string& value) {
  return parse_number<std::int64_t>(name, value, "LONG");
}

bool as_boolean(const std::string& name, const std::string& value) {
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true") return true;
  if (lower == "false") return false;
  invalid(name, value, "Expected value to be either true or false");
}

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> as_list(std::string_view value) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= value.size()) {
    const auto comma = value.find(',', start);
    const auto end = comma == std::string_view::npos ? value.size() : comma;
    std::string item = trim(value.substr(start, end - start));
    if (!item.empty()) items.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

AssignorKind as_assignor(const std::string& name, const std::string& item) {
  if (item == "range" || item == "org.apache.kafka.clients.consumer.RangeAssignor" ||
      item == "RangeAssignor") {
    return AssignorKind::range;
  }
  if (item == "roundrobin" || item == "org.apache.kafka.clients.consumer.RoundRobinAssignor" ||
      item == "RoundRobinAssignor") {
    return AssignorKind::roundrobin;
  }
  if (item.find("Sticky") != std::string::npos || item == "sticky" ||
      item == "cooperative-sticky") {
    invalid(name, item,
            "ksim models only eager rebalancing: use range or roundrobin "
            "(org.apache.kafka.clients.consumer.RangeAssignor or RoundRobinAssignor)");
  }
  invalid(name, item, "Class " + item + " cannot be found");
}

// Settings a real consumer.properties carries that change nothing in ksim.
bool is_ignored(const std::string& name) {
  static const char* const kIgnored[] = {"key.deserializer",    "value.deserializer",
                                         "security.protocol",   "client.dns.lookup",
                                         "check.crcs",          "receive.buffer.bytes",
                                         "send.buffer.bytes",   "exclude.internal.topics",
                                         "interceptor.classes", "metric.reporters",
                                         "client.rack",         "connections.max.idle.ms"};
  return std::any_of(std::begin(kIgnored), std::end(kIgnored),
                     [&](const char* ignored) { return name == ignored; });
}

void require_at_least(std::int64_t value, std::int64_t minimum, const char* name) {
  if (value < minimum) {
    invalid(name, std::to_string(value), "Value must be at least " + std::to_string(minimum));
  }
}

}  // namespace

ConsumerConfig ConsumerConfig::parse(
    const std::vector<std::pair<std::string, std::string>>& properties) {
  ConsumerConfig config;
  std::optional<bool> explicit_auto_commit;
  for (const auto& [name, value] : properties) {
    if (name == "bootstrap.servers") {
      config.bootstrap_servers = as_list(value);
    } else if (name == "client.id") {
      config.client_id = value;
    } else if (name == "group.id") {
      config.group_id = value;
    } else if (name == "auto.offset.reset") {
      if (value == "latest") {
        config.auto_offset_reset = OffsetResetStrategy::latest;
      } else if (value == "earliest") {
        config.auto_offset_reset = OffsetResetStrategy::earliest;
      } else if (value == "none") {
        config.auto_offset_reset = OffsetResetStrategy::none;
      } else {
        invalid(name, value, "String must be one of: latest, earliest, none");
      }
    } else if (name == "enable.auto.commit") {
      explicit_auto_commit = as_boolean(name, value);
      config.enable_auto_commit = *explicit_auto_commit;
    } else if (name == "auto.commit.interval.ms") {
      config.auto_commit_interval_ms = as_int(name, value);
    } else if (name == "session.timeout.ms") {
      config.session_timeout_ms = as_int(name, value);
    } else if (name == "heartbeat.interval.ms") {
      config.heartbeat_interval_ms = as_int(name, value);
    } else if (name == "max.poll.interval.ms") {
      config.max_poll_interval_ms = as_int(name, value);
    } else if (name == "partition.assignment.strategy") {
      std::vector<AssignorKind> kinds;
      for (const auto& item : as_list(value)) kinds.push_back(as_assignor(name, item));
      if (kinds.empty()) invalid(name, value, "at least one assignor is required");
      config.partition_assignment_strategy = std::move(kinds);
    } else if (name == "fetch.min.bytes") {
      config.fetch_min_bytes = as_int(name, value);
    } else if (name == "fetch.max.bytes") {
      config.fetch_max_bytes = as_int(name, value);
    } else if (name == "fetch.max.wait.ms") {
      config.fetch_max_wait_ms = as_int(name, value);
    } else if (name == "max.partition.fetch.bytes") {
      config.max_partition_fetch_bytes = as_int(name, value);
    } else if (name == "max.poll.records") {
      config.max_poll_records = as_int(name, value);
    } else if (name == "request.timeout.ms") {
      config.request_timeout_ms = as_int(name, value);
    } else if (name == "default.api.timeout.ms") {
      config.default_api_timeout_ms = as_int(name, value);
    } else if (name == "retry.backoff.ms") {
      config.retry_backoff_ms = as_long(name, value);
    } else if (name == "reconnect.backoff.ms") {
      config.reconnect_backoff_ms = as_long(name, value);
    } else if (name == "reconnect.backoff.max.ms") {
      config.reconnect_backoff_max_ms = as_long(name, value);
    } else if (name == "metadata.max.age.ms") {
      config.metadata_max_age_ms = as_long(name, value);
    } else if (name == "isolation.level") {
      if (value == "read_uncommitted") {
        config.isolation_level = protocol::IsolationLevel::read_uncommitted;
      } else if (value == "read_committed") {
        config.isolation_level = protocol::IsolationLevel::read_committed;
      } else {
        invalid(name, value, "String must be one of: read_committed, read_uncommitted");
      }
    } else if (name == "allow.auto.create.topics") {
      config.allow_auto_create_topics = as_boolean(name, value);
    } else if (!is_ignored(name)) {
      throw std::invalid_argument("Unknown consumer configuration " + name);
    }
  }
  if (!config.group_id) {
    if (explicit_auto_commit.value_or(false)) {
      throw std::invalid_argument(
          "enable.auto.commit cannot be set to true when default group id (null) is used.");
    }
    config.enable_auto_commit = false;
  }
  config.validate();
  return config;
}

void ConsumerConfig::validate() const {
  require_at_least(auto_commit_interval_ms, 0, "auto.commit.interval.ms");
  require_at_least(session_timeout_ms, 1, "session.timeout.ms");
  require_at_least(heartbeat_interval_ms, 1, "heartbeat.interval.ms");
  require_at_least(max_poll_interval_ms, 1, "max.poll.interval.ms");
  require_at_least(fetch_min_bytes, 0, "fetch.min.bytes");
  require_at_least(fetch_max_bytes, 0, "fetch.max.bytes");
  require_at_least(fetch_max_wait_ms, 0, "fetch.max.wait.ms");
  require_at_least(max_partition_fetch_bytes, 0, "max.partition.fetch.bytes");
  require_at_least(max_poll_records, 1, "max.poll.records");
  require_at_least(request_timeout_ms, 0, "request.timeout.ms");
  require_at_least(default_api_timeout_ms, 0, "default.api.timeout.ms");
  require_at_least(retry_backoff_ms, 0, "retry.backoff.ms");
  require_at_least(reconnect_backoff_ms, 0, "reconnect.backoff.ms");
  require_at_least(reconnect_backoff_max_ms, 0, "reconnect.backoff.max.ms");
  require_at_least(metadata_max_age_ms, 0, "metadata.max.age.ms");
  if (partition_assignment_strategy.empty()) {
    throw std::invalid_argument("partition.assignment.strategy needs at least one assignor");
  }
  // Kafka's Heartbeat refuses this at construction.
  if (heartbeat_interval_ms >= session_timeout_ms) {
    throw std::invalid_argument("Heartbeat must be set lower than the session timeout");
  }
  if (group_id && group_id->empty()) {
    // Kafka 2.2+ (KIP-289): an empty group id is refused for group operations.
    throw std::invalid_argument(
        "To use the group management or offset commit APIs, you must provide a valid group.id "
        "in the consumer configuration.");
  }
}

}  // namespace ksim::client
