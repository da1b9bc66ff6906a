// A partition log's configuration, with Kafka's topic-level names and defaults.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include <cstdint>
#include <string>

#include "core/storage/record_batch.h"

namespace ksim::storage {

enum class CleanupPolicy { delete_segments, compact, compact_and_delete };

struct LogConfig {
  std::int64_t segment_bytes = 1073741824;        // segment.bytes
  std::int64_t segment_ms = 604800000;            // segment.ms (7 days)
  std::int32_t segment_index_bytes = 10485760;    // segment.index.bytes
  std::int32_t index_interval_bytes = 4096;       // index.interval.bytes
  std::int64_t retention_ms = 604800000;          // retention.ms; -1: keep forever
  std::int64_t retention_bytes = -1;              // retention.bytes; -1: no size limit
  CleanupPolicy cleanup_policy = CleanupPolicy::delete_segments;  // cleanup.policy
  std::int64_t delete_retention_ms = 86400000;    // delete.retention.ms (tombstones)
  std::int64_t min_compaction_lag_ms = 0;         // min.compaction.lag.ms
  // min.cleanable.dirty.ratio: the cleaner takes a log once this share of its cleanable bytes is
  // dirty (written since its last cleaning).
  double min_cleanable_dirty_ratio = 0.5;
  std::int32_t max_message_bytes = 1048588;       // max.message.bytes (a whole batch)
  TimestampType message_timestamp_type = TimestampType::create_time;  // message.timestamp.type

  bool deletes() const { return cleanup_policy != CleanupPolicy::compact; }
  bool compacts() const { return cleanup_policy != CleanupPolicy::delete_segments; }

  // Throws std::invalid_argument in Kafka's words, e.g.
  // "Invalid value 10 for configuration segment.bytes: Value must be at least 14".
  void validate() const;
};

// Kafka 3.7's topic-level config names (LogConfig.configNames), the only names kafka-topics.sh
// --config accepts ("Unknown topic config name: ..." otherwise). ksim models the log settings
// among them, min.insync.replicas and unclean.leader.election.enable; the others are accepted
// and stored as Kafka stores them, and change nothing.
bool is_topic_config_name(std::string_view name);
std::vector<std::string> topic_config_names();

// The log settings among a topic's config overrides applied on top of `defaults`, as
// LogConfig.fromProps does; names that are not log settings are skipped. Throws
// std::invalid_argument in Kafka's words ("Invalid value abc for configuration retention.ms: Not
// a number of type LONG").
LogConfig log_config_from_entries(const LogConfig& defaults,
                                  const std::vector<std::pair<std::string, std::string>>& entries);

// "delete", "compact", "compact,delete" (also "delete,compact").
CleanupPolicy parse_cleanup_policy(const std::string& text);
std::string cleanup_policy_name(CleanupPolicy policy);

}  // namespace ksim::storage
