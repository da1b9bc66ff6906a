// ControllerContext: the controller's cache of the cluster (kafka.controller.ControllerContext):
// its own epoch and the /controller_epoch zkVersion its writes are guarded with, the live
// brokers and those in controlled shutdown, every partition's assignment and leadership, the
// topics queued for deletion, and what unclean election needs (the broker default and topic
// overrides of unclean.leader.election.enable). Built from a ClusterMetadata snapshot, changed
// only by the caller: partition_state_machine.h decides, the caller writes ZooKeeper and, when
// the writes succeed, applies the decision here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/leader_election.h"
#include "core/controller/replica_assignment.h"
#include "core/controller/zk_json_order.h"
#include "core/storage/topic_partition.h"

namespace ksim::controller {

struct PartitionStateChange;

class ControllerContext {
 public:
  std::int32_t controller_id = -1;
  std::int32_t epoch = 0;
  std::int32_t epoch_zk_version = 0;
  std::map<std::int32_t, BrokerMetadata> live_brokers{};  // includes those shutting down
  std::set<std::int32_t> shutting_down_broker_ids{};
  std::map<std::string, std::optional<std::string>> topic_ids{};  // every topic, its id if any
  std::map<storage::TopicPartition, PartitionReplicaAssignment> partition_assignments{};
  std::map<storage::TopicPartition, PartitionLeadership> partition_leadership_info{};
  std::set<std::string> topics_to_be_deleted{};
  std::map<std::string, ConfigEntries> topic_configs{};
  bool unclean_leader_election_enable = false;  // the broker default (false since 0.11)
  bool leader_recovery_supported = false;       // inter.broker.protocol.version >= 3.2
  zk::ScalaVersion scala = zk::ScalaVersion::v2_13;

  // The controller's view after winning /controller with `epoch` (initializeControllerContext).
  static ControllerContext from_metadata(const ClusterMetadata& metadata,
                                         std::int32_t controller_id, std::int32_t epoch,
                                         std::int32_t epoch_zk_version);

  BrokerLiveness liveness() const;
  std::set<std::int32_t> live_broker_ids() const;  // without those shutting down
  bool is_replica_online(std::int32_t broker, bool include_shutting_down = false) const;
  // The partition's replicas (empty for an unknown partition).
  const std::vector<std::int32_t>& partition_replica_assignment(
      const storage::TopicPartition& partition) const;
  const PartitionLeadership* leadership(const storage::TopicPartition& partition) const;
  std::vector<storage::TopicPartition> all_partitions() const;
  std::vector<storage::TopicPartition> partitions_for_topic(const std::string& topic) const;
  std::vector<storage::TopicPartition> partitions_on_broker(std::int32_t broker) const;
  // Partitions whose leader is not online (-1 included), topics queued for deletion excluded.
  std::vector<storage::TopicPartition> partitions_with_offline_leader() const;
  // Partitions with an assignment but no state yet (Kafka's NewPartition).
  std::vector<storage::TopicPartition> partitions_without_leadership() const;
  bool is_topic_queued_up_for_deletion(const std::string& topic) const;
  // The topic's unclean.leader.election.enable override, else the broker default.
  bool unclean_leader_election_enabled(const std::string& topic) const;

  void add_live_broker(const BrokerMetadata& broker);
  void remove_live_broker(std::int32_t broker);
  // A topic (or its new partitions) appeared under /brokers/topics.
  void add_topic(const std::string& topic, const std::optional<std::string>& topic_id,
                 const std::map<std::int32_t, PartitionReplicaAssignment>& partitions);
  void remove_topic(const std::string& topic);
  // Records a change whose ZooKeeper write succeeded.
  void apply(const PartitionStateChange& change);
};

}  // namespace ksim::controller
