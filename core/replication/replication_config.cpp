#include "core/replication/replication_config.h"

#include <stdexcept>
#include <string>

namespace ksim::replication {

namespace {

void require_at_least(std::int64_t value, std::int64_t minimum, const char* name) {
  if (value < minimum) {
    throw std::invalid_argument("Invalid value " + std::to_string(value) + " for configuration " +
                                name + ": Value must be at least " + std::to_string(minimum));
  }
}

}  // namespace

ReplicationConfig ReplicationConfig::defaults_for(ProtocolVersion version) {
  ReplicationConfig config;
  config.protocol_version = version;
  if (version != ProtocolVersion::v3_7) config.replica_lag_time_max_ms = 10000;
  return config;
}

void ReplicationConfig::validate() const {
  require_at_least(replica_lag_time_max_ms, 1, "replica.lag.time.max.ms");
  require_at_least(replica_fetch_wait_max_ms, 0, "replica.fetch.wait.max.ms");
  require_at_least(replica_fetch_min_bytes, 0, "replica.fetch.min.bytes");
  require_at_least(replica_fetch_max_bytes, 0, "replica.fetch.max.bytes");
  require_at_least(replica_fetch_response_max_bytes, 0, "replica.fetch.response.max.bytes");
  require_at_least(replica_fetch_backoff_ms, 0, "replica.fetch.backoff.ms");
  require_at_least(replica_high_watermark_checkpoint_interval_ms, 1,
                   "replica.high.watermark.checkpoint.interval.ms");
  require_at_least(log_flush_offset_checkpoint_interval_ms, 0,
                   "log.flush.offset.checkpoint.interval.ms");
  require_at_least(min_insync_replicas, 1, "min.insync.replicas");
  require_at_least(producer_id_expiration_ms, 1, "producer.id.expiration.ms");
  require_at_least(producer_id_expiration_check_interval_ms, 1,
                   "producer.id.expiration.check.interval.ms");
  require_at_least(log_retention_check_interval_ms, 1, "log.retention.check.interval.ms");
  require_at_least(log_cleaner_backoff_ms, 0, "log.cleaner.backoff.ms");
  // Kafka: replica.fetch.wait.max.ms must stay below replica.lag.time.max.ms, or followers
  // waiting in purgatory would drop out of the ISR.
  if (replica_fetch_wait_max_ms > replica_lag_time_max_ms) {
    throw std::invalid_argument(
        "replica.fetch.wait.max.ms should always be less than or equal to "
        "replica.lag.time.max.ms to prevent frequent changes in ISR");
  }
}

}  // namespace ksim::replication
