// One broker's log directory (Kafka's LogManager for one entry of log.dirs): meta.properties,
// the clean-shutdown marker, the recovery-point and log-start-offset checkpoints, and every
// partition's Log.
//
// Startup: refuse to start if meta.properties names another broker or cluster; note whether
// `.kafka_cleanshutdown` is present and remove it before loading anything (a crash from now on,
// even during the load, is unclean: KAFKA-10471); open every `<topic>-<partition>/` directory
// with its topic's config, its checkpointed recovery point and log start offset, recovering those
// that need it. Clean shutdown: close and flush every log, write both checkpoints, then write the
// marker last.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/storage/file_system.h"
#include "core/storage/log.h"
#include "core/storage/meta_properties.h"
#include "core/storage/offset_checkpoint.h"
#include "core/storage/topic_partition.h"

namespace ksim::storage {

inline constexpr std::string_view clean_shutdown_file = ".kafka_cleanshutdown";

struct LogManagerConfig {
  std::string log_dir;  // a directory of the file system ("" is its root)
  std::int32_t broker_id = 0;
  std::string cluster_id;
  LogConfig default_log_config;
  // Per-topic overrides (Kafka keeps them in the metadata: /config/topics/<topic>); a partition
  // of a topic not listed loads with default_log_config.
  std::map<std::string, LogConfig> topic_configs;

  const LogConfig& config_for(const std::string& topic) const {
    auto it = topic_configs.find(topic);
    return it == topic_configs.end() ? default_log_config : it->second;
  }
};

// What startup found, for the transcript ("recovered 3 partitions after an unclean shutdown").
struct LogManagerStartup {
  bool had_clean_shutdown = true;
  std::map<TopicPartition, LogLoadReport> partitions;
};

class LogManager {
 public:
  // Throws InconsistentStateError (wrong broker.id or cluster.id) or CorruptDataError (a
  // malformed checkpoint or meta.properties, or a directory that is not topic-partition).
  LogManager(FileSystem& fs, LogManagerConfig config, std::int64_t now_ms);
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  const LogManagerStartup& startup() const { return startup_; }
  const std::string& log_dir() const { return config_.log_dir; }

  Log* get_log(const TopicPartition& partition);
  const Log* get_log(const TopicPartition& partition) const;
  // Creates the partition's directory and log if it does not exist, with `config`.
  Log& get_or_create_log(const TopicPartition& partition, const LogConfig& config,
                         std::int64_t now_ms);
  // Deletes the partition's directory and everything in it.
  void delete_log(const TopicPartition& partition);
  // Every partition, in topic-partition order.
  std::vector<TopicPartition> partitions() const;

  void checkpoint_recovery_points();
  void checkpoint_log_start_offsets();
  // The leader's high watermarks, written by replication every
  // replica.high.watermark.checkpoint.interval.ms.
  void checkpoint_high_watermarks(const TopicPartitionOffsets& high_watermarks);
  TopicPartitionOffsets read_high_watermarks();

  // Controlled shutdown of the storage: flush, checkpoint, and the marker last.
  void shutdown();

 private:
  std::string path_of(std::string_view name) const;
  void check_meta_properties();

  FileSystem& fs_;
  LogManagerConfig config_;
  std::map<TopicPartition, std::unique_ptr<Log>> logs_;
  LogManagerStartup startup_;
};

}  // namespace ksim::storage
