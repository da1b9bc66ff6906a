// The idempotent producer's bookkeeping (the part of Kafka's TransactionManager a
// non-transactional producer uses): the producer id and epoch from InitProducerId, and per
// partition the next sequence to assign, the last acknowledged sequence, the batches drained but
// not yet completed (in sequence order), and sequences left unresolved by batches that expired
// after being sent. Kafka 3.x (KIP-360) rules: OUT_OF_ORDER_SEQUENCE_NUMBER and
// UNKNOWN_PRODUCER_ID are retried, and when they show a real gap the idempotent producer bumps
// its epoch locally and renumbers the partition's in-flight batches from sequence 0.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/client/producer_batch.h"
#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

struct ProducerIdAndEpoch {
  std::int64_t producer_id = storage::kNoProducerId;
  std::int16_t epoch = storage::kNoProducerEpoch;
  bool is_valid() const { return producer_id >= 0; }
  friend bool operator==(const ProducerIdAndEpoch&, const ProducerIdAndEpoch&) = default;
};

class IdempotenceState {
 public:
  const ProducerIdAndEpoch& producer_id_and_epoch() const { return producer_id_and_epoch_; }
  bool has_producer_id() const { return producer_id_and_epoch_.is_valid(); }
  void set_producer_id_and_epoch(ProducerIdAndEpoch id);

  // Per-partition sequences.
  std::int32_t sequence_number(const storage::TopicPartition& tp) const;
  void increment_sequence_number(const storage::TopicPartition& tp, std::int32_t increment);
  std::optional<std::int32_t> last_acked_sequence(const storage::TopicPartition& tp) const;
  bool is_next_sequence(const storage::TopicPartition& tp, std::int32_t sequence) const;

  // Batches drained and not yet completed (re-enqueued ones included), by sequence.
  void add_in_flight_batch(ProducerBatch& batch);
  void remove_in_flight_batch(const ProducerBatch& batch);
  bool has_in_flight_batches(const storage::TopicPartition& tp) const;
  std::size_t in_flight_batch_count(const storage::TopicPartition& tp) const;
  std::int32_t first_in_flight_sequence(const storage::TopicPartition& tp) const;

  // The partition's batches were sent under an older producer id or epoch.
  bool has_stale_producer_id_and_epoch(const storage::TopicPartition& tp) const;
  // Before a new batch is numbered: a stale partition with nothing in flight restarts at 0.
  void maybe_update_producer_id_and_epoch(const storage::TopicPartition& tp);

  bool has_unresolved_sequence(const storage::TopicPartition& tp) const;
  void mark_sequence_unresolved(const ProducerBatch& batch);

  // RecordAccumulator.shouldStopDrainBatchesForPartition: whether `first` (the head of its
  // partition's queue) must wait.
  bool should_stop_drain(const ProducerBatch& first) const;

  // Answers.
  void handle_completed_batch(const ProducerBatch& batch, std::int64_t last_offset);
  // A batch given up on. adjust_sequence_numbers: its retries were not exhausted, so the broker
  // cannot have its sequence and the partition's later sequences must be rewritten.
  void handle_failed_batch(const ProducerBatch& batch, protocol::Error error,
                           bool adjust_sequence_numbers);
  // TransactionManager.canRetry for an idempotent producer.
  bool can_retry(protocol::Error error, std::int64_t log_start_offset, const ProducerBatch& batch);

  void request_epoch_bump_for_partition(const storage::TopicPartition& tp);
  bool epoch_bump_required() const { return epoch_bump_required_; }
  // Partitions whose sent sequences were never resolved and that now have nothing in flight:
  // resolved if the last acknowledged sequence caught up, else the epoch must be bumped.
  void maybe_resolve_sequences();
  // If a bump was requested: epoch + 1 (or a new producer id when the epoch is exhausted) and
  // the in-flight batches of the partitions that asked renumbered from 0.
  void bump_idempotent_epoch_and_reset_id_if_needed();

 private:
  struct PartitionEntry {
    ProducerIdAndEpoch producer_id_and_epoch;
    std::int32_t next_sequence = 0;
    std::optional<std::int32_t> last_acked_sequence;
    std::int64_t last_acked_offset = -1;
    std::vector<ProducerBatch*> in_flight;  // by base sequence
  };
  PartitionEntry& entry(const storage::TopicPartition& tp);
  const PartitionEntry* find(const storage::TopicPartition& tp) const;
  void start_sequences_at_beginning(const storage::TopicPartition& tp);
  void reset_idempotent_producer_id();

  ProducerIdAndEpoch producer_id_and_epoch_;
  std::map<storage::TopicPartition, PartitionEntry> partitions_;
  std::map<storage::TopicPartition, std::int32_t> unresolved_sequences_;  // tp -> next expected
  std::set<storage::TopicPartition> partitions_to_rewrite_sequences_;
  bool epoch_bump_required_ = false;
};

}  // namespace ksim::client
