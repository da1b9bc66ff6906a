#include "sim/cluster/kafka_cluster.h"

#include <fmt/format.h>

#include <stdexcept>

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"

namespace ksim::sim::cluster {

namespace zk = controller::zk;

void ClusterOptions::set_protocol_version(replication::ProtocolVersion version) {
  broker.replication = replication::ReplicationConfig::defaults_for(version);
  switch (version) {
    case replication::ProtocolVersion::v0_10:
      broker.controller.kafka_version = controller::KafkaVersion{0, 10, 2};
      break;
    case replication::ProtocolVersion::v0_11:
      broker.controller.kafka_version = controller::KafkaVersion{0, 11, 0};
      break;
    case replication::ProtocolVersion::v2_0:
      broker.controller.kafka_version = controller::KafkaVersion{2, 0, 0};
      break;
    case replication::ProtocolVersion::v3_7:
      broker.controller.kafka_version = controller::KafkaVersion{3, 7, 0};
      break;
  }
  // zookeeper.session.timeout.ms was 6000 before 2.5 (KIP-537).
  broker.zookeeper.session_timeout_ms =
      version == replication::ProtocolVersion::v3_7 ? 18000 : 6000;
  broker.zookeeper.connection_timeout_ms = broker.zookeeper.session_timeout_ms;
}

KafkaCluster::KafkaCluster(ClusterOptions options)
    : options_(std::move(options)),
      world_(std::make_unique<World>(options_.world)),
      zookeeper_(std::make_shared<ZooKeeperStore>()) {
  world_->add_metadata(ZooKeeperProcess::factory(options_.zookeeper, zookeeper_));
  for (std::int32_t i = 0; i < options_.brokers; ++i) {
    const std::int32_t id = options_.first_broker_id + i;
    BrokerConfig config = options_.broker;
    config.broker_id = id;
    config.controller.unix_epoch_offset_ms = options_.zookeeper.unix_epoch_offset_ms;
    if (options_.configure_broker) options_.configure_broker(config);
    world_->add_broker(id, [config, this] { return std::make_unique<KafkaBroker>(config, this); });
  }
  std::vector<std::int32_t> bootstrap = broker_ids();
  for (const std::string& name : options_.clients) {
    ClientLedger& ledger = *ledgers_.emplace(name, std::make_unique<ClientLedger>()).first->second;
    ScriptedClientOptions client_options;
    client_options.bootstrap_brokers = bootstrap;
    client_options.request_timeout = options_.broker.request_timeout;
    client_options.keep_values = options_.keep_client_values;
    world_->add_client(name, [client_options, &ledger] {
      return std::make_unique<ScriptedClient>(client_options, ledger);
    });
  }
  if (options_.check_invariants) {
    auto invariants = std::make_unique<ReplicationInvariants>(
        *this, options_.broker.replication.protocol_version, options_.invariant_violations);
    invariants_ = invariants.get();
    world_->sim().add_invariant(std::move(invariants));
  }
  if (options_.audit) audit_ = std::make_unique<audit::RecordLedger>();
  world_->sim().header().set("cluster.brokers", std::to_string(options_.brokers));
  world_->sim().header().set(
      "cluster.inter.broker.protocol.version",
      std::string(replication::protocol_version_name(options_.broker.replication.protocol_version)));
}

// The world goes first: its processes (clients) write into the histories and the audit as they end.
KafkaCluster::~KafkaCluster() { world_.reset(); }

void KafkaCluster::start() { world_->start_all(); }

void KafkaCluster::wait_until_ready(SimDuration timeout) {
  const std::vector<std::int32_t> ids = broker_ids();
  run_until(
      [this, &ids] {
        for (std::int32_t id : ids) {
          const KafkaBroker* b = broker(id);
          if (b == nullptr || !b->registered()) return false;
          if (b->metadata_cache().live_broker_ids().size() != ids.size()) return false;
        }
        return true;
      },
      timeout, "every broker registered and known to the controller");
}

std::vector<std::int32_t> KafkaCluster::broker_ids() const {
  std::vector<std::int32_t> ids;
  for (std::int32_t i = 0; i < options_.brokers; ++i) ids.push_back(options_.first_broker_id + i);
  return ids;
}

std::string KafkaCluster::node_name(std::int32_t broker_id) {
  return fmt::format("broker {}", broker_id);
}

KafkaBroker* KafkaCluster::broker(std::int32_t broker_id) {
  return dynamic_cast<KafkaBroker*>(world_->host(node_name(broker_id)).process());
}

const KafkaBroker* KafkaCluster::broker(std::int32_t broker_id) const {
  return const_cast<KafkaCluster*>(this)->broker(broker_id);
}

std::vector<const KafkaBroker*> KafkaCluster::running_brokers() const {
  std::vector<const KafkaBroker*> brokers;
  for (std::int32_t id : broker_ids()) {
    if (const KafkaBroker* b = broker(id)) brokers.push_back(b);
  }
  return brokers;
}

const replication::Partition* KafkaCluster::replica(std::int32_t broker_id,
                                                    const storage::TopicPartition& tp) const {
  const KafkaBroker* b = broker(broker_id);
  return b == nullptr ? nullptr : b->replica_manager().get_partition(tp);
}

bool KafkaCluster::kill(std::int32_t broker_id) { return world_->kill(node_name(broker_id)); }

bool KafkaCluster::power_off(std::int32_t broker_id) {
  const bool done = world_->power_off(node_name(broker_id));
  if (done && invariants_ != nullptr) invariants_->on_power_loss(broker_id);
  return done;
}

bool KafkaCluster::start_broker(std::int32_t broker_id) {
  return world_->start(node_name(broker_id));
}
bool KafkaCluster::shutdown(std::int32_t broker_id) {
  return world_->shutdown(node_name(broker_id));
}
bool KafkaCluster::pause(std::int32_t broker_id) { return world_->pause(node_name(broker_id)); }
bool KafkaCluster::resume(std::int32_t broker_id) { return world_->resume(node_name(broker_id)); }

ScriptedClient& KafkaCluster::client(const std::string& name) {
  auto* process = dynamic_cast<ScriptedClient*>(world_->host(name).process());
  if (process == nullptr) throw std::logic_error("client '" + name + "' is not running");
  return *process;
}

ClientLedger& KafkaCluster::ledger(const std::string& name) { return *ledgers_.at(name); }

controller::ClusterMetadata KafkaCluster::metadata() const {
  return controller::read_cluster_metadata(zookeeper_->server().data_tree());
}

std::optional<std::int32_t> KafkaCluster::controller_id() const {
  return metadata().controller_id;
}

std::optional<controller::PartitionLeadership> KafkaCluster::partition_state(
    const storage::TopicPartition& tp) const {
  const controller::ClusterMetadata snapshot = metadata();
  const controller::PartitionLeadership* state = snapshot.partition_state(tp);
  if (state == nullptr) return std::nullopt;
  return *state;
}

namespace {

// Kafka's Uuid.randomUuid: 16 random bytes with the version 4 / IETF variant bits, in URL-safe
// base64 without padding; drawn again if it would start with '-'.
std::string random_topic_id(Prng& prng) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  while (true) {
    std::uint8_t bytes[16];
    for (std::uint8_t& byte : bytes) byte = static_cast<std::uint8_t>(prng.below(256));
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);
    std::string text;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t byte : bytes) {
      buffer = (buffer << 8) | byte;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        text += alphabet[(buffer >> bits) & 0x3f];
      }
    }
    if (bits > 0) text += alphabet[(buffer << (6 - bits)) & 0x3f];
    if (text.front() != '-') return text;
  }
}

}  // namespace

controller::TopicCommandResult KafkaCluster::topics(controller::TopicCommandOptions options) {
  Prng& prng = world_->sim().prng("admin");
  const controller::ClusterMetadata snapshot = metadata();
  const auto broker_count = static_cast<std::uint64_t>(std::max<std::size_t>(
      snapshot.brokers.size(), 1));
  controller::TopicCommandEnvironment environment;
  environment.version = options_.broker.controller.kafka_version;
  environment.randomness = {static_cast<std::int32_t>(prng.below(broker_count)),
                            static_cast<std::int32_t>(prng.below(broker_count))};
  if (environment.version >= controller::KafkaVersion{2, 8, 0}) {
    environment.new_topic_id = random_topic_id(prng);
  }
  environment.delete_topic_enable = options_.broker.controller.delete_topic_enable;
  environment.num_partitions = options_.broker.num_partitions;
  environment.default_replication_factor = options_.broker.default_replication_factor;
  // --zookeeper is gone in 3.0: the tool talks to a broker, which writes ZooKeeper for it.
  if (environment.version >= controller::KafkaVersion{3, 0, 0}) options.bootstrap_server = true;
  controller::TopicCommandResult result =
      controller::run_topic_command(snapshot, options, environment);
  if (const zk::Code code = apply_admin_writes(result.zk_writes); code != zk::Code::OK) {
    result.err += fmt::format("ZooKeeper refused a write: {}\n", zk::code_name(code));
    result.exit_code = 1;
  }
  return result;
}

zk::Code KafkaCluster::apply_admin_writes(const std::vector<controller::ZkWrite>& writes) {
  if (writes.empty()) return zk::Code::OK;
  zk::ZooKeeperServer& server = zookeeper_->server();
  const std::int64_t now_ms = now().to_ms() + options_.zookeeper.unix_epoch_offset_ms;
  const zk::SessionInfo session = server.create_session(30000, now_ms);
  zk::Code failure = zk::Code::OK;
  for (const controller::ZkWrite& write : writes) {
    const zk::MultiResult written = server.multi(session.session_id, write.ops, now_ms);
    if (written.code != zk::Code::OK &&
        !(written.code == zk::Code::NODEEXISTS && write.node_exists_is_ok)) {
      failure = written.code;
      break;
    }
  }
  server.close_session(session.session_id, now_ms);
  ++admin_sessions_;
  // The watches these writes fired go out through the zookeeper node now.
  if (auto* process = dynamic_cast<ZooKeeperProcess*>(world_->host("zookeeper").process())) {
    process->deliver_pending_watch_events();
  }
  return failure;
}

bool KafkaCluster::reassign_partitions(
    const std::vector<controller::PartitionReassignment>& moves) {
  controller::ZkWrite write;
  write.ops.push_back(zk::Op::create(std::string(controller::ZkPaths::reassign_partitions),
                                     controller::encode_reassign_partitions(moves),
                                     zk::CreateMode::PERSISTENT));
  return apply_admin_writes({write}) == zk::Code::OK;
}

bool KafkaCluster::elect_preferred_leaders(const std::vector<storage::TopicPartition>& partitions) {
  controller::ZkWrite write;
  write.ops.push_back(zk::Op::create(std::string(controller::ZkPaths::preferred_replica_election),
                                     controller::encode_preferred_replica_election(partitions),
                                     zk::CreateMode::PERSISTENT));
  return apply_admin_writes({write}) == zk::Code::OK;
}

void KafkaCluster::create_topic(const std::string& topic, std::int32_t partitions,
                                std::int32_t replication_factor, controller::ConfigEntries configs) {
  controller::TopicCommandOptions options;
  options.action = controller::TopicCommandAction::create;
  options.topic = topic;
  options.partitions = partitions;
  options.replication_factor = replication_factor;
  options.configs = std::move(configs);
  const controller::TopicCommandResult result = topics(options);
  if (result.exit_code != 0) throw std::runtime_error(result.out + result.err);
}

std::string KafkaCluster::create_topic_output(const std::string& topic, std::int32_t partitions,
                                              std::int32_t replication_factor) {
  controller::TopicCommandOptions options;
  options.action = controller::TopicCommandAction::create;
  options.topic = topic;
  options.partitions = partitions;
  options.replication_factor = replication_factor;
  const controller::TopicCommandResult result = topics(options);
  if (result.exit_code != 0) throw std::runtime_error(result.out + result.err);
  return result.out;
}

std::string KafkaCluster::describe(const std::string& topic) {
  controller::TopicCommandOptions options;
  options.action = controller::TopicCommandAction::describe;
  options.topic = topic;
  return topics(options).out;
}

void KafkaCluster::run_until(const std::function<bool()>& condition, SimDuration timeout,
                             std::string_view what) {
  ConditionBound bound;
  bound.condition = what;
  bound.deadline = now() + timeout;
  world_->sim().run_until(condition, bound);
}

void KafkaCluster::broker_event(BrokerEvent event) {
  if (audit_ && event.truncation) {
    const replication::LogTruncation& cut = *event.truncation;
    const std::string reason =
        fmt::format("it became follower of epoch {} (leader {}): {}", cut.leader_epoch,
                    cut.leader_id, replication::describe(cut.cause));
    audit_->log_truncated(
        {event.broker_id, cut.topic_partition, cut.truncated_from, event.time, reason});
  }
  if (EventDetails* details = sim().event_details()) {
    details->append("ev", fmt::format("broker {}: {}", event.broker_id, event.what));
  }
  events_.push_back(std::move(event));
}

std::string KafkaCluster::events_text() const {
  std::string text;
  for (const BrokerEvent& event : events_) {
    text += fmt::format("{:>10} broker {}: {}\n", event.time.to_string(), event.broker_id,
                        event.what);
  }
  return text;
}

}  // namespace ksim::sim::cluster
