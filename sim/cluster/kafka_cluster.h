// KafkaCluster: a ZooKeeper-mode Kafka cluster in the simulated world, through its C++ API: the
// zookeeper node, N brokers (ids from 0, as in Kafka's quickstart), and scripted clients, with
// the replication invariants checked after every event. Tests, scenarios and the GUI drive it:
// create topics as kafka-topics.sh does (through ZooKeeper), produce and fetch with a client,
// kill -9 / power off / pause / stop / start brokers, cut the network, and look at every
// broker's partitions and at ZooKeeper.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/controller/cluster_metadata.h"
#include "core/controller/topic_command.h"
#include "core/coordinator/consumer_groups_command.h"
#include "core/replication/partition.h"
#include "sim/cluster/broker_config.h"
#include "sim/cluster/broker_process.h"
#include "sim/cluster/replication_invariants.h"
#include "sim/cluster/scripted_client.h"
#include "sim/audit/record_ledger.h"
#include "sim/clients/client_history.h"
#include "sim/cluster/zookeeper_process.h"
#include "sim/world.h"

namespace ksim::sim::clients {
class ConsumerProcess;
class ProducerProcess;
}

namespace ksim::sim::cluster {

struct ClusterOptions {
  WorldOptions world = {};
  std::int32_t brokers = 3;
  std::int32_t first_broker_id = 0;
  BrokerConfig broker = {};  // every broker's settings; broker_id is set per broker
  // Called with each broker's settings (broker_id set) before it starts: per-broker overrides.
  std::function<void(BrokerConfig&)> configure_broker = nullptr;
  ZooKeeperProcessOptions zookeeper = {};
  std::vector<std::string> clients = {"client"};
  bool keep_client_values = true;  // benchmarks keep only each batch's first value
  bool check_invariants = true;
  ViolationMode invariant_violations = ViolationMode::fail;
  // Keep the audit's record ledger (sim/audit), fed by the producers, consumers and brokers.
  bool audit = true;

  // inter.broker.protocol.version: the replication rules and the controller's Kafka release
  // together, with that release's defaults (replica.lag.time.max.ms 10000 before 2.5,
  // zookeeper.session.timeout.ms 6000 before 2.5).
  void set_protocol_version(replication::ProtocolVersion version);
};

class KafkaCluster final : public ClusterView, public BrokerEventSink, clients::ClientObserver {
 public:
  explicit KafkaCluster(ClusterOptions options);
  ~KafkaCluster() override;
  KafkaCluster(const KafkaCluster&) = delete;
  KafkaCluster& operator=(const KafkaCluster&) = delete;

  World& world() { return *world_; }
  Simulation& sim() { return world_->sim(); }
  SimTime now() const { return world_->sim().now(); }
  const ClusterOptions& options() const { return options_; }

  // Starts zookeeper, every broker and every client, now.
  void start();
  // Runs until every broker is registered, a controller is elected and knows them all.
  void wait_until_ready(SimDuration timeout = SimDuration::from_ms(30000));

  // --- brokers -----------------------------------------------------------------------------------
  std::vector<std::int32_t> broker_ids() const;
  static std::string node_name(std::int32_t broker_id);
  // The running (or paused) broker process; nullptr when it is down.
  KafkaBroker* broker(std::int32_t broker_id);
  const KafkaBroker* broker(std::int32_t broker_id) const;
  std::vector<const KafkaBroker*> running_brokers() const override;
  // The partition on a running broker, or nullptr.
  const replication::Partition* replica(std::int32_t broker_id,
                                        const storage::TopicPartition& tp) const;

  // Lifecycle faults (false where they do not apply).
  bool kill(std::int32_t broker_id);
  bool power_off(std::int32_t broker_id);
  bool start_broker(std::int32_t broker_id);
  bool shutdown(std::int32_t broker_id);  // controlled shutdown (SIGTERM)
  bool pause(std::int32_t broker_id);
  bool resume(std::int32_t broker_id);

  // --- clients -----------------------------------------------------------------------------------
  ScriptedClient& client(const std::string& name = "client");
  ClientLedger& ledger(const std::string& name = "client");

  // Kafka's producer (core/client) on a client node of its own, started now if the cluster runs.
  // `config`: Kafka's names ("acks", "all"); client.id defaults to the name. Throws
  // client::ConfigException for a bad configuration, std::invalid_argument for a name in use.
  clients::ProducerProcess& add_producer(
      const std::string& name, std::vector<std::pair<std::string, std::string>> config = {});
  // The running producer; throws std::logic_error when it is not running.
  clients::ProducerProcess& producer(const std::string& name);
  // What a producer did, across its restarts.
  const clients::ProducerHistory& producer_history(const std::string& name) const;

  // Kafka's consumer (core/client) on a client node of its own, started now; it polls every
  // `poll_interval` by itself (kafka_cluster_groups.cpp). `config`: Kafka's names ("group.id",
  // "auto.offset.reset"); client.id defaults to the name. Throws std::invalid_argument for a
  // bad configuration or a name in use.
  clients::ConsumerProcess& add_consumer(
      const std::string& name, std::vector<std::pair<std::string, std::string>> config = {},
      SimDuration poll_interval = SimDuration::from_ms(100));
  // The running consumer; throws std::logic_error when it is not running.
  clients::ConsumerProcess& consumer(const std::string& name);
  // What a consumer read, its assignments and commits, across its restarts.
  const clients::ConsumerHistory& consumer_history(const std::string& name) const;
  // Every producer / consumer ever added, by name (sorted).
  std::vector<std::string> producer_names() const;
  std::vector<std::string> consumer_names() const;
  // kafka-consumer-groups.sh --bootstrap-server ... with `--list` or `--describe --group G`,
  // answered now by the running brokers' group coordinators (ListGroups from every broker,
  // DescribeGroups and OffsetFetch from the group's coordinator, ListOffsets latest from the
  // partitions' leaders). Throws std::invalid_argument for arguments it does not know.
  coordinator::ConsoleOutput consumer_groups(const std::vector<std::string>& args);

  // The audit's ledger (nullptr unless options().audit).
  audit::RecordLedger* audit() { return audit_.get(); }

  // --- ZooKeeper and the controller ---------------------------------------------------------------
  ZooKeeperStore& zookeeper() { return *zookeeper_; }
  controller::ClusterMetadata metadata() const;  // what ZooKeeper holds now
  std::optional<std::int32_t> controller_id() const;
  std::optional<controller::PartitionLeadership> partition_state(
      const storage::TopicPartition& tp) const;
  // kafka-topics.sh (--zookeeper before 3.0, --bootstrap-server since): runs now against ZooKeeper and applies its writes in a short
  // session of its own (as the tool does); the controller reacts through its watches.
  controller::TopicCommandResult topics(controller::TopicCommandOptions options);
  // --create; throws std::runtime_error with the tool's message when it fails.
  void create_topic(const std::string& topic, std::int32_t partitions,
                    std::int32_t replication_factor, controller::ConfigEntries configs = {});
  // --create as above, returning what the tool printed ("Created topic t.").
  std::string create_topic_output(const std::string& topic, std::int32_t partitions,
                                  std::int32_t replication_factor);
  // --describe's output for one topic (the format of the cluster's Kafka version).
  std::string describe(const std::string& topic);
  // kafka-reassign-partitions.sh --execute (the ZooKeeper form): writes
  // /admin/reassign_partitions; false (nothing written) while one is in progress.
  bool reassign_partitions(const std::vector<controller::PartitionReassignment>& moves);
  // kafka-leader-election.sh --election-type preferred (the ZooKeeper form): writes
  // /admin/preferred_replica_election; false while one is in progress.
  bool elect_preferred_leaders(const std::vector<storage::TopicPartition>& partitions);

  // --- running -------------------------------------------------------------------------------------
  void run_for(SimDuration duration) { world_->sim().run_for(duration); }
  void run_until(SimTime time) { world_->sim().run_until(time); }
  // Runs until `condition` holds; throws (naming `what`) if it does not within `timeout`.
  void run_until(const std::function<bool()>& condition, SimDuration timeout,
                 std::string_view what);

  // --- what happened -------------------------------------------------------------------------------
  const std::vector<BrokerEvent>& events() const { return events_; }
  std::string events_text() const;
  ReplicationInvariants* invariants() { return invariants_; }
  void broker_event(BrokerEvent event) override;
  // BrokerEventSink's record-level events feed the audit.
  bool wants_replica_events() const override { return audit_ != nullptr; }
  void records_appended(std::int32_t broker, const replication::Partition& partition,
                        bool as_leader, storage::ByteView batches, SimTime at) override;
  void high_watermark_advanced(std::int32_t broker, const replication::Partition& partition,
                               SimTime at) override;
  void log_recovered(std::int32_t broker, const storage::TopicPartition& tp,
                     std::int64_t log_end_offset, SimTime at) override;

 private:
  ClusterOptions options_;
  std::unique_ptr<World> world_;
  std::shared_ptr<ZooKeeperStore> zookeeper_;
  std::map<std::string, std::unique_ptr<ClientLedger>> ledgers_;
  std::vector<BrokerEvent> events_;
  ReplicationInvariants* invariants_ = nullptr;
  std::unique_ptr<audit::RecordLedger> audit_;
  std::map<std::string, std::unique_ptr<clients::ProducerHistory>> producer_histories_;
  std::map<std::string, std::unique_ptr<clients::ConsumerHistory>> consumer_histories_;
  // Audit record ids of each producer's history entries, by history index.
  std::map<const clients::ProducerHistory*, std::vector<audit::RecordId>> audit_ids_;

  // clients::ClientObserver: feeds the audit.
  void record_sent(const clients::ProducerHistory& producer, std::size_t index) override;
  void send_completed(const clients::ProducerHistory& producer, std::size_t index) override;
  void records_consumed(const clients::ConsumerHistory& consumer, std::size_t first,
                        std::size_t count) override;
  void partitions_assigned(const clients::ConsumerHistory& consumer) override;
  std::uint64_t admin_sessions_ = 0;
  // Applies an admin tool's writes now in a short session of its own; the zookeeper process
  // delivers the watch events they fired. Returns the first failure's code (OK when none).
  controller::zk::Code apply_admin_writes(const std::vector<controller::ZkWrite>& writes);
};

}  // namespace ksim::sim::cluster
