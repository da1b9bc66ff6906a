// OffsetForLeaderEpoch (API key 23, KIP-101): a follower asks its leader where an epoch ends in
// the leader's log, to truncate its own log before fetching. Plain structs with Kafka's field
// names (OffsetForLeaderEpochRequest.json / ...Response.json, flattened to one entry per
// partition).
#pragma once

#include <cstdint>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// OffsetForLeaderEpochRequest.OffsetForLeaderPartition.
struct OffsetForLeaderPartition {
  storage::TopicPartition topic_partition;
  std::int32_t current_leader_epoch = -1;  // 2.1+ (KIP-320) fencing; -1: not checked
  std::int32_t leader_epoch = -1;          // the epoch whose end offset is asked for
};

struct OffsetForLeaderEpochRequest {
  std::int32_t replica_id = -1;  // the follower's broker id; -1 for a consumer (KIP-320)
  std::vector<OffsetForLeaderPartition> partitions;
};

// OffsetForLeaderEpochResponse.EpochEndOffset. leader_epoch is -1 in a 0.11 (v0) answer, which
// carried only the end offset; end_offset is -1 (UNDEFINED_EPOCH_OFFSET) when unknown.
struct EpochEndOffset {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
  std::int32_t leader_epoch = -1;
  std::int64_t end_offset = -1;
};

struct OffsetForLeaderEpochResponse {
  std::vector<EpochEndOffset> partitions;
};

}  // namespace ksim::protocol
