// KafkaController: the controller event queue, election through /controller, failover, and the
// events of the active controller, each a chain of ZooKeeper answers.
#include "core/controller/kafka_controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_znodes.h"

namespace ksim::controller {
namespace {

using storage::TopicPartition;
using zk::Code;

std::string path(std::string_view p) { return std::string(p); }

std::optional<std::int32_t> parse_id(const std::string& text) {
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string leader_text(std::int32_t leader) {
  return leader == LeaderAndIsr::no_leader ? std::string("none") : std::to_string(leader);
}

std::string list_text(const std::vector<std::int32_t>& values) {
  return fmt::format("[{}]", fmt::join(values, ","));
}

// Rounds of re-reading and rewriting a partition state whose zkVersion moved under a write
// (Kafka loops until they succeed; ksim stops after this many rather than spin).
constexpr int max_state_write_attempts = 10;

bool epoch_check_failed(const ZkWrite& write, const zk::MultiResult& result) {
  return !write.ops.empty() && write.ops.front().type == zk::Op::Type::check &&
         !result.results.empty() && result.results.front().code == Code::BADVERSION;
}

protocol::LeaderRecoveryState recovery_state(std::int32_t state) {
  return state == LeaderAndIsr::recovering ? protocol::LeaderRecoveryState::recovering
                                           : protocol::LeaderRecoveryState::recovered;
}

}  // namespace

class KafkaController::Join {
 public:
  explicit Join(std::function<void()> then) : then_(std::move(then)) {}
  void add() { ++remaining_; }
  void arrive() {
    if (--remaining_ == 0 && then_) {
      std::function<void()> then = std::move(then_);
      then_ = nullptr;
      then();
    }
  }

 private:
  int remaining_ = 1;  // the issuer's own arrival, after it issued everything
  std::function<void()> then_;
};

KafkaController::KafkaController(ControllerConfig config, zk::ZkClient& zk)
    : config_(std::move(config)), zk_(&zk) {}

// --- the event queue -------------------------------------------------------------------------------

void KafkaController::enqueue(std::string name, std::function<void()> process,
                              std::function<void()> preempt) {
  if (shut_down_) {
    if (preempt) preempt();
    return;
  }
  events_.push_back(Event{std::move(name), std::move(process), std::move(preempt)});
  pump();
}

void KafkaController::pump() {
  if (pumping_) return;
  pumping_ = true;
  while (!current_ && !events_.empty() && !shut_down_) {
    current_ = std::move(events_.front());
    events_.pop_front();
    std::function<void()> process = std::move(current_->process);
    process();
  }
  pumping_ = false;
}

void KafkaController::finish_event() {
  send_batch();
  ++generation_;
  current_.reset();
  pump();
}

void KafkaController::abort_event() {
  batch_ = RequestBatch{};
  if (current_ && current_->preempt) current_->preempt();
  ++generation_;
  current_.reset();
  pump();
}

void KafkaController::clear_queue() {
  std::deque<Event> queued = std::move(events_);
  events_.clear();
  for (Event& event : queued) {
    if (event.preempt) event.preempt();
  }
}

std::function<void(Code)> KafkaController::answer_code(std::function<void(Code)> handler) {
  return [this, alive = std::weak_ptr<int>(alive_), generation = generation_,
          handler = std::move(handler)](Code code) {
    if (alive.expired() || generation != generation_ || shut_down_) return;
    handler(code);
  };
}

bool KafkaController::session_lost(Code code) {
  if (code != Code::SESSIONEXPIRED && code != Code::SESSIONMOVED && code != Code::AUTHFAILED) {
    return false;
  }
  abort_event();
  return true;
}

void KafkaController::record(std::string what) {
  records_.push_back(ControllerEventRecord{now_ms_, std::move(what)});
}

// --- inputs ------------------------------------------------------------------------------------------

void KafkaController::on_session_established(std::int64_t now_ms) {
  now_ms_ = now_ms;
  if (shut_down_) return;
  enqueue("Startup", [this] { process_startup(); });
}

void KafkaController::on_session_expired(std::int64_t now_ms) {
  now_ms_ = now_ms;
  // ControllerEventManager.clearAndPut(Expire): nothing queued runs any more.
  clear_queue();
  if (current_) abort_event();
  active_controller_id_ = -1;
  resign("ZooKeeper session expired");
}

bool KafkaController::handle_watch_event(const zk::WatchedEvent& event, std::int64_t now_ms) {
  now_ms_ = now_ms;
  if (shut_down_) return false;
  const std::string& p = event.path;
  using zk::EventType;
  if (p == ZkPaths::controller) {
    if (event.type == EventType::NodeDeleted) {
      enqueue("Reelect", [this] { process_reelect(); });
    } else {
      enqueue("ControllerChange", [this] { process_controller_change(); });
    }
    return true;
  }
  if (p == ZkPaths::broker_ids && event.type == EventType::NodeChildrenChanged) {
    enqueue("BrokerChange", [this] { process_broker_change(); });
    return true;
  }
  if (p == ZkPaths::topics && event.type == EventType::NodeChildrenChanged) {
    enqueue("TopicChange", [this] { process_topic_change(); });
    return true;
  }
  if (p == ZkPaths::delete_topics && event.type == EventType::NodeChildrenChanged) {
    enqueue("TopicDeletion", [this] { process_topic_deletion(); });
    return true;
  }
  if (p == ZkPaths::reassign_partitions) {
    if (event.type == EventType::NodeCreated) {
      enqueue("ZkPartitionReassignment", [this] { process_partition_reassignment(); });
    }
    return true;
  }
  if (p == ZkPaths::preferred_replica_election) {
    if (event.type == EventType::NodeCreated) {
      enqueue("ReplicaLeaderElection", [this] { process_preferred_replica_election(); });
    }
    return true;
  }
  const std::string topics_prefix = path(ZkPaths::topics) + "/";
  if (p.starts_with(topics_prefix) && p.find('/', topics_prefix.size()) == std::string::npos) {
    if (event.type == EventType::NodeDataChanged) {
      std::string topic = p.substr(topics_prefix.size());
      enqueue("PartitionModifications",
              [this, topic = std::move(topic)] { process_partition_modifications(topic); });
    }
    return true;
  }
  return false;
}

void KafkaController::handle_alter_partition(
    const protocol::AlterPartitionRequest& request, std::int64_t now_ms,
    std::function<void(protocol::AlterPartitionResponse)> respond) {
  now_ms_ = now_ms;
  auto answered = std::make_shared<bool>(false);
  auto reply = [respond = std::move(respond), answered](protocol::AlterPartitionResponse r) {
    if (*answered) return;
    *answered = true;
    respond(std::move(r));
  };
  enqueue(
      "AlterPartitionReceived",
      [this, request, reply] { process_alter_partition(request, reply); },
      [reply] {
        protocol::AlterPartitionResponse response;
        response.error_code = protocol::Error::NOT_CONTROLLER;
        reply(std::move(response));
      });
}

void KafkaController::handle_controlled_shutdown(
    const protocol::ControlledShutdownRequest& request, std::int64_t now_ms,
    std::function<void(protocol::ControlledShutdownResponse)> respond) {
  now_ms_ = now_ms;
  auto answered = std::make_shared<bool>(false);
  auto reply = [respond = std::move(respond), answered](protocol::ControlledShutdownResponse r) {
    if (*answered) return;
    *answered = true;
    respond(std::move(r));
  };
  enqueue(
      "ControlledShutdown",
      [this, request, reply] { process_controlled_shutdown(request, reply); },
      [reply] {
        protocol::ControlledShutdownResponse response;
        response.error_code = protocol::Error::NOT_CONTROLLER;
        reply(std::move(response));
      });
}

void KafkaController::shutdown() {
  clear_queue();
  if (current_) abort_event();
  resign("broker shutting down");
  active_controller_id_ = -1;
  shut_down_ = true;
}

std::vector<ControllerSend> KafkaController::take_requests() { return std::exchange(sends_, {}); }

std::vector<ControllerEventRecord> KafkaController::take_records() {
  return std::exchange(records_, {});
}

void KafkaController::tick(std::int64_t now_ms) {
  now_ms_ = now_ms;
  if (!active_ || !next_rebalance_ms_ || now_ms < *next_rebalance_ms_) return;
  next_rebalance_ms_ = now_ms + config_.leader_imbalance_check_interval_ms;
  enqueue("AutoPreferredReplicaLeaderElection", [this] { process_auto_leader_rebalance(); });
}

std::optional<std::int64_t> KafkaController::next_deadline_ms() const {
  return active_ ? next_rebalance_ms_ : std::nullopt;
}

// --- election ----------------------------------------------------------------------------------------

void KafkaController::process_startup() {
  // registerZNodeChangeHandlerAndCheckExistence(controllerChangeHandler), then elect().
  zk_->exists(path(ZkPaths::controller), true,
              answer<zk::ExistsResult>([this](const zk::ExistsResult& result) {
                if (session_lost(result.code)) return;
                elect();
              }));
}

void KafkaController::read_controller(std::function<void()> then) {
  zk_->get_data(path(ZkPaths::controller), false,
                answer<zk::GetDataResult>([this, then](const zk::GetDataResult& result) {
                  if (session_lost(result.code)) return;
                  active_controller_id_ = -1;
                  if (result.code == Code::OK) {
                    try {
                      active_controller_id_ =
                          decode_controller(result.data.value_or("")).broker_id;
                    } catch (const ZkDataError& error) {
                      record(fmt::format("broker {}: unreadable /controller: {}",
                                         config_.broker_id, error.what()));
                    }
                  }
                  then();
                }));
}

void KafkaController::process_controller_change() {
  // maybeResign: re-arm the watch, read who holds /controller.
  const bool was_active = active_;
  zk_->exists(path(ZkPaths::controller), true,
              answer<zk::ExistsResult>([this, was_active](const zk::ExistsResult& result) {
                if (session_lost(result.code)) return;
                read_controller([this, was_active] {
                  if (was_active && active_controller_id_ != config_.broker_id) {
                    resign(fmt::format("/controller now held by broker {}",
                                       active_controller_id_));
                  }
                  finish_event();
                });
              }));
}

void KafkaController::process_reelect() {
  const bool was_active = active_;
  zk_->exists(path(ZkPaths::controller), true,
              answer<zk::ExistsResult>([this, was_active](const zk::ExistsResult& result) {
                if (session_lost(result.code)) return;
                read_controller([this, was_active] {
                  if (was_active && active_controller_id_ != config_.broker_id) {
                    resign("/controller deleted");
                  }
                  elect();
                });
              }));
}

void KafkaController::elect() {
  read_controller([this] {
    if (active_controller_id_ != -1) {
      finish_event();
      return;
    }
    zk_->get_data(
        path(ZkPaths::controller_epoch), false,
        answer<zk::GetDataResult>([this](const zk::GetDataResult& result) {
          if (session_lost(result.code)) return;
          if (result.code == Code::NONODE) {
            // maybeCreateControllerEpochZNode: epoch 0, version 0.
            zk_->create(path(ZkPaths::controller_epoch), encode_controller_epoch(0),
                        zk::CreateMode::PERSISTENT,
                        answer<zk::CreateResult>([this](const zk::CreateResult& created) {
                          if (session_lost(created.code)) return;
                          if (created.code == Code::OK) {
                            register_controller(0, 0);
                          } else {
                            elect();  // created meanwhile by another broker: read it
                          }
                        }));
            return;
          }
          if (result.code != Code::OK) {
            record(fmt::format("broker {}: reading /controller_epoch failed: {}",
                               config_.broker_id, zk::code_name(result.code)));
            finish_event();
            return;
          }
          std::int32_t epoch = 0;
          try {
            epoch = decode_controller_epoch(result.data.value_or(""));
          } catch (const ZkDataError& error) {
            record(fmt::format("broker {}: unreadable /controller_epoch: {}", config_.broker_id,
                               error.what()));
            finish_event();
            return;
          }
          register_controller(epoch, result.stat.version);
        }));
  });
}

void KafkaController::register_controller(std::int32_t epoch, std::int32_t epoch_zk_version) {
  const std::int32_t new_epoch = epoch + 1;
  ControllerRegistration registration;
  registration.version = config_.kafka_version >= KafkaVersion{3, 4, 0} ? 2 : 1;
  registration.broker_id = config_.broker_id;
  registration.timestamp_ms = now_ms_ + config_.unix_epoch_offset_ms;
  zk_->multi(
      {zk::Op::create(path(ZkPaths::controller), encode_controller(registration),
                      zk::CreateMode::EPHEMERAL),
       zk::Op::set_data(path(ZkPaths::controller_epoch), encode_controller_epoch(new_epoch),
                        epoch_zk_version)},
      answer<zk::MultiResult>([this, new_epoch](const zk::MultiResult& result) {
        if (session_lost(result.code)) return;
        if (result.code == Code::OK && result.results.size() == 2) {
          active_controller_id_ = config_.broker_id;
          context_ = ControllerContext{};
          context_.epoch = new_epoch;
          context_.epoch_zk_version = result.results[1].stat.version;
          on_controller_failover();
          return;
        }
        if (result.code != Code::NODEEXISTS && result.code != Code::BADVERSION) {
          record(fmt::format("broker {}: controller election failed: {}", config_.broker_id,
                             zk::code_name(result.code)));
          finish_event();
          return;
        }
        // checkControllerAndEpoch: a retried multi may have won already.
        read_controller([this, new_epoch] {
          if (active_controller_id_ != config_.broker_id) {
            finish_event();
            return;
          }
          zk_->get_data(path(ZkPaths::controller_epoch), false,
                        answer<zk::GetDataResult>([this, new_epoch](const zk::GetDataResult& r) {
                          if (session_lost(r.code)) return;
                          std::int32_t current_epoch = -1;
                          try {
                            if (r.code == Code::OK) {
                              current_epoch = decode_controller_epoch(r.data.value_or(""));
                            }
                          } catch (const ZkDataError&) {
                          }
                          if (current_epoch != new_epoch) {
                            finish_event();
                            return;
                          }
                          context_ = ControllerContext{};
                          context_.epoch = new_epoch;
                          context_.epoch_zk_version = r.stat.version;
                          on_controller_failover();
                        }));
        });
      }));
}

void KafkaController::read_brokers(
    std::function<void(std::map<std::int32_t, KnownBroker>)> then) {
  zk_->get_children(
      path(ZkPaths::broker_ids), true,
      answer<zk::GetChildrenResult>([this, then](const zk::GetChildrenResult& children) {
        if (session_lost(children.code)) return;
        auto brokers = std::make_shared<std::map<std::int32_t, KnownBroker>>();
        auto join = std::make_shared<Join>([brokers, then] { then(std::move(*brokers)); });
        for (const std::string& child : children.children) {
          const std::optional<std::int32_t> id = parse_id(child);
          if (!id) continue;
          join->add();
          zk_->get_data(ZkPaths::broker_id(*id), false,
                        answer<zk::GetDataResult>([this, id = *id, brokers,
                                                   join](const zk::GetDataResult& result) {
                          if (session_lost(result.code)) return;
                          if (result.code == Code::OK) {
                            try {
                              brokers->emplace(
                                  id, KnownBroker{decode_broker_registration(
                                                      id, result.data.value_or("")),
                                                  result.stat.czxid});
                            } catch (const ZkDataError& error) {
                              record(fmt::format("unreadable registration of broker {}: {}", id,
                                                 error.what()));
                            }
                          }
                          join->arrive();
                        }));
        }
        join->arrive();
      }));
}

void KafkaController::read_topics(const std::vector<std::string>& topics,
                                  std::function<void()> then) {
  auto join = std::make_shared<Join>(std::move(then));
  for (const std::string& topic : topics) {
    join->add();
    // The data watch is Kafka's PartitionModificationsHandler.
    zk_->get_data(
        ZkPaths::topic(topic), true,
        answer<zk::GetDataResult>([this, topic, join](const zk::GetDataResult& result) {
          if (session_lost(result.code)) return;
          if (result.code == Code::OK) {
            try {
              const TopicAssignment assignment =
                  decode_topic_assignment(topic, result.data.value_or(""));
              context_.add_topic(topic, assignment.topic_id, assignment.partitions);
              for (const auto& [partition, replicas] : assignment.partitions) {
                join->add();
                const TopicPartition tp{topic, partition};
                zk_->get_data(
                    ZkPaths::topic_partition_state(topic, partition), false,
                    answer<zk::GetDataResult>([this, tp, join](const zk::GetDataResult& state) {
                      if (session_lost(state.code)) return;
                      if (state.code == Code::OK) {
                        try {
                          context_.partition_leadership_info[tp] = PartitionLeadership::from_znode(
                              decode_partition_state(tp, state.data.value_or("")),
                              state.stat.version);
                        } catch (const ZkDataError& error) {
                          record(fmt::format("unreadable state of {}: {}", tp.to_string(),
                                             error.what()));
                        }
                      }
                      join->arrive();
                    }));
              }
            } catch (const ZkDataError& error) {
              record(fmt::format("unreadable assignment of topic {}: {}", topic, error.what()));
            }
          }
          join->arrive();
        }));
    join->add();
    zk_->get_data(ZkPaths::topic_config(topic), false,
                  answer<zk::GetDataResult>([this, topic, join](const zk::GetDataResult& result) {
                    if (session_lost(result.code)) return;
                    if (result.code == Code::OK) {
                      try {
                        ConfigEntries config = decode_entity_config(ZkPaths::topic_config(topic),
                                                                    result.data.value_or(""));
                        if (!config.empty()) context_.topic_configs[topic] = std::move(config);
                      } catch (const ZkDataError& error) {
                        record(fmt::format("unreadable config of topic {}: {}", topic,
                                           error.what()));
                      }
                    }
                    join->arrive();
                  }));
  }
  join->arrive();
}

std::optional<std::int64_t> KafkaController::live_broker_epoch(std::int32_t broker_id) const {
  if (!active_ || !context_.live_brokers.contains(broker_id)) return std::nullopt;
  const auto it = brokers_.find(broker_id);
  if (it == brokers_.end()) return std::nullopt;
  return it->second.epoch;
}

void KafkaController::on_controller_failover() {
  active_ = true;
  context_.controller_id = config_.broker_id;
  context_.unclean_leader_election_enable = config_.unclean_leader_election_enable;
  context_.leader_recovery_supported = config_.kafka_version >= KafkaVersion{3, 2, 0};
  context_.scala = default_scala_version(config_.kafka_version);
  brokers_.clear();
  reassignments_.clear();
  record(fmt::format("broker {} is the controller, epoch {}", config_.broker_id, context_.epoch));
  read_brokers([this](std::map<std::int32_t, KnownBroker> brokers) {
    brokers_ = std::move(brokers);
    for (const auto& [id, broker] : brokers_) {
      context_.add_live_broker(BrokerMetadata{id, broker.registration.rack});
    }
    zk_->get_children(
        path(ZkPaths::topics), true,
        answer<zk::GetChildrenResult>([this](const zk::GetChildrenResult& topics) {
          if (session_lost(topics.code)) return;
          read_topics(topics.children, [this] {
            read_admin_nodes([this] {
              // Brokers learn the live brokers before any LeaderAndIsr (onControllerFailover).
              std::vector<TopicPartition> known;
              for (const auto& [tp, state] : context_.partition_leadership_info) {
                known.push_back(tp);
              }
              add_update_metadata(live_or_shutting_down_brokers(), known);
              send_batch();
              // replicaStateMachine.startup(): every online replica gets its LeaderAndIsr.
              for (const TopicPartition& tp : known) {
                if (context_.is_topic_queued_up_for_deletion(tp.topic)) continue;
                std::vector<std::int32_t> online;
                for (std::int32_t replica : context_.partition_replica_assignment(tp)) {
                  if (context_.is_replica_online(replica)) online.push_back(replica);
                }
                add_leader_and_isr(online, tp, false);
                add_update_metadata(live_or_shutting_down_brokers(), {tp});
              }
              send_batch();
              // replicaStateMachine.startup(), continued: replicas of dead brokers go offline.
              apply_decision(on_failover_offline_replicas(context_), "replica offline", [this] {
              // partitionStateMachine.startup(): elections for offline partitions.
              apply_decision(
                  trigger_online_partition_state_change(context_), "offline partition", [this] {
                    send_batch();
                    handle_reassign_node([this] {
                      try_topic_deletion([this] {
                        handle_preferred_node([this] {
                          if (config_.auto_leader_rebalance_enable) {
                            next_rebalance_ms_ = now_ms_ + 5000;
                          }
                          finish_event();
                        });
                      });
                    });
                  });
              });
            });
          });
        }));
  });
}

void KafkaController::read_admin_nodes(std::function<void()> then) {
  zk_->get_children(
      path(ZkPaths::delete_topics), true,
      answer<zk::GetChildrenResult>([this, then](const zk::GetChildrenResult& result) {
        if (session_lost(result.code)) return;
        for (const std::string& topic : result.children) {
          if (context_.topic_ids.contains(topic)) context_.topics_to_be_deleted.insert(topic);
        }
        then();
      }));
}

void KafkaController::resign(std::string_view why) {
  if (!active_) return;
  active_ = false;
  context_ = ControllerContext{};
  brokers_.clear();
  reassignments_.clear();
  next_rebalance_ms_.reset();
  batch_ = RequestBatch{};
  record(fmt::format("broker {} resigned as controller ({})", config_.broker_id, why));
}

void KafkaController::controller_moved() {
  // ControllerMovedException: another controller bumped /controller_epoch.
  active_controller_id_ = -1;
  resign("a write found /controller_epoch changed: another controller took over");
  abort_event();
  enqueue("ControllerChange", [this] { process_controller_change(); });
}

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
