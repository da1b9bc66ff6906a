// MetadataCache: what one broker believes about the cluster (Kafka's ZkMetadataCache): the live
// brokers, the controller, and each partition's leader, leader epoch, ISR and replicas, as the
// controller's last UpdateMetadata said. It answers clients' Metadata requests and tells the
// ReplicaManager which followers may join an ISR. It can be stale: a broker cut off from the
// controller keeps its old picture, which is how a producer keeps writing to a deposed leader.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/protocol/metadata.h"
#include "core/protocol/update_metadata.h"
#include "core/storage/topic_partition.h"

namespace ksim::server {

class MetadataCache {
 public:
  // Applies an UpdateMetadata: the live broker list is replaced, partition states are upserted
  // (a leader of -2 deletes the partition: the topic is being deleted). Returns the partitions
  // it deleted. A request from an older controller epoch is ignored (returns nullopt).
  std::optional<std::vector<storage::TopicPartition>> update(
      const protocol::UpdateMetadataRequest& request);

  std::int32_t controller_id() const { return controller_id_; }
  std::int32_t controller_epoch() const { return controller_epoch_; }
  bool is_broker_alive(std::int32_t broker_id) const { return live_brokers_.contains(broker_id); }
  std::set<std::int32_t> live_broker_ids() const;
  bool contains_topic(const std::string& topic) const;
  std::vector<std::string> topics() const;
  const protocol::UpdateMetadataPartitionState* partition_state(
      const storage::TopicPartition& tp) const;

  // The answer to a Metadata request for the topics asked (every topic when nullopt). Unknown
  // topics answer UNKNOWN_TOPIC_OR_PARTITION; partitions without a leader LEADER_NOT_AVAILABLE.
  protocol::MetadataResponse metadata_response(
      const std::optional<std::vector<std::string>>& topics) const;

 private:
  std::int32_t controller_id_ = -1;
  std::int32_t controller_epoch_ = 0;
  std::map<std::int32_t, protocol::UpdateMetadataBroker> live_brokers_;
  std::map<storage::TopicPartition, protocol::UpdateMetadataPartitionState> partitions_;
};

}  // namespace ksim::server
