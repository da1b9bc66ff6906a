// The controller's decisions on new partitions, broker failure and startup, controlled shutdown
// and preferred leader election.
#include "core/controller/partition_state_machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace ksim::controller {
namespace {

constexpr std::string_view offline_strategy = "OfflinePartitionLeaderElectionStrategy(false)";
constexpr std::string_view preferred_strategy = "PreferredReplicaPartitionLeaderElectionStrategy";
constexpr std::string_view controlled_shutdown_strategy =
    "ControlledShutdownPartitionLeaderElectionStrategy";

std::string failed_election(const storage::TopicPartition& partition, std::string_view strategy) {
  return fmt::format("Failed to elect leader for partition {} under strategy {}",
                     partition.to_string(), strategy);
}

// Works on a copy of the context, recording each change as if its write succeeded, so later
// steps see the state the earlier ones leave (as Kafka's controller does after each write).
class Planner {
 public:
  explicit Planner(const ControllerContext& context) { decision_.context = context; }

  ControllerContext& context() { return decision_.context; }
  ControllerDecision take() { return std::move(decision_); }

  void fail(const storage::TopicPartition& partition, protocol::Error error, std::string message) {
    decision_.failures.push_back(ElectionFailure{partition, error, std::move(message)});
  }
  void unchanged(const storage::TopicPartition& partition, std::vector<std::int32_t> recipients) {
    decision_.unchanged.emplace_back(partition, std::move(recipients));
  }

  void record(const storage::TopicPartition& partition, const LeaderAndIsr& leader_and_isr,
              StateChangeReason reason, std::vector<std::int32_t> recipients,
              bool unclean = false, std::int32_t offline_replica = -1) {
    PartitionStateChange change{partition, PartitionLeadership{leader_and_isr, context().epoch},
                                false,     reason,
                                unclean,   std::move(recipients),
                                offline_replica};
    decision_.zk_writes.push_back(update_partition_state_write(
        partition, change.state, context().epoch_zk_version, context().scala));
    context().apply(change);
    decision_.changes.push_back(std::move(change));
  }

  // initializeLeaderAndIsrForPartitions: creates, grouped by topic as Kafka writes them.
  void initialize(const std::vector<storage::TopicPartition>& partitions) {
    const BrokerLiveness brokers = context().liveness();
    std::map<std::string, std::map<std::int32_t, PartitionLeadership>> created;
    for (const storage::TopicPartition& partition : partitions) {
      const std::vector<std::int32_t>& replicas = context().partition_replica_assignment(partition);
      const std::optional<LeaderAndIsr> initial = initial_leader_and_isr(replicas, brokers);
      if (!initial) {
        fail(partition, protocol::Error::LEADER_NOT_AVAILABLE,
             fmt::format("Controller {} epoch {} encountered error during state change of "
                         "partition {} from New to Online, assigned replicas are [{}], live "
                         "brokers are [Set({})]. No assigned replica is alive.",
                         context().controller_id, context().epoch, partition.to_string(),
                         fmt::join(replicas, ","), fmt::join(context().live_broker_ids(), ", ")));
        continue;
      }
      PartitionStateChange change{partition, PartitionLeadership{*initial, context().epoch},
                                  true,      StateChangeReason::new_partition,
                                  false,     initial->isr};
      created[partition.topic][partition.partition] = change.state;
      context().apply(change);
      decision_.changes.push_back(std::move(change));
    }
    for (const auto& [topic, states] : created) {
      for (ZkWrite& write : create_partition_state_writes(topic, states, context().epoch_zk_version,
                                                          context().scala)) {
        decision_.zk_writes.push_back(std::move(write));
      }
    }
  }

  // triggerOnlinePartitionStateChange: new partitions first, then offline elections.
  void trigger_online() {
    std::vector<storage::TopicPartition> uninitialized;
    for (const storage::TopicPartition& partition : context().partitions_without_leadership()) {
      if (!context().is_topic_queued_up_for_deletion(partition.topic)) {
        uninitialized.push_back(partition);
      }
    }
    const std::vector<storage::TopicPartition> offline = context().partitions_with_offline_leader();
    initialize(uninitialized);
    const BrokerLiveness brokers = context().liveness();
    for (const storage::TopicPartition& partition : offline) {
      const LeaderAndIsr current = context().leadership(partition)->leader_and_isr;
      const ElectionResult result =
          leader_for_offline(context().partition_replica_assignment(partition), current, brokers,
                             context().unclean_leader_election_enabled(partition.topic),
                             context().leader_recovery_supported);
      if (!result.leader_and_isr) {
        fail(partition, protocol::Error::ELIGIBLE_LEADERS_NOT_AVAILABLE,
             failed_election(partition, offline_strategy));
        continue;
      }
      record(partition, *result.leader_and_isr, StateChangeReason::offline_election,
             result.live_replicas, result.unclean);
    }
  }

  // ReplicaStateMachine OfflineReplica for `replica` on `partitions`: out of each ISR.
  void replica_offline(std::int32_t replica,
                       const std::vector<storage::TopicPartition>& partitions) {
    for (const storage::TopicPartition& partition : partitions) {
      if (context().is_topic_queued_up_for_deletion(partition.topic)) continue;
      const PartitionLeadership* leadership = context().leadership(partition);
      if (leadership == nullptr) continue;
      const std::optional<LeaderAndIsr> updated =
          remove_replica_from_isr(leadership->leader_and_isr, replica);
      if (!updated) continue;
      std::vector<std::int32_t> recipients = context().partition_replica_assignment(partition);
      std::erase(recipients, replica);
      record(partition, *updated, StateChangeReason::replica_offline, std::move(recipients), false,
             replica);
    }
  }

 private:
  ControllerDecision decision_;
};

}  // namespace

PartitionLeadership PartitionStateChange::written_state() const {
  PartitionLeadership written = state;
  written.leader_and_isr.zk_version =
      creates_znode ? LeaderAndIsr::initial_zk_version : state.leader_and_isr.zk_version + 1;
  return written;
}

ControllerDecision on_new_partitions(const ControllerContext& context,
                                     const std::vector<storage::TopicPartition>& partitions) {
  Planner planner(context);
  planner.initialize(partitions);
  return planner.take();
}

ControllerDecision on_broker_failure(const ControllerContext& context,
                                     const std::set<std::int32_t>& dead_brokers) {
  Planner planner(context);
  for (std::int32_t broker : dead_brokers) planner.context().remove_live_broker(broker);
  planner.trigger_online();
  for (std::int32_t broker : dead_brokers) {
    planner.replica_offline(broker, planner.context().partitions_on_broker(broker));
  }
  return planner.take();
}

ControllerDecision on_broker_startup(const ControllerContext& context,
                                     const std::vector<BrokerMetadata>& new_brokers) {
  Planner planner(context);
  for (const BrokerMetadata& broker : new_brokers) planner.context().add_live_broker(broker);
  planner.trigger_online();
  return planner.take();
}

ControllerDecision on_failover_offline_replicas(const ControllerContext& context) {
  Planner planner(context);
  std::set<std::int32_t> offline;
  for (const storage::TopicPartition& partition : context.all_partitions()) {
    for (std::int32_t replica : context.partition_replica_assignment(partition)) {
      if (!context.is_replica_online(replica, true)) offline.insert(replica);
    }
  }
  for (std::int32_t broker : offline) {
    planner.replica_offline(broker, planner.context().partitions_on_broker(broker));
  }
  return planner.take();
}

ControllerDecision trigger_online_partition_state_change(const ControllerContext& context) {
  Planner planner(context);
  planner.trigger_online();
  return planner.take();
}

ControllerDecision on_controlled_shutdown(const ControllerContext& context, std::int32_t broker) {
  Planner planner(context);
  if (!context.live_brokers.contains(broker)) {
    ControllerDecision decision = planner.take();
    decision.error = protocol::Error::BROKER_NOT_AVAILABLE;
    decision.error_message = fmt::format("Broker id {} does not exist.", broker);
    return decision;
  }
  planner.context().shutting_down_broker_ids.insert(broker);
  const auto replicated = [&](const storage::TopicPartition& partition) {
    return planner.context().partition_replica_assignment(partition).size() > 1 &&
           !planner.context().is_topic_queued_up_for_deletion(partition.topic);
  };
  std::vector<storage::TopicPartition> led;
  std::vector<storage::TopicPartition> followed;
  for (const storage::TopicPartition& partition : planner.context().partitions_on_broker(broker)) {
    const PartitionLeadership* leadership = planner.context().leadership(partition);
    if (leadership == nullptr || !replicated(partition)) continue;
    (leadership->leader_and_isr.leader == broker ? led : followed).push_back(partition);
  }
  const BrokerLiveness brokers = planner.context().liveness();
  for (const storage::TopicPartition& partition : led) {
    const ElectionResult result = leader_for_controlled_shutdown(
        planner.context().partition_replica_assignment(partition),
        planner.context().leadership(partition)->leader_and_isr, brokers);
    if (!result.leader_and_isr) {
      planner.fail(partition, protocol::Error::ELIGIBLE_LEADERS_NOT_AVAILABLE,
                   failed_election(partition, controlled_shutdown_strategy));
      continue;
    }
    planner.record(partition, *result.leader_and_isr,
                   StateChangeReason::controlled_shutdown_election, result.live_replicas);
  }
  planner.replica_offline(broker, followed);
  ControllerDecision decision = planner.take();
  for (const storage::TopicPartition& partition : decision.context.partitions_on_broker(broker)) {
    const PartitionLeadership* leadership = decision.context.leadership(partition);
    if (leadership != nullptr && leadership->leader_and_isr.leader == broker &&
        decision.context.partition_replica_assignment(partition).size() > 1 &&
        !decision.context.is_topic_queued_up_for_deletion(partition.topic)) {
      decision.partitions_remaining.push_back(partition);
    }
  }
  return decision;
}

ControllerDecision on_preferred_replica_election(
    const ControllerContext& context, const std::vector<storage::TopicPartition>& partitions) {
  Planner planner(context);
  const BrokerLiveness brokers = context.liveness();
  for (const storage::TopicPartition& partition : partitions) {
    if (planner.context().is_topic_queued_up_for_deletion(partition.topic)) {
      planner.fail(partition, protocol::Error::INVALID_TOPIC_EXCEPTION,
                   "The topic is being deleted");
      continue;
    }
    const std::vector<std::int32_t>& assignment =
        planner.context().partition_replica_assignment(partition);
    const PartitionLeadership* leadership = planner.context().leadership(partition);
    if (assignment.empty() || leadership == nullptr) {
      planner.fail(partition, protocol::Error::UNKNOWN_TOPIC_OR_PARTITION,
                   "The partition does not exist.");
      continue;
    }
    if (leadership->leader_and_isr.leader == assignment.front()) {
      planner.fail(partition, protocol::Error::ELECTION_NOT_NEEDED,
                   "Leader election not needed for topic partition.");
      continue;
    }
    const ElectionResult result =
        leader_for_preferred_replica(assignment, leadership->leader_and_isr, brokers);
    if (!result.leader_and_isr) {
      planner.fail(partition, protocol::Error::PREFERRED_LEADER_NOT_AVAILABLE,
                   failed_election(partition, preferred_strategy));
      continue;
    }
    planner.record(partition, *result.leader_and_isr, StateChangeReason::preferred_replica_election,
                   result.live_replicas);
  }
  return planner.take();
}

ControllerDecision retry_state_changes(const ControllerContext& context,
                                       const std::vector<PartitionStateChange>& failed) {
  Planner planner(context);
  const BrokerLiveness brokers = context.liveness();
  for (const PartitionStateChange& change : failed) {
    const storage::TopicPartition& partition = change.partition;
    const PartitionLeadership* leadership = planner.context().leadership(partition);
    const std::vector<std::int32_t>& assignment =
        planner.context().partition_replica_assignment(partition);
    if (leadership == nullptr || assignment.empty()) {
      planner.fail(partition, protocol::Error::UNKNOWN_TOPIC_OR_PARTITION,
                   "The partition does not exist.");
      continue;
    }
    if (leadership->controller_epoch > context.epoch) {
      planner.fail(partition, protocol::Error::NOT_CONTROLLER,
                   fmt::format("Leader and isr path written by another controller. This probably "
                               "means the current controller with epoch {} went through a soft "
                               "failure and another controller was elected with epoch {}.",
                               context.epoch, leadership->controller_epoch));
      continue;
    }
    const LeaderAndIsr current = leadership->leader_and_isr;
    const auto elected = [&](const ElectionResult& result, std::string_view strategy) {
      if (!result.leader_and_isr) {
        planner.fail(partition, protocol::Error::ELIGIBLE_LEADERS_NOT_AVAILABLE,
                     failed_election(partition, strategy));
        return;
      }
      planner.record(partition, *result.leader_and_isr, change.reason, result.live_replicas,
                     result.unclean);
    };
    switch (change.reason) {
      case StateChangeReason::new_partition:
        // A create that found the znode: Kafka gives up on the partition.
        planner.fail(partition, protocol::Error::OPERATION_NOT_ATTEMPTED,
                     fmt::format("Failed to create the state of {}: it exists already",
                                 partition.to_string()));
        break;
      case StateChangeReason::offline_election:
        elected(leader_for_offline(assignment, current, brokers,
                                   context.unclean_leader_election_enabled(partition.topic),
                                   context.leader_recovery_supported),
                offline_strategy);
        break;
      case StateChangeReason::controlled_shutdown_election:
        elected(leader_for_controlled_shutdown(assignment, current, brokers),
                controlled_shutdown_strategy);
        break;
      case StateChangeReason::preferred_replica_election:
        elected(leader_for_preferred_replica(assignment, current, brokers), preferred_strategy);
        break;
      case StateChangeReason::reassignment_election:
        elected(leader_for_reassignment(assignment, current, brokers),
                "ReassignPartitionLeaderElectionStrategy");
        break;
      case StateChangeReason::leader_epoch_bump:
        planner.record(partition, current.new_epoch(), change.reason, change.recipients);
        break;
      case StateChangeReason::replica_offline: {
        const std::optional<LeaderAndIsr> updated =
            remove_replica_from_isr(current, change.offline_replica);
        if (updated) {
          planner.record(partition, *updated, change.reason, change.recipients, false,
                         change.offline_replica);
        } else {
          planner.unchanged(partition, change.recipients);
        }
        break;
      }
    }
  }
  return planner.take();
}

}  // namespace ksim::controller
