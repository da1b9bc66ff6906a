#include "core/storage/log_manager.h"

#include "core/storage/errors.h"
#include "core/storage/meta_properties.h"

namespace ksim::storage {

LogManager::LogManager(FileSystem& fs, LogManagerConfig config, std::int64_t now_ms)
    : fs_(fs), config_(std::move(config)) {
  if (!config_.log_dir.empty()) fs_.create_directories(config_.log_dir);
  check_meta_properties();

  const std::string marker = path_of(clean_shutdown_file);
  startup_.had_clean_shutdown = fs_.exists(marker);
  if (startup_.had_clean_shutdown) fs_.remove(marker);
  const TopicPartitionOffsets recovery_points =
      read_offset_checkpoint(fs_, path_of(recovery_point_offset_checkpoint_file));
  const TopicPartitionOffsets log_start_offsets =
      read_offset_checkpoint(fs_, path_of(log_start_offset_checkpoint_file));

  for (const std::string& name : fs_.list(config_.log_dir)) {
    const std::string directory = path_of(name);
    if (!fs_.is_directory(directory)) continue;
    const TopicPartition partition = parse_topic_partition_dir(directory);
    const auto find = [&](const TopicPartitionOffsets& offsets) {
      auto it = offsets.find(partition);
      return it == offsets.end() ? std::int64_t{0} : it->second;
    };
    auto log = std::make_unique<Log>(
        fs_, directory, config_.config_for(partition.topic),
        LogLoadParams{.log_start_offset = find(log_start_offsets),
                      .recovery_point = find(recovery_points),
                      .had_clean_shutdown = startup_.had_clean_shutdown,
                      .now_ms = now_ms});
    startup_.partitions.emplace(partition, log->load_report());
    logs_.emplace(partition, std::move(log));
  }
}

LogManager::~LogManager() = default;

std::string LogManager::path_of(std::string_view name) const {
  return config_.log_dir.empty() ? std::string(name) : join_path(config_.log_dir, name);
}

void LogManager::check_meta_properties() {
  const std::string path = path_of(meta_properties_file);
  if (auto stored = read_meta_properties(fs_, path)) {
    check_broker_id(config_.broker_id, *stored);
    if (!config_.cluster_id.empty()) check_cluster_id(config_.cluster_id, *stored);
    return;
  }
  MetaProperties fresh;
  fresh.broker_id = config_.broker_id;
  if (!config_.cluster_id.empty()) fresh.cluster_id = config_.cluster_id;
  write_meta_properties(fs_, path, fresh);
}

Log* LogManager::get_log(const TopicPartition& partition) {
  auto it = logs_.find(partition);
  return it == logs_.end() ? nullptr : it->second.get();
}

const Log* LogManager::get_log(const TopicPartition& partition) const {
  auto it = logs_.find(partition);
  return it == logs_.end() ? nullptr : it->second.get();
}

Log& LogManager::get_or_create_log(const TopicPartition& partition, const LogConfig& config,
                                   std::int64_t now_ms) {
  if (Log* existing = get_log(partition)) return *existing;
  auto log = std::make_unique<Log>(fs_, path_of(partition.to_string()), config,
                                   LogLoadParams{.now_ms = now_ms});
  Log& created = *log;
  logs_.emplace(partition, std::move(log));
  return created;
}

void LogManager::delete_log(const TopicPartition& partition) {
  auto it = logs_.find(partition);
  if (it == logs_.end()) return;
  it->second->delete_directory();
  logs_.erase(it);
}

std::vector<TopicPartition> LogManager::partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [partition, log] : logs_) out.push_back(partition);
  return out;
}

void LogManager::checkpoint_recovery_points() {
  TopicPartitionOffsets offsets;
  for (const auto& [partition, log] : logs_) offsets[partition] = log->recovery_point();
  write_offset_checkpoint(fs_, path_of(recovery_point_offset_checkpoint_file), offsets);
}

void LogManager::checkpoint_log_start_offsets() {
  TopicPartitionOffsets offsets;
  for (const auto& [partition, log] : logs_) offsets[partition] = log->log_start_offset();
  write_offset_checkpoint(fs_, path_of(log_start_offset_checkpoint_file), offsets);
}

void LogManager::checkpoint_high_watermarks(const TopicPartitionOffsets& high_watermarks) {
  write_offset_checkpoint(fs_, path_of(replication_offset_checkpoint_file), high_watermarks);
}

TopicPartitionOffsets LogManager::read_high_watermarks() {
  return read_offset_checkpoint(fs_, path_of(replication_offset_checkpoint_file));
}

void LogManager::shutdown() {
  for (auto& [partition, log] : logs_) log->close();
  checkpoint_recovery_points();
  checkpoint_log_start_offsets();
  auto marker = fs_.open(path_of(clean_shutdown_file), OpenMode::create_truncate);
  marker->fsync();
}

}  // namespace ksim::storage
