// What Kafka's ZooKeeper-mode controller decides when something happens, as pure functions over
// a ControllerContext (KafkaController.onNewPartitionCreation, onBrokerFailure, onBrokerStartup,
// doControlledShutdown, onReplicaElection with ZkPartitionStateMachine and
// ZkReplicaStateMachine). Each returns the partition state changes, the elections that failed,
// and the ZooKeeper writes that record the changes (guarded by the controller epoch). The caller
// applies the writes in order and, when they succeed, ControllerContext::apply each change and
// sends LeaderAndIsr to its recipients.
//
// onBrokerFailure, for example, in Kafka's order:
//   1. every partition whose leader is no longer online (and every partition still without a
//      state) gets an offline election: first live ISR replica in assignment order, the new ISR
//      is the old one without offline replicas, leader epoch + 1; unclean election only where
//      unclean.leader.election.enable is true for the topic;
//   2. then each dead broker, by ascending id, leaves every ISR that still holds it (leader -1
//      if it led, the ISR keeps its last member, leader epoch + 1 each time).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/controller_context.h"
#include "core/controller/controller_zk_writes.h"
#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::controller {

enum class StateChangeReason {
  new_partition,                 // NewPartition -> OnlinePartition
  offline_election,              // OfflinePartition -> OnlinePartition
  controlled_shutdown_election,  // the leader is shutting down
  preferred_replica_election,    // back to the head of the assignment
  replica_offline,               // a replica left the ISR (broker died or is shutting down)
  reassignment_election,         // ReassignPartitionLeaderElectionStrategy (leader not in target)
  leader_epoch_bump,             // updateLeaderEpochAndSendRequest: same leader, epoch + 1
};

struct PartitionStateChange {
  storage::TopicPartition partition{};
  // The state written; leader_and_isr.zk_version is the version the write expects.
  PartitionLeadership state{};
  bool creates_znode = false;  // a new partition's first state: a create, not a setData
  StateChangeReason reason = StateChangeReason::offline_election;
  bool unclean = false;                  // the leader came from outside the ISR
  std::vector<std::int32_t> recipients;  // brokers the LeaderAndIsr request goes to
  std::int32_t offline_replica = -1;     // replica_offline: the replica that left the ISR

  // The state once the write succeeded: zkVersion 0 after a create, the expected + 1 otherwise.
  PartitionLeadership written_state() const;
};

struct ElectionFailure {
  storage::TopicPartition partition{};
  protocol::Error error = protocol::Error::NONE;
  std::string message;  // Kafka's words, e.g. "Failed to elect leader for partition t-0 under
                        // strategy OfflinePartitionLeaderElectionStrategy(false)"
};

struct ControllerDecision {
  // The context once every write succeeded (the changes applied, brokers added or removed).
  ControllerContext context;
  // An error for the whole request (controlled shutdown from an unknown broker).
  protocol::Error error = protocol::Error::NONE;
  std::string error_message;
  std::vector<PartitionStateChange> changes;
  std::vector<ElectionFailure> failures;
  std::vector<ZkWrite> zk_writes;
  // Controlled shutdown: the replicated partitions the broker still leads (Kafka's
  // partitionsRemaining; the broker retries while this is not empty).
  std::vector<storage::TopicPartition> partitions_remaining;
  // retry_state_changes: partitions whose state in ZooKeeper already is what the change wanted
  // (an earlier attempt of the write did apply): their LeaderAndIsr goes to these recipients
  // with that state, without a write.
  std::vector<std::pair<storage::TopicPartition, std::vector<std::int32_t>>> unchanged;
};

// New partitions (a topic created, partitions added): leader = first live replica, ISR = the
// live replicas, leader epoch 0, written with creates.
ControllerDecision on_new_partitions(const ControllerContext& context,
                                     const std::vector<storage::TopicPartition>& partitions);
// Brokers whose /brokers/ids registration disappeared (`context` still lists them as live).
ControllerDecision on_broker_failure(const ControllerContext& context,
                                     const std::set<std::int32_t>& dead_brokers);
// Brokers that registered (`context` does not list them yet): partitions without an online
// leader get an offline election with them counted live.
ControllerDecision on_broker_startup(const ControllerContext& context,
                                     const std::vector<BrokerMetadata>& new_brokers);
// A new controller's replica state machine startup: every replica on a broker that is not
// registered goes OfflineReplica, leaving the ISRs that still hold it (leader -1 where it led),
// before the elections (Kafka's ZkReplicaStateMachine.startup in onControllerFailover). Without
// it a broker that died while no controller was watching would stay in ISRs.
ControllerDecision on_failover_offline_replicas(const ControllerContext& context);
// Elections for every partition without an online leader and every partition still without a
// state (PartitionStateMachine.triggerOnlinePartitionStateChange).
ControllerDecision trigger_online_partition_state_change(const ControllerContext& context);
// ControlledShutdown from `broker`: leadership moves first (controlled shutdown election on
// every replicated partition it leads), then it leaves the ISR of the partitions it follows.
ControllerDecision on_controlled_shutdown(const ControllerContext& context, std::int32_t broker);
// Preferred leader election (kafka-leader-election.sh --election-type PREFERRED, or the auto
// rebalance): ELECTION_NOT_NEEDED where the preferred replica leads already,
// PREFERRED_LEADER_NOT_AVAILABLE where it is not live and in the ISR,
// UNKNOWN_TOPIC_OR_PARTITION for unknown partitions.
ControllerDecision on_preferred_replica_election(
    const ControllerContext& context, const std::vector<storage::TopicPartition>& partitions);
// The changes whose setData failed with BADVERSION (the state in ZooKeeper is not the one the
// decision started from), decided again on the state `context` now holds, re-read from
// ZooKeeper: Kafka's electLeaderForPartitions and removeReplicasFromIsr loop on their
// "updatesToRetry", each round reading the partition states before deciding. A state written by
// a newer controller fails the partition (Kafka: "Leader and isr path written by another
// controller"). Changes of one partition are redone in order, each on the state the previous
// one leaves.
ControllerDecision retry_state_changes(const ControllerContext& context,
                                       const std::vector<PartitionStateChange>& failed);

}  // namespace ksim::controller
