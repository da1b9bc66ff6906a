// StopReplica (API key 5): the controller tells a broker to stop hosting a partition (its
// replica was moved away by a reassignment, or the topic is being deleted, then with
// delete_partition). Plain structs with Kafka's field names, flattened to one entry per partition.
#pragma once

#include <cstdint>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

struct StopReplicaPartitionState {
  storage::TopicPartition topic_partition;
  std::int32_t leader_epoch = -1;  // -2 (EpochDuringDelete) when the topic is being deleted
  bool delete_partition = false;
};

inline constexpr std::int32_t epoch_during_delete = -2;

struct StopReplicaRequest {
  std::int32_t controller_id = -1;
  std::int32_t controller_epoch = 0;
  std::int64_t broker_epoch = -1;
  std::vector<StopReplicaPartitionState> partitions;
};

struct StopReplicaPartitionError {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
};

struct StopReplicaResponse {
  Error error_code = Error::NONE;
  std::vector<StopReplicaPartitionError> partition_errors;
};

}  // namespace ksim::protocol
