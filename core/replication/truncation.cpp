#include "core/replication/truncation.h"

#include <algorithm>

namespace ksim::replication {

OffsetTruncationState offset_truncation_state(ProtocolVersion version,
                                              const storage::Log& follower_log,
                                              std::int64_t follower_high_watermark,
                                              std::int64_t fetch_offset, std::int32_t leader_epoch,
                                              std::int64_t end_offset) {
  const std::int64_t replica_end_offset = follower_log.log_end_offset();
  if (end_offset == storage::undefined_epoch_offset) {
    // The leader does not know the epoch: fall back to the pre-KIP-101 rule.
    const std::int64_t fallback =
        version == ProtocolVersion::v3_7 ? fetch_offset : follower_high_watermark;
    return {std::min(fallback, replica_end_offset), true};
  }
  if (!answers_with_largest_epoch_at_or_below(version) ||
      leader_epoch == storage::undefined_epoch) {
    // KIP-101: the leader's end offset of our latest epoch, no questions asked.
    return {std::min(end_offset, replica_end_offset), true};
  }
  const storage::LeaderEpochCache& cache = follower_log.leader_epoch_cache();
  const storage::EpochEndOffset own =
      version == ProtocolVersion::v3_7
          ? cache.end_offset_for_since_2_1(leader_epoch, replica_end_offset)
          : cache.end_offset_for(leader_epoch, replica_end_offset);
  if (own.end_offset == storage::undefined_epoch_offset) {
    // This follower tracked no epoch that old: trust the leader's offset.
    return {std::min(end_offset, replica_end_offset), true};
  }
  if (own.leader_epoch != leader_epoch) {
    // The leader answered with an epoch this follower never had: go back to the end of our
    // largest epoch below it and ask again.
    return {std::min(own.end_offset, replica_end_offset), false};
  }
  return {std::min({own.end_offset, end_offset, replica_end_offset}), true};
}

}  // namespace ksim::replication
