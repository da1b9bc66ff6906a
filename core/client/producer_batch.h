// ProducerBatch: the records of one partition that travel together in one record batch, with
// what the sender needs to know about it (Kafka's ProducerBatch): when it was created, how often
// it was sent, the producer id, epoch and base sequence it carries when idempotent, and whether
// an attempt may already have been appended (which turns a later failure into "indeterminate").
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/storage/bytes.h"
#include "core/storage/record_batch.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

// One record waiting in a batch, with the send it came from.
struct PendingRecord {
  std::uint64_t send_id = 0;
  std::int64_t send_time_ms = 0;  // also its CreateTime timestamp
  std::optional<storage::Bytes> key;
  std::optional<storage::Bytes> value;
  std::vector<storage::RecordHeader> headers;
};

// The bytes one record takes in a v2 batch at this offset and timestamp delta (Kafka's
// DefaultRecord.sizeInBytes).
std::size_t record_size_in_bytes(std::int32_t offset_delta, std::int64_t timestamp_delta,
                                 const PendingRecord& record);

// Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from INT32_MAX to 0.
std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment);

struct ProducerBatch {
  std::uint64_t id = 0;
  storage::TopicPartition topic_partition;
  std::int64_t created_ms = 0;
  std::vector<PendingRecord> records;
  std::size_t size_in_bytes = storage::kBatchHeaderSize;  // encoded size so far
  bool closed = false;  // drained at least once: takes no more records

  // Sending.
  std::int32_t attempts = 0;  // times sent
  std::int32_t retries = 0;   // times re-enqueued after a failed attempt (Kafka's attempts())
  std::int64_t last_attempt_ms = 0;
  bool in_flight = false;
  std::int32_t in_flight_correlation_id = -1;
  // Some attempt got an answer (or none) that leaves open whether the leader appended it.
  bool possibly_appended = false;

  // Idempotence (kNo* when not idempotent or not yet drained).
  std::int64_t producer_id = storage::kNoProducerId;
  std::int16_t producer_epoch = storage::kNoProducerEpoch;
  std::int32_t base_sequence = storage::kNoSequence;
  bool sequence_has_been_reset = false;  // renumbered by an epoch bump
  // What the last attempt carried on the wire (an epoch bump may renumber the batch while that
  // attempt is still out).
  std::int64_t sent_producer_id = storage::kNoProducerId;
  std::int16_t sent_producer_epoch = storage::kNoProducerEpoch;
  std::int32_t sent_base_sequence = storage::kNoSequence;

  std::int32_t record_count() const { return static_cast<std::int32_t>(records.size()); }
  bool has_sequence() const { return base_sequence != storage::kNoSequence; }
  std::int32_t last_sequence() const {
    return increment_sequence(base_sequence, record_count() - 1);
  }
  bool in_retry() const { return retries > 0; }
  // now - max(created, last attempt): how long it has waited since it was last touched.
  std::int64_t waited_time_ms(std::int64_t now_ms) const;
  bool has_reached_delivery_timeout(std::int64_t delivery_timeout_ms, std::int64_t now_ms) const {
    return now_ms >= created_ms + delivery_timeout_ms;
  }

  // The size the batch would have with `record` appended.
  std::size_t size_with(const PendingRecord& record) const;
  void append(PendingRecord record);

  // The record batch as it goes on the wire: base offset 0, CreateTime timestamps = the send
  // times, producer id/epoch/base sequence as assigned.
  storage::Bytes encode() const;
};

}  // namespace ksim::client
