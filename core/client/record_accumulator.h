// RecordAccumulator: the producer's per-partition queues of batches (Kafka's RecordAccumulator).
// Records are appended to the last open batch of their partition; a partition is ready to send
// when its first batch is full (batch.size), has waited linger.ms, the producer is flushing or
// closing, or a retry's backoff is over. Draining takes, for one leader broker, at most one batch
// from each partition it leads, up to max.request.size: that becomes one ProduceRequest.
// The accumulator owns every incomplete batch, queued or in flight, until it is deallocated.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/client/idempotence_state.h"
#include "core/client/producer_batch.h"
#include "core/client/producer_config.h"
#include "core/client/producer_metadata.h"

namespace ksim::client {

class RecordAccumulator {
 public:
  explicit RecordAccumulator(const ProducerConfig& config);
  // Queues point into the batches it owns: movable (map nodes stay put), not copyable.
  RecordAccumulator(const RecordAccumulator&) = delete;
  RecordAccumulator& operator=(const RecordAccumulator&) = delete;
  RecordAccumulator(RecordAccumulator&&) = default;
  RecordAccumulator& operator=(RecordAccumulator&&) = default;

  struct AppendResult {
    std::uint64_t batch_id = 0;
    std::size_t appended_bytes = 0;
    bool new_batch = false;
  };
  AppendResult append(const storage::TopicPartition& tp, PendingRecord record, std::int64_t now_ms);

  struct ReadyCheckResult {
    std::set<std::int32_t> ready_nodes;
    // The earliest time a partition that is not ready yet may become ready by waiting.
    std::optional<std::int64_t> next_ready_check_ms;
    std::set<std::string> unknown_leader_topics;
  };
  // `node_can_send`: whether a request to that broker may go now (max.in.flight). Partitions
  // whose first batch the idempotence rules hold back do not make their leader ready.
  ReadyCheckResult ready(const ProducerMetadata& metadata, std::int64_t now_ms,
                         const std::function<bool(std::int32_t)>& node_can_send,
                         const IdempotenceState* idempotence) const;

  // The batches for one request to `node`; numbers new batches when idempotent.
  std::vector<ProducerBatch*> drain(const ProducerMetadata& metadata, std::int32_t node,
                                    IdempotenceState* idempotence, std::int64_t now_ms);

  // A batch to retry goes back to the front of its queue (in sequence order when idempotent).
  void reenqueue(ProducerBatch& batch, std::int64_t now_ms);

  // Queued (not in flight) batches that reached delivery.timeout.ms, taken out of their queues.
  std::vector<ProducerBatch*> expired_batches(std::int64_t now_ms);

  // Every incomplete batch, queued or in flight, by id (creation order).
  std::map<std::uint64_t, ProducerBatch>& incomplete() { return incomplete_; }
  const std::map<std::uint64_t, ProducerBatch>& incomplete() const { return incomplete_; }
  ProducerBatch* find(std::uint64_t batch_id);
  // Forgets a completed batch (it must not be queued).
  void deallocate(std::uint64_t batch_id);
  // Takes a batch out of its queue (force close).
  void remove_from_queue(const ProducerBatch& batch);

  // max.in.flight.requests.per.connection = 1: a partition with a batch in flight is muted.
  void mute_partition(const storage::TopicPartition& tp) { muted_.insert(tp); }
  void unmute_partition(const storage::TopicPartition& tp) { muted_.erase(tp); }

  // While flushing or closing, every batch is ready regardless of linger.ms.
  void set_flushing(bool flushing) { flushing_ = flushing; }
  void set_closing(bool closing) { closing_ = closing; }

  std::size_t queued_batch_count() const;
  // Topics with queued batches for a partition that has no known leader.
  std::set<std::string> topics_with_unknown_leaders(const ProducerMetadata& metadata) const;
  std::int64_t delivery_timeout_ms() const { return delivery_timeout_ms_; }

 private:
  bool is_full(const std::deque<ProducerBatch*>& queue) const;

  std::int32_t batch_size_;
  std::int64_t linger_ms_;
  std::int64_t retry_backoff_ms_;
  std::int32_t max_request_size_;
  std::int64_t delivery_timeout_ms_;
  std::map<storage::TopicPartition, std::deque<ProducerBatch*>> queues_;
  std::map<std::uint64_t, ProducerBatch> incomplete_;
  std::map<std::int32_t, std::size_t> drain_index_;
  std::set<storage::TopicPartition> muted_;
  bool flushing_ = false;
  bool closing_ = false;
  std::uint64_t next_batch_id_ = 1;
};

}  // namespace ksim::client
