// The idempotent producer's state in a partition log (Kafka's ProducerStateManager,
// ProducerStateEntry, ProducerAppendInfo and BatchMetadata, without transactions).
//
// Per producer id the log remembers the producer epoch and the metadata of its last 5 batches
// (last sequence, last offset, offset delta, timestamp). A leader append from a client is checked
// against it (UnifiedLog.analyzeAndValidateProducerState):
// - a batch equal to one of those 5 (same producer, epoch, first and last sequence) is a
//   duplicate: nothing is written, the answer carries the original offsets;
// - an epoch older than the producer's: INVALID_PRODUCER_EPOCH (since 2.7, KIP-588);
// - a new epoch must start at sequence 0, the same epoch at last sequence + 1 (0 after
//   INT32_MAX): else OUT_OF_ORDER_SEQUENCE_NUMBER;
// - a producer the log does not know is accepted at any sequence (since 2.5, KIP-360: the broker
//   no longer answers UNKNOWN_PRODUCER_ID; its batches may have gone with retention).
// Follower appends (origin replication) update the state without any check; appends by a
// coordinator check the epoch only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/record_batch.h"

namespace ksim::storage {

// ProducerStateEntry.NUM_BATCHES_TO_RETAIN: what a producer may have in flight
// (max.in.flight.requests.per.connection <= 5 with idempotence).
inline constexpr std::size_t kNumBatchesToRetain = 5;
// producer.id.expiration.ms and producer.id.expiration.check.interval.ms (Kafka's defaults).
inline constexpr std::int64_t kDefaultProducerIdExpirationMs = 86400000;
inline constexpr std::int64_t kDefaultProducerIdExpirationCheckIntervalMs = 600000;

// Who is appending (Kafka's AppendOrigin): how much of the producer state is checked.
enum class AppendOrigin {
  replication,  // a follower copying its leader: nothing checked
  coordinator,  // a group or transaction coordinator writing its own records: the epoch only
  client,       // a producer: duplicates, epoch and sequence
};

// DefaultRecordBatch.incrementSequence / decrementSequence: sequences wrap from INT32_MAX to 0.
std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment);
std::int32_t decrement_sequence(std::int32_t sequence, std::int32_t decrement);
// RecordBatch.lastSequence: base sequence + last offset delta (wrapping); -1 without a sequence.
std::int32_t last_sequence(const BatchHeader& batch);

// One appended batch of a producer (Kafka's BatchMetadata).
struct BatchMetadata {
  std::int32_t last_seq = kNoSequence;
  std::int64_t last_offset = -1;
  std::int32_t offset_delta = 0;
  std::int64_t timestamp = -1;  // the batch's max timestamp

  std::int32_t first_seq() const { return decrement_sequence(last_seq, offset_delta); }
  std::int64_t first_offset() const { return last_offset - offset_delta; }
  friend bool operator==(const BatchMetadata&, const BatchMetadata&) = default;
};

// What the log knows of one producer (Kafka's ProducerStateEntry).
class ProducerStateEntry {
 public:
  explicit ProducerStateEntry(std::int64_t producer_id,
                              std::int16_t producer_epoch = kNoProducerEpoch,
                              std::int64_t last_timestamp = -1)
      : producer_id_(producer_id),
        producer_epoch_(producer_epoch),
        last_timestamp_(last_timestamp) {}

  std::int64_t producer_id() const { return producer_id_; }
  std::int16_t producer_epoch() const { return producer_epoch_; }
  std::int64_t last_timestamp() const { return last_timestamp_; }
  // Oldest first, at most kNumBatchesToRetain, all of the current epoch.
  const std::deque<BatchMetadata>& batch_metadata() const { return batch_metadata_; }
  bool is_empty() const { return batch_metadata_.empty(); }
  std::int32_t first_seq() const;  // -1 when empty
  std::int32_t last_seq() const;
  std::int64_t first_data_offset() const;
  std::int64_t last_data_offset() const;

  // A batch of this producer was appended (epoch change first forgets the older batches).
  void add_batch(std::int16_t producer_epoch, std::int32_t last_seq, std::int64_t last_offset,
                 std::int32_t offset_delta, std::int64_t timestamp);
  // A new epoch forgets the batches of the old one. True if the epoch changed.
  bool maybe_update_producer_epoch(std::int16_t producer_epoch);
  // Takes in what an append accumulated (ProducerStateEntry.update).
  void update(const ProducerStateEntry& next);
  void set_last_timestamp(std::int64_t timestamp) { last_timestamp_ = timestamp; }
  // The retained batch with the same epoch and sequence range as `batch`, if any.
  std::optional<BatchMetadata> find_duplicate_batch(const BatchHeader& batch) const;

  friend bool operator==(const ProducerStateEntry&, const ProducerStateEntry&) = default;

 private:
  void add_batch_metadata(const BatchMetadata& batch);

  std::int64_t producer_id_;
  std::int16_t producer_epoch_;
  std::int64_t last_timestamp_;
  std::deque<BatchMetadata> batch_metadata_;
};

// A producer-state refusal of a leader append: INVALID_PRODUCER_EPOCH or
// OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka's InvalidProducerEpochException,
// OutOfOrderSequenceException). Nothing was appended.
class ProducerStateError : public RecordValidationError {
 public:
  using RecordValidationError::RecordValidationError;
};

// One producer's batches within one append, checked one after the other against the state
// before the append plus the batches before them (Kafka's ProducerAppendInfo).
class ProducerAppendInfo {
 public:
  ProducerAppendInfo(std::string topic_partition, std::int64_t producer_id,
                     ProducerStateEntry current_entry, AppendOrigin origin);
  std::int64_t producer_id() const { return producer_id_; }
  // Checks (as the origin requires) and records one batch whose offsets are assigned. Throws
  // ProducerStateError.
  void append(const BatchHeader& batch);
  const ProducerStateEntry& to_entry() const { return updated_entry_; }

 private:
  void check_producer_epoch(std::int16_t producer_epoch, std::int64_t offset) const;
  void check_sequence(std::int16_t producer_epoch, std::int32_t append_first_seq,
                      std::int64_t offset) const;

  std::string topic_partition_;
  std::int64_t producer_id_;
  ProducerStateEntry current_entry_;
  AppendOrigin origin_;
  ProducerStateEntry updated_entry_;
};

// What an append does to the producer state, decided before anything is written.
struct ProducerStateAnalysis {
  std::map<std::int64_t, ProducerAppendInfo> updated_producers;
  std::optional<BatchMetadata> duplicate;  // a client's retry: write nothing, answer this
};

// A partition's producers (Kafka's ProducerStateManager, in memory: see log.h for how it
// follows the log).
class ProducerStateManager {
 public:
  explicit ProducerStateManager(std::string topic_partition)
      : topic_partition_(std::move(topic_partition)) {}

  const std::string& topic_partition() const { return topic_partition_; }
  // By producer id.
  const std::map<std::int64_t, ProducerStateEntry>& active_producers() const { return producers_; }
  const ProducerStateEntry* last_entry(std::int64_t producer_id) const;
  bool is_empty() const { return producers_.empty(); }
  // The offset up to which the state reflects the log (exclusive).
  std::int64_t map_end_offset() const { return map_end_offset_; }
  void update_map_end_offset(std::int64_t offset) { map_end_offset_ = offset; }

  // Kafka's analyzeAndValidateProducerState for `batches` (offsets assigned): for a client, a
  // duplicate of a retained batch stops the analysis (`duplicate`); otherwise every batch with
  // a producer id is checked as `origin` requires. Throws ProducerStateError. Changes nothing.
  ProducerStateAnalysis analyze(const std::vector<BatchHeader>& batches, AppendOrigin origin) const;
  // The append was written: take its producers' new state in.
  void update(const ProducerStateAnalysis& analysis);
  // Replays batches already in the log (loading, rebuilding): as a follower append.
  void load_batch(const BatchHeader& batch);

  // Forgets every producer (truncate_fully_and_start_at, and before a rebuild).
  void truncate_fully_and_start_at(std::int64_t offset);
  // Replaces one producer's entry, or removes it (nullopt): a rebuild after truncation.
  void set_entry(std::int64_t producer_id, std::optional<ProducerStateEntry> entry);
  // Kafka's removeExpiredProducers: every producer whose last batch's timestamp is
  // `expiration_ms` or more before `now_ms`. Returns the ids removed.
  std::vector<std::int64_t> remove_expired_producers(std::int64_t now_ms,
                                                     std::int64_t expiration_ms);

 private:
  std::string topic_partition_;
  std::map<std::int64_t, ProducerStateEntry> producers_;
  std::int64_t map_end_offset_ = 0;
};

}  // namespace ksim::storage
