// KafkaBroker: one Kafka broker (ZooKeeper mode) as a process of the simulated world (Kafka's
// KafkaServer with its KafkaApis and SocketServer). It wires core's sans-IO pieces to the
// network, the disk and the clock:
// - storage::LogManager over the host's disk (recovery at start, clean shutdown at the end);
// - replication::ReplicaManager: produce, fetch, LeaderAndIsr, the replica fetchers, ISR changes;
// - a ZooKeeper session (ZkSession): the ephemeral /brokers/ids/<id> registration;
// - controller::KafkaController: active when this broker holds /controller;
// - server::MetadataCache: the controller's UpdateMetadata, for clients and ISR eligibility.
//
// Requests arrive on connections and are handled one at a time per connection, as Kafka's
// socket server mutes a connection until its request is answered (a parked acks=all produce
// holds back the next request of that producer). Answers leave when the disk has done the
// writes they depend on. Outgoing requests use one connection per (peer, purpose): the replica
// fetcher, the controller's channel, the broker-to-controller channel.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/controller/kafka_controller.h"
#include "core/controller/producer_id_manager.h"
#include "core/coordinator/group_coordinator.h"
#include "core/replication/replica_manager.h"
#include "core/server/metadata_cache.h"
#include "core/storage/log_manager.h"
#include "sim/cluster/broker_config.h"
#include "sim/cluster/broker_messages.h"
#include "sim/cluster/request_channel.h"
#include "sim/cluster/zk_session.h"
#include "sim/process/process.h"
#include "sim/process/process_context.h"

namespace ksim::sim::cluster {

// Something a broker did that a transcript or the GUI shows ("registered in ZooKeeper",
// "became leader of t-0 in epoch 2", "truncated t-0 to 17").
struct BrokerEvent {
  SimTime time;
  std::int32_t broker_id = -1;
  std::string what;
  // Set when this event is a follower truncation that removed records (for the audit).
  std::optional<replication::LogTruncation> truncation;
};

// Where brokers report what they did; outlives their incarnations (owned by the cluster).
class BrokerEventSink {
 public:
  virtual ~BrokerEventSink() = default;
  virtual void broker_event(BrokerEvent event) = 0;

  // The record-level account (the audit). Brokers call these only if the sink wants them.
  virtual bool wants_replica_events() const { return false; }
  virtual void records_appended(std::int32_t /*broker*/, const replication::Partition& /*p*/,
                                bool /*as_leader*/, storage::ByteView /*batches*/, SimTime) {}
  virtual void high_watermark_advanced(std::int32_t /*broker*/,
                                       const replication::Partition& /*p*/, SimTime) {}
  // After an unclean shutdown, each log as recovery left it: what a power loss took is gone.
  virtual void log_recovered(std::int32_t /*broker*/, const storage::TopicPartition& /*tp*/,
                             std::int64_t /*log_end_offset*/, SimTime) {}
};

class KafkaBroker final : public Process, private replication::ReplicaObserver {
 public:
  KafkaBroker(BrokerConfig config, BrokerEventSink* events);
  ~KafkaBroker() override;

  void start(ProcessContext& context) override;
  bool begin_shutdown() override;
  void shutdown() override;

  // Inspection (tests, invariants, the GUI): valid while the process runs.
  std::int32_t broker_id() const { return config_.broker_id; }
  const BrokerConfig& config() const { return config_; }
  replication::ReplicaManager& replica_manager() { return *replica_manager_; }
  const replication::ReplicaManager& replica_manager() const { return *replica_manager_; }
  storage::LogManager& log_manager() { return *log_manager_; }
  const controller::KafkaController& controller() const { return *controller_; }
  const server::MetadataCache& metadata_cache() const { return metadata_; }
  const controller::zk::ZkClient& zookeeper() const { return zk_->client(); }
  std::int64_t broker_epoch() const { return broker_epoch_; }
  bool registered() const { return broker_epoch_ >= 0; }

  // --- consumer groups (broker_groups.cpp) ---
  const coordinator::GroupCoordinator& group_coordinator() const { return *group_coordinator_; }
  // What kafka-consumer-groups.sh's admin client gets from this broker, answered now by its
  // coordinator (as if the request had just arrived).
  protocol::ListGroupsResponse list_groups_now();
  protocol::DescribeGroupsResponse describe_groups_now(const protocol::DescribeGroupsRequest& request);
  protocol::OffsetFetchResponse fetch_offsets_now(const protocol::OffsetFetchRequest& request);

 private:
  struct InboundConnection {
    std::deque<KafkaRequest> queued;
    bool busy = false;  // a request is being handled (muted)
    NodeId peer;        // the client's node (JoinGroup's client host)
  };
  struct ParkedRequest {
    ConnectionId connection;
    std::int32_t correlation_id = 0;
  };
  enum class Purpose { fetcher, controller_channel, to_controller };
  struct ControllerQueue {
    std::deque<controller::ControllerRequest> requests;
    bool in_flight = false;
    std::optional<std::int64_t> broker_epoch;  // the life of the broker these are for
    std::uint64_t generation = 0;               // bumped when the queue is thrown away
  };

  std::int64_t now_ms() const { return context_->now().to_ms(); }
  void record(std::string what);

  // --- ZooKeeper -----------------------------------------------------------------------------
  void on_zk_state(controller::zk::SessionState state);
  void on_zk_watch(const controller::zk::WatchedEvent& event);
  void register_broker();

  // --- inbound requests ----------------------------------------------------------------------
  void on_message(Delivery& delivery);
  void on_accepted(ConnectionId end);
  void on_disconnect(ConnectionId end, NodeId peer, DisconnectReason reason);
  void handle_next(ConnectionId connection);
  // Handles one request; returns false when the answer comes later (parked or asynchronous).
  void handle(ConnectionId connection, KafkaRequest request);
  void respond(ConnectionId connection, std::int32_t correlation_id, ResponseBody body);
  void finish_request(ConnectionId connection);
  void handle_metadata(ConnectionId connection, std::int32_t correlation_id,
                       const protocol::MetadataRequest& request);
  void auto_create_topics(const std::vector<std::string>& topics);
  void apply_update_metadata(const protocol::UpdateMetadataRequest& request);
  // Reads /config/topics/<t> for topics not read yet, then runs `then`.
  void with_topic_configs(std::set<std::string> topics, std::function<void()> then);
  void handle_leader_and_isr(ConnectionId connection, std::int32_t correlation,
                             const protocol::LeaderAndIsrRequest& request);

  // --- producer ids (broker_producer_ids.cpp) --------------------------------------------------
  void handle_init_producer_id(ConnectionId connection, std::int32_t correlation,
                               const protocol::InitProducerIdRequest& request);
  void claim_producer_id_block();
  // Answers the requests waiting for a block; `failure` non-empty: they get a retriable error.
  void answer_producer_id_requests(const std::string& failure);
  // --- consumer groups (broker_groups.cpp) ----------------------------------------------------
  void start_group_coordinator();
  // FindCoordinator and the requests the group coordinator answers; false for other requests.
  bool handle_group_request(ConnectionId connection, KafkaRequest& request);
  void handle_find_coordinator(ConnectionId connection, std::int32_t correlation_id,
                               const protocol::FindCoordinatorRequest& request);
  void create_offsets_topic();
  // After a LeaderAndIsr / StopReplica: load or unload __consumer_offsets partitions.
  void update_group_coordinator_leadership(const protocol::LeaderAndIsrRequest& request);
  void resign_group_coordinator(const storage::TopicPartition& tp);
  // A produce the replica manager completed: true when it was a coordinator's append.
  bool complete_coordinator_append(replication::CompletedProduce& done);
  // Sends the coordinator's appends and answers, until it has nothing more.
  void pump_group_coordinator();
  coordinator::CoordinatorResponse ask_group_coordinator(
      const std::function<void(coordinator::RequestHandle)>& request);

  // --- outbound requests ---------------------------------------------------------------------
  RequestChannel& channel(Purpose purpose, std::int32_t broker_id);
  std::optional<NodeId> broker_node(std::int32_t broker_id);
  void send_fetcher_requests();
  void send_alter_partition();
  void send_controller_requests();
  void send_next_controller_request(std::int32_t broker_id);
  void reset_controller_queue(std::int32_t broker_id, std::optional<std::int64_t> broker_epoch);
  void send_controlled_shutdown();

  // --- replication::ReplicaObserver: forwarded to the event sink (the audit) ----------------
  void records_appended(const replication::Partition& partition, bool as_leader,
                        storage::ByteView batches, const storage::LogAppendInfo& info) override;
  void high_watermark_advanced(const replication::Partition& partition) override;

  // --- after every event -----------------------------------------------------------------------
  // Sends what the components want sent, answers what completed, re-arms the timer.
  void pump();
  void arm_timer();
  void on_timer();

  BrokerConfig config_;
  BrokerEventSink* events_;
  ProcessContext* context_ = nullptr;
  std::unique_ptr<storage::LogManager> log_manager_;
  std::unique_ptr<replication::ReplicaManager> replica_manager_;
  std::unique_ptr<ZkSession> zk_;
  std::unique_ptr<controller::KafkaController> controller_;
  server::MetadataCache metadata_;
  std::int64_t broker_epoch_ = -1;
  std::set<std::string> topic_configs_read_;
  bool registering_ = false;
  bool pumping_ = false;

  std::map<ConnectionId, InboundConnection> inbound_;
  std::map<std::uint64_t, ParkedRequest> parked_;  // ReplicaManager request id -> where to answer
  std::uint64_t next_request_id_ = 1;
  SimTime send_not_before_;  // answers leave in order, after the disk work they depend on

  ChannelDirectory channel_of_connection_;  // declared first: channels unregister at their end
  std::map<std::pair<Purpose, std::int32_t>, std::unique_ptr<RequestChannel>> channels_;
  std::map<std::int32_t, NodeId> broker_nodes_;
  std::map<std::int32_t, ControllerQueue> controller_queues_;
  bool alter_partition_backoff_ = false;

  std::optional<EventHandle> timer_;
  std::optional<std::int64_t> timer_deadline_ms_;

  // Producer ids (InitProducerId).
  struct AwaitingProducerId {
    ConnectionId connection;
    std::int32_t correlation_id = 0;
    protocol::InitProducerIdRequest request;
  };
  std::unique_ptr<controller::ProducerIdManager> producer_ids_;
  std::vector<AwaitingProducerId> awaiting_producer_ids_;
  bool claiming_producer_ids_ = false;
  // Consumer groups.
  std::unique_ptr<coordinator::GroupCoordinator> group_coordinator_;
  std::map<coordinator::RequestHandle, ParkedRequest> group_requests_;  // awaiting the coordinator
  coordinator::RequestHandle next_group_handle_ = 1;
  std::map<std::uint64_t, std::uint64_t> coordinator_appends_;  // produce request id -> append id
  bool offsets_topic_creation_in_flight_ = false;

  // Controlled shutdown (SIGTERM).
  bool shutting_down_ = false;
  std::int32_t controlled_shutdown_attempts_ = 0;
};

}  // namespace ksim::sim::cluster
