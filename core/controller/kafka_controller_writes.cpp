// KafkaController: how decisions reach ZooKeeper (epoch-guarded writes, decided again when a
// partition state moved under them) and the brokers (LeaderAndIsr, UpdateMetadata and
// StopReplica batched per event and per broker).
#include "core/controller/kafka_controller.h"
#include "core/controller/kafka_controller_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_znodes.h"

namespace ksim::controller {

using storage::TopicPartition;
using zk::Code;
using namespace detail;

// --- writes and requests ---------------------------------------------------------------------------

void KafkaController::write(std::vector<ZkWrite> writes,
                            std::function<void(std::vector<zk::MultiResult>)> then) {
  auto shared_writes = std::make_shared<std::vector<ZkWrite>>(std::move(writes));
  auto results = std::make_shared<std::vector<zk::MultiResult>>(shared_writes->size());
  auto join = std::make_shared<Join>([this, shared_writes, results, then] {
    for (std::size_t i = 0; i < shared_writes->size(); ++i) {
      if (epoch_check_failed((*shared_writes)[i], (*results)[i])) {
        controller_moved();
        return;
      }
    }
    then(std::move(*results));
  });
  for (std::size_t i = 0; i < shared_writes->size(); ++i) {
    join->add();
    zk_->multi((*shared_writes)[i].ops,
               answer<zk::MultiResult>([this, results, join, i](const zk::MultiResult& result) {
                 if (session_lost(result.code)) return;
                 (*results)[i] = result;
                 join->arrive();
               }));
  }
  join->arrive();
}

std::string KafkaController::describe_change(const PartitionStateChange& change,
                                             const PartitionLeadership* before,
                                             std::string_view why) const {
  const LeaderAndIsr& after = change.state.leader_and_isr;
  const std::string reason =
      change.unclean ? fmt::format("{}, unclean election", why) : std::string(why);
  if (change.creates_znode || before == nullptr) {
    return fmt::format("{}: new partition, leader {}, leader epoch {}, ISR {} ({})",
                       change.partition.to_string(), leader_text(after.leader),
                       after.leader_epoch, list_text(after.isr), reason);
  }
  const LeaderAndIsr& old = before->leader_and_isr;
  if (old.leader != after.leader) {
    return fmt::format("{}: leader {} -> {}, leader epoch {}, ISR {} ({})",
                       change.partition.to_string(), leader_text(old.leader),
                       leader_text(after.leader), after.leader_epoch, list_text(after.isr),
                       reason);
  }
  return fmt::format("{}: ISR {} -> {}, leader {}, leader epoch {} ({})",
                     change.partition.to_string(), list_text(old.isr), list_text(after.isr),
                     leader_text(after.leader), after.leader_epoch, reason);
}

void KafkaController::apply_decision(ControllerDecision decision, std::string why,
                                     std::function<void()> then, int attempt) {
  // The writes in Kafka's order: a run of new partitions is created topic by topic
  // (createTopicPartitionStatesRaw), every other change is one guarded setData.
  std::vector<ZkWrite> writes;
  std::vector<std::ptrdiff_t> change_of_write;
  const std::vector<PartitionStateChange>& changes = decision.changes;
  for (std::size_t i = 0; i < changes.size();) {
    if (!changes[i].creates_znode) {
      writes.push_back(update_partition_state_write(changes[i].partition, changes[i].state,
                                                    context_.epoch_zk_version, context_.scala));
      change_of_write.push_back(static_cast<std::ptrdiff_t>(i));
      ++i;
      continue;
    }
    std::map<std::string, std::map<std::int32_t, PartitionLeadership>> by_topic;
    std::map<TopicPartition, std::size_t> index;
    std::size_t j = i;
    for (; j < changes.size() && changes[j].creates_znode; ++j) {
      by_topic[changes[j].partition.topic][changes[j].partition.partition] = changes[j].state;
      index[changes[j].partition] = j;
    }
    for (const auto& [topic, states] : by_topic) {
      std::vector<ZkWrite> created = create_partition_state_writes(
          topic, states, context_.epoch_zk_version, context_.scala);
      const std::size_t parents = created.size() - states.size();
      std::size_t k = 0;
      auto state = states.begin();
      for (ZkWrite& w : created) {
        if (k++ < parents) {
          change_of_write.push_back(-1);
        } else {
          change_of_write.push_back(
              static_cast<std::ptrdiff_t>(index.at(TopicPartition{topic, (state++)->first})));
        }
        writes.push_back(std::move(w));
      }
    }
    i = j;
  }
  // What each change replaces, for the records.
  std::vector<std::optional<PartitionLeadership>> before;
  {
    std::map<TopicPartition, PartitionLeadership> running = context_.partition_leadership_info;
    for (const PartitionStateChange& change : changes) {
      const auto it = running.find(change.partition);
      before.push_back(it == running.end() ? std::nullopt
                                           : std::optional<PartitionLeadership>(it->second));
      running[change.partition] = change.written_state();
    }
  }
  std::vector<ZkWrite> sent = writes;
  write(std::move(writes),
        [this, decision = std::move(decision), sent = std::move(sent), change_of_write,
         before = std::move(before), why = std::move(why), then,
         attempt](std::vector<zk::MultiResult> results) mutable {
          context_ = std::move(decision.context);
          std::set<TopicPartition> failed;
          std::set<std::size_t> to_retry;  // changes whose setData found another zkVersion
          for (std::size_t k = 0; k < results.size(); ++k) {
            const zk::MultiResult& result = results[k];
            if (result.code == Code::OK) continue;
            if (sent[k].node_exists_is_ok && result.code == Code::NODEEXISTS) continue;
            if (change_of_write[k] < 0) continue;
            const auto index = static_cast<std::size_t>(change_of_write[k]);
            const PartitionStateChange& change = decision.changes[index];
            failed.insert(change.partition);
            if (result.code == Code::BADVERSION && !change.creates_znode) to_retry.insert(index);
            record(fmt::format("{}: state write failed with {} ({})", change.partition.to_string(),
                               zk::code_name(result.code), why));
          }
          for (const auto& [tp, recipients] : decision.unchanged) {
            // An earlier attempt's write did apply: the brokers learn that state now.
            add_leader_and_isr(recipients, tp, false);
            add_update_metadata(live_or_shutting_down_brokers(), {tp});
            if (const PartitionLeadership* state = context_.leadership(tp)) {
              record(fmt::format("{}: state already leader {}, leader epoch {}, ISR {} ({})",
                                 tp.to_string(), leader_text(state->leader_and_isr.leader),
                                 state->leader_and_isr.leader_epoch,
                                 list_text(state->leader_and_isr.isr), why));
            }
          }
          for (std::size_t i = 0; i < decision.changes.size(); ++i) {
            const PartitionStateChange& change = decision.changes[i];
            if (failed.contains(change.partition)) continue;
            add_leader_and_isr(change.recipients, change.partition, change.creates_znode);
            add_update_metadata(live_or_shutting_down_brokers(), {change.partition});
            record(describe_change(change, before[i] ? &*before[i] : nullptr, why));
          }
          for (const ElectionFailure& failure : decision.failures) {
            record(fmt::format("{}: {} ({})", failure.partition.to_string(), failure.message,
                               protocol::error_name(failure.error)));
          }
          if (failed.empty()) {
            then();
            return;
          }
          // The cache is wrong for these partitions: read what ZooKeeper holds, then decide
          // again on it what found another zkVersion (Kafka's updatesToRetry loop).
          std::vector<PartitionStateChange> retry;
          for (std::size_t index : to_retry) retry.push_back(decision.changes[index]);
          auto join = std::make_shared<Join>([this, retry = std::move(retry), why, then,
                                              attempt]() mutable {
            if (retry.empty()) {
              then();
              return;
            }
            if (attempt >= max_state_write_attempts) {
              record(fmt::format("giving up on {} state change(s) after {} attempts ({})",
                                 retry.size(), attempt + 1, why));
              then();
              return;
            }
            apply_decision(retry_state_changes(context_, retry), why + ", retried", then,
                           attempt + 1);
          });
          for (const TopicPartition& tp : failed) {
            join->add();
            zk_->get_data(ZkPaths::topic_partition_state(tp.topic, tp.partition), false,
                          answer<zk::GetDataResult>([this, tp, join](const zk::GetDataResult& r) {
                            if (session_lost(r.code)) return;
                            context_.partition_leadership_info.erase(tp);
                            if (r.code == Code::OK) {
                              try {
                                context_.partition_leadership_info[tp] =
                                    PartitionLeadership::from_znode(
                                        decode_partition_state(tp, r.data.value_or("")),
                                        r.stat.version);
                              } catch (const ZkDataError&) {
                              }
                            }
                            join->arrive();
                          }));
          }
          join->arrive();
        });
}

std::set<std::int32_t> KafkaController::live_or_shutting_down_brokers() const {
  std::set<std::int32_t> ids;
  for (const auto& [id, broker] : context_.live_brokers) ids.insert(id);
  return ids;
}

void KafkaController::add_leader_and_isr(const std::vector<std::int32_t>& brokers,
                                         const TopicPartition& partition, bool is_new) {
  const PartitionLeadership* leadership = context_.leadership(partition);
  if (leadership == nullptr) return;
  const auto assignment = context_.partition_assignments.find(partition);
  if (assignment == context_.partition_assignments.end()) return;
  protocol::LeaderAndIsrPartitionState state;
  state.topic_partition = partition;
  state.controller_epoch = leadership->controller_epoch;
  state.leader = leadership->leader_and_isr.leader;
  state.leader_epoch = leadership->leader_and_isr.leader_epoch;
  state.isr = leadership->leader_and_isr.isr;
  state.partition_epoch = leadership->leader_and_isr.zk_version;
  state.replicas = assignment->second.replicas;
  state.adding_replicas = assignment->second.adding_replicas;
  state.removing_replicas = assignment->second.removing_replicas;
  state.is_new = is_new;
  state.leader_recovery_state = recovery_state(leadership->leader_and_isr.leader_recovery_state);
  for (std::int32_t broker : brokers) {
    if (!context_.live_brokers.contains(broker)) continue;
    auto& entry = batch_.leader_and_isr[broker];
    const auto existing = entry.find(partition);
    if (existing != entry.end()) {
      state.is_new = state.is_new || existing->second.is_new;
      existing->second = state;
    } else {
      entry.emplace(partition, state);
    }
  }
}

void KafkaController::add_update_metadata(const std::set<std::int32_t>& brokers,
                                          const std::vector<TopicPartition>& partitions,
                                          bool being_deleted) {
  batch_.update_metadata_brokers.insert(brokers.begin(), brokers.end());
  for (const TopicPartition& partition : partitions) {
    const PartitionLeadership* leadership = context_.leadership(partition);
    if (leadership == nullptr) continue;
    protocol::UpdateMetadataPartitionState state;
    state.topic_partition = partition;
    state.controller_epoch = leadership->controller_epoch;
    state.leader =
        being_deleted ? protocol::leader_during_delete : leadership->leader_and_isr.leader;
    state.leader_epoch = leadership->leader_and_isr.leader_epoch;
    state.isr = leadership->leader_and_isr.isr;
    state.zk_version = leadership->leader_and_isr.zk_version;
    state.replicas = context_.partition_replica_assignment(partition);
    for (std::int32_t replica : state.replicas) {
      if (!context_.is_replica_online(replica)) state.offline_replicas.push_back(replica);
    }
    batch_.update_metadata[partition] = std::move(state);
  }
}

void KafkaController::add_stop_replica(std::int32_t broker, const TopicPartition& partition,
                                       bool delete_partition) {
  if (!context_.live_brokers.contains(broker)) return;
  protocol::StopReplicaPartitionState state;
  state.topic_partition = partition;
  state.delete_partition = delete_partition;
  if (delete_partition && context_.is_topic_queued_up_for_deletion(partition.topic)) {
    state.leader_epoch = protocol::epoch_during_delete;
  } else if (const PartitionLeadership* leadership = context_.leadership(partition)) {
    state.leader_epoch = leadership->leader_and_isr.leader_epoch;
  }
  batch_.stop_replica[broker].push_back(std::move(state));
}

void KafkaController::send_batch() {
  RequestBatch batch = std::exchange(batch_, RequestBatch{});
  if (!active_) return;
  const auto broker_epoch = [this](std::int32_t broker) -> std::int64_t {
    const auto it = brokers_.find(broker);
    return it == brokers_.end() ? -1 : it->second.epoch;
  };
  // sendRequestsToBrokers: LeaderAndIsr, then UpdateMetadata, then StopReplica.
  for (auto& [broker, states] : batch.leader_and_isr) {
    protocol::LeaderAndIsrRequest request;
    request.controller_id = config_.broker_id;
    request.controller_epoch = context_.epoch;
    request.broker_epoch = broker_epoch(broker);
    for (auto& [partition, state] : states) request.partition_states.push_back(std::move(state));
    sends_.push_back(ControllerSend{broker, std::move(request)});
  }
  if (!batch.update_metadata_brokers.empty()) {
    std::vector<protocol::UpdateMetadataBroker> live;
    for (const auto& [id, metadata] : context_.live_brokers) {
      protocol::UpdateMetadataBroker entry;
      entry.id = id;
      entry.rack = metadata.rack.value_or("");
      const auto known = brokers_.find(id);
      if (known != brokers_.end() && !known->second.registration.endpoints.empty()) {
        const BrokerEndPoint& endpoint = known->second.registration.endpoints.front();
        entry.host = endpoint.host.value_or("");
        entry.port = endpoint.port;
      }
      live.push_back(std::move(entry));
    }
    std::vector<protocol::UpdateMetadataPartitionState> partitions;
    for (const auto& [partition, state] : batch.update_metadata) partitions.push_back(state);
    for (std::int32_t broker : batch.update_metadata_brokers) {
      if (!context_.live_brokers.contains(broker)) continue;
      protocol::UpdateMetadataRequest request;
      request.controller_id = config_.broker_id;
      request.controller_epoch = context_.epoch;
      request.broker_epoch = broker_epoch(broker);
      request.partition_states = partitions;
      request.live_brokers = live;
      sends_.push_back(ControllerSend{broker, std::move(request)});
    }
  }
  for (auto& [broker, states] : batch.stop_replica) {
    protocol::StopReplicaRequest request;
    request.controller_id = config_.broker_id;
    request.controller_epoch = context_.epoch;
    request.broker_epoch = broker_epoch(broker);
    request.partitions = std::move(states);
    sends_.push_back(ControllerSend{broker, std::move(request)});
  }
}

}  // namespace ksim::controller
