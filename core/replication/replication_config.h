// The broker settings replication reads, with Kafka's names and defaults (KafkaConfig's
// replica.* and min.insync.replicas). Times are milliseconds, as in Kafka.
#pragma once

#include <cstdint>

#include "core/replication/protocol_version.h"

namespace ksim::replication {

struct ReplicationConfig {
  ProtocolVersion protocol_version = default_protocol_version;
  // A follower that has not been caught up for this long leaves the ISR (30000 since 2.5,
  // 10000 before). The leader checks every half of it (ReplicaManager's isr-expiration task).
  std::int64_t replica_lag_time_max_ms = 30000;
  std::int32_t replica_fetch_wait_max_ms = 500;    // how long an empty follower fetch waits
  std::int32_t replica_fetch_min_bytes = 1;        // bytes that complete a waiting fetch
  std::int32_t replica_fetch_max_bytes = 1048576;  // per partition
  std::int32_t replica_fetch_response_max_bytes = 10485760;  // per fetch response
  std::int64_t replica_fetch_backoff_ms = 1000;  // a partition's pause after a fetch error
  std::int64_t replica_high_watermark_checkpoint_interval_ms = 5000;
  std::int64_t log_flush_offset_checkpoint_interval_ms = 60000;  // recovery-point checkpoint
  std::int32_t min_insync_replicas = 1;  // the broker default; topics may override
  // The idempotent producers a partition remembers (ProducerStateManagerConfig): one is
  // forgotten producer.id.expiration.ms after its last batch's timestamp, checked every
  // producer.id.expiration.check.interval.ms.
  std::int64_t producer_id_expiration_ms = 86400000;
  std::int64_t producer_id_expiration_check_interval_ms = 600000;
  // LogManager's housekeeping, run by the ReplicaManager where every log's HW is known
  // (log_cleanup.h): retention every log.retention.check.interval.ms (the first 30 s after
  // startup), and the log cleaner, which looks for a log to compact every log.cleaner.backoff.ms
  // when it found none.
  std::int64_t log_retention_check_interval_ms = 300000;
  bool log_cleaner_enable = true;
  std::int64_t log_cleaner_backoff_ms = 15000;

  std::int64_t isr_expiration_interval_ms() const { return replica_lag_time_max_ms / 2; }

  // Kafka's defaults in the release a protocol version stands for: replica.lag.time.max.ms was
  // 10000 before 2.5 (KIP-537), 30000 since.
  static ReplicationConfig defaults_for(ProtocolVersion version);

  // Throws std::invalid_argument in Kafka's words, e.g.
  // "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1".
  void validate() const;
};

}  // namespace ksim::replication
