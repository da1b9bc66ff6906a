// A broker's log housekeeping: Kafka's LogManager task kafka-log-retention (cleanupLogs) and its
// LogCleaner thread, as the ReplicaManager's tick runs them (they need each log's high
// watermark, which the partition holds).
//
// Retention runs every log.retention.check.interval.ms, the first time 30 s after startup
// (LogManager's InitialTaskDelayMs), over every log the broker hosts, leader or follower:
// Log::delete_old_segments deletes whole segments below the replica's own high watermark. A
// follower also follows its leader's log start offset through its fetches.
//
// The cleaner (log.cleaner.enable) takes every compacted log whose dirty ratio reaches
// min.cleanable.dirty.ratio, filthiest first, cleans it, and remembers where it stopped (Kafka's
// cleaner-offset-checkpoint; here in memory, so after a restart the whole log counts as dirty
// once, and its next cleaning finds nothing to remove). A run cleans every log that qualifies
// (Kafka's thread cleans one and looks again at once, which comes to the same), then the next
// run is log.cleaner.backoff.ms later.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/replication/partition.h"
#include "core/replication/replication_config.h"
#include "core/storage/log.h"
#include "core/storage/log_cleaner.h"
#include "core/storage/topic_partition_map.h"

namespace ksim::replication {

// What one run did to one log, for the broker's event log.
struct LogCleanupEvent {
  storage::TopicPartition topic_partition;
  std::vector<storage::SegmentDeletion> deleted_segments;  // retention
  std::optional<storage::CleanerStats> cleaned;             // compaction
  double dirty_ratio = 0.0;                                 // when cleaned: before it
  std::int64_t log_start_offset = 0;                        // after the run
};

// "deleted segments [0, 40) and [40, 80) (retention.ms breached); log start offset 80" or
// "cleaned offsets [0, 120) (dirty ratio 0.75): 120 records read, 30 kept, 2 tombstones
// removed, 12345 -> 3456 bytes".
std::string describe(const LogCleanupEvent& event);

class LogCleanup {
 public:
  LogCleanup(const ReplicationConfig& config, std::int64_t now_ms);

  using Partitions = storage::TopicPartitionMap<std::unique_ptr<Partition>>;
  // Runs what is due at now_ms over `partitions`. A storage failure takes that log offline and
  // is added to `storage_errors`.
  void tick(std::int64_t now_ms, Partitions& partitions, std::vector<std::string>& storage_errors);
  // When tick() has something to do next.
  std::optional<std::int64_t> next_deadline_ms() const;
  // Forgets a partition's cleaner checkpoint (the partition was removed or truncated fully).
  void forget(const storage::TopicPartition& tp) { cleaner_checkpoints_.erase(tp); }

  std::vector<LogCleanupEvent> take_events();

 private:
  void cleanup_logs(std::int64_t now_ms, Partitions& partitions,
                    std::vector<std::string>& storage_errors);
  void clean_filthiest_logs(std::int64_t now_ms, Partitions& partitions,
                            std::vector<std::string>& storage_errors);

  ReplicationConfig config_;
  std::int64_t next_retention_check_ms_;
  std::int64_t next_cleaner_run_ms_;
  std::map<storage::TopicPartition, std::int64_t> cleaner_checkpoints_;
  std::vector<LogCleanupEvent> events_;
};

}  // namespace ksim::replication
