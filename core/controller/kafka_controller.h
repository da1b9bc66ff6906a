// KafkaController: the ZooKeeper-mode controller as it runs inside one broker (Kafka's
// kafka.controller.KafkaController with its ControllerEventManager and ControllerChannelManager),
// sans-IO. Every broker has one; the one that wins /controller is active.
//
// It talks to ZooKeeper through the broker's ZkClient (asynchronous answers), decides with the
// pure functions of partition_state_machine.h, and hands the requests for brokers (LeaderAndIsr,
// UpdateMetadata, StopReplica) to the broker through take_requests(). Like Kafka's single
// controller-event thread, it handles one event at a time: an event that waits for ZooKeeper
// holds the next ones back, in arrival order.
//
// Events: the broker's session started (try to become controller); /controller deleted (elect
// again) or taken by another broker (resign); /brokers/ids children (broker startup and
// failure); /brokers/topics children (new topics) and /brokers/topics/<t> data (new partitions);
// /admin/delete_topics, /admin/reassign_partitions and /admin/preferred_replica_election; the
// AlterPartition and ControlledShutdown requests of brokers; the session expiring (resign).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/controller/controller_context.h"
#include "core/controller/partition_state_machine.h"
#include "core/controller/kafka_version.h"
#include "core/controller/zk_client.h"
#include "core/protocol/alter_partition.h"
#include "core/protocol/controlled_shutdown.h"
#include "core/protocol/leader_and_isr.h"
#include "core/protocol/stop_replica.h"
#include "core/protocol/update_metadata.h"

namespace ksim::controller {

struct ControllerConfig {
  std::int32_t broker_id = -1;
  KafkaVersion kafka_version{3, 7};
  bool unclean_leader_election_enable = false;  // the broker default
  bool delete_topic_enable = true;
  bool auto_leader_rebalance_enable = true;
  std::int64_t leader_imbalance_check_interval_ms = 300000;
  std::int32_t leader_imbalance_per_broker_percentage = 10;
  // The wall clock the znodes' timestamps use: Unix ms at simulated time 0.
  std::int64_t unix_epoch_offset_ms = 1700000000000;
};

// A request from the controller to one broker (ControllerChannelManager's queue for it).
using ControllerRequest = std::variant<protocol::LeaderAndIsrRequest,
                                       protocol::UpdateMetadataRequest,
                                       protocol::StopReplicaRequest>;
struct ControllerSend {
  std::int32_t broker_id = -1;
  ControllerRequest request;
};

// A change the controller committed, for the transcript and the GUI ("leader of t-0: 1 -> 2,
// epoch 1, ISR [2,0]").
struct ControllerEventRecord {
  std::int64_t now_ms = 0;
  std::string what;
};

class KafkaController {
 public:
  KafkaController(ControllerConfig config, zk::ZkClient& zk);

  std::int32_t broker_id() const { return config_.broker_id; }
  bool is_active() const { return active_; }
  std::int32_t epoch() const { return context_.epoch; }
  // The cache of the active controller (empty when not active).
  const ControllerContext& context() const { return context_; }

  // --- inputs from the broker -------------------------------------------------------------------
  // The broker's ZooKeeper session is (re)established and its registration written: watch
  // /controller and try to become controller.
  void on_session_established(std::int64_t now_ms);
  // The session expired: resign (Kafka's onControllerResignation) until the next session.
  void on_session_expired(std::int64_t now_ms);
  // A watch event of the broker's session. Returns false if no controller watch wanted it.
  bool handle_watch_event(const zk::WatchedEvent& event, std::int64_t now_ms);
  // A leader's ISR proposal. Answered through `respond` (maybe later, after ZooKeeper answers).
  void handle_alter_partition(const protocol::AlterPartitionRequest& request, std::int64_t now_ms,
                              std::function<void(protocol::AlterPartitionResponse)> respond);
  void handle_controlled_shutdown(
      const protocol::ControlledShutdownRequest& request, std::int64_t now_ms,
      std::function<void(protocol::ControlledShutdownResponse)> respond);
  // The broker's own shutdown: resign without touching ZooKeeper further.
  void shutdown();

  // The broker epoch (registration czxid) of a live broker as this active controller knows it;
  // nullopt when it is not live (or this controller is not active). The broker's channel uses it
  // to drop requests queued for an earlier life of that broker (ControllerChannelManager's
  // removeBroker).
  std::optional<std::int64_t> live_broker_epoch(std::int32_t broker_id) const;

  // --- outputs ------------------------------------------------------------------------------------
  std::vector<ControllerSend> take_requests();
  std::vector<ControllerEventRecord> take_records();

  // --- time ---------------------------------------------------------------------------------------
  void tick(std::int64_t now_ms);  // the auto leader rebalance
  std::optional<std::int64_t> next_deadline_ms() const;

 private:
  // One controller event (ControllerEventManager's queue entry). `preempt` answers a request
  // that will not be processed (NOT_CONTROLLER) when the queue is cleared or the event aborts.
  struct Event {
    std::string name;
    std::function<void()> process;
    std::function<void()> preempt;
  };
  // What one event sends, batched per broker (ControllerBrokerRequestBatch).
  struct RequestBatch {
    std::map<std::int32_t, std::map<storage::TopicPartition, protocol::LeaderAndIsrPartitionState>>
        leader_and_isr;
    std::set<std::int32_t> update_metadata_brokers;
    std::map<storage::TopicPartition, protocol::UpdateMetadataPartitionState> update_metadata;
    std::map<std::int32_t, std::vector<protocol::StopReplicaPartitionState>> stop_replica;
  };
  // Counts the answers an event waits for, then continues.
  class Join;
  // A live broker as the controller knows it: its registration and its epoch (the czxid).
  struct KnownBroker {
    BrokerRegistration registration;
    std::int64_t epoch = -1;
  };
  // A partition reassignment in progress (the pre-KIP-455 flow through ZooKeeper).
  struct Reassignment {
    std::vector<std::int32_t> original;
    std::vector<std::int32_t> target;
  };

  // --- the event queue ---
  void enqueue(std::string name, std::function<void()> process,
               std::function<void()> preempt = {});
  void pump();
  void finish_event();
  void abort_event();
  void clear_queue();
  template <typename Result>
  zk::ZkClient::Callback<Result> answer(std::function<void(const Result&)> handler);
  std::function<void(zk::Code)> answer_code(std::function<void(zk::Code)> handler);
  bool session_lost(zk::Code code);

  // --- election ---
  void process_startup();
  void process_controller_change();
  void process_reelect();
  void read_controller(std::function<void()> then);
  void elect();
  void register_controller(std::int32_t epoch, std::int32_t epoch_zk_version);
  void on_controller_failover();
  void read_brokers(std::function<void(std::map<std::int32_t, KnownBroker>)> then);
  void read_topics(const std::vector<std::string>& topics, std::function<void()> then);
  void read_admin_nodes(std::function<void()> then);
  void handle_reassign_node(std::function<void()> then);
  void handle_preferred_node(std::function<void()> then);
  void broker_startup(const std::vector<std::int32_t>& ids,
                      const std::map<std::int32_t, KnownBroker>& current,
                      std::function<void()> then);
  void broker_failure(const std::set<std::int32_t>& ids, std::function<void()> then);
  void start_reassignment(const storage::TopicPartition& partition, std::function<void()> then);
  ZkWrite topic_assignment_write(const std::string& topic) const;
  void resign(std::string_view why);
  void controller_moved();

  // --- events of the active controller ---
  void process_broker_change();
  void process_topic_change();
  void process_partition_modifications(const std::string& topic);
  void process_topic_deletion();
  void try_topic_deletion(std::function<void()> then);
  void delete_topic(const std::string& topic, std::function<void()> then);
  void process_preferred_replica_election();
  void process_partition_reassignment();
  void continue_reassignments(std::function<void()> then);
  void complete_reassignment(const storage::TopicPartition& partition,
                             std::function<void()> then);
  void process_auto_leader_rebalance();
  void process_alter_partition(const protocol::AlterPartitionRequest& request,
                               std::function<void(protocol::AlterPartitionResponse)> respond);
  void process_controlled_shutdown(
      const protocol::ControlledShutdownRequest& request,
      std::function<void(protocol::ControlledShutdownResponse)> respond);

  // --- writes and requests ---
  // Writes a decision's changes (epoch-guarded), adopts its context, queues LeaderAndIsr and
  // UpdateMetadata for each change that committed, and records it. `why` ends each record. A
  // change whose write found another zkVersion is decided again on the state read back from
  // ZooKeeper and retried (`attempt` counts the rounds).
  void apply_decision(ControllerDecision decision, std::string why, std::function<void()> then,
                      int attempt = 0);
  // Runs guarded writes in order; `then` gets each write's result. A failed epoch check resigns.
  void write(std::vector<ZkWrite> writes,
             std::function<void(std::vector<zk::MultiResult>)> then);
  void add_leader_and_isr(const std::vector<std::int32_t>& brokers,
                          const storage::TopicPartition& partition, bool is_new);
  void add_update_metadata(const std::set<std::int32_t>& brokers,
                           const std::vector<storage::TopicPartition>& partitions,
                           bool being_deleted = false);
  void add_stop_replica(std::int32_t broker, const storage::TopicPartition& partition,
                        bool delete_partition);
  void send_batch();
  std::set<std::int32_t> live_or_shutting_down_brokers() const;
  void record(std::string what);
  std::string describe_change(const PartitionStateChange& change,
                              const PartitionLeadership* before, std::string_view why) const;

  ControllerConfig config_;
  zk::ZkClient* zk_;
  bool active_ = false;
  ControllerContext context_;

  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::deque<Event> events_;
  std::optional<Event> current_;
  bool pumping_ = false;
  bool shut_down_ = false;
  std::uint64_t generation_ = 0;  // bumped when an event ends: late answers are dropped
  std::int64_t now_ms_ = 0;
  std::int32_t active_controller_id_ = -1;
  std::map<std::int32_t, KnownBroker> brokers_;
  std::map<storage::TopicPartition, Reassignment> reassignments_;
  std::optional<std::int64_t> next_rebalance_ms_;
  RequestBatch batch_;
  std::vector<ControllerSend> sends_;
  std::vector<ControllerEventRecord> records_;
};

template <typename Result>
zk::ZkClient::Callback<Result> KafkaController::answer(std::function<void(const Result&)> handler) {
  // Answers that arrive after their event ended (resigned, session lost) are dropped.
  return [this, alive = std::weak_ptr<int>(alive_), generation = generation_,
          handler = std::move(handler)](const Result& result) {
    if (alive.expired() || generation != generation_ || shut_down_) return;
    handler(result);
  };
}

}  // namespace ksim::controller
