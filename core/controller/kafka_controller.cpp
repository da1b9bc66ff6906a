// KafkaController: the controller event queue, election through /controller, failover, and the
// events of the active controller, each a chain of ZooKeeper answers.
#include "core/controller/kafka_controller.h"
#include "core/controller/kafka_controller_internal.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_znodes.h"

namespace ksim::controller {
using storage::TopicPartition;
using zk::Code;
using namespace detail;


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
  auto reply = answer_once(std::move(respond));
  enqueue(
      "AlterPartitionReceived", [this, request, reply] { process_alter_partition(request, reply); },
      [reply] { reply(not_controller<protocol::AlterPartitionResponse>()); });
}

void KafkaController::handle_controlled_shutdown(
    const protocol::ControlledShutdownRequest& request, std::int64_t now_ms,
    std::function<void(protocol::ControlledShutdownResponse)> respond) {
  now_ms_ = now_ms;
  auto reply = answer_once(std::move(respond));
  enqueue(
      "ControlledShutdown",
      [this, request, reply] { process_controlled_shutdown(request, reply); },
      [reply] { reply(not_controller<protocol::ControlledShutdownResponse>()); });
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

}  // namespace ksim::controller
