// ListOffsets (API key 2): the earliest or latest offset of a partition. A follower asks its
// leader after OFFSET_OUT_OF_RANGE (Kafka's fetchOffsetAndTruncate); consumers ask on
// auto.offset.reset. Plain structs with Kafka's field names, flattened to one entry per partition.
#pragma once

#include <cstdint>
#include <vector>

#include "core/protocol/errors.h"
#include "core/protocol/fetch.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// ListOffsetsRequest's special timestamps.
inline constexpr std::int64_t latest_timestamp = -1;    // the LEO (follower) or HW (consumer)
inline constexpr std::int64_t earliest_timestamp = -2;  // the log start offset

struct ListOffsetsPartition {
  storage::TopicPartition topic_partition;
  std::int32_t current_leader_epoch = no_leader_epoch;
  std::int64_t timestamp = latest_timestamp;
};

struct ListOffsetsRequest {
  std::int32_t replica_id = consumer_replica_id;
  IsolationLevel isolation_level = IsolationLevel::read_uncommitted;
  std::vector<ListOffsetsPartition> partitions;
};

struct ListOffsetsPartitionResponse {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
  std::int64_t timestamp = -1;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = no_leader_epoch;
};

struct ListOffsetsResponse {
  std::vector<ListOffsetsPartitionResponse> partitions;
};

}  // namespace ksim::protocol
