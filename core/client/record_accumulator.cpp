#include "core/client/record_accumulator.h"

#include <algorithm>
#include <stdexcept>

namespace ksim::client {

RecordAccumulator::RecordAccumulator(const ProducerConfig& config)
    : batch_size_(config.batch_size),
      linger_ms_(config.linger_ms),
      retry_backoff_ms_(config.retry_backoff_ms),
      max_request_size_(config.max_request_size),
      delivery_timeout_ms_(config.effective_delivery_timeout_ms()) {}

RecordAccumulator::AppendResult RecordAccumulator::append(const storage::TopicPartition& tp,
                                                          PendingRecord record,
                                                          std::int64_t now_ms) {
  auto& queue = queues_[tp];
  if (!queue.empty()) {
    ProducerBatch& last = *queue.back();
    const std::size_t with = last.size_with(record);
    // A batch takes records while they fit in batch.size (its first record always fits).
    if (!last.closed && with <= static_cast<std::size_t>(batch_size_)) {
      const std::size_t before = last.size_in_bytes;
      last.append(std::move(record));
      return {last.id, last.size_in_bytes - before, false};
    }
  }
  const std::uint64_t id = next_batch_id_++;
  ProducerBatch& batch = incomplete_[id];
  batch.id = id;
  batch.topic_partition = tp;
  batch.created_ms = now_ms;
  batch.append(std::move(record));
  queue.push_back(&batch);
  return {id, batch.size_in_bytes, true};
}

bool RecordAccumulator::is_full(const std::deque<ProducerBatch*>& queue) const {
  return queue.size() > 1 || queue.front()->size_in_bytes >= static_cast<std::size_t>(batch_size_);
}

RecordAccumulator::ReadyCheckResult RecordAccumulator::ready(
    const ProducerMetadata& metadata, std::int64_t now_ms,
    const std::function<bool(std::int32_t)>& node_can_send,
    const IdempotenceState* idempotence) const {
  ReadyCheckResult result;
  for (const auto& [tp, queue] : queues_) {
    if (queue.empty()) continue;
    const auto leader = metadata.leader(tp);
    if (!leader.has_value()) {
      result.unknown_leader_topics.insert(tp.topic);
      continue;
    }
    if (result.ready_nodes.contains(*leader) || muted_.contains(tp)) continue;
    if (!node_can_send(*leader)) continue;
    const ProducerBatch& first = *queue.front();
    if (idempotence != nullptr && idempotence->should_stop_drain(first)) continue;
    const std::int64_t waited = first.waited_time_ms(now_ms);
    const bool backing_off = first.retries > 0 && waited < retry_backoff_ms_;
    const std::int64_t time_to_wait = first.retries > 0 ? retry_backoff_ms_ : linger_ms_;
    const bool sendable = is_full(queue) || waited >= time_to_wait || flushing_ || closing_;
    if (sendable && !backing_off) {
      result.ready_nodes.insert(*leader);
    } else {
      const std::int64_t at = now_ms + std::max<std::int64_t>(time_to_wait - waited, 0);
      if (!result.next_ready_check_ms.has_value() || at < *result.next_ready_check_ms) {
        result.next_ready_check_ms = at;
      }
    }
  }
  return result;
}

std::vector<ProducerBatch*> RecordAccumulator::drain(const ProducerMetadata& metadata,
                                                     std::int32_t node,
                                                     IdempotenceState* idempotence,
                                                     std::int64_t now_ms) {
  std::vector<storage::TopicPartition> led;
  for (const auto& [tp, queue] : queues_) {
    if (!queue.empty() && metadata.leader(tp) == node) led.push_back(tp);
  }
  std::vector<ProducerBatch*> drained;
  if (led.empty()) return drained;
  std::size_t& drain_index = drain_index_[node];
  const std::size_t start = drain_index % led.size();
  std::size_t size = 0;
  for (std::size_t i = 0; i < led.size(); ++i) {
    const auto& tp = led[(start + i) % led.size()];
    drain_index = (start + i + 1) % led.size();  // the next request starts after this one
    auto& queue = queues_[tp];
    if (muted_.contains(tp)) continue;
    ProducerBatch& first = *queue.front();
    const bool backing_off = first.retries > 0 && first.waited_time_ms(now_ms) < retry_backoff_ms_;
    if (backing_off) continue;
    // Stop at max.request.size (a single larger batch still goes alone).
    if (size + first.size_in_bytes > static_cast<std::size_t>(max_request_size_) &&
        !drained.empty()) {
      break;
    }
    if (idempotence != nullptr) {
      if (idempotence->should_stop_drain(first)) continue;
      if (!first.has_sequence()) {
        idempotence->maybe_update_producer_id_and_epoch(tp);
        const auto& id = idempotence->producer_id_and_epoch();
        first.producer_id = id.producer_id;
        first.producer_epoch = id.epoch;
        first.base_sequence = idempotence->sequence_number(tp);
        idempotence->increment_sequence_number(tp, first.record_count());
        idempotence->add_in_flight_batch(first);
      }
    }
    queue.pop_front();
    first.closed = true;
    size += first.size_in_bytes;
    drained.push_back(&first);
  }
  return drained;
}

void RecordAccumulator::reenqueue(ProducerBatch& batch, std::int64_t now_ms) {
  batch.retries += 1;
  batch.last_attempt_ms = now_ms;
  auto& queue = queues_[batch.topic_partition];
  if (!batch.has_sequence()) {
    queue.push_front(&batch);
    return;
  }
  // Kafka's insertInSequenceOrder: before the first batch with no or a larger sequence.
  const auto at = std::find_if(queue.begin(), queue.end(), [&](const ProducerBatch* b) {
    return !b->has_sequence() || b->base_sequence > batch.base_sequence;
  });
  queue.insert(at, &batch);
}

std::vector<ProducerBatch*> RecordAccumulator::expired_batches(std::int64_t now_ms) {
  std::vector<ProducerBatch*> expired;
  for (auto& [tp, queue] : queues_) {
    while (!queue.empty() &&
           queue.front()->has_reached_delivery_timeout(delivery_timeout_ms_, now_ms)) {
      expired.push_back(queue.front());
      queue.pop_front();
    }
  }
  return expired;
}

ProducerBatch* RecordAccumulator::find(std::uint64_t batch_id) {
  const auto it = incomplete_.find(batch_id);
  return it == incomplete_.end() ? nullptr : &it->second;
}

void RecordAccumulator::remove_from_queue(const ProducerBatch& batch) {
  const auto it = queues_.find(batch.topic_partition);
  if (it == queues_.end()) return;
  auto& queue = it->second;
  queue.erase(std::remove(queue.begin(), queue.end(), &batch), queue.end());
}

void RecordAccumulator::deallocate(std::uint64_t batch_id) {
  const auto it = incomplete_.find(batch_id);
  if (it == incomplete_.end()) return;
  remove_from_queue(it->second);  // defensive: a completed batch is never queued
  incomplete_.erase(it);
}

std::size_t RecordAccumulator::queued_batch_count() const {
  std::size_t count = 0;
  for (const auto& [tp, queue] : queues_) count += queue.size();
  return count;
}

std::set<std::string> RecordAccumulator::topics_with_unknown_leaders(
    const ProducerMetadata& metadata) const {
  std::set<std::string> topics;
  for (const auto& [tp, queue] : queues_) {
    if (!queue.empty() && !metadata.leader(tp).has_value()) topics.insert(tp.topic);
  }
  return topics;
}

}  // namespace ksim::client
