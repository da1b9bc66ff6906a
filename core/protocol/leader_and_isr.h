// LeaderAndIsr (API key 4, ZooKeeper mode): the controller tells a broker, per partition, who
// leads, in which leader epoch, with which ISR and replica assignment. Plain structs with
// Kafka's field names (LeaderAndIsrRequest.json / ...Response.json, flattened to one entry per
// partition). A KRaft broker learns the same from the metadata log; the partition state is the
// same either way.
#pragma once

#include <cstdint>
#include <vector>

#include "core/protocol/alter_partition.h"
#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// LeaderAndIsrRequest.LeaderAndIsrPartitionState.
struct LeaderAndIsrPartitionState {
  storage::TopicPartition topic_partition;
  std::int32_t controller_epoch = 0;
  std::int32_t leader = -1;  // broker id; -1: no leader (offline)
  std::int32_t leader_epoch = 0;
  std::vector<std::int32_t> isr;
  std::int32_t partition_epoch = 0;    // the state znode's version (zkVersion) in ZooKeeper mode
  std::vector<std::int32_t> replicas;  // the assignment, in order (the first is preferred)
  std::vector<std::int32_t> adding_replicas;
  std::vector<std::int32_t> removing_replicas;
  bool is_new = false;
  LeaderRecoveryState leader_recovery_state = LeaderRecoveryState::recovered;
};

struct LeaderAndIsrRequest {
  std::int32_t controller_id = -1;
  std::int32_t controller_epoch = 0;
  std::int64_t broker_epoch = -1;
  std::vector<LeaderAndIsrPartitionState> partition_states;
};

struct LeaderAndIsrPartitionError {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
};

struct LeaderAndIsrResponse {
  Error error_code = Error::NONE;
  std::vector<LeaderAndIsrPartitionError> partition_errors;
};

}  // namespace ksim::protocol
