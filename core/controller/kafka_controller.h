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

  // --- outputs ------------------------------------------------------------------------------------
  std::vector<ControllerSend> take_requests();
  std::vector<ControllerEventRecord> take_records();

  // --- time ---------------------------------------------------------------------------------------
  void tick(std::int64_t now_ms);  // the auto leader rebalance
  std::optional<std::int64_t> next_deadline_ms() const;

 private:
  ControllerConfig config_;
  zk::ZkClient* zk_;
  bool active_ = false;
  ControllerContext context_;
};

}  // namespace ksim::controller
