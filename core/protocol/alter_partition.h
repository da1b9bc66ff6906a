// AlterPartition (API key 56, formerly AlterIsr, KIP-497): a partition leader proposes a new ISR
// to the controller, which commits it (bumping the partition epoch) or refuses. Plain structs
// with Kafka's field names (AlterPartitionRequest.json / ...Response.json, flattened to one entry
// per partition). Before 2.7 a ZooKeeper-mode leader wrote the ISR to ZooKeeper itself with a
// conditional update on the znode version; the controller seam here is the same either way.
#pragma once

#include <cstdint>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

enum class LeaderRecoveryState : std::int8_t { recovered = 0, recovering = 1 };

// AlterPartitionRequest.BrokerState (NewIsrWithEpochs).
struct BrokerState {
  std::int32_t broker_id = -1;
  std::int64_t broker_epoch = -1;
  friend bool operator==(const BrokerState&, const BrokerState&) = default;
};

// AlterPartitionRequest.PartitionData.
struct AlterPartitionRequestPartition {
  storage::TopicPartition topic_partition;
  std::int32_t leader_epoch = -1;
  std::vector<BrokerState> new_isr_with_epochs;
  LeaderRecoveryState leader_recovery_state = LeaderRecoveryState::recovered;
  std::int32_t partition_epoch = -1;  // the ZooKeeper znode version in ZooKeeper mode

  std::vector<std::int32_t> new_isr() const;
};

struct AlterPartitionRequest {
  std::int32_t broker_id = -1;  // the leader sending it
  std::int64_t broker_epoch = -1;
  std::vector<AlterPartitionRequestPartition> partitions;
};

// AlterPartitionResponse.PartitionData: the state the controller committed.
struct AlterPartitionResponsePartition {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
  std::int32_t leader_id = -1;
  std::int32_t leader_epoch = -1;
  std::vector<std::int32_t> isr;
  LeaderRecoveryState leader_recovery_state = LeaderRecoveryState::recovered;
  std::int32_t partition_epoch = -1;
};

struct AlterPartitionResponse {
  Error error_code = Error::NONE;  // e.g. NOT_CONTROLLER, STALE_BROKER_EPOCH: retry the request
  std::vector<AlterPartitionResponsePartition> partitions;
};

inline std::vector<std::int32_t> AlterPartitionRequestPartition::new_isr() const {
  std::vector<std::int32_t> ids;
  ids.reserve(new_isr_with_epochs.size());
  for (const BrokerState& state : new_isr_with_epochs) ids.push_back(state.broker_id);
  return ids;
}

}  // namespace ksim::protocol
