// Partition, follower side: appending what the fetcher brought, the leader's HW and log start
// offset, and truncation (the fetcher decides where; see replica_fetcher.h and truncation.h).
#include <algorithm>

#include "core/replication/partition.h"

namespace ksim::replication {

storage::LogAppendInfo Partition::append_records_to_follower(storage::ByteView records,
                                                             std::int64_t now_ms) {
  return log_->append_as_follower(records, now_ms);
}

bool Partition::update_follower_high_watermark(std::int64_t leader_high_watermark) {
  const std::int64_t old = high_watermark_;
  // Kafka's updateHighWatermark: min(leader's HW, own LEO), never below the log start. Unlike
  // the leader's, a follower's HW may go down (it follows whatever the leader says).
  high_watermark_ =
      std::clamp(leader_high_watermark, log_->log_start_offset(), log_->log_end_offset());
  return high_watermark_ != old;
}

void Partition::maybe_increment_log_start_offset(std::int64_t leader_log_start_offset) {
  const std::int64_t target = std::min(leader_log_start_offset, high_watermark_);
  if (target > log_->log_start_offset()) log_->maybe_increment_log_start_offset(target);
}

void Partition::truncate_to(std::int64_t offset) {
  log_->truncate_to(offset);
  clamp_high_watermark();
}

void Partition::truncate_fully_and_start_at(std::int64_t offset, std::int64_t now_ms) {
  log_->truncate_fully_and_start_at(offset, now_ms);
  high_watermark_ = offset;
}

}  // namespace ksim::replication
