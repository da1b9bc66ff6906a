// Reading Kafka's znodes into a ClusterMetadata snapshot.
#include "core/controller/cluster_metadata.h"

#include <charconv>

#include "core/controller/zk_kafka_paths.h"

namespace ksim::controller {
namespace {

std::optional<std::int32_t> parse_broker_id(const std::string& text) {
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

const std::string& data_of(const zk::DataNode& node) {
  static const std::string empty;
  return node.data ? *node.data : empty;
}

}  // namespace

LeaderIsrAndControllerEpoch PartitionLeadership::to_znode() const {
  return LeaderIsrAndControllerEpoch{leader_and_isr.leader, leader_and_isr.leader_epoch,
                                     leader_and_isr.isr, controller_epoch,
                                     leader_and_isr.leader_recovery_state};
}

PartitionLeadership PartitionLeadership::from_znode(const LeaderIsrAndControllerEpoch& body,
                                                    std::int32_t zk_version) {
  return PartitionLeadership{LeaderAndIsr{body.leader, body.leader_epoch, body.isr,
                                          body.leader_recovery_state, zk_version},
                             body.controller_epoch};
}

const TopicMetadata* ClusterMetadata::topic(const std::string& name) const {
  const auto it = topics.find(name);
  return it == topics.end() ? nullptr : &it->second;
}

const std::vector<std::int32_t>* ClusterMetadata::replicas(
    const storage::TopicPartition& partition) const {
  const TopicMetadata* metadata = topic(partition.topic);
  if (metadata == nullptr) return nullptr;
  const auto it = metadata->partitions.find(partition.partition);
  return it == metadata->partitions.end() ? nullptr : &it->second.replicas;
}

const PartitionLeadership* ClusterMetadata::partition_state(
    const storage::TopicPartition& partition) const {
  const TopicMetadata* metadata = topic(partition.topic);
  if (metadata == nullptr) return nullptr;
  const auto it = metadata->partition_states.find(partition.partition);
  return it == metadata->partition_states.end() ? nullptr : &it->second;
}

ClusterMetadata read_cluster_metadata(const zk::DataTree& tree) {
  ClusterMetadata metadata;
  if (const zk::DataNode* ids = tree.node(ZkPaths::broker_ids)) {
    for (const std::string& child : ids->children) {
      const std::optional<std::int32_t> id = parse_broker_id(child);
      if (!id) continue;
      const zk::DataNode* node = tree.node(ZkPaths::broker_id(*id));
      if (node == nullptr || !node->data) continue;  // mid-registration: null data
      metadata.brokers.emplace(*id, decode_broker_registration(*id, *node->data));
    }
  }
  if (const zk::DataNode* node = tree.node(ZkPaths::controller); node != nullptr && node->data) {
    metadata.controller_id = decode_controller(*node->data).broker_id;
  }
  if (const zk::DataNode* node = tree.node(ZkPaths::controller_epoch);
      node != nullptr && node->data) {
    metadata.controller_epoch = decode_controller_epoch(*node->data);
    metadata.controller_epoch_zk_version = node->stat.version;
  }
  if (const zk::DataNode* topics = tree.node(ZkPaths::topics)) {
    for (const std::string& name : topics->children) {
      const zk::DataNode* node = tree.node(ZkPaths::topic(name));
      if (node == nullptr || !node->data) continue;
      const TopicAssignment assignment = decode_topic_assignment(name, data_of(*node));
      TopicMetadata& topic = metadata.topics[name];
      topic.topic_id = assignment.topic_id;
      topic.partitions = assignment.partitions;
      for (const auto& [partition, replicas] : assignment.partitions) {
        const zk::DataNode* state = tree.node(ZkPaths::topic_partition_state(name, partition));
        if (state == nullptr || !state->data) continue;
        const storage::TopicPartition tp{name, partition};
        topic.partition_states.emplace(
            partition, PartitionLeadership::from_znode(decode_partition_state(tp, *state->data),
                                                       state->stat.version));
      }
      const std::string config_path = ZkPaths::topic_config(name);
      if (const zk::DataNode* config = tree.node(config_path); config != nullptr && config->data) {
        topic.config = decode_entity_config(config_path, *config->data);
      }
    }
  }
  if (const zk::DataNode* deletions = tree.node(ZkPaths::delete_topics)) {
    metadata.topics_marked_for_deletion.insert(deletions->children.begin(),
                                               deletions->children.end());
  }
  return metadata;
}

}  // namespace ksim::controller
