#include "core/replication/log_cleanup.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "core/storage/errors.h"

namespace ksim::replication {

namespace {

// LogManager's InitialTaskDelayMs: the retention task's first run after startup.
constexpr std::int64_t kInitialTaskDelayMs = 30000;

std::string_view reason_text(storage::SegmentDeletionReason reason) {
  switch (reason) {
    case storage::SegmentDeletionReason::retention_time:
      return "retention.ms breached";
    case storage::SegmentDeletionReason::retention_size:
      return "retention.bytes breached";
    case storage::SegmentDeletionReason::log_start_offset:
      return "below the log start offset";
  }
  return "";
}

}  // namespace

std::string describe(const LogCleanupEvent& event) {
  std::string text;
  if (!event.deleted_segments.empty()) {
    text += "deleted segment";
    if (event.deleted_segments.size() > 1) text += "s";
    for (std::size_t i = 0; i < event.deleted_segments.size(); ++i) {
      const storage::SegmentDeletion& segment = event.deleted_segments[i];
      text += fmt::format("{} [{}, {})", i == 0 ? "" : ",", segment.base_offset,
                          segment.next_offset);
      const bool last_of_reason = i + 1 == event.deleted_segments.size() ||
                                  event.deleted_segments[i + 1].reason != segment.reason;
      if (last_of_reason) text += fmt::format(" ({})", reason_text(segment.reason));
    }
    text += fmt::format("; log start offset {}", event.log_start_offset);
  }
  if (event.cleaned) {
    const storage::CleanerStats& stats = *event.cleaned;
    if (!text.empty()) text += "; ";
    text += fmt::format(
        "log cleaner: cleaned offsets [{}, {}) (dirty ratio {:.2f}): {} records read, {} kept, "
        "{} tombstone(s) removed, {} -> {} bytes",
        event.log_start_offset, stats.first_uncleanable_offset, event.dirty_ratio,
        stats.records_read, stats.records_retained, stats.tombstones_removed, stats.bytes_before,
        stats.bytes_after);
  }
  return text;
}

LogCleanup::LogCleanup(const ReplicationConfig& config, std::int64_t now_ms)
    : config_(config),
      next_retention_check_ms_(now_ms + kInitialTaskDelayMs),
      next_cleaner_run_ms_(now_ms) {}

void LogCleanup::tick(std::int64_t now_ms, Partitions& partitions,
                      std::vector<std::string>& storage_errors) {
  if (now_ms >= next_retention_check_ms_) {
    cleanup_logs(now_ms, partitions, storage_errors);
    while (next_retention_check_ms_ <= now_ms) {
      next_retention_check_ms_ += config_.log_retention_check_interval_ms;
    }
  }
  if (config_.log_cleaner_enable && now_ms >= next_cleaner_run_ms_) {
    clean_filthiest_logs(now_ms, partitions, storage_errors);
    next_cleaner_run_ms_ = now_ms + std::max<std::int64_t>(config_.log_cleaner_backoff_ms, 1);
  }
}

std::optional<std::int64_t> LogCleanup::next_deadline_ms() const {
  std::optional<std::int64_t> next = next_retention_check_ms_;
  if (config_.log_cleaner_enable) next = std::min(*next, next_cleaner_run_ms_);
  return next;
}

std::vector<LogCleanupEvent> LogCleanup::take_events() { return std::exchange(events_, {}); }

void LogCleanup::cleanup_logs(std::int64_t now_ms, Partitions& partitions,
                              std::vector<std::string>& storage_errors) {
  for (auto& [tp, partition] : partitions) {
    storage::Log& log = partition->log();
    if (log.is_offline()) continue;
    try {
      std::vector<storage::SegmentDeletion> deleted =
          log.delete_old_segments(now_ms, partition->high_watermark());
      if (deleted.empty()) continue;
      events_.push_back({tp, std::move(deleted), std::nullopt, 0.0, log.log_start_offset()});
    } catch (const storage::IoError& e) {
      storage_errors.push_back(e.what());
    }
  }
}

void LogCleanup::clean_filthiest_logs(std::int64_t now_ms, Partitions& partitions,
                                      std::vector<std::string>& storage_errors) {
  // Every compacted log at or over its ratio, filthiest first (ties in partition order).
  struct Candidate {
    double dirty_ratio;
    storage::TopicPartition tp;
    Partition* partition;
  };
  std::vector<Candidate> candidates;
  for (auto& [tp, partition] : partitions) {
    const storage::Log& log = partition->log();
    if (!log.config().compacts() || log.is_offline()) continue;
    const auto checkpoint = cleaner_checkpoints_.find(tp);
    const storage::LogToClean to_clean = storage::LogCleaner::log_to_clean(
        log, now_ms, partition->high_watermark(),
        checkpoint == cleaner_checkpoints_.end() ? 0 : checkpoint->second);
    if (to_clean.dirty_bytes == 0) continue;
    if (to_clean.dirty_ratio() < log.config().min_cleanable_dirty_ratio) continue;
    candidates.push_back({to_clean.dirty_ratio(), tp, partition.get()});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     return a.dirty_ratio > b.dirty_ratio;
                   });
  for (const Candidate& candidate : candidates) {
    storage::Log& log = candidate.partition->log();
    try {
      const storage::CleanerStats stats =
          storage::LogCleaner::clean(log, now_ms, candidate.partition->high_watermark());
      cleaner_checkpoints_[candidate.tp] = stats.first_uncleanable_offset;
      events_.push_back(
          {candidate.tp, {}, stats, candidate.dirty_ratio, log.log_start_offset()});
    } catch (const storage::IoError& e) {
      storage_errors.push_back(e.what());
    }
  }
}

}  // namespace ksim::replication
