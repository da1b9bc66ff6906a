// The ZooKeeper writes Kafka's controller and its admin tools make, as data for the caller to
// apply in order (ZooKeeperServer::multi per ZkWrite), byte for byte what Kafka writes:
//
//   controller (KafkaZkClient with the controller epoch guard: every request is a multi of
//   "check /controller_epoch <epochZkVersion>" and the write, so a deposed controller's writes
//   fail with BADVERSION):
//     create_partition_state_writes   /brokers/topics/t/partitions, .../0, .../0/state
//     update_partition_state_write    setData .../0/state with the expected zkVersion
//     delete_topic_writes             the topic's znodes children first, its config, its
//                                     /admin/delete_topics entry (TopicDeletionManager)
//   admin (AdminZkClient, no guard):
//     create_topic_writes             /config/topics/t then /brokers/topics/t
//     set_topic_assignment_write      setData /brokers/topics/t (any version): add partitions
//     mark_topic_for_deletion_write   /admin/delete_topics/t (null data)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/kafka_version.h"
#include "core/controller/replica_assignment.h"
#include "core/controller/zk_json_order.h"
#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_server.h"
#include "core/storage/topic_partition.h"

namespace ksim::controller {

// One ZooKeeper request; several ops are one atomic multi.
struct ZkWrite {
  std::vector<zk::Op> ops{};
  // Kafka ignores NODEEXISTS for this write (a parent it makes sure exists).
  bool node_exists_is_ok = false;
};

// The controller epoch guard: "check /controller_epoch <controller_epoch_zk_version>" then `op`,
// as one multi.
ZkWrite guarded(zk::Op op, std::int32_t controller_epoch_zk_version,
                bool node_exists_is_ok = false);

// The Scala a Kafka release was built with for its znode JSON (2.13 for 3.x, 2.12 for 2.x), and
// the Java its Properties come from in classrooms (9+ for 3.x, 8 for 2.x and older).
zk::ScalaVersion default_scala_version(KafkaVersion version);
zk::JavaVersion default_java_version(KafkaVersion version);
// The /brokers/topics/<t> version Kafka writes: 3 from 3.0, 2 before. (Kafka before 2.4 wrote
// version 1, which zk_kafka_znodes does not encode; ksim writes 2 for those releases.)
std::int32_t topic_znode_version(KafkaVersion version);

// KafkaZkClient.createTopicPartitionStatesRaw for new partitions of one topic.
std::vector<ZkWrite> create_partition_state_writes(
    const std::string& topic, const std::map<std::int32_t, PartitionLeadership>& states,
    std::int32_t controller_epoch_zk_version, zk::ScalaVersion scala);
// KafkaZkClient.updateLeaderAndIsr for one partition: expects `state.leader_and_isr.zk_version`.
ZkWrite update_partition_state_write(const storage::TopicPartition& partition,
                                     const PartitionLeadership& state,
                                     std::int32_t controller_epoch_zk_version,
                                     zk::ScalaVersion scala);
// TopicDeletionManager.completeDeleteTopic: deleteTopicZNode (recursive, children first),
// deleteTopicConfigs, deleteTopicDeletions. `partitions` are the ids under the topic's znode.
std::vector<ZkWrite> delete_topic_writes(const std::string& topic,
                                         const std::vector<std::int32_t>& partitions,
                                         std::int32_t controller_epoch_zk_version);

// AdminZkClient.createTopicWithAssignment: the topic config (created, or set when a stale one
// exists) then the assignment with `topic_id` (Kafka 2.8+).
std::vector<ZkWrite> create_topic_writes(const std::string& topic,
                                         const ReplicaAssignment& assignment,
                                         const std::optional<std::string>& topic_id,
                                         const ConfigEntries& config, bool config_exists,
                                         KafkaVersion version);
// AdminZkClient.writeTopicPartitionAssignment(isUpdate = true).
ZkWrite set_topic_assignment_write(const std::string& topic, const ReplicaAssignment& assignment,
                                   const std::optional<std::string>& topic_id,
                                   KafkaVersion version);
// KafkaZkClient.createDeleteTopicPath.
ZkWrite mark_topic_for_deletion_write(const std::string& topic);

}  // namespace ksim::controller
