#include "core/replication/replica_fetcher.h"

#include <algorithm>
#include <stdexcept>

#include "core/replication/truncation.h"
#include "core/storage/errors.h"

namespace ksim::replication {

std::string_view fetch_state_name(FetchStateKind kind) {
  switch (kind) {
    case FetchStateKind::truncating: return "Truncating";
    case FetchStateKind::fetching: return "Fetching";
    case FetchStateKind::fetching_leader_end_offset: return "FetchingLeaderEndOffset";
    case FetchStateKind::fetching_leader_start_offset: return "FetchingLeaderStartOffset";
  }
  return "?";
}

ReplicaFetcher::ReplicaFetcher(std::int32_t broker_id, std::int32_t leader_id,
                               const ReplicationConfig& config)
    : broker_id_(broker_id), leader_id_(leader_id), config_(config) {}

void ReplicaFetcher::add_partition(Partition& partition, std::int32_t current_leader_epoch) {
  const ProtocolVersion version = config_.protocol_version;
  const auto latest_epoch = partition.log().leader_epoch_cache().latest_epoch();
  PartitionFetchState state;
  state.current_leader_epoch = current_leader_epoch;
  if (truncates_on_fetch(version) && latest_epoch) {
    state.fetch_offset = partition.log_end_offset();
    state.state = FetchStateKind::fetching;
    state.last_fetched_epoch = latest_epoch;
  } else if (truncates_to_high_watermark(version)) {
    state.fetch_offset = partition.log_end_offset();
    state.state = FetchStateKind::fetching;
  } else {
    state.fetch_offset = partition.high_watermark();
    state.state = FetchStateKind::truncating;
  }
  failed_.erase(partition.topic_partition());
  partitions_.insert_or_assign(partition.topic_partition(), Entry{&partition, state});
}

void ReplicaFetcher::remove_partition(const storage::TopicPartition& tp) {
  partitions_.erase(tp);
  failed_.erase(tp);
}

std::vector<storage::TopicPartition> ReplicaFetcher::partitions() const {
  std::vector<storage::TopicPartition> tps;
  for (const auto& [tp, entry] : partitions_) tps.push_back(tp);
  return tps;
}

const PartitionFetchState* ReplicaFetcher::fetch_state(const storage::TopicPartition& tp) const {
  const Entry* entry = partitions_.find(tp);
  return entry == nullptr ? nullptr : &entry->state;
}

std::int32_t ReplicaFetcher::request_leader_epoch(const Entry& entry) const {
  return sends_current_leader_epoch(config_.protocol_version) ? entry.state.current_leader_epoch
                                                              : protocol::no_leader_epoch;
}

void ReplicaFetcher::delay(Entry& entry, std::int64_t now_ms) {
  entry.state.delayed_until_ms = now_ms + config_.replica_fetch_backoff_ms;
}

void ReplicaFetcher::mark_failed(const storage::TopicPartition& tp) {
  partitions_.erase(tp);
  failed_.insert(tp);
}

void ReplicaFetcher::reset_after_truncation(Entry& entry, bool completed) {
  // The fetch offset follows the log: a truncation inside a batch removes the whole batch.
  entry.state.fetch_offset = entry.partition->log_end_offset();
  entry.state.last_fetched_epoch = entry.partition->log().leader_epoch_cache().latest_epoch();
  entry.state.state = truncates_on_fetch(config_.protocol_version) || completed
                          ? FetchStateKind::fetching
                          : FetchStateKind::truncating;
}

// --- building requests --------------------------------------------------------------------------

void ReplicaFetcher::truncate_to_high_watermark(std::int64_t now_ms) {
  std::vector<storage::TopicPartition> failed;
  for (auto& [tp, entry] : partitions_) {
    if (entry.state.state != FetchStateKind::truncating || entry.state.is_delayed(now_ms)) continue;
    if (entry.partition->log().leader_epoch_cache().latest_epoch()) continue;
    // No epoch to ask about (an empty log, or one written before epochs): the HW it is.
    try {
      entry.partition->truncate_to(entry.state.fetch_offset,
                                    TruncationCause::high_watermark_without_epochs);
    } catch (const storage::IoError&) {
      failed.push_back(tp);
      continue;
    }
    reset_after_truncation(entry, true);
  }
  for (const storage::TopicPartition& tp : failed) mark_failed(tp);
}

std::optional<FetcherRequest> ReplicaFetcher::poll(std::int64_t now_ms) {
  if (in_flight_) return std::nullopt;
  truncate_to_high_watermark(now_ms);

  InFlight sent;
  protocol::OffsetForLeaderEpochRequest epochs;
  epochs.replica_id = broker_id_;
  for (const auto& [tp, entry] : partitions_) {
    if (entry.state.state != FetchStateKind::truncating || entry.state.is_delayed(now_ms)) continue;
    const auto latest_epoch = entry.partition->log().leader_epoch_cache().latest_epoch();
    epochs.partitions.push_back({tp, request_leader_epoch(entry), latest_epoch.value_or(-1)});
    sent.partitions.emplace_back(tp, Sent{entry.state.fetch_offset,
                                          entry.state.current_leader_epoch, entry.state.state});
  }
  if (!epochs.partitions.empty()) {
    sent.kind = RequestKind::offsets_for_leader_epoch;
    in_flight_ = std::move(sent);
    return epochs;
  }

  protocol::ListOffsetsRequest offsets;
  offsets.replica_id = broker_id_;
  for (const auto& [tp, entry] : partitions_) {
    const FetchStateKind kind = entry.state.state;
    if ((kind != FetchStateKind::fetching_leader_end_offset &&
         kind != FetchStateKind::fetching_leader_start_offset) ||
        entry.state.is_delayed(now_ms)) {
      continue;
    }
    offsets.partitions.push_back({tp, request_leader_epoch(entry),
                                  kind == FetchStateKind::fetching_leader_end_offset
                                      ? protocol::latest_timestamp
                                      : protocol::earliest_timestamp});
    sent.partitions.emplace_back(
        tp, Sent{entry.state.fetch_offset, entry.state.current_leader_epoch, kind});
  }
  if (!offsets.partitions.empty()) {
    sent.kind = RequestKind::list_offsets;
    in_flight_ = std::move(sent);
    return offsets;
  }

  protocol::FetchRequest fetch;
  fetch.replica_id = broker_id_;
  fetch.max_wait_ms = config_.replica_fetch_wait_max_ms;
  fetch.min_bytes = config_.replica_fetch_min_bytes;
  fetch.max_bytes = config_.replica_fetch_response_max_bytes;
  fetch.partitions.reserve(partitions_.size());
  sent.partitions.reserve(partitions_.size());
  for (const auto& [tp, entry] : partitions_) {
    if (!entry.state.is_ready_for_fetch(now_ms)) continue;
    protocol::FetchPartition partition;
    partition.topic_partition = tp;
    partition.current_leader_epoch = request_leader_epoch(entry);
    partition.fetch_offset = entry.state.fetch_offset;
    if (truncates_on_fetch(config_.protocol_version)) {
      partition.last_fetched_epoch = entry.state.last_fetched_epoch.value_or(-1);
    }
    partition.log_start_offset = entry.partition->log_start_offset();
    partition.partition_max_bytes = config_.replica_fetch_max_bytes;
    fetch.partitions.push_back(std::move(partition));
    sent.partitions.emplace_back(tp, Sent{entry.state.fetch_offset,
                                          entry.state.current_leader_epoch, entry.state.state});
  }
  if (fetch.partitions.empty()) return std::nullopt;
  sent.kind = RequestKind::fetch;
  in_flight_ = std::move(sent);
  return fetch;
}

std::optional<std::int64_t> ReplicaFetcher::next_poll_time_ms(std::int64_t now_ms) const {
  if (in_flight_) return std::nullopt;
  std::optional<std::int64_t> next;
  for (const auto& [tp, entry] : partitions_) {
    const std::int64_t at = entry.state.is_delayed(now_ms) ? *entry.state.delayed_until_ms : now_ms;
    if (!next || at < *next) next = at;
  }
  return next;
}

// --- answers ----------------------------------------------------------------------------------

const ReplicaFetcher::Sent* ReplicaFetcher::InFlight::find(
    const storage::TopicPartition& tp) const {
  const auto it = std::lower_bound(partitions.begin(), partitions.end(), tp,
                                   [](const auto& sent, const storage::TopicPartition& key) {
                                     return sent.first < key;
                                   });
  return it != partitions.end() && it->first == tp ? &it->second : nullptr;
}

ReplicaFetcher::Entry* ReplicaFetcher::matching_entry(const storage::TopicPartition& tp) {
  if (!in_flight_) return nullptr;
  const Sent* sent = in_flight_->find(tp);
  Entry* entry = partitions_.find(tp);
  if (sent == nullptr || entry == nullptr) return nullptr;
  const PartitionFetchState& state = entry->state;
  // Removed and re-added, truncated, or moved on meanwhile: the answer is stale.
  if (state.current_leader_epoch != sent->current_leader_epoch ||
      state.fetch_offset != sent->fetch_offset || state.state != sent->state) {
    return nullptr;
  }
  return entry;
}

void ReplicaFetcher::handle_response(const FetcherResponse& response, std::int64_t now_ms) {
  if (!in_flight_) throw std::invalid_argument("fetcher response with no request in flight");
  const RequestKind expected = in_flight_->kind;
  const bool matches =
      (expected == RequestKind::offsets_for_leader_epoch &&
       std::holds_alternative<protocol::OffsetForLeaderEpochResponse>(response)) ||
      (expected == RequestKind::list_offsets &&
       std::holds_alternative<protocol::ListOffsetsResponse>(response)) ||
      (expected == RequestKind::fetch && std::holds_alternative<protocol::FetchResponse>(response));
  if (!matches) {
    throw std::invalid_argument("fetcher response does not answer the request in flight to " +
                                std::to_string(leader_id_));
  }
  std::visit(
      [&](const auto& answer) {
        using T = std::decay_t<decltype(answer)>;
        if constexpr (std::is_same_v<T, protocol::OffsetForLeaderEpochResponse>) {
          handle_offsets_for_leader_epoch(answer, now_ms);
        } else if constexpr (std::is_same_v<T, protocol::ListOffsetsResponse>) {
          handle_list_offsets(answer, now_ms);
        } else {
          handle_fetch(answer, now_ms);
        }
      },
      response);
  in_flight_.reset();
}

void ReplicaFetcher::handle_failure(std::int64_t now_ms) {
  if (!in_flight_) return;
  for (const auto& [tp, sent] : in_flight_->partitions) {
    if (Entry* entry = matching_entry(tp)) delay(*entry, now_ms);
  }
  in_flight_.reset();
}

void ReplicaFetcher::on_partition_fenced(const storage::TopicPartition& tp,
                                         std::int32_t request_epoch, std::int64_t now_ms) {
  Entry& entry = partitions_.at(tp);
  if (request_epoch >= 0 && request_epoch == entry.state.current_leader_epoch) {
    // Our epoch is older than the leader's: wait for the controller's LeaderAndIsr.
    mark_failed(tp);
  } else {
    delay(entry, now_ms);
  }
}

void ReplicaFetcher::handle_partition_error(const storage::TopicPartition& tp,
                                            protocol::Error error, std::int32_t request_epoch,
                                            std::int64_t now_ms) {
  if (error == protocol::Error::FENCED_LEADER_EPOCH) {
    on_partition_fenced(tp, request_epoch, now_ms);
  } else {
    // NOT_LEADER_OR_FOLLOWER, UNKNOWN_LEADER_EPOCH (the leader has not heard of our epoch yet),
    // UNKNOWN_TOPIC_OR_PARTITION, KAFKA_STORAGE_ERROR, ...: retry after the backoff.
    delay(partitions_.at(tp), now_ms);
  }
}

void ReplicaFetcher::handle_offsets_for_leader_epoch(
    const protocol::OffsetForLeaderEpochResponse& response, std::int64_t now_ms) {
  for (const protocol::EpochEndOffset& answer : response.partitions) {
    Entry* entry = matching_entry(answer.topic_partition);
    if (entry == nullptr) continue;
    if (answer.error_code != protocol::Error::NONE) {
      handle_partition_error(answer.topic_partition, answer.error_code,
                             request_leader_epoch(*entry), now_ms);
      continue;
    }
    Partition& partition = *entry->partition;
    const OffsetTruncationState truncation = offset_truncation_state(
        config_.protocol_version, partition.log(), partition.high_watermark(),
        entry->state.fetch_offset, answer.leader_epoch, answer.end_offset);
    try {
      partition.truncate_to(truncation.offset, TruncationCause::leader_epoch_end_offset);
    } catch (const storage::IoError&) {
      mark_failed(answer.topic_partition);
      continue;
    }
    reset_after_truncation(*entry, truncation.truncation_completed);
  }
}

void ReplicaFetcher::handle_list_offsets(const protocol::ListOffsetsResponse& response,
                                         std::int64_t now_ms) {
  for (const protocol::ListOffsetsPartitionResponse& answer : response.partitions) {
    Entry* entry = matching_entry(answer.topic_partition);
    if (entry == nullptr) continue;
    if (answer.error_code != protocol::Error::NONE) {
      handle_partition_error(answer.topic_partition, answer.error_code,
                             request_leader_epoch(*entry), now_ms);
      continue;
    }
    Partition& partition = *entry->partition;
    const std::int64_t replica_end_offset = partition.log_end_offset();
    try {
      if (entry->state.state == FetchStateKind::fetching_leader_end_offset) {
        if (answer.offset < replica_end_offset) {
          // The leader's log is shorter (an unclean election): cut ours to its end. What lies
          // below may still differ; Kafka does not fix that either.
          partition.truncate_to(answer.offset, TruncationCause::leader_log_end_offset);
          reset_after_truncation(*entry, true);
        } else {
          // Behind the leader's log start, or a leader that grew meanwhile: ask for its start.
          entry->state.state = FetchStateKind::fetching_leader_start_offset;
        }
      } else {
        if (answer.offset > replica_end_offset) {
          // Retention on the leader deleted what we would fetch next: start over at its start.
          partition.truncate_fully_and_start_at(answer.offset, now_ms);
        }
        reset_after_truncation(*entry, true);
      }
    } catch (const storage::IoError&) {
      mark_failed(answer.topic_partition);
    }
  }
}

void ReplicaFetcher::handle_fetch(const protocol::FetchResponse& response, std::int64_t now_ms) {
  std::vector<std::pair<storage::TopicPartition, protocol::DivergingEpoch>> diverging;
  for (const protocol::FetchResponsePartition& data : response.partitions) {
    Entry* entry = matching_entry(data.topic_partition);
    if (entry == nullptr) continue;
    if (response.error_code != protocol::Error::NONE || data.error_code != protocol::Error::NONE) {
      const protocol::Error error =
          data.error_code != protocol::Error::NONE ? data.error_code : response.error_code;
      if (error == protocol::Error::OFFSET_OUT_OF_RANGE) {
        // Kafka's handleOutOfRangeError: ask the leader for its end (then maybe its start).
        entry->state.state = FetchStateKind::fetching_leader_end_offset;
      } else {
        handle_partition_error(data.topic_partition, error, request_leader_epoch(*entry), now_ms);
      }
      continue;
    }
    if (data.diverging_epoch && truncates_on_fetch(config_.protocol_version)) {
      // Truncate first; this response's records and HW are not applied (the next fetch brings
      // them).
      diverging.emplace_back(data.topic_partition, *data.diverging_epoch);
      continue;
    }
    try {
      process_partition_data(*entry, data, now_ms);
    } catch (const storage::RecordValidationError&) {
      delay(*entry, now_ms);  // invalid records: retry, a later fetch may be fine
    } catch (const storage::CorruptDataError&) {
      delay(*entry, now_ms);
    } catch (const std::exception&) {
      mark_failed(data.topic_partition);  // storage failure or offset mismatch
    }
  }
  for (const auto& [tp, epoch] : diverging) {
    Entry& entry = partitions_.at(tp);
    Partition& partition = *entry.partition;
    const OffsetTruncationState truncation = offset_truncation_state(
        config_.protocol_version, partition.log(), partition.high_watermark(),
        entry.state.fetch_offset, epoch.epoch, epoch.end_offset);
    try {
      partition.truncate_to(truncation.offset, TruncationCause::diverging_epoch);
    } catch (const storage::IoError&) {
      mark_failed(tp);
      continue;
    }
    reset_after_truncation(entry, truncation.truncation_completed);
  }
}

void ReplicaFetcher::process_partition_data(Entry& entry,
                                            const protocol::FetchResponsePartition& data,
                                            std::int64_t now_ms) {
  Partition& partition = *entry.partition;
  if (entry.state.fetch_offset != partition.log_end_offset()) {
    throw std::logic_error("Offset mismatch for partition " + data.topic_partition.to_string() +
                           ": fetched offset = " + std::to_string(entry.state.fetch_offset) +
                           ", log end offset = " + std::to_string(partition.log_end_offset()));
  }
  std::int64_t next_offset = entry.state.fetch_offset;
  if (!data.records.empty()) {
    const storage::LogAppendInfo info = partition.append_records_to_follower(data.records, now_ms);
    next_offset = info.last_offset + 1;
    entry.state.last_fetched_epoch = partition.log().leader_epoch_cache().latest_epoch();
  }
  // After the append: HW = min(leader's HW, our LEO).
  partition.update_follower_high_watermark(data.high_watermark);
  partition.maybe_increment_log_start_offset(data.log_start_offset);
  entry.state.fetch_offset = next_offset;
  entry.state.lag = std::max<std::int64_t>(0, data.high_watermark - next_offset);
  entry.state.delayed_until_ms.reset();
}

}  // namespace ksim::replication
