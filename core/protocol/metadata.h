// Metadata (API key 3): what a client asks any broker to find the leaders of its partitions.
// Answered from the broker's metadata cache, which the controller's UpdateMetadata keeps: it can
// be stale, which is how a producer keeps writing to a deposed leader. Plain structs with Kafka's
// field names (MetadataRequest.json / MetadataResponse.json), flattened to one entry per partition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

struct MetadataRequest {
  std::optional<std::vector<std::string>> topics;  // nullopt: every topic
  bool allow_auto_topic_creation = true;
};

struct MetadataResponseBroker {
  std::int32_t node_id = -1;
  std::string host;
  std::int32_t port = 9092;
};

struct MetadataResponsePartition {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;  // LEADER_NOT_AVAILABLE while offline
  std::int32_t leader_id = -1;
  std::int32_t leader_epoch = -1;
  std::vector<std::int32_t> replica_nodes;
  std::vector<std::int32_t> isr_nodes;
  std::vector<std::int32_t> offline_replicas;
};

struct MetadataResponseTopic {
  Error error_code = Error::NONE;  // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE (created)
  std::string name;
  std::vector<MetadataResponsePartition> partitions;
};

struct MetadataResponse {
  std::vector<MetadataResponseBroker> brokers;
  std::int32_t controller_id = -1;
  std::vector<MetadataResponseTopic> topics;
};

}  // namespace ksim::protocol
