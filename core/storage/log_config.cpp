#include "core/storage/log_config.h"

#include <fmt/format.h>

#include <stdexcept>

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

}  // namespace ksim::storage
