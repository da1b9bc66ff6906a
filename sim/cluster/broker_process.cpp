#include "sim/cluster/broker_process.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <utility>

#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_znodes.h"
#include "core/server/topic_config.h"

namespace ksim::sim::cluster {

namespace zk = controller::zk;

namespace {

// The answers to a controller request addressed to an earlier registration of this broker.
protocol::LeaderAndIsrResponse stale_broker_epoch(const protocol::LeaderAndIsrRequest&) {
  protocol::LeaderAndIsrResponse response;
  response.error_code = protocol::Error::STALE_BROKER_EPOCH;
  return response;
}
protocol::UpdateMetadataResponse stale_broker_epoch(const protocol::UpdateMetadataRequest&) {
  protocol::UpdateMetadataResponse response;
  response.error_code = protocol::Error::STALE_BROKER_EPOCH;
  return response;
}
protocol::StopReplicaResponse stale_broker_epoch(const protocol::StopReplicaRequest&) {
  protocol::StopReplicaResponse response;
  response.error_code = protocol::Error::STALE_BROKER_EPOCH;
  return response;
}

}  // namespace

KafkaBroker::KafkaBroker(BrokerConfig config, BrokerEventSink* events)
    : config_(std::move(config)), events_(events) {
  config_.controller.broker_id = config_.broker_id;
}

KafkaBroker::~KafkaBroker() {
  // Channels cancel their timers; the controller and the session go before the logs they use.
  channels_.clear();
  controller_.reset();
  zk_.reset();
}

void KafkaBroker::record(std::string what) {
  if (events_ != nullptr) {
    events_->broker_event(BrokerEvent{context_->now(), config_.broker_id, std::move(what)});
  }
}

// --- start and stop ---------------------------------------------------------------------------

void KafkaBroker::start(ProcessContext& context) {
  context_ = &context;
  send_not_before_ = context.now();
  storage::LogManagerConfig logs;
  logs.log_dir = "kafka-logs";
  logs.broker_id = config_.broker_id;
  logs.cluster_id = config_.cluster_id;
  logs.default_log_config = config_.log;
  log_manager_ = std::make_unique<storage::LogManager>(context.file_system(), logs, now_ms());
  const storage::LogManagerStartup& startup = log_manager_->startup();
  record(startup.had_clean_shutdown || startup.partitions.empty()
             ? fmt::format("started; {} partition log(s) loaded", startup.partitions.size())
             : fmt::format("started after an unclean shutdown; {} partition log(s) recovered",
                           startup.partitions.size()));
  replica_manager_ = std::make_unique<replication::ReplicaManager>(
      config_.broker_id, *log_manager_, config_.replication, now_ms());
  replica_manager_->set_default_log_config(config_.log);
  replica_manager_->set_isr_eligibility(
      [this](std::int32_t broker) { return metadata_.is_broker_alive(broker); });

  zk_ = std::make_unique<ZkSession>(context, config_.zookeeper_node, config_.zookeeper);
  controller_ = std::make_unique<controller::KafkaController>(config_.controller, zk_->client());
  zk_->client().set_state_handler([this](zk::SessionState state) { on_zk_state(state); });
  zk_->client().set_watch_handler([this](const zk::WatchedEvent& event) { on_zk_watch(event); });

  NodeHandlers handlers;
  handlers.on_message = [this](Delivery& delivery) {
    on_message(delivery);
    pump();
  };
  handlers.on_accepted = [this](ConnectionId end, NodeId) { on_accepted(end); };
  handlers.on_connected = [this](ConnectionId end, NodeId peer) {
    zk_->on_connected(end, peer);
    pump();
  };
  handlers.on_disconnect = [this](ConnectionId end, NodeId peer, DisconnectReason reason) {
    on_disconnect(end, peer, reason);
    pump();
  };
  context.set_network_handlers(std::move(handlers));

  zk_->client().start_new_session(now_ms());
  pump();
}

bool KafkaBroker::begin_shutdown() {
  if (!config_.controlled_shutdown_enable || !registered()) return true;
  shutting_down_ = true;
  record("controlled shutdown: asking the controller to move leadership away");
  send_controlled_shutdown();
  pump();
  return false;
}

void KafkaBroker::send_controlled_shutdown() {
  const auto give_up_or_retry = [this](std::string why) {
    ++controlled_shutdown_attempts_;
    if (controlled_shutdown_attempts_ >= config_.controlled_shutdown_max_retries) {
      record(fmt::format("controlled shutdown failed ({}); shutting down anyway", why));
      context_->exit();
      return;
    }
    record(fmt::format("controlled shutdown attempt {} failed ({}); retrying in {}",
                       controlled_shutdown_attempts_, why,
                       config_.controlled_shutdown_retry_backoff.to_string()));
    context_->set_timer(config_.controlled_shutdown_retry_backoff, "broker.controlled_shutdown",
                        [this] {
                          send_controlled_shutdown();
                          pump();
                        });
  };
  const std::int32_t controller_id = metadata_.controller_id();
  if (controller_id < 0 || !broker_node(controller_id)) {
    give_up_or_retry("no controller known");
    return;
  }
  protocol::ControlledShutdownRequest request{config_.broker_id, broker_epoch_};
  channel(Purpose::to_controller, controller_id)
      .send(std::move(request), [this, give_up_or_retry](const KafkaResponse* response) {
        const auto* answer =
            response ? std::get_if<protocol::ControlledShutdownResponse>(&response->body) : nullptr;
        if (answer == nullptr) {
          give_up_or_retry("no answer from the controller");
        } else if (answer->error_code != protocol::Error::NONE) {
          give_up_or_retry(std::string(protocol::error_name(answer->error_code)));
        } else if (!answer->remaining_partitions.empty()) {
          give_up_or_retry(fmt::format("{} partition(s) still led here",
                                       answer->remaining_partitions.size()));
        } else {
          record("controlled shutdown succeeded");
          context_->exit();
        }
        pump();
      });
}

void KafkaBroker::shutdown() {
  record("shut down cleanly");
  controller_->shutdown();
  channels_.clear();
  replica_manager_->checkpoint_high_watermarks();
  log_manager_->shutdown();
  // Closing the session deletes /brokers/ids/<id> at once: the controller hears it without
  // waiting for the session timeout. The close leaves before the connection's FIN.
  zk_->client().close_session(now_ms());
  zk_->flush();
}

// --- ZooKeeper ------------------------------------------------------------------------------

void KafkaBroker::on_zk_state(zk::SessionState state) {
  switch (state) {
    case zk::SessionState::connected:
      if (!registered() && !registering_) register_broker();
      break;
    case zk::SessionState::expired:
      record("ZooKeeper session expired; registering again with a new session");
      broker_epoch_ = -1;
      registering_ = false;
      controller_->on_session_expired(now_ms());
      zk_->client().start_new_session(now_ms());
      break;
    default:
      break;
  }
}

void KafkaBroker::on_zk_watch(const zk::WatchedEvent& event) {
  controller_->handle_watch_event(event, now_ms());
}

void KafkaBroker::register_broker() {
  registering_ = true;
  const zk::SessionId session = zk_->client().session_id();
  // makeSurePersistentPathsExist (createRecursive: parents first); every create may find the
  // node there already.
  std::set<std::string> created;
  for (const std::string& path : controller::ZkPaths::persistent_paths()) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      const std::string prefix = path.substr(0, slash);
      if (created.insert(prefix).second) {
        zk_->client().create(prefix, std::nullopt, zk::CreateMode::PERSISTENT,
                             [](const zk::CreateResult&) {});
      }
      if (slash == std::string::npos) break;
    }
  }
  controller::BrokerRegistration registration;
  registration.broker_id = config_.broker_id;
  registration.endpoints.push_back(controller::BrokerEndPoint{
      "PLAINTEXT", "PLAINTEXT", fmt::format("broker{}", config_.broker_id), 9092});
  registration.timestamp_ms = now_ms() + config_.controller.unix_epoch_offset_ms;
  const std::string path = controller::ZkPaths::broker_id(config_.broker_id);
  std::vector<zk::Op> ops{
      zk::Op::create(path, std::nullopt, zk::CreateMode::EPHEMERAL),
      zk::Op::set_data(path, controller::encode_broker_registration(registration), 0)};
  const auto registered = [this, session](std::int64_t czxid) {
    if (zk_->client().session_id() != session) return;  // an older session's answer
    registering_ = false;
    broker_epoch_ = czxid;
    replica_manager_->set_broker_epoch(czxid);
    record(fmt::format("registered at /brokers/ids/{} (broker epoch {})", config_.broker_id,
                       czxid));
    controller_->on_session_established(now_ms());
    // The first registration starts the request processing (startProcessingRequests).
    std::vector<ConnectionId> waiting;
    for (const auto& [end, inbound] : inbound_) waiting.push_back(end);
    for (ConnectionId end : waiting) handle_next(end);
    pump();
  };
  zk_->client().multi(std::move(ops), [this, path, session,
                                       registered](const zk::MultiResult& result) {
    if (result.code == zk::Code::OK) {
      registered(result.results.front().stat.czxid);
      return;
    }
    if (result.code != zk::Code::NODEEXISTS) {
      registering_ = false;  // SESSIONEXPIRED: the next session registers
      record(fmt::format("registration at {} failed: {}", path, zk::code_name(result.code)));
      return;
    }
    // The node is there: ours (our create went through before a reconnect), or an earlier
    // incarnation's whose session has not expired yet (Kafka refuses to start then: "node
    // already exists and owner ... does not match current session"; ksim waits and retries).
    zk_->client().get_data(path, false, [this, session, registered](const zk::GetDataResult& r) {
      if (r.code == zk::Code::OK && r.stat.ephemeral_owner == session) {
        registered(r.stat.czxid);
        return;
      }
      record(fmt::format("/brokers/ids/{} is still held by an earlier session; retrying in 1 s",
                         config_.broker_id));
      context_->set_timer(SimDuration::from_ms(1000), "broker.register", [this, session] {
        if (zk_->client().session_id() == session &&
            zk_->client().state() == zk::SessionState::connected) {
          register_broker();
          pump();
        } else {
          registering_ = false;
        }
      });
    });
  });
}

// --- inbound requests -----------------------------------------------------------------------

void KafkaBroker::on_accepted(ConnectionId end) { inbound_[end]; }

void KafkaBroker::on_message(Delivery& delivery) {
  if (zk_->on_message(delivery)) return;
  if (auto it = channel_of_connection_.find(delivery.connection);
      it != channel_of_connection_.end()) {
    it->second->on_message(delivery);
    return;
  }
  KafkaRequest* request = delivery.message.payload.get<KafkaRequest>();
  if (request == nullptr) return;
  InboundConnection& connection = inbound_[delivery.connection];
  connection.queued.push_back(std::move(*request));
  if (!connection.busy) handle_next(delivery.connection);
}

void KafkaBroker::on_disconnect(ConnectionId end, NodeId peer, DisconnectReason reason) {
  if (zk_->on_disconnect(end, peer, reason)) return;
  if (auto it = channel_of_connection_.find(end); it != channel_of_connection_.end()) {
    it->second->on_disconnect(end);
    return;
  }
  inbound_.erase(end);  // parked requests answer into nothing
}

void KafkaBroker::handle_next(ConnectionId connection) {
  auto it = inbound_.find(connection);
  if (it == inbound_.end() || it->second.busy || it->second.queued.empty()) return;
  // Kafka processes no request before the broker first registered in ZooKeeper (KafkaServer
  // calls socketServer.startProcessingRequests after registerBroker).
  if (replica_manager_->broker_epoch() < 0) return;
  KafkaRequest request = std::move(it->second.queued.front());
  it->second.queued.pop_front();
  it->second.busy = true;
  handle(connection, std::move(request));
}

void KafkaBroker::finish_request(ConnectionId connection) {
  auto it = inbound_.find(connection);
  if (it == inbound_.end()) return;
  it->second.busy = false;
  handle_next(connection);
}

void KafkaBroker::respond(ConnectionId connection, std::int32_t correlation_id,
                          ResponseBody body) {
  // The answer leaves when the disk has done the work so far, and never before an earlier one.
  const SimTime done = std::max(context_->complete_disk_io(), send_not_before_);
  send_not_before_ = done;
  KafkaResponse response{correlation_id, std::move(body)};
  const std::size_t size = wire_size(response);
  if (done <= context_->now()) {
    if (inbound_.contains(connection)) {
      context_->send(connection, Message::of(std::move(response), size));
    }
    finish_request(connection);
    return;
  }
  context_->set_timer(done - context_->now(), "broker.respond",
                      [this, connection, size, response = std::move(response)]() mutable {
                        if (inbound_.contains(connection)) {
                          context_->send(connection, Message::of(std::move(response), size));
                        }
                        finish_request(connection);
                        pump();
                      });
}

void KafkaBroker::handle(ConnectionId connection, KafkaRequest request) {
  const std::int32_t correlation = request.correlation_id;
  replication::ReplicaManager& rm = *replica_manager_;
  std::visit(
      [&](auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, protocol::LeaderAndIsrRequest> ||
                      std::is_same_v<Body, protocol::UpdateMetadataRequest> ||
                      std::is_same_v<Body, protocol::StopReplicaRequest>) {
          // KafkaApis.isBrokerEpochStale: the controller addressed an earlier registration.
          if (body.broker_epoch != -1 && body.broker_epoch < rm.broker_epoch()) {
            respond(connection, correlation, stale_broker_epoch(body));
            return;
          }
        }
        if constexpr (std::is_same_v<Body, protocol::ProduceRequest>) {
          const std::uint64_t id = next_request_id_++;
          replication::ProduceResult result = rm.append_records(id, std::move(body), now_ms());
          if (result.parked) {
            parked_[id] = ParkedRequest{connection, correlation};
          } else if (result.close_connection) {
            context_->close(connection);
            inbound_.erase(connection);
          } else if (!result.send_response) {
            finish_request(connection);  // acks=0: no answer, the connection is unmuted
          } else {
            respond(connection, correlation, std::move(result.response));
          }
        } else if constexpr (std::is_same_v<Body, protocol::FetchRequest>) {
          const std::uint64_t id = next_request_id_++;
          replication::FetchResult result = rm.fetch_messages(id, body, now_ms());
          if (result.parked) {
            parked_[id] = ParkedRequest{connection, correlation};
          } else {
            respond(connection, correlation, std::move(result.response));
          }
        } else if constexpr (std::is_same_v<Body, protocol::ListOffsetsRequest>) {
          respond(connection, correlation, rm.fetch_offsets(body));
        } else if constexpr (std::is_same_v<Body, protocol::OffsetForLeaderEpochRequest>) {
          respond(connection, correlation, rm.last_offset_for_leader_epoch(body));
        } else if constexpr (std::is_same_v<Body, protocol::MetadataRequest>) {
          handle_metadata(connection, correlation, body);
        } else if constexpr (std::is_same_v<Body, protocol::LeaderAndIsrRequest>) {
          // A partition's log is created with its topic's configuration, read from ZooKeeper
          // first (Kafka reads /config/topics/<t> when it creates the log).
          std::set<std::string> topics;
          for (const auto& state : body.partition_states) topics.insert(state.topic_partition.topic);
          with_topic_configs(std::move(topics), [this, connection, correlation,
                                                 request = std::move(body)] {
            handle_leader_and_isr(connection, correlation, request);
          });
        } else if constexpr (std::is_same_v<Body, protocol::UpdateMetadataRequest>) {
          apply_update_metadata(body);
          respond(connection, correlation, protocol::UpdateMetadataResponse{});
        } else if constexpr (std::is_same_v<Body, protocol::StopReplicaRequest>) {
          protocol::StopReplicaResponse response;
          for (const protocol::StopReplicaPartitionState& state : body.partitions) {
            rm.stop_replica(state.topic_partition, state.delete_partition);
            response.partition_errors.push_back({state.topic_partition, protocol::Error::NONE});
            record(fmt::format("stopped replica {}{}", state.topic_partition.to_string(),
                               state.delete_partition ? " and deleted its log" : ""));
          }
          respond(connection, correlation, std::move(response));
        } else if constexpr (std::is_same_v<Body, protocol::AlterPartitionRequest>) {
          controller_->handle_alter_partition(
              body, now_ms(), [this, connection, correlation](protocol::AlterPartitionResponse r) {
                respond(connection, correlation, std::move(r));
              });
        } else if constexpr (std::is_same_v<Body, protocol::ControlledShutdownRequest>) {
          controller_->handle_controlled_shutdown(
              body, now_ms(),
              [this, connection, correlation](protocol::ControlledShutdownResponse r) {
                respond(connection, correlation, std::move(r));
              });
        }
      },
      request.body);
}

void KafkaBroker::with_topic_configs(std::set<std::string> topics, std::function<void()> then) {
  std::erase_if(topics, [this](const std::string& topic) { return topic_configs_read_.contains(topic); });
  if (topics.empty()) {
    then();
    return;
  }
  auto waiting = std::make_shared<std::size_t>(topics.size());
  auto done = std::make_shared<std::function<void()>>(std::move(then));
  for (const std::string& topic : topics) {
    zk_->client().get_data(
        controller::ZkPaths::topic_config(topic), false,
        [this, topic, waiting, done](const zk::GetDataResult& result) {
          if (result.code == zk::Code::OK && result.data) {
            try {
              const controller::ConfigEntries entries = controller::decode_entity_config(
                  controller::ZkPaths::topic_config(topic), *result.data);
              replica_manager_->set_topic_config(
                  topic, server::topic_config_from_entries(config_.log, entries));
            } catch (const std::exception& error) {
              record(fmt::format("topic {}: bad configuration ignored: {}", topic, error.what()));
            }
          }
          topic_configs_read_.insert(topic);
          if (--*waiting == 0) {
            (*done)();
            pump();
          }
        });
  }
}

void KafkaBroker::handle_leader_and_isr(ConnectionId connection, std::int32_t correlation,
                                        const protocol::LeaderAndIsrRequest& request) {
  replication::ReplicaManager& rm = *replica_manager_;
  protocol::LeaderAndIsrResponse response = rm.become_leader_or_follower(request, now_ms());
  if (response.error_code == protocol::Error::NONE) {
    for (const protocol::LeaderAndIsrPartitionState& state : request.partition_states) {
      const replication::Partition* partition = rm.get_partition(state.topic_partition);
      if (partition == nullptr || partition->leader_epoch() != state.leader_epoch) continue;
      record(state.leader == config_.broker_id
                 ? fmt::format("leader of {} in leader epoch {}, ISR [{}], LEO {}",
                               state.topic_partition.to_string(), state.leader_epoch,
                               fmt::join(state.isr, ","), partition->log_end_offset())
                 : fmt::format("follower of {} (leader {}, leader epoch {}), LEO {}",
                               state.topic_partition.to_string(), state.leader,
                               state.leader_epoch, partition->log_end_offset()));
    }
  }
  respond(connection, correlation, std::move(response));
}

void KafkaBroker::apply_update_metadata(const protocol::UpdateMetadataRequest& request) {
  const bool was_controller_known = metadata_.controller_id() >= 0;
  const auto deleted = metadata_.update(request);
  if (!deleted) return;
  if (!was_controller_known && metadata_.controller_id() >= 0) {
    record(fmt::format("learned the controller: broker {}", metadata_.controller_id()));
  }
}

void KafkaBroker::handle_metadata(ConnectionId connection, std::int32_t correlation_id,
                                  const protocol::MetadataRequest& request) {
  protocol::MetadataResponse response = metadata_.metadata_response(request.topics);
  if (request.allow_auto_topic_creation && config_.auto_create_topics_enable) {
    std::vector<std::string> missing;
    for (protocol::MetadataResponseTopic& topic : response.topics) {
      if (topic.error_code == protocol::Error::UNKNOWN_TOPIC_OR_PARTITION) {
        missing.push_back(topic.name);
        topic.error_code = protocol::Error::LEADER_NOT_AVAILABLE;  // Kafka: being created
      }
    }
    if (!missing.empty()) auto_create_topics(missing);
  }
  respond(connection, correlation_id, std::move(response));
}

void KafkaBroker::auto_create_topics(const std::vector<std::string>& topics) {
  std::vector<controller::BrokerMetadata> brokers;
  for (std::int32_t id : metadata_.live_broker_ids()) brokers.push_back({id, std::nullopt});
  Prng& prng = context_->prng("auto-create");
  for (const std::string& topic : topics) {
    if (brokers.empty()) return;
    controller::ReplicaAssignment assignment;
    try {
      const auto count = static_cast<std::uint64_t>(brokers.size());
      assignment = controller::assign_replicas_to_brokers(
          brokers, config_.num_partitions, config_.default_replication_factor,
          {static_cast<std::int32_t>(prng.below(count)),
           static_cast<std::int32_t>(prng.below(count))},
          0, config_.controller.kafka_version);
    } catch (const std::exception& error) {
      record(fmt::format("auto-creating topic {} failed: {}", topic, error.what()));
      continue;
    }
    // Another broker (or the tool) may have created it meanwhile: NODEEXISTS, nothing said.
    const std::vector<controller::ZkWrite> writes = controller::create_topic_writes(
        topic, assignment, std::nullopt, {}, false, config_.controller.kafka_version);
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const bool last = i + 1 == writes.size();
      zk_->client().multi(writes[i].ops, [this, topic, last](const zk::MultiResult& result) {
        if (last && result.code == zk::Code::OK) {
          record(fmt::format("auto-created topic {} ({} partition(s), replication factor {})",
                             topic, config_.num_partitions, config_.default_replication_factor));
        }
      });
    }
  }
}

// --- outbound requests ----------------------------------------------------------------------

std::optional<NodeId> KafkaBroker::broker_node(std::int32_t broker_id) {
  if (auto it = broker_nodes_.find(broker_id); it != broker_nodes_.end()) return it->second;
  try {
    const NodeId node = context_->resolve(fmt::format("broker {}", broker_id));
    broker_nodes_.emplace(broker_id, node);
    return node;
  } catch (const std::exception&) {
    return std::nullopt;  // no such broker in this world
  }
}

RequestChannel& KafkaBroker::channel(Purpose purpose, std::int32_t broker_id) {
  auto& slot = channels_[{purpose, broker_id}];
  if (!slot) {
    slot = std::make_unique<RequestChannel>(*context_, *broker_node(broker_id),
                                            config_.request_timeout, &channel_of_connection_);
  }
  return *slot;
}

void KafkaBroker::send_fetcher_requests() {
  replication::ReplicaManager& rm = *replica_manager_;
  for (replication::FetcherSend& send : rm.poll_fetchers(now_ms())) {
    const std::int32_t leader = send.leader_id;
    if (!broker_node(leader)) {
      rm.handle_fetcher_failure(leader, now_ms());
      continue;
    }
    RequestBody body = std::visit([](auto& r) -> RequestBody { return std::move(r); },
                                  send.request);
    channel(Purpose::fetcher, leader).send(std::move(body), [this, leader](const KafkaResponse* r) {
      replication::ReplicaManager& manager = *replica_manager_;
      if (r == nullptr) {
        manager.handle_fetcher_failure(leader, now_ms());
      } else if (const auto* fetch = std::get_if<protocol::FetchResponse>(&r->body)) {
        manager.handle_fetcher_response(leader, *fetch, now_ms());
      } else if (const auto* epochs = std::get_if<protocol::OffsetForLeaderEpochResponse>(&r->body)) {
        manager.handle_fetcher_response(leader, *epochs, now_ms());
      } else if (const auto* offsets = std::get_if<protocol::ListOffsetsResponse>(&r->body)) {
        manager.handle_fetcher_response(leader, *offsets, now_ms());
      } else {
        manager.handle_fetcher_failure(leader, now_ms());
      }
      pump();
    });
  }
}

void KafkaBroker::send_alter_partition() {
  if (alter_partition_backoff_) return;
  std::optional<protocol::AlterPartitionRequest> request =
      replica_manager_->take_alter_partition_request();
  if (!request) return;
  const auto back_off = [this] {
    replica_manager_->handle_alter_partition_failure();
    alter_partition_backoff_ = true;
    context_->set_timer(config_.retry_backoff, "broker.alter_partition_backoff", [this] {
      alter_partition_backoff_ = false;
      pump();
    });
  };
  const std::int32_t controller_id = metadata_.controller_id();
  if (controller_id < 0 || !broker_node(controller_id)) {
    back_off();
    return;
  }
  request->broker_id = config_.broker_id;
  request->broker_epoch = broker_epoch_;
  channel(Purpose::to_controller, controller_id)
      .send(std::move(*request), [this, back_off](const KafkaResponse* r) {
        const auto* answer = r ? std::get_if<protocol::AlterPartitionResponse>(&r->body) : nullptr;
        if (answer == nullptr || answer->error_code != protocol::Error::NONE) {
          back_off();  // no controller there (NOT_CONTROLLER), or no answer: try again
        } else {
          replica_manager_->handle_alter_partition_response(*answer, now_ms());
        }
        pump();
      });
}

void KafkaBroker::send_controller_requests() {
  for (controller::ControllerSend& send : controller_->take_requests()) {
    ControllerQueue& queue = controller_queues_[send.broker_id];
    // Requests queued for an earlier life of that broker go (ControllerChannelManager's
    // removeBroker when it failed): a new life must never get an old life's LeaderAndIsr.
    const std::optional<std::int64_t> epoch = controller_->live_broker_epoch(send.broker_id);
    if (queue.broker_epoch != epoch) reset_controller_queue(send.broker_id, epoch);
    queue.requests.push_back(std::move(send.request));
    if (!queue.in_flight) send_next_controller_request(send.broker_id);
  }
}

void KafkaBroker::reset_controller_queue(std::int32_t broker_id,
                                         std::optional<std::int64_t> broker_epoch) {
  ControllerQueue& queue = controller_queues_[broker_id];
  queue.requests.clear();
  queue.in_flight = false;
  queue.broker_epoch = broker_epoch;
  ++queue.generation;  // an answer to what was in flight is ignored
  if (auto it = channels_.find({Purpose::controller_channel, broker_id}); it != channels_.end()) {
    it->second->close();
  }
}

// The controller's channel to one broker (Kafka's RequestSendThread): one request at a time,
// retried after a failure while that life of the broker is alive and this broker controls.
void KafkaBroker::send_next_controller_request(std::int32_t broker_id) {
  ControllerQueue& queue = controller_queues_[broker_id];
  if (queue.in_flight || queue.requests.empty()) return;
  if (!controller_->is_active() || !broker_node(broker_id) ||
      controller_->live_broker_epoch(broker_id) != queue.broker_epoch) {
    reset_controller_queue(broker_id, controller_->live_broker_epoch(broker_id));
    return;
  }
  queue.in_flight = true;
  const std::uint64_t generation = queue.generation;
  RequestBody body =
      std::visit([](const auto& r) -> RequestBody { return r; }, queue.requests.front());
  channel(Purpose::controller_channel, broker_id)
      .send(std::move(body), [this, broker_id, generation](const KafkaResponse* response) {
        ControllerQueue& q = controller_queues_[broker_id];
        if (q.generation != generation) return;  // the queue was reset meanwhile
        q.in_flight = false;
        if (response != nullptr) {
          if (!q.requests.empty()) q.requests.pop_front();
          send_next_controller_request(broker_id);
        } else {
          context_->set_timer(config_.retry_backoff, "controller.retry", [this, broker_id] {
            send_next_controller_request(broker_id);  // drops the queue if that life is gone
            pump();
          });
        }
        pump();
      });
}

// --- after every event ------------------------------------------------------------------------

void KafkaBroker::pump() {
  if (pumping_) return;
  pumping_ = true;
  replication::ReplicaManager& rm = *replica_manager_;
  for (replication::CompletedProduce& done : rm.take_completed_produces()) {
    auto it = parked_.find(done.request_id);
    if (it == parked_.end()) continue;
    const ParkedRequest parked = it->second;
    parked_.erase(it);
    respond(parked.connection, parked.correlation_id, std::move(done.response));
  }
  for (replication::CompletedFetch& done : rm.take_completed_fetches()) {
    auto it = parked_.find(done.request_id);
    if (it == parked_.end()) continue;
    const ParkedRequest parked = it->second;
    parked_.erase(it);
    respond(parked.connection, parked.correlation_id, std::move(done.response));
  }
  for (const std::string& error : rm.take_storage_errors()) record("storage error: " + error);
  send_fetcher_requests();
  send_alter_partition();
  send_controller_requests();
  for (controller::ControllerEventRecord& line : controller_->take_records()) {
    record("controller: " + line.what);
  }
  zk_->flush();
  pumping_ = false;
  arm_timer();
}

void KafkaBroker::arm_timer() {
  std::optional<std::int64_t> deadline = replica_manager_->next_deadline_ms(now_ms());
  if (auto controller_deadline = controller_->next_deadline_ms()) {
    deadline = deadline ? std::min(*deadline, *controller_deadline) : *controller_deadline;
  }
  if (deadline == timer_deadline_ms_ && timer_) return;
  if (timer_) context_->cancel_timer(*timer_);
  timer_.reset();
  timer_deadline_ms_ = deadline;
  if (!deadline) return;
  const SimTime at = std::max(SimTime::from_ms(*deadline), context_->now());
  timer_ = context_->set_timer(at - context_->now(), "broker.tick", [this] { on_timer(); });
}

void KafkaBroker::on_timer() {
  timer_.reset();
  timer_deadline_ms_.reset();
  replica_manager_->tick(now_ms());
  controller_->tick(now_ms());
  pump();
}

}  // namespace ksim::sim::cluster
