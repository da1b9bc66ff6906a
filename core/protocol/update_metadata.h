// UpdateMetadata (API key 6, ZooKeeper mode): the controller tells every live broker which
// brokers are alive and, per partition, who leads with which ISR; brokers answer clients'
// Metadata requests and decide ISR eligibility from it. Plain structs with Kafka's field names
// (UpdateMetadataRequest.json), flattened to one entry per partition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// UpdateMetadataRequest.UpdateMetadataBroker (one PLAINTEXT endpoint).
struct UpdateMetadataBroker {
  std::int32_t id = -1;
  std::string host;
  std::int32_t port = 9092;
  std::string rack;  // empty: no rack
};

// UpdateMetadataRequest.UpdateMetadataPartitionState.
struct UpdateMetadataPartitionState {
  storage::TopicPartition topic_partition;
  std::int32_t controller_epoch = 0;
  std::int32_t leader = -1;  // -1: offline; -2 (LeaderDuringDelete): the topic is being deleted
  std::int32_t leader_epoch = 0;
  std::vector<std::int32_t> isr;
  std::int32_t zk_version = 0;
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> offline_replicas;
};

inline constexpr std::int32_t leader_during_delete = -2;

struct UpdateMetadataRequest {
  std::int32_t controller_id = -1;
  std::int32_t controller_epoch = 0;
  std::int64_t broker_epoch = -1;
  std::vector<UpdateMetadataPartitionState> partition_states;
  std::vector<UpdateMetadataBroker> live_brokers;  // the whole list, every time
};

struct UpdateMetadataResponse {
  Error error_code = Error::NONE;
};

}  // namespace ksim::protocol
