// ClusterMetadata: what ZooKeeper holds about a Kafka cluster, read the way kafka-topics.sh
// --zookeeper and the controller's initializeControllerContext read it: the live broker
// registrations, the controller and its epoch, every topic's assignment (and topic id), its
// partition states with their zkVersion, its config overrides, and the topics marked for
// deletion. read_cluster_metadata takes it from a zk::DataTree without setting watches.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/controller/leader_election.h"
#include "core/controller/zk_data_tree.h"
#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_znodes.h"
#include "core/storage/topic_partition.h"

namespace ksim::controller {

// A partition's state znode: the LeaderAndIsr (zk_version = the znode's dataVersion) and the
// epoch of the controller that wrote it (Kafka's LeaderIsrAndControllerEpoch).
struct PartitionLeadership {
  LeaderAndIsr leader_and_isr{};
  std::int32_t controller_epoch = 0;

  // The znode body (without the zkVersion, which lives in the Stat).
  LeaderIsrAndControllerEpoch to_znode() const;
  static PartitionLeadership from_znode(const LeaderIsrAndControllerEpoch& body,
                                        std::int32_t zk_version);
  friend bool operator==(const PartitionLeadership&, const PartitionLeadership&) = default;
};

struct TopicMetadata {
  std::optional<std::string> topic_id{};
  std::map<std::int32_t, PartitionReplicaAssignment> partitions{};
  // Partitions without a state znode (not yet elected) are absent.
  std::map<std::int32_t, PartitionLeadership> partition_states{};
  ConfigEntries config{};  // /config/topics/<t>, in document order; empty when absent
  friend bool operator==(const TopicMetadata&, const TopicMetadata&) = default;
};

struct ClusterMetadata {
  std::map<std::int32_t, BrokerRegistration> brokers{};  // /brokers/ids/*
  std::optional<std::int32_t> controller_id{};           // /controller
  std::int32_t controller_epoch = 0;                     // /controller_epoch (0 when absent)
  std::int32_t controller_epoch_zk_version = -1;         // its dataVersion (-1 when absent)
  std::map<std::string, TopicMetadata> topics{};         // /brokers/topics/*
  std::set<std::string> topics_marked_for_deletion{};    // /admin/delete_topics/*

  const TopicMetadata* topic(const std::string& name) const;
  // The replicas of a partition, or nullptr.
  const std::vector<std::int32_t>* replicas(const storage::TopicPartition& partition) const;
  const PartitionLeadership* partition_state(const storage::TopicPartition& partition) const;
};

// Reads the snapshot. A znode body that does not parse throws ZkDataError naming the znode.
ClusterMetadata read_cluster_metadata(const zk::DataTree& tree);

}  // namespace ksim::controller
