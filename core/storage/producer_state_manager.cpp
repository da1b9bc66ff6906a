#include "core/storage/producer_state_manager.h"

#include <fmt/format.h>

#include <limits>

namespace ksim::storage {

namespace {

constexpr std::int32_t kMaxSequence = std::numeric_limits<std::int32_t>::max();

// ProducerAppendInfo.inSequence.
bool in_sequence(std::int32_t last_seq, std::int32_t next_seq) {
  return static_cast<std::int64_t>(next_seq) == static_cast<std::int64_t>(last_seq) + 1 ||
         (next_seq == 0 && last_seq == kMaxSequence);
}

}  // namespace

std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment) {
  if (sequence > kMaxSequence - increment) return increment - (kMaxSequence - sequence) - 1;
  return sequence + increment;
}

std::int32_t decrement_sequence(std::int32_t sequence, std::int32_t decrement) {
  if (sequence < decrement) return kMaxSequence - (decrement - sequence) + 1;
  return sequence - decrement;
}

std::int32_t last_sequence(const BatchHeader& batch) {
  if (batch.base_sequence == kNoSequence) return kNoSequence;
  return increment_sequence(batch.base_sequence, batch.last_offset_delta);
}

// --- ProducerStateEntry ---------------------------------------------------------------------

std::int32_t ProducerStateEntry::first_seq() const {
  return is_empty() ? kNoSequence : batch_metadata_.front().first_seq();
}

std::int32_t ProducerStateEntry::last_seq() const {
  return is_empty() ? kNoSequence : batch_metadata_.back().last_seq;
}

std::int64_t ProducerStateEntry::first_data_offset() const {
  return is_empty() ? -1 : batch_metadata_.front().first_offset();
}

std::int64_t ProducerStateEntry::last_data_offset() const {
  return is_empty() ? -1 : batch_metadata_.back().last_offset;
}

void ProducerStateEntry::add_batch(std::int16_t producer_epoch, std::int32_t last_seq,
                                   std::int64_t last_offset, std::int32_t offset_delta,
                                   std::int64_t timestamp) {
  maybe_update_producer_epoch(producer_epoch);
  add_batch_metadata({last_seq, last_offset, offset_delta, timestamp});
  last_timestamp_ = timestamp;
}

bool ProducerStateEntry::maybe_update_producer_epoch(std::int16_t producer_epoch) {
  if (producer_epoch_ == producer_epoch) return false;
  batch_metadata_.clear();
  producer_epoch_ = producer_epoch;
  return true;
}

void ProducerStateEntry::add_batch_metadata(const BatchMetadata& batch) {
  if (batch_metadata_.size() == kNumBatchesToRetain) batch_metadata_.pop_front();
  batch_metadata_.push_back(batch);
}

void ProducerStateEntry::update(const ProducerStateEntry& next) {
  maybe_update_producer_epoch(next.producer_epoch_);
  last_timestamp_ = next.last_timestamp_;
  for (const BatchMetadata& batch : next.batch_metadata_) add_batch_metadata(batch);
}

std::optional<BatchMetadata> ProducerStateEntry::find_duplicate_batch(
    const BatchHeader& batch) const {
  if (batch.producer_epoch != producer_epoch_) return std::nullopt;
  const std::int32_t first = batch.base_sequence;
  const std::int32_t last = last_sequence(batch);
  for (const BatchMetadata& retained : batch_metadata_) {
    if (retained.first_seq() == first && retained.last_seq == last) return retained;
  }
  return std::nullopt;
}

// --- ProducerAppendInfo ---------------------------------------------------------------------

ProducerAppendInfo::ProducerAppendInfo(std::string topic_partition, std::int64_t producer_id,
                                       ProducerStateEntry current_entry, AppendOrigin origin)
    : topic_partition_(std::move(topic_partition)),
      producer_id_(producer_id),
      current_entry_(std::move(current_entry)),
      origin_(origin),
      // The epoch carries over; the batches of this append are collected apart.
      updated_entry_(producer_id, current_entry_.producer_epoch(),
                     current_entry_.last_timestamp()) {}

void ProducerAppendInfo::check_producer_epoch(std::int16_t producer_epoch,
                                              std::int64_t offset) const {
  if (producer_epoch >= updated_entry_.producer_epoch()) return;
  // A follower copies whatever its leader wrote (Kafka logs a warning).
  if (origin_ == AppendOrigin::replication) return;
  throw ProducerStateError(
      "INVALID_PRODUCER_EPOCH",
      fmt::format("Epoch of producer {} at offset {} in {} is {}, which is smaller than the last "
                  "seen epoch {}",
                  producer_id_, offset, topic_partition_, producer_epoch,
                  updated_entry_.producer_epoch()));
}

void ProducerAppendInfo::check_sequence(std::int16_t producer_epoch, std::int32_t append_first_seq,
                                        std::int64_t offset) const {
  if (producer_epoch != updated_entry_.producer_epoch()) {
    // A new epoch starts at 0; a producer never seen here may start anywhere.
    if (append_first_seq != 0 && updated_entry_.producer_epoch() != kNoProducerEpoch) {
      throw ProducerStateError(
          "OUT_OF_ORDER_SEQUENCE_NUMBER",
          fmt::format("Invalid sequence number for new epoch of producer {} at offset {} in "
                      "partition {}: {} (request epoch), {} (seq. number), {} (current producer "
                      "epoch)",
                      producer_id_, offset, topic_partition_, producer_epoch, append_first_seq,
                      updated_entry_.producer_epoch()));
    }
    return;
  }
  std::int32_t current_last_seq = kNoSequence;
  if (!updated_entry_.is_empty()) {
    current_last_seq = updated_entry_.last_seq();
  } else if (producer_epoch == current_entry_.producer_epoch()) {
    current_last_seq = current_entry_.last_seq();
  }
  // No epoch known (every batch of the producer gone with retention or DeleteRecords): any
  // sequence is accepted.
  if (current_entry_.producer_epoch() == kNoProducerEpoch ||
      in_sequence(current_last_seq, append_first_seq)) {
    return;
  }
  throw ProducerStateError(
      "OUT_OF_ORDER_SEQUENCE_NUMBER",
      fmt::format("Out of order sequence number for producer {} at offset {} in partition {}: {} "
                  "(incoming seq. number), {} (current end sequence number)",
                  producer_id_, offset, topic_partition_, append_first_seq, current_last_seq));
}

void ProducerAppendInfo::append(const BatchHeader& batch) {
  if (batch.is_control()) {
    // A transaction marker (transactions are not modelled): it only moves the epoch on.
    check_producer_epoch(batch.producer_epoch, batch.base_offset);
    updated_entry_.maybe_update_producer_epoch(batch.producer_epoch);
    updated_entry_.set_last_timestamp(batch.max_timestamp);
    return;
  }
  const std::int64_t first_offset = batch.base_offset;
  const std::int64_t last_offset = batch.last_offset();
  check_producer_epoch(batch.producer_epoch, first_offset);
  if (origin_ == AppendOrigin::client) {
    check_sequence(batch.producer_epoch, batch.base_sequence, first_offset);
  }
  updated_entry_.add_batch(batch.producer_epoch, last_sequence(batch), last_offset,
                           static_cast<std::int32_t>(last_offset - first_offset),
                           batch.max_timestamp);
}

// --- ProducerStateManager -------------------------------------------------------------------

const ProducerStateEntry* ProducerStateManager::last_entry(std::int64_t producer_id) const {
  const auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

ProducerStateAnalysis ProducerStateManager::analyze(const std::vector<BatchHeader>& batches,
                                                    AppendOrigin origin) const {
  ProducerStateAnalysis analysis;
  for (const BatchHeader& batch : batches) {
    if (batch.producer_id < 0) continue;
    const ProducerStateEntry* current = last_entry(batch.producer_id);
    if (origin == AppendOrigin::client && current != nullptr) {
      // A retry of one of the last 5 batches: the whole append is answered with it.
      if (auto duplicate = current->find_duplicate_batch(batch)) {
        analysis.duplicate = *duplicate;
        return analysis;
      }
    }
    auto it = analysis.updated_producers.find(batch.producer_id);
    if (it == analysis.updated_producers.end()) {
      it = analysis.updated_producers
               .try_emplace(batch.producer_id, topic_partition_, batch.producer_id,
                            current != nullptr ? *current : ProducerStateEntry(batch.producer_id),
                            origin)
               .first;
    }
    it->second.append(batch);
  }
  return analysis;
}

void ProducerStateManager::update(const ProducerStateAnalysis& analysis) {
  for (const auto& [producer_id, append] : analysis.updated_producers) {
    const ProducerStateEntry& updated = append.to_entry();
    const auto it = producers_.find(producer_id);
    if (it != producers_.end()) {
      it->second.update(updated);
    } else {
      producers_.emplace(producer_id, updated);
    }
  }
}

void ProducerStateManager::load_batch(const BatchHeader& batch) {
  if (batch.producer_id < 0) return;
  update(analyze({batch}, AppendOrigin::replication));
}

void ProducerStateManager::truncate_fully_and_start_at(std::int64_t offset) {
  producers_.clear();
  map_end_offset_ = offset;
}

void ProducerStateManager::set_entry(std::int64_t producer_id,
                                     std::optional<ProducerStateEntry> entry) {
  if (entry) {
    producers_.insert_or_assign(producer_id, std::move(*entry));
  } else {
    producers_.erase(producer_id);
  }
}

std::vector<std::int64_t> ProducerStateManager::remove_expired_producers(
    std::int64_t now_ms, std::int64_t expiration_ms) {
  std::vector<std::int64_t> removed;
  for (auto it = producers_.begin(); it != producers_.end();) {
    if (now_ms - it->second.last_timestamp() >= expiration_ms) {
      removed.push_back(it->first);
      it = producers_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

}  // namespace ksim::storage
