#include "core/server/topic_config.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace ksim::server {

namespace {

template <typename Int>
Int parse_number(const std::string& name, const std::string& value, const char* type) {
  Int result{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (error != std::errc{} || end != value.data() + value.size()) {
    throw std::invalid_argument("Invalid value " + value + " for configuration " + name +
                                ": Not a number of type " + type);
  }
  return result;
}

std::int64_t as_long(const std::string& name, const std::string& value) {
  return parse_number<std::int64_t>(name, value, "LONG");
}
std::int32_t as_int(const std::string& name, const std::string& value) {
  return parse_number<std::int32_t>(name, value, "INT");
}

}  // namespace

replication::TopicConfig topic_config_from_entries(const storage::LogConfig& defaults,
                                                   const controller::ConfigEntries& entries) {
  replication::TopicConfig config;
  config.log_config = defaults;
  storage::LogConfig& log = config.log_config;
  for (const auto& [name, value] : entries) {
    if (name == "segment.bytes") {
      log.segment_bytes = as_int(name, value);
    } else if (name == "segment.ms") {
      log.segment_ms = as_long(name, value);
    } else if (name == "segment.index.bytes") {
      log.segment_index_bytes = as_int(name, value);
    } else if (name == "index.interval.bytes") {
      log.index_interval_bytes = as_int(name, value);
    } else if (name == "retention.ms") {
      log.retention_ms = as_long(name, value);
    } else if (name == "retention.bytes") {
      log.retention_bytes = as_long(name, value);
    } else if (name == "cleanup.policy") {
      log.cleanup_policy = storage::parse_cleanup_policy(value);
    } else if (name == "delete.retention.ms") {
      log.delete_retention_ms = as_long(name, value);
    } else if (name == "min.compaction.lag.ms") {
      log.min_compaction_lag_ms = as_long(name, value);
    } else if (name == "max.message.bytes") {
      log.max_message_bytes = as_int(name, value);
    } else if (name == "message.timestamp.type") {
      if (value == "CreateTime") {
        log.message_timestamp_type = storage::TimestampType::create_time;
      } else if (value == "LogAppendTime") {
        log.message_timestamp_type = storage::TimestampType::log_append_time;
      } else {
        throw std::invalid_argument("Invalid value " + value +
                                    " for configuration message.timestamp.type: String must be "
                                    "one of: CreateTime, LogAppendTime");
      }
    } else if (name == "min.insync.replicas") {
      config.min_insync_replicas = as_int(name, value);
    }
  }
  log.validate();
  return config;
}

}  // namespace ksim::server
