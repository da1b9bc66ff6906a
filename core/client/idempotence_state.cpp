#include "core/client/idempotence_state.h"

#include <algorithm>
#include <limits>

namespace ksim::client {

void IdempotenceState::set_producer_id_and_epoch(ProducerIdAndEpoch id) {
  producer_id_and_epoch_ = id;
}

IdempotenceState::PartitionEntry& IdempotenceState::entry(const storage::TopicPartition& tp) {
  return partitions_[tp];
}

const IdempotenceState::PartitionEntry* IdempotenceState::find(
    const storage::TopicPartition& tp) const {
  const auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : &it->second;
}

std::int32_t IdempotenceState::sequence_number(const storage::TopicPartition& tp) const {
  const auto* e = find(tp);
  return e == nullptr ? 0 : e->next_sequence;
}

void IdempotenceState::increment_sequence_number(const storage::TopicPartition& tp,
                                                 std::int32_t increment) {
  auto& e = entry(tp);
  e.next_sequence = increment_sequence(e.next_sequence, increment);
}

std::optional<std::int32_t> IdempotenceState::last_acked_sequence(
    const storage::TopicPartition& tp) const {
  const auto* e = find(tp);
  return e == nullptr ? std::nullopt : e->last_acked_sequence;
}

bool IdempotenceState::is_next_sequence(const storage::TopicPartition& tp,
                                        std::int32_t sequence) const {
  const std::int32_t last = last_acked_sequence(tp).value_or(-1);
  return (last < 0 ? 0 : increment_sequence(last, 1)) == sequence;
}

void IdempotenceState::add_in_flight_batch(ProducerBatch& batch) {
  auto& in_flight = entry(batch.topic_partition).in_flight;
  if (std::find(in_flight.begin(), in_flight.end(), &batch) != in_flight.end()) return;
  const auto at = std::find_if(in_flight.begin(), in_flight.end(), [&](const ProducerBatch* b) {
    return b->base_sequence > batch.base_sequence;
  });
  in_flight.insert(at, &batch);
}

void IdempotenceState::remove_in_flight_batch(const ProducerBatch& batch) {
  const auto it = partitions_.find(batch.topic_partition);
  if (it == partitions_.end()) return;
  auto& in_flight = it->second.in_flight;
  in_flight.erase(std::remove(in_flight.begin(), in_flight.end(), &batch), in_flight.end());
}

bool IdempotenceState::has_in_flight_batches(const storage::TopicPartition& tp) const {
  return in_flight_batch_count(tp) > 0;
}

std::size_t IdempotenceState::in_flight_batch_count(const storage::TopicPartition& tp) const {
  const auto* e = find(tp);
  return e == nullptr ? 0 : e->in_flight.size();
}

std::int32_t IdempotenceState::first_in_flight_sequence(const storage::TopicPartition& tp) const {
  const auto* e = find(tp);
  if (e == nullptr || e->in_flight.empty()) return storage::kNoSequence;
  return e->in_flight.front()->base_sequence;
}

bool IdempotenceState::has_stale_producer_id_and_epoch(const storage::TopicPartition& tp) const {
  const auto* e = find(tp);
  return e == nullptr || e->producer_id_and_epoch != producer_id_and_epoch_;
}

void IdempotenceState::maybe_update_producer_id_and_epoch(const storage::TopicPartition& tp) {
  if (has_stale_producer_id_and_epoch(tp) && !has_in_flight_batches(tp)) {
    start_sequences_at_beginning(tp);
  }
}

void IdempotenceState::start_sequences_at_beginning(const storage::TopicPartition& tp) {
  auto& e = entry(tp);
  std::int32_t sequence = 0;
  for (ProducerBatch* batch : e.in_flight) {
    batch->producer_id = producer_id_and_epoch_.producer_id;
    batch->producer_epoch = producer_id_and_epoch_.epoch;
    batch->base_sequence = sequence;
    batch->sequence_has_been_reset = true;
    sequence = increment_sequence(sequence, batch->record_count());
  }
  e.producer_id_and_epoch = producer_id_and_epoch_;
  e.next_sequence = sequence;
  e.last_acked_sequence.reset();
  e.last_acked_offset = -1;
}

bool IdempotenceState::has_unresolved_sequence(const storage::TopicPartition& tp) const {
  return unresolved_sequences_.contains(tp);
}

void IdempotenceState::mark_sequence_unresolved(const ProducerBatch& batch) {
  if (!batch.has_sequence()) return;
  unresolved_sequences_[batch.topic_partition] =
      increment_sequence(batch.base_sequence, batch.record_count());
}

bool IdempotenceState::should_stop_drain(const ProducerBatch& first) const {
  const auto& tp = first.topic_partition;
  if (!producer_id_and_epoch_.is_valid()) return true;  // no producer id yet
  if (!first.has_sequence()) {
    // A new batch under a new epoch (sequence 0) must not overtake the old epoch's batches.
    if (has_in_flight_batches(tp) && has_stale_producer_id_and_epoch(tp)) return true;
    // Earlier sequences' fate is unknown: wait until it is resolved.
    if (has_unresolved_sequence(tp)) return true;
    // At most 5 batches of a partition in flight (the broker keeps the last 5 per producer).
    if (in_flight_batch_count(tp) >= 5) return true;
  }
  const std::int32_t first_in_flight = first_in_flight_sequence(tp);
  // A retried batch goes only when it is the oldest unfinished one of its partition.
  return first_in_flight != storage::kNoSequence && first.has_sequence() &&
         first.base_sequence != first_in_flight;
}

void IdempotenceState::handle_completed_batch(const ProducerBatch& batch,
                                              std::int64_t last_offset) {
  auto& e = entry(batch.topic_partition);
  remove_in_flight_batch(batch);
  if (batch.sent_base_sequence == storage::kNoSequence) return;
  const bool current = e.producer_id_and_epoch.producer_id == batch.sent_producer_id &&
                       e.producer_id_and_epoch.epoch == batch.sent_producer_epoch;
  if (current) {
    const std::int32_t last =
        increment_sequence(batch.sent_base_sequence, batch.record_count() - 1);
    if (!e.last_acked_sequence.has_value() || last > *e.last_acked_sequence) {
      e.last_acked_sequence = last;
    }
    e.last_acked_offset = std::max(e.last_acked_offset, last_offset);
  } else if (!e.in_flight.empty()) {
    // Written under the epoch before a bump that renumbered it with the batches still out:
    // their new numbering counts this batch, so renumber them once more.
    request_epoch_bump_for_partition(batch.topic_partition);
  }
}

void IdempotenceState::handle_failed_batch(const ProducerBatch& batch, protocol::Error error,
                                           bool adjust_sequence_numbers) {
  remove_in_flight_batch(batch);
  if (!batch.has_sequence()) return;
  if (error == protocol::Error::OUT_OF_ORDER_SEQUENCE_NUMBER || adjust_sequence_numbers) {
    request_epoch_bump_for_partition(batch.topic_partition);
  }
}

bool IdempotenceState::can_retry(protocol::Error error, std::int64_t log_start_offset,
                                 const ProducerBatch& batch) {
  const auto& tp = batch.topic_partition;
  if (error == protocol::Error::UNKNOWN_PRODUCER_ID) {
    // The broker lost this producer's state (e.g. retention removed its batches).
    if (log_start_offset == -1) return true;         // retry until the answer says more
    if (batch.sequence_has_been_reset) return true;  // already renumbered by a bump
    request_epoch_bump_for_partition(tp);            // bump, renumber from 0, retry
    return true;
  }
  if (error == protocol::Error::OUT_OF_ORDER_SEQUENCE_NUMBER) {
    if (!has_unresolved_sequence(tp) &&
        (batch.sequence_has_been_reset || !is_next_sequence(tp, batch.base_sequence))) {
      // Not the next batch: an earlier one failed and this one is just out of turn.
      return true;
    }
    // A real gap (or the batch right after an unresolved one): bump the epoch and retry.
    const auto unresolved = unresolved_sequences_.find(tp);
    if (unresolved == unresolved_sequences_.end() || unresolved->second == batch.base_sequence) {
      request_epoch_bump_for_partition(tp);
    }
    return true;
  }
  return protocol::is_retriable(error);
}

void IdempotenceState::request_epoch_bump_for_partition(const storage::TopicPartition& tp) {
  epoch_bump_required_ = true;
  partitions_to_rewrite_sequences_.insert(tp);
}

void IdempotenceState::maybe_resolve_sequences() {
  for (auto it = unresolved_sequences_.begin(); it != unresolved_sequences_.end();) {
    const auto& tp = it->first;
    if (has_in_flight_batches(tp)) {
      ++it;
      continue;
    }
    // Everything drained: resolved if the last acknowledged sequence is the one before the next.
    if (!is_next_sequence(tp, sequence_number(tp))) request_epoch_bump_for_partition(tp);
    it = unresolved_sequences_.erase(it);
  }
}

void IdempotenceState::reset_idempotent_producer_id() {
  producer_id_and_epoch_ = ProducerIdAndEpoch{};
}

void IdempotenceState::bump_idempotent_epoch_and_reset_id_if_needed() {
  if (!epoch_bump_required_) return;
  if (producer_id_and_epoch_.epoch == std::numeric_limits<std::int16_t>::max()) {
    reset_idempotent_producer_id();  // InitProducerId again for a new id
  } else {
    producer_id_and_epoch_.epoch = static_cast<std::int16_t>(producer_id_and_epoch_.epoch + 1);
  }
  for (const auto& tp : partitions_to_rewrite_sequences_) {
    start_sequences_at_beginning(tp);
    unresolved_sequences_.erase(tp);
  }
  partitions_to_rewrite_sequences_.clear();
  epoch_bump_required_ = false;
}

}  // namespace ksim::client
