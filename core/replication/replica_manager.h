// ReplicaManager: one broker's replication (Kafka's kafka.server.ReplicaManager, sans-IO). It
// hosts the broker's Partitions over the logs of a storage::LogManager, applies the controller's
// LeaderAndIsr decisions, answers Produce, Fetch, OffsetsForLeaderEpoch and ListOffsets, keeps
// the waiting acks=all produces and long-polling fetches in purgatories, runs one ReplicaFetcher
// per leader broker it follows, batches ISR changes into AlterPartition requests (Kafka's
// AlterPartitionManager: one in flight), and checkpoints high watermarks.
//
// Inputs in, outputs out. The caller (the broker) passes requests with a request id of its
// choosing and `now_ms`; immediate answers are returned; answers that wait come out of
// take_completed_produces() / take_completed_fetches() after a later call (an append, a fetch,
// tick(now)). Requests to other brokers come out of poll_fetchers() and
// take_alter_partition_request(). next_deadline_ms() says when tick() must run next.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/protocol/alter_partition.h"
#include "core/protocol/fetch.h"
#include "core/protocol/leader_and_isr.h"
#include "core/protocol/list_offsets.h"
#include "core/protocol/offsets_for_leader_epoch.h"
#include "core/protocol/produce.h"
#include "core/replication/delayed_fetch.h"
#include "core/replication/delayed_operation.h"
#include "core/replication/delayed_produce.h"
#include "core/replication/log_cleanup.h"
#include "core/replication/partition.h"
#include "core/replication/replica_fetcher.h"
#include "core/replication/replication_config.h"
#include "core/storage/log_manager.h"
#include "core/storage/topic_partition_map.h"

namespace ksim::replication {

// A topic's settings that replication needs (topic-level overrides of the broker defaults).
struct TopicConfig {
  storage::LogConfig log_config;
  std::optional<std::int32_t> min_insync_replicas;
};

// What append_records did with a produce request.
struct ProduceResult {
  // acks=all waiting in purgatory: the answer comes later from take_completed_produces().
  bool parked = false;
  std::optional<std::int64_t> deadline_ms;  // when parked: REQUEST_TIMED_OUT at this time
  // acks=0: Kafka sends nothing back (the response is here for the transcript); on an error it
  // closes the connection instead, so the producer notices.
  bool send_response = true;
  bool close_connection = false;
  protocol::ProduceResponse response;  // when not parked
};

// What fetch_messages did with a fetch request.
struct FetchResult {
  // Not enough bytes yet: waiting until deadline_ms or until data arrives; the answer comes
  // later from take_completed_fetches().
  bool parked = false;
  std::optional<std::int64_t> deadline_ms;
  protocol::FetchResponse response;  // when not parked
};

struct CompletedProduce {
  std::uint64_t request_id = 0;
  protocol::ProduceResponse response;
};

struct CompletedFetch {
  std::uint64_t request_id = 0;
  protocol::FetchResponse response;
};

// A request one of this broker's fetchers wants sent to `leader_id`.
struct FetcherSend {
  std::int32_t leader_id = -1;
  FetcherRequest request;
};

class ReplicaManager {
 public:
  // Reads replication-offset-checkpoint: partitions created later start from those HWs.
  ReplicaManager(std::int32_t broker_id, storage::LogManager& log_manager,
                 const ReplicationConfig& config, std::int64_t now_ms);
  ReplicaManager(const ReplicaManager&) = delete;
  ReplicaManager& operator=(const ReplicaManager&) = delete;

  std::int32_t broker_id() const { return broker_id_; }
  const ReplicationConfig& config() const { return config_; }
  storage::LogManager& log_manager() { return *log_manager_; }

  // --- settings the broker passes on ----------------------------------------------------------
  // The log configuration of partitions created for topics without a TopicConfig.
  void set_default_log_config(const storage::LogConfig& config) { default_log_config_ = config; }
  void set_topic_config(const std::string& topic, const TopicConfig& config);
  // Which brokers may join an ISR (alive; in KRaft also not fenced, not shutting down). All
  // until set. Re-evaluates nothing by itself: the next fetch or HW check uses it.
  void set_isr_eligibility(std::function<bool(std::int32_t broker_id)> is_eligible);
  void set_broker_epoch(std::int64_t broker_epoch);
  // The epoch of this broker's latest registration (-1 before the first).
  std::int64_t broker_epoch() const { return broker_epoch_; }

  // --- partitions -------------------------------------------------------------------------------
  Partition* get_partition(const storage::TopicPartition& tp);
  const Partition* get_partition(const storage::TopicPartition& tp) const;
  std::vector<storage::TopicPartition> partitions() const;

  // --- the controller ---------------------------------------------------------------------------
  // Kafka's becomeLeaderOrFollower (ZooKeeper mode): a stale controller epoch is refused
  // (STALE_CONTROLLER_EPOCH); per partition, a leader epoch older than ours is refused
  // (STALE_CONTROLLER_EPOCH), a state not assigning this broker gets UNKNOWN_TOPIC_OR_PARTITION;
  // the others make this broker leader or follower, creating the partition and its log if
  // needed. New followers (re)start fetching; requests waiting on partitions this broker no
  // longer leads are answered NOT_LEADER_OR_FOLLOWER.
  protocol::LeaderAndIsrResponse become_leader_or_follower(
      const protocol::LeaderAndIsrRequest& request, std::int64_t now_ms);
  // StopReplica: stop hosting (and optionally delete) the partition.
  void stop_replica(const storage::TopicPartition& tp, bool delete_partition);
  // The ISR changes proposed since the last call, batched into one request for the controller;
  // nothing while a request is in flight.
  std::optional<protocol::AlterPartitionRequest> take_alter_partition_request();
  void handle_alter_partition_response(const protocol::AlterPartitionResponse& response,
                                       std::int64_t now_ms);
  // No answer came: every proposal in the request is queued again.
  void handle_alter_partition_failure();

  // --- clients and followers --------------------------------------------------------------------
  // Kafka's appendRecords. acks must be 0, 1 or -1 (else every partition: INVALID_REQUIRED_ACKS,
  // nothing written). acks=-1 waits until each written partition is committed or the timeout.
  // An idempotent producer's retry of a batch already in the log is not written again: it is
  // answered with the original base offset, and (acks=-1) once the original is committed, as
  // Kafka does. `origin` is a coordinator's when it writes its own records (epoch check only).
  ProduceResult append_records(std::uint64_t request_id, protocol::ProduceRequest request,
                               std::int64_t now_ms,
                               storage::AppendOrigin origin = storage::AppendOrigin::client);
  // Kafka's fetchMessages: reads every partition (a follower's fetch updates the leader's view
  // of it); answers at once if min_bytes are there, on an error, on a diverging epoch, or with
  // max_wait_ms <= 0; otherwise parks the fetch (the long poll).
  FetchResult fetch_messages(std::uint64_t request_id, const protocol::FetchRequest& request,
                             std::int64_t now_ms);
  protocol::OffsetForLeaderEpochResponse last_offset_for_leader_epoch(
      const protocol::OffsetForLeaderEpochRequest& request) const;
  protocol::ListOffsetsResponse fetch_offsets(const protocol::ListOffsetsRequest& request) const;

  std::vector<CompletedProduce> take_completed_produces();
  std::vector<CompletedFetch> take_completed_fetches();
  std::size_t waiting_produces() const { return produce_purgatory_.size(); }
  std::size_t waiting_fetches() const { return fetch_purgatory_.size(); }
  std::optional<std::int64_t> produce_deadline_ms(std::uint64_t request_id) const {
    return produce_purgatory_.deadline_ms(request_id);
  }
  std::optional<std::int64_t> fetch_deadline_ms(std::uint64_t request_id) const {
    return fetch_purgatory_.deadline_ms(request_id);
  }

  // --- this broker as a follower ----------------------------------------------------------------
  // The requests the fetchers want sent now (at most one in flight per leader).
  std::vector<FetcherSend> poll_fetchers(std::int64_t now_ms);
  void handle_fetcher_response(std::int32_t leader_id, const FetcherResponse& response,
                               std::int64_t now_ms);
  void handle_fetcher_failure(std::int32_t leader_id, std::int64_t now_ms);
  const ReplicaFetcher* fetcher(std::int32_t leader_id) const;

  // --- time -------------------------------------------------------------------------------------
  // Expires waiting requests, and runs Kafka's scheduled tasks when due: isr-expiration (every
  // replica.lag.time.max.ms / 2, from startup), highwatermark-checkpoint (every
  // replica.high.watermark.checkpoint.interval.ms, from the first LeaderAndIsr), the
  // recovery-point / log-start-offset checkpoints (log.flush.offset.checkpoint.interval.ms), and
  // the producer id expiration (every producer.id.expiration.check.interval.ms from startup, on
  // the first tick after it is due; Kafka schedules it per log).
  void tick(std::int64_t now_ms);
  // When tick() has something to do next, or a fetcher can send again after a backoff.
  std::optional<std::int64_t> next_deadline_ms(std::int64_t now_ms) const;

  // --- checkpoints ------------------------------------------------------------------------------
  // Every hosted partition's HW: what replication-offset-checkpoint gets.
  storage::TopicPartitionOffsets high_watermarks() const;
  void checkpoint_high_watermarks();
  // Storage failures met by scheduled tasks (a checkpoint that could not be written), since the
  // last call. Kafka would take the log directory offline; the broker decides.
  std::vector<std::string> take_storage_errors();
  // Follower truncations that removed records, since the last call (for the audit and
  // transcripts).
  std::vector<LogTruncation> take_truncations() { return std::exchange(truncations_, {}); }
  // What retention and the log cleaner did since the last call (log_cleanup.h).
  std::vector<LogCleanupEvent> take_log_cleanups() { return log_cleanup_.take_events(); }
  // Told of every partition's appends and HW advances (partitions created later too).
  void set_observer(ReplicaObserver* observer);

 private:
  Partition& get_or_create_partition(const storage::TopicPartition& tp, std::int64_t now_ms);
  void apply_topic_config(Partition& partition) const;
  ReplicaFetcher& fetcher_for(std::int32_t leader_id);
  void remove_fetcher_for_partition(const storage::TopicPartition& tp);
  // Tries the purgatories' operations watching `tp` (after an append, an HW change, a
  // leadership change).
  void try_complete_delayed_requests(const storage::TopicPartition& tp);
  std::vector<LogReadResult> read_from_log(const FetchParams& params,
                                           const std::vector<protocol::FetchPartition>& partitions,
                                           std::int64_t now_ms, bool update_fetch_state);
  protocol::FetchResponse fetch_response(const std::vector<protocol::FetchPartition>& partitions,
                                         std::vector<LogReadResult> results) const;
  void complete_fetch(std::uint64_t request_id, const DelayedFetch& fetch, std::int64_t now_ms);
  PartitionLookup lookup() const;

  std::int32_t broker_id_;
  storage::LogManager* log_manager_;
  ReplicationConfig config_;
  std::int64_t broker_epoch_ = -1;
  std::int32_t controller_epoch_ = 0;
  std::function<bool(std::int32_t)> isr_eligibility_;
  std::map<std::string, TopicConfig> topic_configs_;
  storage::LogConfig default_log_config_;
  std::vector<std::string> storage_errors_;
  storage::TopicPartitionOffsets checkpointed_high_watermarks_;

  // Looked up on every request and iterated in (topic, partition) order.
  storage::TopicPartitionMap<std::unique_ptr<Partition>> partitions_;
  std::map<std::int32_t, std::unique_ptr<ReplicaFetcher>> fetchers_;  // by leader broker id
  std::map<storage::TopicPartition, std::int32_t> fetching_from_;     // partition -> leader
  std::set<std::int32_t> fetchers_to_poll_;  // may have a request to send now
  std::map<std::int32_t, std::int64_t> fetcher_wakeups_;  // nothing ready before this time

  DelayedOperationPurgatory<DelayedProduce> produce_purgatory_;
  DelayedOperationPurgatory<DelayedFetch> fetch_purgatory_;
  std::vector<CompletedProduce> completed_produces_;
  std::vector<LogTruncation> truncations_;
  ReplicaObserver* observer_ = nullptr;
  std::vector<CompletedFetch> completed_fetches_;
  std::vector<storage::TopicPartition> alter_partition_in_flight_;
  // Partitions that may hold an ISR proposal not sent yet (after a follower fetch, an ISR
  // check, an answer or a failure): take_alter_partition_request asks only these.
  std::set<storage::TopicPartition> may_propose_isr_change_;
  bool alter_partition_request_in_flight_ = false;

  std::int64_t now_ms_ = 0;  // the latest time passed in (for completions triggered by others)
  std::int64_t next_isr_expiration_ms_;
  std::optional<std::int64_t> next_high_watermark_checkpoint_ms_;  // starts at first LeaderAndIsr
  std::int64_t next_offset_checkpoint_ms_;
  std::int64_t next_producer_expiration_check_ms_;
  LogCleanup log_cleanup_;
};

}  // namespace ksim::replication
