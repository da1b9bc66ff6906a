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
    events_->broker_event(BrokerEvent{context_->now(), config_.broker_id, std::move(what), {}});
  }
}

void KafkaBroker::records_appended(const replication::Partition& partition, bool as_leader,
                                   storage::ByteView batches, const storage::LogAppendInfo&) {
  events_->records_appended(config_.broker_id, partition, as_leader, batches, context_->now());
}

void KafkaBroker::high_watermark_advanced(const replication::Partition& partition) {
  events_->high_watermark_advanced(config_.broker_id, partition, context_->now());
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
  if (events_ != nullptr && events_->wants_replica_events()) {
    replica_manager_->set_observer(this);
    if (!startup.had_clean_shutdown) {
      for (const auto& [tp, report] : startup.partitions) {
        if (const storage::Log* log = log_manager_->get_log(tp)) {
          events_->log_recovered(config_.broker_id, tp, log->log_end_offset(), context.now());
        }
      }
    }
  }
  replica_manager_->set_isr_eligibility(
      [this](std::int32_t broker) { return metadata_.is_broker_alive(broker); });
  start_group_coordinator();

  zk_ = std::make_unique<ZkSession>(context, config_.zookeeper_node, config_.zookeeper);
  controller_ = std::make_unique<controller::KafkaController>(config_.controller, zk_->client());
  producer_ids_ = std::make_unique<controller::ProducerIdManager>(config_.broker_id);
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

// --- after every event ------------------------------------------------------------------------

void KafkaBroker::pump() {
  if (pumping_) return;
  pumping_ = true;
  replication::ReplicaManager& rm = *replica_manager_;
  for (replication::CompletedProduce& done : rm.take_completed_produces()) {
    if (complete_coordinator_append(done)) continue;
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
  pump_group_coordinator();
  for (const std::string& error : rm.take_storage_errors()) record("storage error: " + error);
  for (replication::LogTruncation& cut : rm.take_truncations()) {
    std::string what = fmt::format(
        "truncated {} from offset {} (LEO was {}) as follower of broker {} in epoch {}: {}",
        cut.topic_partition.to_string(), cut.truncated_from, cut.previous_log_end_offset,
        cut.leader_id, cut.leader_epoch, replication::describe(cut.cause));
    if (events_ != nullptr) {
      events_->broker_event({context_->now(), config_.broker_id, std::move(what), std::move(cut)});
    }
  }
  for (const replication::LogCleanupEvent& cleanup : rm.take_log_cleanups()) {
    record(fmt::format("{}: {}", cleanup.topic_partition.to_string(), replication::describe(cleanup)));
  }
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
  if (auto group_deadline = group_coordinator_->next_deadline_ms()) {
    deadline = deadline ? std::min(*deadline, *group_deadline) : *group_deadline;
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
  group_coordinator_->advance(now_ms());
  pump();
}

}  // namespace ksim::sim::cluster
