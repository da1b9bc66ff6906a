// ControllerContext: queries over the controller's cache and the updates the caller applies.
#include "core/controller/controller_context.h"

#include <algorithm>
#include <cctype>

#include "core/controller/partition_state_machine.h"

namespace ksim::controller {

ControllerContext ControllerContext::from_metadata(const ClusterMetadata& metadata,
                                                   std::int32_t controller_id, std::int32_t epoch,
                                                   std::int32_t epoch_zk_version) {
  ControllerContext context;
  context.controller_id = controller_id;
  context.epoch = epoch;
  context.epoch_zk_version = epoch_zk_version;
  for (const auto& [id, registration] : metadata.brokers) {
    context.live_brokers.emplace(id, BrokerMetadata{id, registration.rack});
  }
  for (const auto& [name, topic] : metadata.topics) {
    context.add_topic(name, topic.topic_id, topic.partitions);
    for (const auto& [partition, state] : topic.partition_states) {
      context.partition_leadership_info[storage::TopicPartition{name, partition}] = state;
    }
    if (!topic.config.empty()) context.topic_configs[name] = topic.config;
  }
  for (const std::string& topic : metadata.topics_marked_for_deletion) {
    if (metadata.topics.contains(topic)) context.topics_to_be_deleted.insert(topic);
  }
  return context;
}

BrokerLiveness ControllerContext::liveness() const {
  BrokerLiveness liveness;
  for (const auto& [id, broker] : live_brokers) liveness.live_or_shutting_down.insert(id);
  liveness.shutting_down = shutting_down_broker_ids;
  return liveness;
}

std::set<std::int32_t> ControllerContext::live_broker_ids() const {
  std::set<std::int32_t> ids;
  for (const auto& [id, broker] : live_brokers) {
    if (!shutting_down_broker_ids.contains(id)) ids.insert(id);
  }
  return ids;
}

bool ControllerContext::is_replica_online(std::int32_t broker, bool include_shutting_down) const {
  if (!live_brokers.contains(broker)) return false;
  return include_shutting_down || !shutting_down_broker_ids.contains(broker);
}

const std::vector<std::int32_t>& ControllerContext::partition_replica_assignment(
    const storage::TopicPartition& partition) const {
  static const std::vector<std::int32_t> none;
  const auto it = partition_assignments.find(partition);
  return it == partition_assignments.end() ? none : it->second.replicas;
}

const PartitionLeadership* ControllerContext::leadership(
    const storage::TopicPartition& partition) const {
  const auto it = partition_leadership_info.find(partition);
  return it == partition_leadership_info.end() ? nullptr : &it->second;
}

std::vector<storage::TopicPartition> ControllerContext::all_partitions() const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [partition, assignment] : partition_assignments) partitions.push_back(partition);
  return partitions;
}

std::vector<storage::TopicPartition> ControllerContext::partitions_for_topic(
    const std::string& topic) const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [partition, assignment] : partition_assignments) {
    if (partition.topic == topic) partitions.push_back(partition);
  }
  return partitions;
}

std::vector<storage::TopicPartition> ControllerContext::partitions_on_broker(
    std::int32_t broker) const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [partition, assignment] : partition_assignments) {
    const auto& replicas = assignment.replicas;
    if (std::find(replicas.begin(), replicas.end(), broker) != replicas.end()) {
      partitions.push_back(partition);
    }
  }
  return partitions;
}

std::vector<storage::TopicPartition> ControllerContext::partitions_with_offline_leader() const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [partition, state] : partition_leadership_info) {
    if (!is_replica_online(state.leader_and_isr.leader) &&
        !is_topic_queued_up_for_deletion(partition.topic)) {
      partitions.push_back(partition);
    }
  }
  return partitions;
}

std::vector<storage::TopicPartition> ControllerContext::partitions_without_leadership() const {
  std::vector<storage::TopicPartition> partitions;
  for (const auto& [partition, assignment] : partition_assignments) {
    if (!partition_leadership_info.contains(partition)) partitions.push_back(partition);
  }
  return partitions;
}

bool ControllerContext::is_topic_queued_up_for_deletion(const std::string& topic) const {
  return topics_to_be_deleted.contains(topic);
}

bool ControllerContext::unclean_leader_election_enabled(const std::string& topic) const {
  const auto it = topic_configs.find(topic);
  if (it != topic_configs.end()) {
    for (const auto& [name, value] : it->second) {
      // LogConfig parses the override as a Boolean (ConfigDef: "true"/"false", any case).
      if (name == "unclean.leader.election.enable") {
        std::string lower = value;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return lower == "true";
      }
    }
  }
  return unclean_leader_election_enable;
}

void ControllerContext::add_live_broker(const BrokerMetadata& broker) {
  live_brokers[broker.id] = broker;
}

void ControllerContext::remove_live_broker(std::int32_t broker) {
  live_brokers.erase(broker);
  shutting_down_broker_ids.erase(broker);
}

void ControllerContext::add_topic(
    const std::string& topic, const std::optional<std::string>& topic_id,
    const std::map<std::int32_t, PartitionReplicaAssignment>& partitions) {
  topic_ids[topic] = topic_id;
  for (const auto& [partition, assignment] : partitions) {
    partition_assignments[storage::TopicPartition{topic, partition}] = assignment;
  }
}

void ControllerContext::remove_topic(const std::string& topic) {
  topic_ids.erase(topic);
  std::erase_if(partition_assignments,
                [&](const auto& entry) { return entry.first.topic == topic; });
  std::erase_if(partition_leadership_info,
                [&](const auto& entry) { return entry.first.topic == topic; });
  topics_to_be_deleted.erase(topic);
  topic_configs.erase(topic);
}

void ControllerContext::apply(const PartitionStateChange& change) {
  partition_leadership_info[change.partition] = change.written_state();
}

}  // namespace ksim::controller
