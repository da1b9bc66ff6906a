// Leader election in Kafka's ZooKeeper-mode controller: LeaderAndIsr (kafka.api.LeaderAndIsr),
// the four rules of PartitionLeaderElectionAlgorithms, and the new LeaderAndIsr each election
// writes (ZkPartitionStateMachine.leaderForOffline / leaderForReassignment /
// leaderForPreferredReplica / leaderForControlledShutdown, initializeLeaderAndIsrForPartitions,
// and ZkReplicaStateMachine's removal of an offline replica from the ISR).
//
// Rules (replicas are tried in assignment order, never by log length):
//   offline              first live replica that is in the ISR; none and unclean election on:
//                        first live replica, ISR becomes just it (data loss possible)
//   reassignment         first live ISR replica of the reassignment's target replicas
//   preferred replica    the head of the assignment, if it is live and in the ISR
//   controlled shutdown  first live ISR replica not shutting down; the new ISR drops every
//                        shutting-down broker
//   new partition        first live replica; ISR = the live replicas; leader epoch 0
// Every change of the LeaderAndIsr by the controller raises the leader epoch by one: a new
// leader, no leader (-1), and also the removal of a dead follower from the ISR (Kafka's
// newLeaderAndIsr). An ISR is never emptied: removing its last member leaves it there with
// leader -1. The zk_version is the state znode's dataVersion the next write must expect; results
// carry the version they were computed from (the caller's write raises it).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace ksim::controller {

// kafka.api.LeaderAndIsr.
struct LeaderAndIsr {
  static constexpr std::int32_t no_leader = -1;
  static constexpr std::int32_t initial_leader_epoch = 0;
  static constexpr std::int32_t initial_zk_version = 0;
  // LeaderRecoveryState (KIP-704, Kafka 3.2).
  static constexpr std::int32_t recovered = 0;
  static constexpr std::int32_t recovering = 1;

  std::int32_t leader = no_leader;
  std::int32_t leader_epoch = initial_leader_epoch;
  std::vector<std::int32_t> isr{};
  std::int32_t leader_recovery_state = recovered;
  std::int32_t zk_version = initial_zk_version;

  bool has_leader() const { return leader != no_leader; }
  // newLeader / newLeaderAndIsr: leader epoch + 1, same zk_version and recovery state.
  LeaderAndIsr new_leader(std::int32_t new_leader_id) const;
  LeaderAndIsr new_leader_and_isr(std::int32_t new_leader_id,
                                  std::vector<std::int32_t> new_isr) const;
  // newRecoveringLeaderAndIsr: as new_leader_and_isr, recovery state RECOVERING.
  LeaderAndIsr new_recovering_leader_and_isr(std::int32_t new_leader_id,
                                             std::vector<std::int32_t> new_isr) const;
  // newEpochAndZkVersion: the same leader and ISR with the leader epoch + 1.
  LeaderAndIsr new_epoch() const;
  LeaderAndIsr with_zk_version(std::int32_t version) const;

  friend bool operator==(const LeaderAndIsr&, const LeaderAndIsr&) = default;
};

// "(Leader:1,ISR:1,2,0,LeaderEpoch:0,ZkVersion:0)" as Kafka 2.x logs it.
std::string to_string(const LeaderAndIsr& leader_and_isr);
std::ostream& operator<<(std::ostream& out, const LeaderAndIsr& leader_and_isr);

// Which brokers the controller counts as up (ControllerContext.liveOrShuttingDownBrokerIds and
// shuttingDownBrokerIds). "Online" excludes brokers in controlled shutdown.
struct BrokerLiveness {
  std::set<std::int32_t> live_or_shutting_down{};  // registered under /brokers/ids
  std::set<std::int32_t> shutting_down{};          // asked for a controlled shutdown

  bool is_online(std::int32_t broker) const {
    return live_or_shutting_down.contains(broker) && !shutting_down.contains(broker);
  }
  bool is_online_or_shutting_down(std::int32_t broker) const {
    return live_or_shutting_down.contains(broker);
  }
};

// PartitionLeaderElectionAlgorithms. `live_replicas` are the partition's replicas the controller
// counts as live for this election.
std::optional<std::int32_t> offline_partition_leader_election(
    std::span<const std::int32_t> assignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas, bool unclean_leader_election_enabled);
std::optional<std::int32_t> reassign_partition_leader_election(
    std::span<const std::int32_t> reassignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas);
std::optional<std::int32_t> preferred_replica_partition_leader_election(
    std::span<const std::int32_t> assignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas);
std::optional<std::int32_t> controlled_shutdown_partition_leader_election(
    std::span<const std::int32_t> assignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas, const std::set<std::int32_t>& shutting_down);

// The outcome of one partition's election (Kafka's ElectionResult).
struct ElectionResult {
  // The LeaderAndIsr to write; nullopt when nobody is eligible (the partition keeps its state).
  std::optional<LeaderAndIsr> leader_and_isr{};
  // The replicas that receive the LeaderAndIsr request (Kafka's ElectionResult.liveReplicas).
  std::vector<std::int32_t> live_replicas{};
  // The leader came from outside the ISR (unclean.leader.election.enable did it).
  bool unclean = false;
};

// ZkPartitionStateMachine.leaderForOffline. `leader_recovery_supported`: the inter-broker
// protocol is 3.2+, so an unclean leader starts RECOVERING.
ElectionResult leader_for_offline(std::span<const std::int32_t> assignment,
                                  const LeaderAndIsr& current, const BrokerLiveness& brokers,
                                  bool unclean_leader_election_enabled,
                                  bool leader_recovery_supported = false);
// leaderForReassignment: `target_replicas` are the reassignment's target; the ISR is kept.
ElectionResult leader_for_reassignment(std::span<const std::int32_t> target_replicas,
                                       const LeaderAndIsr& current, const BrokerLiveness& brokers);
// leaderForPreferredReplica: the ISR is kept.
ElectionResult leader_for_preferred_replica(std::span<const std::int32_t> assignment,
                                            const LeaderAndIsr& current,
                                            const BrokerLiveness& brokers);
// leaderForControlledShutdown.
ElectionResult leader_for_controlled_shutdown(std::span<const std::int32_t> assignment,
                                              const LeaderAndIsr& current,
                                              const BrokerLiveness& brokers);
// initializeLeaderAndIsrForPartitions (NewPartition -> OnlinePartition): nullopt when no
// replica is online ("No assigned replica is alive").
std::optional<LeaderAndIsr> initial_leader_and_isr(std::span<const std::int32_t> assignment,
                                                   const BrokerLiveness& brokers);
// ZkReplicaStateMachine's doRemoveReplicasFromIsr for one replica going offline: nullopt when
// the ISR does not hold it; else leader -1 if it led, the ISR without it unless it was the last
// member, leader epoch + 1.
std::optional<LeaderAndIsr> remove_replica_from_isr(const LeaderAndIsr& current,
                                                    std::int32_t replica);

}  // namespace ksim::controller
