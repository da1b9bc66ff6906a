// Kafka's controller and admin ZooKeeper writes as zk::Op lists.
#include "core/controller/controller_zk_writes.h"

#include "core/controller/zk_kafka_paths.h"

namespace ksim::controller {
namespace {

using zk::CreateMode;
using zk::Op;

TopicAssignment topic_assignment(const ReplicaAssignment& assignment,
                                 const std::optional<std::string>& topic_id, KafkaVersion version) {
  TopicAssignment body;
  body.version = topic_znode_version(version);
  if (version >= KafkaVersion{2, 8, 0}) body.topic_id = topic_id;
  for (const auto& [partition, replicas] : assignment) {
    body.partitions[partition].replicas = replicas;
  }
  return body;
}

}  // namespace

zk::ScalaVersion default_scala_version(KafkaVersion version) {
  return version >= KafkaVersion{3, 0, 0} ? zk::ScalaVersion::v2_13 : zk::ScalaVersion::v2_12;
}

zk::JavaVersion default_java_version(KafkaVersion version) {
  return version >= KafkaVersion{3, 0, 0} ? zk::JavaVersion::java9_or_later
                                          : zk::JavaVersion::java8;
}

std::int32_t topic_znode_version(KafkaVersion version) {
  return version >= KafkaVersion{3, 0, 0} ? 3 : 2;
}

ZkWrite guarded(zk::Op op, std::int32_t controller_epoch_zk_version, bool node_exists_is_ok) {
  return ZkWrite{{Op::check(std::string(ZkPaths::controller_epoch), controller_epoch_zk_version),
                  std::move(op)},
                 node_exists_is_ok};
}

std::vector<ZkWrite> create_partition_state_writes(
    const std::string& topic, const std::map<std::int32_t, PartitionLeadership>& states,
    std::int32_t controller_epoch_zk_version, zk::ScalaVersion scala) {
  std::vector<ZkWrite> writes;
  writes.push_back(
      guarded(Op::create(ZkPaths::topic_partitions(topic), std::nullopt, CreateMode::PERSISTENT),
              controller_epoch_zk_version, true));
  for (const auto& [partition, state] : states) {
    writes.push_back(guarded(Op::create(ZkPaths::topic_partition(topic, partition), std::nullopt,
                                        CreateMode::PERSISTENT),
                             controller_epoch_zk_version, true));
  }
  for (const auto& [partition, state] : states) {
    writes.push_back(
        guarded(Op::create(ZkPaths::topic_partition_state(topic, partition),
                           encode_partition_state(state.to_znode(), scala), CreateMode::PERSISTENT),
                controller_epoch_zk_version));
  }
  return writes;
}

ZkWrite update_partition_state_write(const storage::TopicPartition& partition,
                                     const PartitionLeadership& state,
                                     std::int32_t controller_epoch_zk_version,
                                     zk::ScalaVersion scala) {
  return guarded(Op::set_data(ZkPaths::topic_partition_state(partition.topic, partition.partition),
                              encode_partition_state(state.to_znode(), scala),
                              state.leader_and_isr.zk_version),
                 controller_epoch_zk_version);
}

std::vector<ZkWrite> delete_topic_writes(const std::string& topic,
                                         const std::vector<std::int32_t>& partitions,
                                         std::int32_t controller_epoch_zk_version) {
  std::vector<ZkWrite> writes;
  const auto remove = [&](std::string path) {
    writes.push_back(guarded(Op::delete_node(std::move(path), -1), controller_epoch_zk_version));
  };
  for (std::int32_t partition : partitions) {
    remove(ZkPaths::topic_partition_state(topic, partition));
    remove(ZkPaths::topic_partition(topic, partition));
  }
  remove(ZkPaths::topic_partitions(topic));
  remove(ZkPaths::topic(topic));
  remove(ZkPaths::topic_config(topic));
  remove(ZkPaths::delete_topic(topic));
  return writes;
}

std::vector<ZkWrite> create_topic_writes(const std::string& topic,
                                         const ReplicaAssignment& assignment,
                                         const std::optional<std::string>& topic_id,
                                         const ConfigEntries& config, bool config_exists,
                                         KafkaVersion version) {
  const std::string config_body = encode_entity_config(config, default_java_version(version));
  std::vector<ZkWrite> writes;
  writes.push_back(ZkWrite{
      {config_exists
           ? Op::set_data(ZkPaths::topic_config(topic), config_body, -1)
           : Op::create(ZkPaths::topic_config(topic), config_body, CreateMode::PERSISTENT)}});
  writes.push_back(
      ZkWrite{{Op::create(ZkPaths::topic(topic),
                          encode_topic_assignment(topic_assignment(assignment, topic_id, version),
                                                  default_scala_version(version)),
                          CreateMode::PERSISTENT)}});
  return writes;
}

ZkWrite set_topic_assignment_write(const std::string& topic, const ReplicaAssignment& assignment,
                                   const std::optional<std::string>& topic_id,
                                   KafkaVersion version) {
  return ZkWrite{
      {Op::set_data(ZkPaths::topic(topic),
                    encode_topic_assignment(topic_assignment(assignment, topic_id, version),
                                            default_scala_version(version)),
                    -1)}};
}

ZkWrite mark_topic_for_deletion_write(const std::string& topic) {
  return ZkWrite{{Op::create(ZkPaths::delete_topic(topic), std::nullopt, CreateMode::PERSISTENT)}};
}

}  // namespace ksim::controller
