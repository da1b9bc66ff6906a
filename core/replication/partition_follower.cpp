// Partition, follower side: appending what the fetcher brought, the leader's HW and log start
// offset, and truncation (the fetcher decides where; see replica_fetcher.h and truncation.h).
#include <algorithm>

#include "core/replication/partition.h"

namespace ksim::replication {

storage::LogAppendInfo Partition::append_records_to_follower(storage::ByteView records,
                                                             std::int64_t now_ms) {
  storage::LogAppendInfo info = log_->append_as_follower(records, now_ms);
  if (observer_ != nullptr) observer_->records_appended(*this, false, records, info);
  return info;
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

void Partition::truncate_to(std::int64_t offset, TruncationCause cause) {
  const std::int64_t previous = log_->log_end_offset();
  log_->truncate_to(offset);
  clamp_high_watermark();
  if (truncation_sink_ != nullptr && log_->log_end_offset() < previous) {
    truncation_sink_->push_back({topic_partition_, log_->log_end_offset(), previous, leader_epoch_,
                                 leader_replica_id_.value_or(-1), cause});
  }
}

void Partition::truncate_fully_and_start_at(std::int64_t offset, std::int64_t now_ms) {
  const std::int64_t previous = log_->log_end_offset();
  const std::int64_t start = log_->log_start_offset();
  log_->truncate_fully_and_start_at(offset, now_ms);
  high_watermark_ = offset;
  if (truncation_sink_ != nullptr && previous > start) {
    truncation_sink_->push_back({topic_partition_, start, previous, leader_epoch_,
                                 leader_replica_id_.value_or(-1),
                                 TruncationCause::leader_log_start_offset});
  }
}

std::string_view describe(TruncationCause cause) {
  switch (cause) {
    case TruncationCause::high_watermark_on_becoming_follower:
      return "truncated to its high watermark on becoming follower (before KIP-101)";
    case TruncationCause::high_watermark_without_epochs:
      return "truncated to its high watermark (no leader epoch to ask about)";
    case TruncationCause::leader_epoch_end_offset:
      return "truncated to the leader's end offset for its epoch (OffsetsForLeaderEpoch)";
    case TruncationCause::diverging_epoch:
      return "truncated at the diverging epoch the leader's fetch answer named";
    case TruncationCause::leader_log_end_offset:
      return "truncated to the new leader's shorter log (unclean election)";
    case TruncationCause::leader_log_start_offset:
      return "emptied: the leader's log now starts beyond it";
  }
  return "truncated";
}

}  // namespace ksim::replication
