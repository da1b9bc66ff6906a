// KafkaController: the events of the active controller (broker and topic changes, deletion,
// preferred election, reassignment, the auto rebalance, AlterPartition, ControlledShutdown).
#include <fmt/format.h>

#include <algorithm>

#include "core/controller/kafka_controller.h"
#include "core/controller/kafka_controller_internal.h"
#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_znodes.h"

namespace ksim::controller {

using storage::TopicPartition;
using zk::Code;
using namespace detail;

namespace {

bool contains(const std::vector<std::int32_t>& values, std::int32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::vector<std::int32_t> minus(const std::vector<std::int32_t>& a,
                                const std::vector<std::int32_t>& b) {
  std::vector<std::int32_t> result;
  for (std::int32_t v : a) {
    if (!contains(b, v)) result.push_back(v);
  }
  return result;
}

// Runs `each` on the items one after the other (each calls its continuation when done), then
// `then`. The continuations hold the state, never themselves.
template <typename T>
void sequentially(std::shared_ptr<std::vector<T>> items,
                  std::function<void(const T&, std::function<void()>)> each,
                  std::function<void()> then) {
  if (items->empty()) {
    then();
    return;
  }
  const T item = items->front();
  items->erase(items->begin());
  each(item, [items, each, then] { sequentially(items, each, then); });
}

std::string ids_text(const std::set<std::int32_t>& ids) {
  return fmt::format("{}", fmt::join(ids, ","));
}

}  // namespace

// --- broker changes ------------------------------------------------------------------------------

void KafkaController::process_broker_change() {
  if (!active_) {
    finish_event();
    return;
  }
  read_brokers([this](std::map<std::int32_t, KnownBroker> current) {
    std::vector<std::int32_t> new_ids;
    std::vector<std::int32_t> bounced;
    std::set<std::int32_t> dead;
    for (const auto& [id, broker] : current) {
      const auto known = brokers_.find(id);
      if (known == brokers_.end() || !context_.live_brokers.contains(id)) {
        new_ids.push_back(id);
      } else if (known->second.epoch != broker.epoch) {
        bounced.push_back(id);
      }
    }
    for (const auto& [id, broker] : context_.live_brokers) {
      if (!current.contains(id)) dead.insert(id);
    }
    auto shared = std::make_shared<std::map<std::int32_t, KnownBroker>>(std::move(current));
    // processBrokerChange: new brokers start, bounced brokers fail and start, dead brokers fail.
    broker_startup(new_ids, *shared, [this, shared, bounced, dead] {
      const std::set<std::int32_t> bounced_set(bounced.begin(), bounced.end());
      const auto after_bounce = [this, dead] {
        broker_failure(dead, [this] { try_topic_deletion([this] { finish_event(); }); });
      };
      if (bounced_set.empty()) {
        after_bounce();
        return;
      }
      broker_failure(bounced_set, [this, shared, bounced, after_bounce] {
        broker_startup(bounced, *shared, after_bounce);
      });
    });
  });
}

void KafkaController::broker_startup(const std::vector<std::int32_t>& ids,
                                     const std::map<std::int32_t, KnownBroker>& current,
                                     std::function<void()> then) {
  if (ids.empty()) {
    then();
    return;
  }
  const std::set<std::int32_t> existing = live_or_shutting_down_brokers();
  std::vector<BrokerMetadata> started;
  for (std::int32_t id : ids) {
    brokers_[id] = current.at(id);
    const BrokerMetadata metadata{id, current.at(id).registration.rack};
    context_.add_live_broker(metadata);
    started.push_back(metadata);
    record(fmt::format("broker {} is alive (broker epoch {})", id, current.at(id).epoch));
  }
  // onBrokerStartup: the others learn of the new brokers, the new brokers learn everything.
  add_update_metadata(existing, {});
  send_batch();
  std::vector<TopicPartition> known;
  for (const auto& [tp, state] : context_.partition_leadership_info) known.push_back(tp);
  add_update_metadata(std::set<std::int32_t>(ids.begin(), ids.end()), known);
  send_batch();
  // Their replicas go online: a LeaderAndIsr for each of their partitions.
  for (std::int32_t id : ids) {
    for (const TopicPartition& tp : context_.partitions_on_broker(id)) {
      if (context_.is_topic_queued_up_for_deletion(tp.topic)) continue;
      add_leader_and_isr({id}, tp, false);
      add_update_metadata(live_or_shutting_down_brokers(), {tp});
    }
  }
  send_batch();
  apply_decision(on_broker_startup(context_, started),
                 fmt::format("broker {} started",
                             ids_text(std::set<std::int32_t>(ids.begin(), ids.end()))),
                 [this, then] {
                   send_batch();
                   then();
                 });
}

void KafkaController::broker_failure(const std::set<std::int32_t>& ids,
                                     std::function<void()> then) {
  if (ids.empty()) {
    then();
    return;
  }
  for (std::int32_t id : ids) record(fmt::format("broker {} failed", id));
  ControllerDecision decision = on_broker_failure(context_, ids);
  for (std::int32_t id : ids) brokers_.erase(id);
  const std::string why = fmt::format("broker {} failed", ids_text(ids));
  apply_decision(std::move(decision), why, [this, then] {
    // The survivors learn that the brokers are gone even when no partition changed.
    add_update_metadata(live_or_shutting_down_brokers(), {});
    send_batch();
    then();
  });
}

// --- topics ----------------------------------------------------------------------------------------

void KafkaController::process_topic_change() {
  if (!active_) {
    finish_event();
    return;
  }
  zk_->get_children(
      path(ZkPaths::topics), true,
      answer<zk::GetChildrenResult>([this](const zk::GetChildrenResult& result) {
        if (session_lost(result.code)) return;
        const std::set<std::string> children(result.children.begin(), result.children.end());
        std::vector<std::string> new_topics;
        for (const std::string& topic : children) {
          if (!context_.topic_ids.contains(topic)) new_topics.push_back(topic);
        }
        std::vector<std::string> deleted;
        for (const auto& [topic, id] : context_.topic_ids) {
          if (!children.contains(topic)) deleted.push_back(topic);
        }
        for (const std::string& topic : deleted) context_.remove_topic(topic);
        read_topics(new_topics, [this, new_topics] {
          std::vector<TopicPartition> partitions;
          for (const std::string& topic : new_topics) {
            record(fmt::format("new topic {}", topic));
            for (const TopicPartition& tp : context_.partitions_for_topic(topic)) {
              partitions.push_back(tp);
            }
          }
          if (partitions.empty()) {
            finish_event();
            return;
          }
          apply_decision(on_new_partitions(context_, partitions), "new topic",
                         [this] { finish_event(); });
        });
      }));
}

void KafkaController::process_partition_modifications(const std::string& topic) {
  if (!active_ || !context_.topic_ids.contains(topic)) {
    finish_event();
    return;
  }
  zk_->get_data(
      ZkPaths::topic(topic), true,
      answer<zk::GetDataResult>([this, topic](const zk::GetDataResult& result) {
        if (session_lost(result.code)) return;
        if (result.code != Code::OK || context_.is_topic_queued_up_for_deletion(topic)) {
          finish_event();
          return;
        }
        TopicAssignment assignment;
        try {
          assignment = decode_topic_assignment(topic, result.data.value_or(""));
        } catch (const ZkDataError& error) {
          record(fmt::format("unreadable assignment of topic {}: {}", topic, error.what()));
          finish_event();
          return;
        }
        std::map<std::int32_t, PartitionReplicaAssignment> added;
        for (const auto& [partition, replicas] : assignment.partitions) {
          if (!context_.partition_assignments.contains(TopicPartition{topic, partition})) {
            added.emplace(partition, replicas);
          }
        }
        if (added.empty()) {
          finish_event();
          return;
        }
        context_.add_topic(topic, assignment.topic_id, added);
        std::vector<TopicPartition> partitions;
        for (const auto& [partition, replicas] : added) {
          partitions.push_back(TopicPartition{topic, partition});
        }
        record(fmt::format("topic {}: {} partition(s) added", topic, partitions.size()));
        apply_decision(on_new_partitions(context_, partitions), "new partition",
                       [this] { finish_event(); });
      }));
}

// --- topic deletion ----------------------------------------------------------------------------

void KafkaController::process_topic_deletion() {
  if (!active_) {
    finish_event();
    return;
  }
  zk_->get_children(
      path(ZkPaths::delete_topics), true,
      answer<zk::GetChildrenResult>([this](const zk::GetChildrenResult& result) {
        if (session_lost(result.code)) return;
        std::vector<ZkWrite> removals;
        for (const std::string& topic : result.children) {
          if (!config_.delete_topic_enable) {
            // Kafka: "Removing [t] since delete topic is disabled".
            record(fmt::format("topic {}: not deleted, delete.topic.enable is false", topic));
            removals.push_back(guarded(zk::Op::delete_node(ZkPaths::delete_topic(topic), -1),
                                       context_.epoch_zk_version));
          } else if (!context_.topic_ids.contains(topic)) {
            record(fmt::format("topic {}: deletion of a topic that does not exist", topic));
            removals.push_back(guarded(zk::Op::delete_node(ZkPaths::delete_topic(topic), -1),
                                       context_.epoch_zk_version));
          } else if (context_.topics_to_be_deleted.insert(topic).second) {
            record(fmt::format("topic {}: queued for deletion", topic));
          }
        }
        write(std::move(removals), [this](std::vector<zk::MultiResult>) {
          try_topic_deletion([this] { finish_event(); });
        });
      }));
}

void KafkaController::try_topic_deletion(std::function<void()> then) {
  if (!config_.delete_topic_enable) {
    then();
    return;
  }
  std::vector<std::string> ready;
  for (const std::string& topic : context_.topics_to_be_deleted) {
    bool all_live = true;
    bool reassigning = false;
    for (const TopicPartition& tp : context_.partitions_for_topic(topic)) {
      reassigning = reassigning || reassignments_.contains(tp);
      for (std::int32_t replica : context_.partition_replica_assignment(tp)) {
        all_live = all_live && context_.live_brokers.contains(replica);
      }
    }
    // TopicDeletionManager: a replica on a dead broker, or a reassignment, holds it back.
    if (all_live && !reassigning) ready.push_back(topic);
  }
  auto remaining = std::make_shared<std::vector<std::string>>(std::move(ready));
  sequentially<std::string>(
      remaining,
      [this](const std::string& topic, std::function<void()> next) { delete_topic(topic, next); },
      then);
}

void KafkaController::delete_topic(const std::string& topic, std::function<void()> then) {
  const std::vector<TopicPartition> partitions = context_.partitions_for_topic(topic);
  // onTopicDeletion: brokers see leader -2 first, then the replicas stop and delete the log.
  add_update_metadata(live_or_shutting_down_brokers(), partitions, true);
  std::vector<std::int32_t> ids;
  for (const TopicPartition& tp : partitions) {
    ids.push_back(tp.partition);
    for (std::int32_t replica : context_.partition_replica_assignment(tp)) {
      add_stop_replica(replica, tp, true);
    }
  }
  send_batch();
  // completeDeleteTopic (ksim does not wait for the StopReplica answers).
  write(delete_topic_writes(topic, ids, context_.epoch_zk_version),
        [this, topic, then](std::vector<zk::MultiResult>) {
          context_.remove_topic(topic);
          record(fmt::format("topic {} deleted", topic));
          then();
        });
}

// --- preferred replica election and the auto rebalance ---------------------------------------------

void KafkaController::process_preferred_replica_election() {
  if (!active_) {
    finish_event();
    return;
  }
  handle_preferred_node([this] { finish_event(); });
}

void KafkaController::handle_preferred_node(std::function<void()> then) {
  const auto rearm = [this, then] {
    zk_->exists(path(ZkPaths::preferred_replica_election), true,
                answer<zk::ExistsResult>([this, then](const zk::ExistsResult& result) {
                  if (session_lost(result.code)) return;
                  then();
                }));
  };
  zk_->get_data(
      path(ZkPaths::preferred_replica_election), false,
      answer<zk::GetDataResult>([this, rearm](const zk::GetDataResult& result) {
        if (session_lost(result.code)) return;
        if (result.code != Code::OK) {
          rearm();
          return;
        }
        std::vector<TopicPartition> partitions;
        try {
          partitions = decode_preferred_replica_election(result.data.value_or(""));
        } catch (const ZkDataError& error) {
          record(fmt::format("unreadable {}: {}", ZkPaths::preferred_replica_election,
                             error.what()));
        }
        apply_decision(
            on_preferred_replica_election(context_, partitions), "preferred replica election",
            [this, rearm] {
              write({guarded(zk::Op::delete_node(path(ZkPaths::preferred_replica_election), -1),
                             context_.epoch_zk_version)},
                    [rearm](std::vector<zk::MultiResult>) { rearm(); });
            });
      }));
}

void KafkaController::process_auto_leader_rebalance() {
  if (!active_) {
    finish_event();
    return;
  }
  // checkAndTriggerAutoLeaderRebalance: per preferred broker, the share of its partitions led
  // by another broker.
  std::map<std::int32_t, std::vector<TopicPartition>> by_preferred;
  for (const auto& [tp, assignment] : context_.partition_assignments) {
    if (assignment.replicas.empty() || context_.is_topic_queued_up_for_deletion(tp.topic)) {
      continue;
    }
    by_preferred[assignment.replicas.front()].push_back(tp);
  }
  std::vector<TopicPartition> candidates;
  for (const auto& [broker, partitions] : by_preferred) {
    std::vector<TopicPartition> not_led;
    for (const TopicPartition& tp : partitions) {
      const PartitionLeadership* leadership = context_.leadership(tp);
      if (leadership != nullptr && leadership->leader_and_isr.leader != broker) {
        not_led.push_back(tp);
      }
    }
    const double ratio =
        static_cast<double>(not_led.size()) / static_cast<double>(partitions.size());
    if (ratio <= static_cast<double>(config_.leader_imbalance_per_broker_percentage) / 100.0) {
      continue;
    }
    if (!reassignments_.empty() || !context_.is_replica_online(broker)) continue;
    for (const TopicPartition& tp : not_led) {
      if (contains(context_.leadership(tp)->leader_and_isr.isr, broker)) candidates.push_back(tp);
    }
  }
  if (candidates.empty()) {
    finish_event();
    return;
  }
  apply_decision(on_preferred_replica_election(context_, candidates), "auto leader rebalance",
                 [this] { finish_event(); });
}

// --- partition reassignment (the ZooKeeper flow, without KIP-455's API) ----------------------------

void KafkaController::process_partition_reassignment() {
  if (!active_) {
    finish_event();
    return;
  }
  handle_reassign_node([this] { finish_event(); });
}

ZkWrite KafkaController::topic_assignment_write(const std::string& topic) const {
  TopicAssignment body;
  body.version = topic_znode_version(config_.kafka_version);
  const auto id = context_.topic_ids.find(topic);
  if (id != context_.topic_ids.end() && config_.kafka_version >= KafkaVersion{2, 8, 0}) {
    body.topic_id = id->second;
  }
  for (const TopicPartition& tp : context_.partitions_for_topic(topic)) {
    body.partitions[tp.partition] = context_.partition_assignments.at(tp);
  }
  return guarded(zk::Op::set_data(ZkPaths::topic(topic),
                                  encode_topic_assignment(body, context_.scala), -1),
                 context_.epoch_zk_version);
}

void KafkaController::handle_reassign_node(std::function<void()> then) {
  zk_->exists(
      path(ZkPaths::reassign_partitions), true,
      answer<zk::ExistsResult>([this, then](const zk::ExistsResult& exists) {
        if (session_lost(exists.code)) return;
        if (!exists.stat) {
          then();
          return;
        }
        zk_->get_data(
            path(ZkPaths::reassign_partitions), false,
            answer<zk::GetDataResult>([this, then](const zk::GetDataResult& result) {
              if (session_lost(result.code)) return;
              std::vector<PartitionReassignment> requested;
              if (result.code == Code::OK) {
                try {
                  requested = decode_reassign_partitions(result.data.value_or(""));
                } catch (const ZkDataError& error) {
                  record(fmt::format("unreadable {}: {}", ZkPaths::reassign_partitions,
                                     error.what()));
                }
              }
              auto to_start = std::make_shared<std::vector<TopicPartition>>();
              for (const auto& [tp, target] : requested) {
                const auto assignment = context_.partition_assignments.find(tp);
                if (assignment == context_.partition_assignments.end() || target.empty() ||
                    context_.is_topic_queued_up_for_deletion(tp.topic)) {
                  record(fmt::format("{}: reassignment to [{}] ignored (unknown partition)",
                                     tp.to_string(), fmt::join(target, ",")));
                  continue;
                }
                if (reassignments_.contains(tp)) continue;
                const PartitionReplicaAssignment& current = assignment->second;
                // After a failover the previous controller may have started it already.
                std::vector<std::int32_t> original =
                    current.adding_replicas.empty()
                        ? current.replicas
                        : minus(current.replicas, current.adding_replicas);
                reassignments_[tp] = Reassignment{original, target};
                record(fmt::format("{}: reassignment [{}] -> [{}] started", tp.to_string(),
                                   fmt::join(original, ","), fmt::join(target, ",")));
                if (current.replicas != target) to_start->push_back(tp);
              }
              sequentially<TopicPartition>(
                  to_start,
                  [this](const TopicPartition& tp, std::function<void()> next) {
                    start_reassignment(tp, next);
                  },
                  [this, then] { continue_reassignments(then); });
            }));
      }));
}

void KafkaController::start_reassignment(const TopicPartition& partition,
                                         std::function<void()> then) {
  const Reassignment& reassignment = reassignments_.at(partition);
  PartitionReplicaAssignment& assignment = context_.partition_assignments.at(partition);
  if (assignment.replicas == reassignment.target) {
    then();
    return;
  }
  // RS = TR + OR, AR = TR - OR, RR = OR - TR; written to the topic znode first.
  std::vector<std::int32_t> all = reassignment.target;
  for (std::int32_t replica : reassignment.original) {
    if (!contains(all, replica)) all.push_back(replica);
  }
  const bool already_started = assignment.replicas == all;
  assignment.replicas = all;
  assignment.adding_replicas = minus(reassignment.target, reassignment.original);
  assignment.removing_replicas = minus(reassignment.original, reassignment.target);
  std::vector<ZkWrite> writes;
  if (!already_started) writes.push_back(topic_assignment_write(partition.topic));
  write(std::move(writes), [this, partition, all, then](std::vector<zk::MultiResult>) {
    // updateLeaderEpochAndSendRequest: every replica of RS learns the new assignment.
    const PartitionLeadership* leadership = context_.leadership(partition);
    if (leadership == nullptr) {
      then();
      return;
    }
    ControllerDecision decision;
    decision.context = context_;
    PartitionStateChange change;
    change.partition = partition;
    change.state = PartitionLeadership{leadership->leader_and_isr.new_epoch(), context_.epoch};
    change.reason = StateChangeReason::leader_epoch_bump;
    change.recipients = all;
    decision.context.apply(change);
    decision.changes.push_back(std::move(change));
    apply_decision(std::move(decision),
                   fmt::format("reassignment: replicas [{}]", fmt::join(all, ",")), then);
  });
}

void KafkaController::continue_reassignments(std::function<void()> then) {
  auto done = std::make_shared<std::vector<TopicPartition>>();
  for (const auto& [tp, reassignment] : reassignments_) {
    const PartitionLeadership* leadership = context_.leadership(tp);
    if (leadership == nullptr) continue;
    bool caught_up = true;
    for (std::int32_t replica : reassignment.target) {
      caught_up = caught_up && contains(leadership->leader_and_isr.isr, replica);
    }
    if (caught_up) done->push_back(tp);
  }
  if (done->empty()) {
    then();
    return;
  }
  sequentially<TopicPartition>(
      done,
      [this](const TopicPartition& tp, std::function<void()> next) {
        complete_reassignment(tp, next);
      },
      [this, then] {
    // The request znode keeps what is still in progress; it goes when nothing is.
    std::vector<ZkWrite> writes;
    if (reassignments_.empty()) {
      writes.push_back(guarded(zk::Op::delete_node(path(ZkPaths::reassign_partitions), -1),
                               context_.epoch_zk_version));
    } else {
      std::vector<PartitionReassignment> remaining;
      for (const auto& [tp, reassignment] : reassignments_) {
        remaining.emplace_back(tp, reassignment.target);
      }
      writes.push_back(guarded(zk::Op::set_data(path(ZkPaths::reassign_partitions),
                                                encode_reassign_partitions(remaining), -1),
                               context_.epoch_zk_version));
    }
    write(std::move(writes), [then](std::vector<zk::MultiResult>) { then(); });
      });
}

void KafkaController::complete_reassignment(const TopicPartition& partition,
                                            std::function<void()> then) {
  const Reassignment reassignment = reassignments_.at(partition);
  reassignments_.erase(partition);
  const std::vector<std::int32_t> removed = minus(reassignment.original, reassignment.target);
  context_.partition_assignments[partition] = PartitionReplicaAssignment{reassignment.target, {}, {}};
  ControllerDecision decision;
  decision.context = context_;
  const LeaderAndIsr current = context_.leadership(partition)->leader_and_isr;
  PartitionStateChange elect;
  elect.partition = partition;
  elect.recipients = reassignment.target;
  elect.reason = StateChangeReason::leader_epoch_bump;
  if (!contains(reassignment.target, current.leader) ||
      !context_.is_replica_online(current.leader)) {
    const ElectionResult result =
        leader_for_reassignment(reassignment.target, current, context_.liveness());
    if (result.leader_and_isr) elect.reason = StateChangeReason::reassignment_election;
    elect.state = PartitionLeadership{result.leader_and_isr.value_or(current.new_epoch()),
                                      context_.epoch};
  } else {
    elect.state = PartitionLeadership{current.new_epoch(), context_.epoch};
  }
  decision.context.apply(elect);
  LeaderAndIsr latest = elect.written_state().leader_and_isr;
  decision.changes.push_back(std::move(elect));
  // The removed replicas go offline: out of the ISR, one write each (ZkReplicaStateMachine).
  for (std::int32_t replica : removed) {
    const std::optional<LeaderAndIsr> without = remove_replica_from_isr(latest, replica);
    if (!without) continue;
    PartitionStateChange change;
    change.partition = partition;
    change.state = PartitionLeadership{*without, context_.epoch};
    change.reason = StateChangeReason::replica_offline;
    change.recipients = reassignment.target;
    change.offline_replica = replica;
    decision.context.apply(change);
    latest = change.written_state().leader_and_isr;
    decision.changes.push_back(std::move(change));
  }
  const std::string why = fmt::format("reassignment to [{}] completed",
                                      fmt::join(reassignment.target, ","));
  apply_decision(std::move(decision), why, [this, partition, removed, then] {
    for (std::int32_t replica : removed) add_stop_replica(replica, partition, true);
    write({topic_assignment_write(partition.topic)},
          [this, partition, then](std::vector<zk::MultiResult>) {
            record(fmt::format("{}: replicas now [{}]", partition.to_string(),
                               fmt::join(context_.partition_replica_assignment(partition), ",")));
            then();
          });
  });
}

// --- requests from brokers ---------------------------------------------------------------------

void KafkaController::process_alter_partition(
    const protocol::AlterPartitionRequest& request,
    std::function<void(protocol::AlterPartitionResponse)> respond) {
  protocol::AlterPartitionResponse response;
  if (!active_) {
    response.error_code = protocol::Error::NOT_CONTROLLER;
    respond(std::move(response));
    finish_event();
    return;
  }
  const auto sender = brokers_.find(request.broker_id);
  if (sender == brokers_.end() || !context_.live_brokers.contains(request.broker_id) ||
      (request.broker_epoch != -1 && request.broker_epoch != sender->second.epoch)) {
    response.error_code = protocol::Error::STALE_BROKER_EPOCH;
    respond(std::move(response));
    finish_event();
    return;
  }
  const std::set<std::int32_t> live = context_.live_broker_ids();
  std::vector<ZkWrite> writes;
  std::vector<std::size_t> written;  // the request's partition index of each write
  std::vector<PartitionLeadership> proposed;
  for (std::size_t i = 0; i < request.partitions.size(); ++i) {
    const protocol::AlterPartitionRequestPartition& data = request.partitions[i];
    protocol::AlterPartitionResponsePartition out;
    out.topic_partition = data.topic_partition;
    const PartitionLeadership* leadership = context_.leadership(data.topic_partition);
    const std::vector<std::int32_t> new_isr = data.new_isr();
    const auto error = [&](protocol::Error code) {
      out.error_code = code;
      response.partitions.push_back(out);
    };
    if (leadership == nullptr || context_.partition_replica_assignment(data.topic_partition).empty()) {
      error(protocol::Error::UNKNOWN_TOPIC_OR_PARTITION);
      continue;
    }
    const LeaderAndIsr& current = leadership->leader_and_isr;
    const std::int32_t recovery = static_cast<std::int32_t>(data.leader_recovery_state);
    if (data.partition_epoch > current.zk_version || data.leader_epoch > current.leader_epoch) {
      // A newer state than this controller knows: it is likely not the controller any more.
      error(protocol::Error::NOT_CONTROLLER);
      continue;
    }
    if (data.leader_epoch < current.leader_epoch) {
      error(protocol::Error::FENCED_LEADER_EPOCH);
      continue;
    }
    if (request.broker_id != current.leader) {
      error(protocol::Error::NOT_LEADER_OR_FOLLOWER);
      continue;
    }
    if (new_isr == current.isr && recovery == current.leader_recovery_state) {
      // Already the state (a retry whose answer was lost): answer it, before epoch fencing.
      out.leader_id = current.leader;
      out.leader_epoch = current.leader_epoch;
      out.isr = current.isr;
      out.leader_recovery_state = data.leader_recovery_state;
      out.partition_epoch = current.zk_version;
      response.partitions.push_back(out);
      continue;
    }
    if (data.partition_epoch < current.zk_version) {
      error(protocol::Error::INVALID_UPDATE_VERSION);
      continue;
    }
    if ((recovery == LeaderAndIsr::recovering && new_isr.size() > 1) ||
        (current.leader_recovery_state == LeaderAndIsr::recovered &&
         recovery == LeaderAndIsr::recovering)) {
      error(protocol::Error::INVALID_REQUEST);
      continue;
    }
    bool eligible = !new_isr.empty();
    for (const protocol::BrokerState& state : data.new_isr_with_epochs) {
      const auto known = brokers_.find(state.broker_id);
      eligible = eligible && live.contains(state.broker_id) && known != brokers_.end() &&
                 (state.broker_epoch == -1 || state.broker_epoch == known->second.epoch);
    }
    if (!eligible) {
      error(protocol::Error::INELIGIBLE_REPLICA);
      continue;
    }
    PartitionLeadership next{LeaderAndIsr{current.leader, current.leader_epoch, new_isr, recovery,
                                          current.zk_version},
                             context_.epoch};
    writes.push_back(update_partition_state_write(data.topic_partition, next,
                                                  context_.epoch_zk_version, context_.scala));
    written.push_back(response.partitions.size());
    proposed.push_back(next);
    response.partitions.push_back(out);
  }
  auto shared = std::make_shared<protocol::AlterPartitionResponse>(std::move(response));
  write(std::move(writes), [this, shared, written, proposed, respond,
                            leader = request.broker_id](std::vector<zk::MultiResult> results) {
    std::vector<TopicPartition> committed;
    for (std::size_t k = 0; k < results.size(); ++k) {
      protocol::AlterPartitionResponsePartition& out = shared->partitions[written[k]];
      if (results[k].code != Code::OK || results[k].results.size() < 2) {
        out.error_code = results[k].code == Code::NONODE
                             ? protocol::Error::UNKNOWN_TOPIC_OR_PARTITION
                             : protocol::Error::INVALID_UPDATE_VERSION;
        continue;
      }
      PartitionLeadership state = proposed[k];
      const std::vector<std::int32_t> old_isr =
          context_.leadership(out.topic_partition)->leader_and_isr.isr;
      state.leader_and_isr.zk_version = results[k].results[1].stat.version;
      context_.partition_leadership_info[out.topic_partition] = state;
      out.leader_id = state.leader_and_isr.leader;
      out.leader_epoch = state.leader_and_isr.leader_epoch;
      out.isr = state.leader_and_isr.isr;
      out.leader_recovery_state = state.leader_and_isr.leader_recovery_state ==
                                          LeaderAndIsr::recovering
                                      ? protocol::LeaderRecoveryState::recovering
                                      : protocol::LeaderRecoveryState::recovered;
      out.partition_epoch = state.leader_and_isr.zk_version;
      committed.push_back(out.topic_partition);
      record(fmt::format("{}: ISR [{}] -> [{}], leader {}, leader epoch {}, partition epoch {} "
                         "(AlterPartition from leader {})",
                         out.topic_partition.to_string(), fmt::join(old_isr, ","),
                         fmt::join(out.isr, ","), out.leader_id, out.leader_epoch,
                         out.partition_epoch, leader));
    }
    respond(*shared);
    add_update_metadata(live_or_shutting_down_brokers(), committed);
    continue_reassignments([this] { finish_event(); });
  });
}

void KafkaController::process_controlled_shutdown(
    const protocol::ControlledShutdownRequest& request,
    std::function<void(protocol::ControlledShutdownResponse)> respond) {
  protocol::ControlledShutdownResponse response;
  if (!active_) {
    response.error_code = protocol::Error::NOT_CONTROLLER;
    respond(std::move(response));
    finish_event();
    return;
  }
  const std::int32_t id = request.broker_id;
  const auto known = brokers_.find(id);
  if (request.broker_epoch != -1 && known != brokers_.end() &&
      request.broker_epoch < known->second.epoch) {
    response.error_code = protocol::Error::STALE_BROKER_EPOCH;
    respond(std::move(response));
    finish_event();
    return;
  }
  ControllerDecision decision = on_controlled_shutdown(context_, id);
  if (decision.error != protocol::Error::NONE) {
    record(fmt::format("controlled shutdown of broker {} refused: {}", id,
                       decision.error_message));
    response.error_code = decision.error;
    respond(std::move(response));
    finish_event();
    return;
  }
  record(fmt::format("broker {} is shutting down (controlled shutdown)", id));
  std::vector<TopicPartition> followed;
  for (const PartitionStateChange& change : decision.changes) {
    if (change.reason == StateChangeReason::replica_offline) followed.push_back(change.partition);
  }
  response.remaining_partitions = decision.partitions_remaining;
  auto shared = std::make_shared<protocol::ControlledShutdownResponse>(std::move(response));
  apply_decision(std::move(decision), fmt::format("controlled shutdown of broker {}", id),
                 [this, id, followed, shared, respond] {
                   // OfflineReplica for the partitions it follows: StopReplica, log kept.
                   for (const TopicPartition& tp : followed) add_stop_replica(id, tp, false);
                   respond(*shared);
                   finish_event();
                 });
}

}  // namespace ksim::controller
