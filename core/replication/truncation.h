// Where a follower truncates its log, given the leader's answer about an epoch (an
// OffsetsForLeaderEpoch answer, or a fetch response's diverging epoch), by protocol version:
// Kafka's AbstractFetcherThread.getOffsetTruncationState (2.0+) and 0.11's
// ReplicaFetcherThread.maybeTruncate. Pure functions of the follower's log.
#pragma once

#include <cstdint>

#include "core/replication/protocol_version.h"
#include "core/storage/log.h"

namespace ksim::replication {

struct OffsetTruncationState {
  std::int64_t offset = 0;
  // false: the follower did not know the epoch the leader answered with; it truncated to the
  // end of its largest smaller epoch and must ask again (KIP-279's extra round).
  bool truncation_completed = true;
  friend bool operator==(const OffsetTruncationState&, const OffsetTruncationState&) = default;
};

// The leader answered (`leader_epoch`, `end_offset`); -1 means undefined.
// - 0.11: end undefined -> the follower's HW; else min(end, LEO).
// - 2.0+: end undefined -> the HW (2.0) or the fetch offset (3.7); epoch undefined (an old
//   leader) -> min(end, LEO); else the follower looks up its own (epoch, end) for the largest
//   epoch <= the leader's: the same epoch -> min(own end, leader's end, LEO), done; a smaller one
//   -> min(own end, LEO), not done; none -> min(leader's end, LEO).
OffsetTruncationState offset_truncation_state(ProtocolVersion version,
                                              const storage::Log& follower_log,
                                              std::int64_t follower_high_watermark,
                                              std::int64_t fetch_offset, std::int32_t leader_epoch,
                                              std::int64_t end_offset);

}  // namespace ksim::replication
