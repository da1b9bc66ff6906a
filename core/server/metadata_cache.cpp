#include "core/server/metadata_cache.h"

namespace ksim::server {

std::optional<std::vector<storage::TopicPartition>> MetadataCache::update(
    const protocol::UpdateMetadataRequest& request) {
  if (request.controller_epoch < controller_epoch_) return std::nullopt;
  controller_epoch_ = request.controller_epoch;
  controller_id_ = request.controller_id;
  live_brokers_.clear();
  for (const protocol::UpdateMetadataBroker& broker : request.live_brokers) {
    live_brokers_[broker.id] = broker;
  }
  std::vector<storage::TopicPartition> deleted;
  for (const protocol::UpdateMetadataPartitionState& state : request.partition_states) {
    if (state.leader == protocol::leader_during_delete) {
      if (partitions_.erase(state.topic_partition) > 0) deleted.push_back(state.topic_partition);
      continue;
    }
    partitions_[state.topic_partition] = state;
  }
  return deleted;
}

std::set<std::int32_t> MetadataCache::live_broker_ids() const {
  std::set<std::int32_t> ids;
  for (const auto& [id, broker] : live_brokers_) ids.insert(id);
  return ids;
}

bool MetadataCache::contains_topic(const std::string& topic) const {
  const auto it = partitions_.lower_bound(storage::TopicPartition{topic, 0});
  return it != partitions_.end() && it->first.topic == topic;
}

std::vector<std::string> MetadataCache::topics() const {
  std::vector<std::string> names;
  for (const auto& [tp, state] : partitions_) {
    if (names.empty() || names.back() != tp.topic) names.push_back(tp.topic);
  }
  return names;
}

const protocol::UpdateMetadataPartitionState* MetadataCache::partition_state(
    const storage::TopicPartition& tp) const {
  const auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

protocol::MetadataResponse MetadataCache::metadata_response(
    const std::optional<std::vector<std::string>>& topics) const {
  protocol::MetadataResponse response;
  response.controller_id = controller_id_;
  for (const auto& [id, broker] : live_brokers_) {
    response.brokers.push_back({id, broker.host, broker.port});
  }
  const std::vector<std::string> names = topics ? *topics : this->topics();
  for (const std::string& name : names) {
    protocol::MetadataResponseTopic topic;
    topic.name = name;
    auto it = partitions_.lower_bound(storage::TopicPartition{name, 0});
    if (it == partitions_.end() || it->first.topic != name) {
      topic.error_code = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
    }
    for (; it != partitions_.end() && it->first.topic == name; ++it) {
      const protocol::UpdateMetadataPartitionState& state = it->second;
      protocol::MetadataResponsePartition partition;
      partition.topic_partition = state.topic_partition;
      partition.leader_id = state.leader;
      partition.leader_epoch = state.leader_epoch;
      partition.replica_nodes = state.replicas;
      partition.isr_nodes = state.isr;
      partition.offline_replicas = state.offline_replicas;
      if (state.leader < 0 || !live_brokers_.contains(state.leader)) {
        partition.error_code = protocol::Error::LEADER_NOT_AVAILABLE;
      }
      topic.partitions.push_back(std::move(partition));
    }
    response.topics.push_back(std::move(topic));
  }
  return response;
}

}  // namespace ksim::server
