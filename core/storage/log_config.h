// A partition log's configuration, with Kafka's topic-level names and defaults.
#pragma once

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
  std::int32_t max_message_bytes = 1048588;       // max.message.bytes (a whole batch)
  TimestampType message_timestamp_type = TimestampType::create_time;  // message.timestamp.type

  bool deletes() const { return cleanup_policy != CleanupPolicy::compact; }
  bool compacts() const { return cleanup_policy != CleanupPolicy::delete_segments; }

  // Throws std::invalid_argument in Kafka's words, e.g.
  // "Invalid value 10 for configuration segment.bytes: Value must be at least 14".
  void validate() const;
};

// "delete", "compact", "compact,delete" (also "delete,compact").
CleanupPolicy parse_cleanup_policy(const std::string& text);
std::string cleanup_policy_name(CleanupPolicy policy);

}  // namespace ksim::storage
