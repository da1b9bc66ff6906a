#include "core/storage/log_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <charconv>
#include <stdexcept>
#include <string>

namespace ksim::storage {
namespace {

void require_at_least(std::string_view name, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    throw std::invalid_argument(fmt::format(
        "Invalid value {} for configuration {}: Value must be at least {}", value, name, minimum));
  }
}

}  // namespace

void LogConfig::validate() const {
  require_at_least("segment.bytes", segment_bytes, 14);
  require_at_least("segment.ms", segment_ms, 1);
  require_at_least("segment.index.bytes", segment_index_bytes, 8);
  require_at_least("index.interval.bytes", index_interval_bytes, 0);
  require_at_least("retention.ms", retention_ms, -1);
  require_at_least("retention.bytes", retention_bytes, -1);
  require_at_least("delete.retention.ms", delete_retention_ms, 0);
  require_at_least("min.compaction.lag.ms", min_compaction_lag_ms, 0);
  require_at_least("max.message.bytes", max_message_bytes, 0);
  if (!(min_cleanable_dirty_ratio >= 0.0 && min_cleanable_dirty_ratio <= 1.0)) {
    throw std::invalid_argument(fmt::format(
        "Invalid value {} for configuration min.cleanable.dirty.ratio: Value must be {}",
        min_cleanable_dirty_ratio,
        min_cleanable_dirty_ratio < 0.0 ? "at least 0" : "no more than 1"));
  }
  if (segment_bytes > 2147483647) {
    throw std::invalid_argument(fmt::format(
        "Invalid value {} for configuration segment.bytes: Value must be no more than 2147483647",
        segment_bytes));
  }
}

CleanupPolicy parse_cleanup_policy(const std::string& text) {
  if (text == "delete") return CleanupPolicy::delete_segments;
  if (text == "compact") return CleanupPolicy::compact;
  if (text == "compact,delete" || text == "delete,compact") return CleanupPolicy::compact_and_delete;
  throw std::invalid_argument(fmt::format(
      "Invalid value {} for configuration cleanup.policy: String must be one of: compact, delete",
      text));
}

std::string cleanup_policy_name(CleanupPolicy policy) {
  switch (policy) {
    case CleanupPolicy::delete_segments: return "delete";
    case CleanupPolicy::compact: return "compact";
    case CleanupPolicy::compact_and_delete: return "compact,delete";
  }
  return "delete";
}

namespace {

constexpr std::string_view kTopicConfigNames[] = {
    "cleanup.policy",
    "compression.type",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "follower.replication.throttled.replicas",
    "index.interval.bytes",
    "leader.replication.throttled.replicas",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.downconversion.enable",
    "message.format.version",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.difference.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "remote.storage.enable",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
};

template <typename Number>
Number parse_config_number(const std::string& name, const std::string& value, const char* type) {
  Number result{};
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), result);
  if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
    throw std::invalid_argument("Invalid value " + value + " for configuration " + name +
                                ": Not a number of type " + type);
  }
  return result;
}

}  // namespace

bool is_topic_config_name(std::string_view name) {
  return std::find(std::begin(kTopicConfigNames), std::end(kTopicConfigNames), name) !=
         std::end(kTopicConfigNames);
}

std::vector<std::string> topic_config_names() {
  return {std::begin(kTopicConfigNames), std::end(kTopicConfigNames)};
}

LogConfig log_config_from_entries(const LogConfig& defaults,
                                  const std::vector<std::pair<std::string, std::string>>& entries) {
  LogConfig log = defaults;
  const auto as_long = [](const std::string& n, const std::string& v) {
    return parse_config_number<std::int64_t>(n, v, "LONG");
  };
  const auto as_int = [](const std::string& n, const std::string& v) {
    return parse_config_number<std::int32_t>(n, v, "INT");
  };
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
      log.cleanup_policy = parse_cleanup_policy(value);
    } else if (name == "delete.retention.ms") {
      log.delete_retention_ms = as_long(name, value);
    } else if (name == "min.compaction.lag.ms") {
      log.min_compaction_lag_ms = as_long(name, value);
    } else if (name == "min.cleanable.dirty.ratio") {
      log.min_cleanable_dirty_ratio = parse_config_number<double>(name, value, "DOUBLE");
    } else if (name == "max.message.bytes") {
      log.max_message_bytes = as_int(name, value);
    } else if (name == "message.timestamp.type") {
      if (value == "CreateTime") {
        log.message_timestamp_type = TimestampType::create_time;
      } else if (value == "LogAppendTime") {
        log.message_timestamp_type = TimestampType::log_append_time;
      } else {
        throw std::invalid_argument("Invalid value " + value +
                                    " for configuration message.timestamp.type: String must be "
                                    "one of: CreateTime, LogAppendTime");
      }
    }
  }
  log.validate();
  return log;
}

}  // namespace ksim::storage
