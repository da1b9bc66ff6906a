// Partition: one replica of one partition on one broker (Kafka's kafka.cluster.Partition), over
// the storage::Log it is given. It is either the leader (it appends produce requests, answers
// fetches, keeps its view of every follower, advances the high watermark, proposes ISR changes)
// or a follower (a ReplicaFetcher appends what it fetched and applies the leader's HW).
//
// Sans-IO: every method that depends on time takes now_ms; nothing is sent from here. A caller
// (ReplicaManager, or a test) passes requests in and takes proposals out: an ISR change is a
// protocol::AlterPartitionRequestPartition for the controller (take_alter_partition_request),
// applied when the controller's answer comes back (handle_alter_partition_response).
//
// The rules, with Kafka's method names, are in core/replication/README.md. The code is split:
// partition.cpp (roles and HW), partition_isr.cpp (ISR shrink, expand, AlterPartition),
// partition_leader.cpp (produce, fetch, epochs and offsets on the leader), partition_follower.cpp
// (what a follower does with fetched data and truncation).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/protocol/alter_partition.h"
#include "core/protocol/errors.h"
#include "core/protocol/fetch.h"
#include "core/protocol/leader_and_isr.h"
#include "core/protocol/list_offsets.h"
#include "core/protocol/offsets_for_leader_epoch.h"
#include "core/replication/replica.h"
#include "core/replication/replica_observer.h"
#include "core/replication/replication_config.h"
#include "core/storage/log.h"
#include "core/storage/topic_partition.h"

namespace ksim::replication {

// The ISR as the leader sees it (Kafka's PartitionState: CommittedPartitionState,
// PendingExpandIsr, PendingShrinkIsr). At most one change is in flight.
struct IsrState {
  enum class Pending { none, expand, shrink };
  std::vector<std::int32_t> isr;  // committed by the controller
  Pending pending = Pending::none;
  std::vector<std::int32_t> proposed_isr;  // sent to the controller while pending

  bool is_inflight() const { return pending != Pending::none; }
  // The ISR the HW waits for: a pending expansion counts the joining replica already; a pending
  // shrink still counts the replicas it removes (the controller may refuse it).
  const std::vector<std::int32_t>& maximal_isr() const;
  friend bool operator==(const IsrState&, const IsrState&) = default;
};

// How a read is bounded (Kafka's FetchIsolation).
enum class FetchIsolation { log_end, high_watermark, txn_committed };

// A fetch request's parameters that apply to every partition in it (Kafka's FetchParams).
struct FetchParams {
  std::int32_t replica_id = protocol::consumer_replica_id;
  std::int32_t max_wait_ms = 0;
  std::int32_t min_bytes = 1;
  std::int32_t max_bytes = 10485760;
  protocol::IsolationLevel isolation_level = protocol::IsolationLevel::read_uncommitted;

  bool is_from_follower() const { return replica_id >= 0; }
  FetchIsolation isolation() const;
  static FetchParams from_request(const protocol::FetchRequest& request);
};

// One partition's read on the leader (Kafka's LogReadInfo / LogReadResult). The offsets are the
// leader's as they were BEFORE this fetch updated the follower's state.
struct LogReadResult {
  protocol::Error error = protocol::Error::NONE;
  std::string error_message;
  std::int64_t fetch_offset = 0;
  storage::Bytes records;
  std::optional<protocol::DivergingEpoch> diverging_epoch;
  std::int64_t high_watermark = protocol::invalid_offset;
  std::int64_t log_start_offset = protocol::invalid_offset;
  std::int64_t log_end_offset = protocol::invalid_offset;
  std::int64_t last_stable_offset = protocol::invalid_offset;
  bool high_watermark_increased = false;  // this follower fetch let the leader advance its HW

  // The answer for `tp` (from an rvalue, the records move into it).
  protocol::FetchResponsePartition to_response(const storage::TopicPartition& tp) const&;
  protocol::FetchResponsePartition to_response(const storage::TopicPartition& tp) &&;
};

// What a leader append did: the error as a value, or Kafka's LogAppendInfo.
struct LeaderAppendResult {
  protocol::Error error = protocol::Error::NONE;
  std::string error_message;
  storage::LogAppendInfo info;
  bool high_watermark_increased = false;
};

// DelayedProduce's question (checkEnoughReplicasReachOffset): is this offset committed, and with
// which outcome.
struct ReplicationCheck {
  bool done = false;  // the waiting request is answered now, with `error`
  protocol::Error error = protocol::Error::NONE;
  friend bool operator==(const ReplicationCheck&, const ReplicationCheck&) = default;
};

// DelayedFetch's look at a partition (Kafka's fetchOffsetSnapshot).
struct FetchOffsetSnapshot {
  protocol::Error error = protocol::Error::NONE;
  std::int64_t log_end_offset = protocol::invalid_offset;
  std::int64_t high_watermark = protocol::invalid_offset;
  std::int64_t last_stable_offset = protocol::invalid_offset;
};

// Why a follower cut its log (what the audit says destroyed the records above the cut).
enum class TruncationCause {
  high_watermark_on_becoming_follower,  // 0.10: ReplicaManager.makeFollowers truncates to the HW
  high_watermark_without_epochs,        // no leader epoch to ask about: to the HW
  leader_epoch_end_offset,              // 0.11+: the leader's OffsetsForLeaderEpoch answer
  diverging_epoch,                      // 2.7+ (3.7): a fetch answer with a diverging epoch
  leader_log_end_offset,                // the leader's log is shorter (after an unclean election)
  leader_log_start_offset,              // the leader deleted what we would fetch: start over
};
std::string_view describe(TruncationCause cause);

// One truncation of a follower's log that removed records.
struct LogTruncation {
  storage::TopicPartition topic_partition;
  std::int64_t truncated_from = 0;           // every offset >= this is gone from this replica
  std::int64_t previous_log_end_offset = 0;  // what it held before
  std::int32_t leader_epoch = -1;            // the epoch this replica follows
  std::int32_t leader_id = -1;
  TruncationCause cause = TruncationCause::leader_epoch_end_offset;
};

// What the controller's answer to an ISR change did.
enum class AlterPartitionOutcome {
  committed,  // the new ISR (and partition epoch) is in force
  ignored,    // stale answer (another epoch, no longer pending): still waiting
  reverted,   // refused for good (INELIGIBLE_REPLICA, OPERATION_NOT_ATTEMPTED): back to
              // the committed ISR, a new proposal may follow
  awaiting_leader_and_isr,  // FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, ...: pending until
                            // the controller's next LeaderAndIsr replaces the state
  retry,                    // any other error: the same proposal is queued again
};

class Partition {
 public:
  // `checkpointed_high_watermark` is what replication-offset-checkpoint held for this partition
  // (0 if none); the HW starts there, clamped to [log start, LEO].
  Partition(storage::TopicPartition topic_partition, std::int32_t local_broker_id,
            storage::Log& log, const ReplicationConfig& config,
            std::int64_t checkpointed_high_watermark = 0);
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  // --- identity and state -----------------------------------------------------------------
  const storage::TopicPartition& topic_partition() const { return topic_partition_; }
  std::int32_t local_broker_id() const { return local_broker_id_; }
  storage::Log& log() { return *log_; }
  const storage::Log& log() const { return *log_; }
  const ReplicationConfig& config() const { return config_; }
  ProtocolVersion protocol_version() const { return config_.protocol_version; }

  // The topic's min.insync.replicas (the broker default until set).
  std::int32_t min_insync_replicas() const { return min_insync_replicas_; }
  void set_min_insync_replicas(std::int32_t value);
  // min(min.insync.replicas, replication factor): what the HW freeze compares against.
  std::int32_t effective_min_isr() const;
  // The broker's say on whether a follower may be in the ISR: alive (ZooKeeper mode), not
  // fenced and not in controlled shutdown (KRaft). Every broker is eligible until set.
  void set_isr_eligibility(std::function<bool(std::int32_t broker_id)> is_eligible);
  bool is_replica_isr_eligible(std::int32_t broker_id) const;
  // This broker's epoch, sent with ISR changes (-1 until set).
  void set_local_broker_epoch(std::int64_t broker_epoch) { local_broker_epoch_ = broker_epoch; }

  bool is_leader() const { return leader_replica_id_ == local_broker_id_; }
  std::optional<std::int32_t> leader_replica_id() const { return leader_replica_id_; }
  std::int32_t leader_epoch() const { return leader_epoch_; }
  std::int32_t partition_epoch() const { return partition_epoch_; }
  // The leader's LEO when its current epoch began (Kafka's leaderEpochStartOffsetOpt).
  std::optional<std::int64_t> leader_epoch_start_offset() const {
    return leader_epoch_start_offset_;
  }
  const std::vector<std::int32_t>& assignment() const { return assignment_; }
  // The committed ISR (empty on a follower: only the leader tracks it).
  const std::vector<std::int32_t>& isr() const { return isr_state_.isr; }
  const IsrState& isr_state() const { return isr_state_; }
  bool is_under_min_isr() const;

  std::int64_t high_watermark() const { return high_watermark_; }
  std::int64_t log_end_offset() const { return log_->log_end_offset(); }
  std::int64_t log_start_offset() const { return log_->log_start_offset(); }
  // Without transactions the last stable offset is the HW.
  std::int64_t last_stable_offset() const { return high_watermark_; }

  // The leader's view of a follower; nullptr for the local broker or a broker not assigned.
  const Replica* remote_replica(std::int32_t broker_id) const;
  std::vector<std::int32_t> remote_replica_ids() const;

  // --- the controller's decisions (partition.cpp) -------------------------------------------
  // Kafka's makeLeader. Ignored (false) if the state's partition epoch is older than ours. On a
  // new leader epoch: records the epoch start offset (the LEO; 2.1+ also in the epoch cache) and
  // resets every follower's state. Then re-evaluates the HW. Returns true if this broker was not
  // the leader before.
  bool make_leader(const protocol::LeaderAndIsrPartitionState& state, std::int64_t now_ms);
  // Kafka's makeFollower. Ignored (false) if the partition epoch is older. Returns true when the
  // fetcher must (re)start: on a new leader epoch (2.1+), or on a new leader (before). Under 0.10
  // the log is then truncated to the local HW.
  bool make_follower(const protocol::LeaderAndIsrPartitionState& state, std::int64_t now_ms);

  // --- leader: ISR (partition_isr.cpp) ---------------------------------------------------------
  // Kafka's maybeShrinkIsr (run every replica.lag.time.max.ms / 2): proposes removing every ISR
  // follower that is not caught up. Not while a change is in flight. True if it proposed.
  bool maybe_shrink_isr(std::int64_t now_ms);
  // The proposal not yet handed to the controller, if any (Kafka's AlterPartitionManager queue).
  std::optional<protocol::AlterPartitionRequestPartition> take_alter_partition_request();
  // A proposal waits to be handed to the controller (take_alter_partition_request has it).
  bool has_unsent_alter_partition_request() const {
    return alter_partition_unsent_ && inflight_alter_partition_.has_value();
  }
  // The proposal was sent but no answer came (or the whole request failed): queue it again.
  void requeue_alter_partition_request() {
    alter_partition_unsent_ = inflight_alter_partition_.has_value();
  }
  // The proposal in flight (sent or not).
  const std::optional<protocol::AlterPartitionRequestPartition>& inflight_alter_partition() const {
    return inflight_alter_partition_;
  }
  // The controller's answer to the proposal in flight.
  AlterPartitionOutcome handle_alter_partition_response(
      const protocol::AlterPartitionResponsePartition& response, std::int64_t now_ms);
  // Kafka's maybeIncrementLeaderHW: HW = the leader's LEO lowered to the LEO of every follower
  // in the maximal ISR and of every caught-up, eligible follower; only forward; (3.7) not at all
  // below min ISR. The methods above and below call it where Kafka does; it is public so the
  // caller may re-evaluate after changing eligibility. True if the HW moved.
  bool maybe_increment_leader_hw(std::int64_t now_ms);

  // --- leader: produce, fetch, epochs, offsets (partition_leader.cpp) ---------------------------
  // Kafka's appendRecordsToLeader: NOT_LEADER_OR_FOLLOWER unless leader; for acks=-1
  // NOT_ENOUGH_REPLICAS (nothing written) when the committed ISR is below min.insync.replicas;
  // storage refusals become their Kafka error (IoError: KAFKA_STORAGE_ERROR). Offsets are
  // assigned and the leader epoch stamped in `records` in place. The log checks the idempotent
  // producer's state as `origin` requires: INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER
  // (nothing written), or a duplicate answered NONE with the original batch's offsets
  // (`info.duplicate`, nothing written). Then the HW is re-evaluated (a leader alone in the ISR
  // commits at once). `required_acks` is not validated here.
  LeaderAppendResult append_records_to_leader(
      storage::MutableByteView records, std::int16_t required_acks, std::int64_t now_ms,
      storage::AppendOrigin origin = storage::AppendOrigin::client);
  // Kafka's checkEnoughReplicasReachOffset, for acks=-1 waiting on `required_offset` (last
  // offset + 1): not leader -> done, NOT_LEADER_OR_FOLLOWER; HW below it -> not yet; else done,
  // NONE if the maximal ISR holds min.insync.replicas, otherwise
  // NOT_ENOUGH_REPLICAS_AFTER_APPEND (written, but fewer copies than asked).
  ReplicationCheck check_enough_replicas_reach_offset(std::int64_t required_offset) const;

  // Kafka's fetchRecords. Checks the current leader epoch (FENCED_LEADER_EPOCH if older than
  // ours, UNKNOWN_LEADER_EPOCH if newer) and leadership, then reads: a follower up to the LEO, a
  // consumer below the HW. With a last fetched epoch (2.7+), a follower whose log diverges gets
  // a diverging epoch and no records. The offsets in the result are read before the follower's
  // state is updated (`update_fetch_state`: the first read of a request, not a re-read from
  // purgatory), which may expand the ISR and advance the HW.
  LogReadResult fetch_records(const FetchParams& params, const protocol::FetchPartition& fetch,
                              std::int64_t now_ms, std::size_t max_bytes, bool min_one_message,
                              bool update_fetch_state);
  FetchOffsetSnapshot fetch_offset_snapshot(std::int32_t current_leader_epoch) const;
  // Kafka's lastOffsetForLeaderEpoch: the end of `leader_epoch` in this log, answered by this
  // protocol version's rule (0.11: start of the next epoch; 2.0: with the largest epoch <= it;
  // 3.7: also an epoch older than the log's first). Fencing by `current_leader_epoch` (-1: none).
  protocol::EpochEndOffset last_offset_for_leader_epoch(std::int32_t current_leader_epoch,
                                                        std::int32_t leader_epoch,
                                                        bool fetch_only_from_leader) const;
  // ListOffsets on the leader: earliest (-2) = log start; latest (-1) = LEO for a follower, HW
  // for a consumer (3.7: OFFSET_NOT_AVAILABLE while a new leader's HW is below its epoch start).
  // Other timestamps are not modelled (INVALID_REQUEST).
  protocol::ListOffsetsPartitionResponse fetch_offset_for_timestamp(
      std::int64_t timestamp, bool from_consumer, std::int32_t current_leader_epoch) const;

  // --- follower (partition_follower.cpp) ------------------------------------------------------
  // Appends the leader's batches unchanged (Kafka's appendRecordsToFollowerOrFutureReplica).
  // Throws storage errors (the fetcher handles them).
  storage::LogAppendInfo append_records_to_follower(storage::ByteView records, std::int64_t now_ms);
  // The HW from a fetch response: clamped to [log start, LEO], so min(leader HW, LEO); may go
  // down. True if it changed.
  bool update_follower_high_watermark(std::int64_t leader_high_watermark);
  // The leader's log start offset (never beyond the local HW or LEO).
  void maybe_increment_log_start_offset(std::int64_t leader_log_start_offset);
  // Truncation (follower only): the log, its epoch cache, and the HW if it was above the new LEO.
  void truncate_to(std::int64_t offset, TruncationCause cause);
  void truncate_fully_and_start_at(std::int64_t offset, std::int64_t now_ms);
  // Where truncations that removed records are reported (none when unset).
  void set_truncation_sink(std::vector<LogTruncation>* sink) { truncation_sink_ = sink; }
  // Who is told of appends and HW advances (nobody when unset).
  void set_observer(ReplicaObserver* observer) { observer_ = observer; }

 private:
  // partition.cpp
  void update_assignment_and_isr(const std::vector<std::int32_t>& replicas, bool is_leader,
                                 std::vector<std::int32_t> isr);
  void clamp_high_watermark();
  // partition_isr.cpp
  void update_follower_fetch_state(Replica& replica, std::int64_t fetch_offset,
                                   std::int64_t follower_log_start_offset, std::int64_t now_ms,
                                   std::int64_t leader_end_offset, bool& hw_increased);
  void maybe_expand_isr(const Replica& replica);
  bool is_follower_in_sync(const Replica& replica) const;
  void submit_alter_partition(IsrState::Pending kind, std::vector<std::int32_t> proposed);
  // partition_leader.cpp
  protocol::Error check_current_leader_epoch(std::int32_t remote_leader_epoch) const;
  protocol::Error local_log_error(std::int32_t current_leader_epoch, bool require_leader) const;
  std::optional<storage::EpochEndOffset> end_offset_for_epoch(std::int32_t leader_epoch) const;

  storage::TopicPartition topic_partition_;
  std::int32_t local_broker_id_;
  storage::Log* log_;
  ReplicationConfig config_;
  std::int32_t min_insync_replicas_;
  std::function<bool(std::int32_t)> isr_eligibility_;
  std::int64_t local_broker_epoch_ = -1;

  std::optional<std::int32_t> leader_replica_id_;
  std::int32_t leader_epoch_ = -1;  // LeaderAndIsr.InitialLeaderEpoch - 1
  std::int32_t partition_epoch_ = 0;
  std::optional<std::int64_t> leader_epoch_start_offset_;
  std::vector<std::int32_t> assignment_;
  IsrState isr_state_;
  std::map<std::int32_t, Replica> remote_replicas_;  // the leader's followers, by broker id
  std::int64_t high_watermark_ = 0;
  std::vector<LogTruncation>* truncation_sink_ = nullptr;
  ReplicaObserver* observer_ = nullptr;

  std::optional<protocol::AlterPartitionRequestPartition> inflight_alter_partition_;
  bool alter_partition_unsent_ = false;
};

}  // namespace ksim::replication
