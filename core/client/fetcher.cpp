#include "core/client/fetcher.h"

#include <algorithm>
#include <string>

#include "core/storage/errors.h"
#include "core/storage/record_batch.h"

namespace ksim::client {

namespace {

std::optional<std::int32_t> maybe_epoch(std::int32_t epoch) {
  if (epoch < 0) return std::nullopt;
  return epoch;
}

std::string position_string(std::int64_t offset) {
  return "FetchPosition{offset=" + std::to_string(offset) + "}";
}

bool refreshes_metadata(protocol::Error error) {
  using protocol::Error;
  return error == Error::NOT_LEADER_OR_FOLLOWER || error == Error::REPLICA_NOT_AVAILABLE ||
         error == Error::KAFKA_STORAGE_ERROR || error == Error::FENCED_LEADER_EPOCH ||
         error == Error::OFFSET_NOT_AVAILABLE || error == Error::UNKNOWN_TOPIC_OR_PARTITION ||
         error == Error::LEADER_NOT_AVAILABLE;
}

}  // namespace

Fetcher::Fetcher(const ConsumerConfig& config, SubscriptionState& subscriptions,
                 ConsumerMetadata& metadata, ConsumerNetworkClient& client)
    : config_(config), subscriptions_(subscriptions), metadata_(metadata), client_(client) {}

bool Fetcher::has_buffered(const storage::TopicPartition& tp) const {
  return std::any_of(completed_fetches_.begin(), completed_fetches_.end(),
                     [&](const CompletedFetch& fetch) { return fetch.tp == tp; });
}

bool Fetcher::has_buffered_records() const {
  return std::any_of(
      completed_fetches_.begin(), completed_fetches_.end(),
      [](const CompletedFetch& fetch) { return fetch.next_index < fetch.records.size(); });
}

void Fetcher::send_fetches(std::int64_t now_ms) {
  std::set<std::int32_t> busy;
  for (const auto& [id, pending] : pending_fetches_) busy.insert(pending.broker);
  std::map<std::int32_t, protocol::FetchRequest> requests;
  std::map<std::int32_t, PendingFetch> sent;
  for (const auto& tp : subscriptions_.fetchable_partitions()) {
    const LeaderAndEpoch leader = metadata_.current_leader(tp);
    if (!leader.leader) {
      metadata_.request_update();
      continue;
    }
    const std::int32_t broker = *leader.leader;
    if (busy.count(broker) != 0 || client_.is_unavailable(broker, now_ms) || has_buffered(tp)) {
      continue;
    }
    auto [it, inserted] = requests.try_emplace(broker);
    if (inserted) {
      it->second.replica_id = protocol::consumer_replica_id;
      it->second.max_wait_ms = config_.fetch_max_wait_ms;
      it->second.min_bytes = config_.fetch_min_bytes;
      it->second.max_bytes = config_.fetch_max_bytes;
      it->second.isolation_level = config_.isolation_level;
    }
    const auto position = *subscriptions_.position(tp);
    protocol::FetchPartition partition;
    partition.topic_partition = tp;
    partition.current_leader_epoch = leader.epoch.value_or(protocol::no_leader_epoch);
    partition.fetch_offset = position.offset;
    partition.last_fetched_epoch = protocol::no_leader_epoch;  // consumers validate instead
    partition.log_start_offset = protocol::invalid_offset;
    partition.partition_max_bytes = config_.max_partition_fetch_bytes;
    it->second.partitions.push_back(partition);
    sent[broker].broker = broker;
    sent[broker].fetch_offsets[tp] = position.offset;
  }
  for (auto& [broker, request] : requests) {
    const std::int32_t id = client_.send(broker, std::move(request), now_ms);
    pending_fetches_.emplace(id, std::move(sent[broker]));
  }
}

void Fetcher::handle_fetch_response(std::int32_t correlation_id,
                                    const protocol::FetchResponse& response,
                                    std::int64_t /*now_ms*/) {
  auto pending = pending_fetches_.find(correlation_id);
  if (pending == pending_fetches_.end()) return;
  const auto fetch_offsets = std::move(pending->second.fetch_offsets);
  pending_fetches_.erase(pending);
  if (response.error_code != protocol::Error::NONE) {
    // A whole-request error (a fetch session error): nothing to keep; the next fetch retries.
    if (refreshes_metadata(response.error_code)) metadata_.request_update();
    return;
  }
  for (const auto& data : response.partitions) {
    auto asked = fetch_offsets.find(data.topic_partition);
    if (asked == fetch_offsets.end()) continue;  // not asked for: ignored
    handle_partition(data, asked->second);
  }
}

void Fetcher::handle_fetch_failure(std::int32_t correlation_id, std::int64_t /*now_ms*/) {
  if (pending_fetches_.erase(correlation_id) != 0) metadata_.request_update();
}

void Fetcher::handle_partition(const protocol::FetchResponsePartition& data,
                               std::int64_t fetch_offset) {
  const auto& tp = data.topic_partition;
  // Kafka's initializeCompletedFetch: an answer for a position that has since moved (a seek, a
  // rebalance) is dropped.
  const auto position = subscriptions_.position(tp);
  if (!subscriptions_.is_fetchable(tp) || !position || position->offset != fetch_offset) return;
  if (data.error_code != protocol::Error::NONE) {
    handle_partition_error(data, fetch_offset);
    return;
  }
  if (data.high_watermark >= 0) subscriptions_.update_high_watermark(tp, data.high_watermark);
  if (data.log_start_offset >= 0) subscriptions_.update_log_start_offset(tp, data.log_start_offset);
  if (data.last_stable_offset >= 0) {
    subscriptions_.update_last_stable_offset(tp, data.last_stable_offset);
  }
  if (auto completed = decode(data, fetch_offset))
    completed_fetches_.push_back(std::move(*completed));
}

std::optional<Fetcher::CompletedFetch> Fetcher::decode(const protocol::FetchResponsePartition& data,
                                                       std::int64_t fetch_offset) {
  CompletedFetch completed;
  completed.tp = data.topic_partition;
  completed.next_fetch_offset = fetch_offset;
  // Only what the leader said is committed may be handed out (read_uncommitted: below the HW;
  // read_committed: below the LSO).
  std::optional<std::int64_t> limit;
  if (data.high_watermark >= 0) limit = data.high_watermark;
  if (config_.isolation_level == protocol::IsolationLevel::read_committed &&
      data.last_stable_offset >= 0) {
    limit = data.last_stable_offset;
  }
  const storage::ByteView bytes(data.records);
  std::size_t pos = 0;
  try {
    while (bytes.size() - pos >= storage::kBatchHeaderSize) {
      const auto header = storage::read_batch_header(bytes.subspan(pos));
      // The broker may cut the last batch short (fetch.max.bytes): that part is ignored.
      if (header.size_in_bytes() > bytes.size() - pos) break;
      const auto batch = storage::decode_batch(bytes.subspan(pos, header.size_in_bytes()));
      pos += header.size_in_bytes();
      const auto epoch = maybe_epoch(header.partition_leader_epoch);
      completed.end_offset = header.next_offset();
      completed.end_epoch = epoch;
      if (header.is_control()) continue;  // transaction markers are never handed out
      for (const auto& record : batch.records) {
        if (record.offset < fetch_offset) continue;  // below the position inside a batch
        if (limit && record.offset >= *limit) break;
        ConsumerRecord out;
        out.topic_partition = data.topic_partition;
        out.offset = record.offset;
        out.leader_epoch = epoch;
        out.timestamp = record.timestamp;
        out.timestamp_type = header.timestamp_type();
        out.key = record.key;
        out.value = record.value;
        out.headers = record.headers;
        completed.records.push_back(std::move(out));
      }
    }
  } catch (const storage::CorruptDataError& e) {
    errors_.push_back({ConsumerErrorKind::corrupt_record,
                       "Received exception when fetching the next record from " +
                           data.topic_partition.to_string() + " at byte " + std::to_string(pos) +
                           " of the fetched data: " + e.what() +
                           ". If needed, please seek past the record to continue consumption.",
                       {data.topic_partition}});
    return std::nullopt;
  }
  if (completed.end_offset && limit && *completed.end_offset > *limit) {
    completed.end_offset = std::max(*limit, fetch_offset);
  }
  return completed;
}

void Fetcher::handle_partition_error(const protocol::FetchResponsePartition& data,
                                     std::int64_t fetch_offset) {
  using protocol::Error;
  const auto& tp = data.topic_partition;
  const Error error = data.error_code;
  if (refreshes_metadata(error)) {
    metadata_.request_update();
  } else if (error == Error::OFFSET_OUT_OF_RANGE) {
    if (subscriptions_.has_default_offset_reset_policy()) {
      subscriptions_.request_offset_reset(tp);
    } else {
      errors_.push_back({ConsumerErrorKind::offset_out_of_range,
                         "Fetch position " + position_string(fetch_offset) +
                             " is out of range for partition " + tp.to_string(),
                         {tp}});
    }
  } else if (error == Error::UNKNOWN_LEADER_EPOCH) {
    // The broker has not heard of our epoch yet: retry (Kafka logs it at debug).
  } else if (error == Error::CORRUPT_MESSAGE) {
    errors_.push_back({ConsumerErrorKind::corrupt_record,
                       "Encountered corrupt message when fetching offset " +
                           std::to_string(fetch_offset) + " for topic-partition " + tp.to_string(),
                       {tp}});
  } else {
    errors_.push_back({ConsumerErrorKind::unexpected_fetch_error,
                       "Unexpected error code " + std::string(protocol::error_name(error)) +
                           " while fetching at offset " + std::to_string(fetch_offset) +
                           " from topic-partition " + tp.to_string(),
                       {tp}});
  }
}

std::vector<ConsumerRecord> Fetcher::collect_fetch(std::int32_t max_records) {
  std::vector<ConsumerRecord> out;
  auto budget = static_cast<std::size_t>(std::max(max_records, 0));
  std::size_t i = 0;
  while (budget > 0 && i < completed_fetches_.size()) {
    CompletedFetch& fetch = completed_fetches_[i];
    const auto* state = subscriptions_.state(fetch.tp);
    if (state != nullptr && state->paused && state->has_valid_position()) {
      ++i;  // kept for when the partition is resumed, as Kafka keeps paused fetches
      continue;
    }
    const auto position = subscriptions_.position(fetch.tp);
    if (!position || position->offset != fetch.next_fetch_offset) {
      // Unassigned, being reset, or moved by a seek meanwhile: stale data.
      completed_fetches_.erase(completed_fetches_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    const std::size_t available = fetch.records.size() - fetch.next_index;
    const std::size_t take = std::min(budget, available);
    for (std::size_t n = 0; n < take; ++n) {
      ConsumerRecord& record = fetch.records[fetch.next_index++];
      fetch.next_fetch_offset = record.offset + 1;
      fetch.last_epoch = record.leader_epoch;
      out.push_back(std::move(record));
    }
    // Kafka finds a fetch used up only when it asks for one record more than it has: a fetch
    // that exactly fills the budget is finished by the next poll.
    const bool drained = available < budget;
    budget -= take;
    if (drained && fetch.end_offset) {
      fetch.next_fetch_offset = std::max(fetch.next_fetch_offset, *fetch.end_offset);
      fetch.last_epoch = fetch.end_epoch;
    }
    if (fetch.next_fetch_offset > position->offset) {
      subscriptions_.set_position(fetch.tp, FetchPosition{fetch.next_fetch_offset, fetch.last_epoch,
                                                          position->current_leader});
    }
    if (drained) {
      completed_fetches_.erase(completed_fetches_.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return out;
}

void Fetcher::clear_buffered_data_for_unassigned_partitions() {
  std::erase_if(completed_fetches_,
                [&](const CompletedFetch& fetch) { return !subscriptions_.is_assigned(fetch.tp); });
}

std::vector<ConsumerError> Fetcher::take_errors() {
  std::vector<ConsumerError> taken;
  taken.swap(errors_);
  return taken;
}

void Fetcher::reset_positions_if_needed(std::int64_t now_ms) {
  std::map<std::int32_t, protocol::ListOffsetsRequest> requests;
  std::map<std::int32_t, PendingReset> sent;
  for (const auto& tp : subscriptions_.partitions_needing_reset(now_ms)) {
    const auto* state = subscriptions_.state(tp);
    const LeaderAndEpoch leader = metadata_.current_leader(tp);
    if (!leader.leader) {
      metadata_.request_update();  // retried when the metadata arrives
      continue;
    }
    if (client_.is_unavailable(*leader.leader, now_ms)) continue;  // retried after the backoff
    auto [it, inserted] = requests.try_emplace(*leader.leader);
    if (inserted) {
      it->second.replica_id = protocol::consumer_replica_id;
      it->second.isolation_level = config_.isolation_level;
    }
    const OffsetResetStrategy strategy = *state->reset_strategy;
    protocol::ListOffsetsPartition partition;
    partition.topic_partition = tp;
    partition.current_leader_epoch = leader.epoch.value_or(protocol::no_leader_epoch);
    partition.timestamp = strategy == OffsetResetStrategy::earliest ? protocol::earliest_timestamp
                                                                    : protocol::latest_timestamp;
    it->second.partitions.push_back(partition);
    sent[*leader.leader].strategies[tp] = strategy;
  }
  for (auto& [broker, request] : requests) {
    std::vector<storage::TopicPartition> partitions;
    for (const auto& [tp, strategy] : sent[broker].strategies) partitions.push_back(tp);
    // In flight: not asked again until the answer or the request timeout.
    subscriptions_.set_next_allowed_retry(partitions, now_ms + config_.request_timeout_ms);
    const std::int32_t id = client_.send(broker, std::move(request), now_ms);
    pending_resets_.emplace(id, std::move(sent[broker]));
  }
}

void Fetcher::handle_list_offsets_response(std::int32_t correlation_id,
                                           const protocol::ListOffsetsResponse& response,
                                           std::int64_t now_ms) {
  auto pending = pending_resets_.find(correlation_id);
  if (pending == pending_resets_.end()) return;
  auto strategies = std::move(pending->second.strategies);
  pending_resets_.erase(pending);
  std::vector<storage::TopicPartition> retry;
  for (const auto& answer : response.partitions) {
    auto asked = strategies.find(answer.topic_partition);
    if (asked == strategies.end()) continue;
    const auto& tp = answer.topic_partition;
    if (answer.error_code == protocol::Error::NONE && answer.offset >= 0) {
      FetchPosition position{answer.offset, maybe_epoch(answer.leader_epoch),
                             metadata_.current_leader(tp)};
      subscriptions_.maybe_seek_after_reset(tp, position, asked->second);
    } else {
      if (refreshes_metadata(answer.error_code) ||
          answer.error_code == protocol::Error::UNKNOWN_LEADER_EPOCH) {
        metadata_.request_update();
      }
      retry.push_back(tp);
    }
    strategies.erase(asked);
  }
  for (const auto& [tp, strategy] : strategies) retry.push_back(tp);  // not answered
  subscriptions_.set_next_allowed_retry(retry, now_ms + config_.retry_backoff_ms);
}

void Fetcher::handle_list_offsets_failure(std::int32_t correlation_id, std::int64_t now_ms) {
  auto pending = pending_resets_.find(correlation_id);
  if (pending == pending_resets_.end()) return;
  std::vector<storage::TopicPartition> retry;
  for (const auto& [tp, strategy] : pending->second.strategies) retry.push_back(tp);
  pending_resets_.erase(pending);
  metadata_.request_update();
  subscriptions_.set_next_allowed_retry(retry, now_ms + config_.retry_backoff_ms);
}

}  // namespace ksim::client
