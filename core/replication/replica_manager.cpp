#include "core/replication/replica_manager.h"

#include <algorithm>

#include "core/replication/replica_ids.h"
#include "core/storage/errors.h"

namespace ksim::replication {

namespace {

// Fixed-rate scheduling: the next run after `now_ms`, keeping the original phase.
std::int64_t next_run_after(std::int64_t scheduled_ms, std::int64_t now_ms,
                            std::int64_t period_ms) {
  while (scheduled_ms <= now_ms) scheduled_ms += period_ms;
  return scheduled_ms;
}

}  // namespace

ReplicaManager::ReplicaManager(std::int32_t broker_id, storage::LogManager& log_manager,
                               const ReplicationConfig& config, std::int64_t now_ms)
    : broker_id_(broker_id),
      log_manager_(&log_manager),
      config_(config),
      checkpointed_high_watermarks_(log_manager.read_high_watermarks()),
      now_ms_(now_ms),
      next_isr_expiration_ms_(now_ms),
      next_offset_checkpoint_ms_(now_ms + config.log_flush_offset_checkpoint_interval_ms),
      next_producer_expiration_check_ms_(now_ms +
                                         config.producer_id_expiration_check_interval_ms),
      log_cleanup_(config, now_ms) {
  config_.validate();
}

// --- settings ---------------------------------------------------------------------------------

void ReplicaManager::apply_topic_config(Partition& partition) const {
  const auto it = topic_configs_.find(partition.topic_partition().topic);
  const std::int32_t min_isr = it != topic_configs_.end() && it->second.min_insync_replicas
                                   ? *it->second.min_insync_replicas
                                   : config_.min_insync_replicas;
  partition.set_min_insync_replicas(min_isr);
}

void ReplicaManager::set_topic_config(const std::string& topic, const TopicConfig& config) {
  topic_configs_[topic] = config;
  for (auto& [tp, partition] : partitions_) {
    if (tp.topic != topic) continue;
    apply_topic_config(*partition);
    partition->log().update_config(config.log_config);
  }
}

void ReplicaManager::set_isr_eligibility(std::function<bool(std::int32_t)> is_eligible) {
  isr_eligibility_ = std::move(is_eligible);
  for (auto& [tp, partition] : partitions_) partition->set_isr_eligibility(isr_eligibility_);
}

void ReplicaManager::set_broker_epoch(std::int64_t broker_epoch) {
  broker_epoch_ = broker_epoch;
  for (auto& [tp, partition] : partitions_) partition->set_local_broker_epoch(broker_epoch);
}

// --- partitions -------------------------------------------------------------------------------

Partition* ReplicaManager::get_partition(const storage::TopicPartition& tp) {
  const std::unique_ptr<Partition>* partition = partitions_.find(tp);
  return partition == nullptr ? nullptr : partition->get();
}

const Partition* ReplicaManager::get_partition(const storage::TopicPartition& tp) const {
  const std::unique_ptr<Partition>* partition = partitions_.find(tp);
  return partition == nullptr ? nullptr : partition->get();
}

std::vector<storage::TopicPartition> ReplicaManager::partitions() const {
  std::vector<storage::TopicPartition> tps;
  for (const auto& [tp, partition] : partitions_) tps.push_back(tp);
  return tps;
}

Partition& ReplicaManager::get_or_create_partition(const storage::TopicPartition& tp,
                                                   std::int64_t now_ms) {
  if (Partition* existing = get_partition(tp)) return *existing;
  const auto config = topic_configs_.find(tp.topic);
  storage::Log& log = log_manager_->get_or_create_log(
      tp, config != topic_configs_.end() ? config->second.log_config : default_log_config_, now_ms);
  const auto checkpoint = checkpointed_high_watermarks_.find(tp);
  const std::int64_t high_watermark =
      checkpoint != checkpointed_high_watermarks_.end() ? checkpoint->second : 0;
  auto partition = std::make_unique<Partition>(tp, broker_id_, log, config_, high_watermark);
  partition->set_isr_eligibility(isr_eligibility_);
  partition->set_local_broker_epoch(broker_epoch_);
  partition->set_truncation_sink(&truncations_);
  partition->set_observer(observer_);
  apply_topic_config(*partition);
  Partition& created = *partition;
  partitions_.try_emplace(tp, std::move(partition));
  return created;
}

PartitionLookup ReplicaManager::lookup() const {
  return [this](const storage::TopicPartition& tp) { return get_partition(tp); };
}

// --- the controller ---------------------------------------------------------------------------

ReplicaFetcher& ReplicaManager::fetcher_for(std::int32_t leader_id) {
  fetchers_to_poll_.insert(leader_id);  // it gets a partition: it may want to send
  auto& fetcher = fetchers_[leader_id];
  if (!fetcher) fetcher = std::make_unique<ReplicaFetcher>(broker_id_, leader_id, config_);
  return *fetcher;
}

void ReplicaManager::remove_fetcher_for_partition(const storage::TopicPartition& tp) {
  const auto it = fetching_from_.find(tp);
  if (it == fetching_from_.end()) return;
  if (const auto fetcher = fetchers_.find(it->second); fetcher != fetchers_.end()) {
    fetchers_to_poll_.insert(it->second);  // it may be idle now, to be shut down
    fetcher->second->remove_partition(tp);
  }
  fetching_from_.erase(it);
}

protocol::LeaderAndIsrResponse ReplicaManager::become_leader_or_follower(
    const protocol::LeaderAndIsrRequest& request, std::int64_t now_ms) {
  now_ms_ = now_ms;
  protocol::LeaderAndIsrResponse response;
  if (request.controller_epoch < controller_epoch_) {
    response.error_code = protocol::Error::STALE_CONTROLLER_EPOCH;
    return response;
  }
  controller_epoch_ = request.controller_epoch;
  // Kafka starts the highwatermark-checkpoint task on the first LeaderAndIsr.
  if (!next_high_watermark_checkpoint_ms_) next_high_watermark_checkpoint_ms_ = now_ms;

  for (const protocol::LeaderAndIsrPartitionState& state : request.partition_states) {
    const storage::TopicPartition& tp = state.topic_partition;
    protocol::Error error = protocol::Error::NONE;
    const Partition* existing = get_partition(tp);
    if (existing != nullptr && state.leader_epoch < existing->leader_epoch()) {
      error = protocol::Error::STALE_CONTROLLER_EPOCH;  // an older decision, arriving late
    } else if (!contains(state.replicas, broker_id_)) {
      error = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
    } else {
      try {
        Partition& partition = get_or_create_partition(tp, now_ms);
        if (state.leader == broker_id_) {
          partition.make_leader(state, now_ms);
          remove_fetcher_for_partition(tp);
        } else if (partition.make_follower(state, now_ms)) {
          remove_fetcher_for_partition(tp);
          if (state.leader >= 0) {
            fetcher_for(state.leader).add_partition(partition, state.leader_epoch);
            fetching_from_[tp] = state.leader;
          }
        }
      } catch (const storage::IoError&) {
        error = protocol::Error::KAFKA_STORAGE_ERROR;
      }
      // Waiting produces on a partition no longer led here answer NOT_LEADER_OR_FOLLOWER; a new
      // leader alone in the ISR may have moved its HW.
      try_complete_delayed_requests(tp);
    }
    response.partition_errors.push_back({tp, error});
  }
  return response;
}

void ReplicaManager::stop_replica(const storage::TopicPartition& tp, bool delete_partition) {
  remove_fetcher_for_partition(tp);
  partitions_.erase(tp);
  log_cleanup_.forget(tp);
  if (delete_partition) log_manager_->delete_log(tp);
  try_complete_delayed_requests(tp);
}

std::optional<protocol::AlterPartitionRequest> ReplicaManager::take_alter_partition_request() {
  if (alter_partition_request_in_flight_) return std::nullopt;
  protocol::AlterPartitionRequest request;
  request.broker_id = broker_id_;
  request.broker_epoch = broker_epoch_;
  // Only partitions that may have proposed something since the last request are asked: a
  // broker with thousands of idle partitions does not scan them all after every event.
  for (const storage::TopicPartition& tp : may_propose_isr_change_) {
    Partition* partition = get_partition(tp);
    if (partition == nullptr) continue;
    if (auto item = partition->take_alter_partition_request()) {
      request.partitions.push_back(std::move(*item));
      alter_partition_in_flight_.push_back(tp);
    }
  }
  may_propose_isr_change_.clear();
  if (request.partitions.empty()) return std::nullopt;
  alter_partition_request_in_flight_ = true;
  return request;
}

void ReplicaManager::handle_alter_partition_failure() {
  for (const storage::TopicPartition& tp : alter_partition_in_flight_) {
    if (Partition* partition = get_partition(tp)) partition->requeue_alter_partition_request();
    may_propose_isr_change_.insert(tp);
  }
  alter_partition_in_flight_.clear();
  alter_partition_request_in_flight_ = false;
}

void ReplicaManager::handle_alter_partition_response(
    const protocol::AlterPartitionResponse& response, std::int64_t now_ms) {
  now_ms_ = now_ms;
  if (response.error_code != protocol::Error::NONE) {
    handle_alter_partition_failure();  // NOT_CONTROLLER, STALE_BROKER_EPOCH...: send again
    return;
  }
  std::vector<storage::TopicPartition> unanswered = alter_partition_in_flight_;
  alter_partition_in_flight_.clear();
  alter_partition_request_in_flight_ = false;
  for (const protocol::AlterPartitionResponsePartition& answer : response.partitions) {
    std::erase(unanswered, answer.topic_partition);
    Partition* partition = get_partition(answer.topic_partition);
    if (partition == nullptr) continue;
    may_propose_isr_change_.insert(answer.topic_partition);
    const std::int64_t high_watermark = partition->high_watermark();
    partition->handle_alter_partition_response(answer, now_ms);
    // A committed shrink may release waiting acks=all produces.
    if (partition->high_watermark() != high_watermark) {
      try_complete_delayed_requests(answer.topic_partition);
    }
  }
  for (const storage::TopicPartition& tp : unanswered) {
    if (Partition* partition = get_partition(tp)) partition->requeue_alter_partition_request();
    may_propose_isr_change_.insert(tp);
  }
}

// --- produce ----------------------------------------------------------------------------------

ProduceResult ReplicaManager::append_records(std::uint64_t request_id,
                                             protocol::ProduceRequest request,
                                             std::int64_t now_ms, storage::AppendOrigin origin) {
  now_ms_ = now_ms;
  ProduceResult result;
  const std::int16_t acks = request.acks;
  if (acks != 0 && acks != 1 && acks != -1) {
    for (const protocol::PartitionProduceData& data : request.partitions) {
      protocol::PartitionProduceResponse answer;
      answer.topic_partition = data.topic_partition;
      answer.error_code = protocol::Error::INVALID_REQUIRED_ACKS;
      result.response.partitions.push_back(std::move(answer));
    }
    return result;
  }

  std::vector<ProducePartitionStatus> statuses;
  statuses.reserve(request.partitions.size());
  std::vector<storage::TopicPartition> appended;
  appended.reserve(request.partitions.size());
  for (protocol::PartitionProduceData& data : request.partitions) {
    ProducePartitionStatus status;
    status.response.topic_partition = data.topic_partition;
    Partition* partition = get_partition(data.topic_partition);
    if (partition == nullptr) {
      status.response.error_code = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
    } else {
      const LeaderAppendResult append =
          partition->append_records_to_leader(data.records, acks, now_ms, origin);
      status.response.error_code = append.error;
      status.response.error_message = append.error_message;
      if (append.error == protocol::Error::NONE) {
        status.response.base_offset = append.info.first_offset;
        status.response.log_append_time_ms = append.info.log_append_time_ms;
        status.response.log_start_offset = partition->log_start_offset();
        status.required_offset = append.info.last_offset + 1;
        appended.push_back(data.topic_partition);
      }
    }
    statuses.push_back(std::move(status));
  }
  // New data for followers waiting on these partitions; maybe a new HW (a leader alone).
  for (const storage::TopicPartition& tp : appended) try_complete_delayed_requests(tp);

  if (acks == -1 && !appended.empty()) {
    DelayedProduce delayed(std::move(statuses));
    if (!delayed.try_complete(lookup())) {
      const std::int64_t deadline = now_ms + request.timeout_ms;
      std::vector<storage::TopicPartition> keys = delayed.pending_partitions();
      produce_purgatory_.watch(request_id, std::move(delayed), deadline, std::move(keys));
      result.parked = true;
      result.deadline_ms = deadline;
      return result;
    }
    result.response = delayed.response();
    return result;
  }
  for (ProducePartitionStatus& status : statuses) {
    if (acks == 0 && status.response.error_code != protocol::Error::NONE)
      result.close_connection = true;
    result.response.partitions.push_back(std::move(status.response));
  }
  if (acks == 0) result.send_response = false;
  return result;
}

// --- fetch ------------------------------------------------------------------------------------

std::vector<LogReadResult> ReplicaManager::read_from_log(
    const FetchParams& params, const std::vector<protocol::FetchPartition>& partitions,
    std::int64_t now_ms, bool update_fetch_state) {
  std::vector<LogReadResult> results;
  results.reserve(partitions.size());
  std::int64_t limit_bytes = params.max_bytes;
  // The first partition with data may exceed the limits so that progress is always possible.
  bool min_one_message = true;
  for (const protocol::FetchPartition& fetch : partitions) {
    Partition* partition = get_partition(fetch.topic_partition);
    if (partition == nullptr) {
      LogReadResult missing;
      missing.fetch_offset = fetch.fetch_offset;
      missing.error = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
      results.push_back(std::move(missing));
      continue;
    }
    const auto max_bytes = static_cast<std::size_t>(
        std::max<std::int64_t>(0, std::min<std::int64_t>(fetch.partition_max_bytes, limit_bytes)));
    const std::int64_t high_watermark = partition->high_watermark();
    LogReadResult result = partition->fetch_records(params, fetch, now_ms, max_bytes,
                                                    min_one_message, update_fetch_state);
    if (update_fetch_state && params.is_from_follower() &&
        partition->has_unsent_alter_partition_request()) {
      may_propose_isr_change_.insert(fetch.topic_partition);  // maybe_expand_isr proposed
    }
    const auto size = static_cast<std::int64_t>(result.records.size());
    if (size > 0) min_one_message = false;
    limit_bytes = std::max<std::int64_t>(0, limit_bytes - size);
    results.push_back(std::move(result));
    // The follower's fetch moved the HW: acks=all produces and consumer fetches may be done.
    if (partition->high_watermark() != high_watermark) {
      try_complete_delayed_requests(fetch.topic_partition);
    }
  }
  return results;
}

protocol::FetchResponse ReplicaManager::fetch_response(
    const std::vector<protocol::FetchPartition>& partitions,
    std::vector<LogReadResult> results) const {
  protocol::FetchResponse response;
  response.partitions.reserve(partitions.size());
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    response.partitions.push_back(std::move(results[i]).to_response(partitions[i].topic_partition));
  }
  return response;
}

FetchResult ReplicaManager::fetch_messages(std::uint64_t request_id,
                                           const protocol::FetchRequest& request,
                                           std::int64_t now_ms) {
  now_ms_ = now_ms;
  const FetchParams params = FetchParams::from_request(request);
  std::vector<LogReadResult> results = read_from_log(params, request.partitions, now_ms, true);
  std::int64_t bytes_readable = 0;
  bool error_reading_data = false;
  bool has_diverging_epoch = false;
  for (const LogReadResult& result : results) {
    bytes_readable += static_cast<std::int64_t>(result.records.size());
    error_reading_data = error_reading_data || result.error != protocol::Error::NONE;
    has_diverging_epoch = has_diverging_epoch || result.diverging_epoch.has_value();
  }
  FetchResult fetch;
  if (params.max_wait_ms <= 0 || request.partitions.empty() || bytes_readable >= params.min_bytes ||
      error_reading_data || has_diverging_epoch) {
    fetch.response = fetch_response(request.partitions, std::move(results));
    return fetch;
  }
  DelayedFetch delayed(params, request.partitions);
  if (delayed.try_complete(lookup())) {
    fetch.response = fetch_response(request.partitions,
                                    read_from_log(params, request.partitions, now_ms, false));
    return fetch;
  }
  const std::int64_t deadline = now_ms + params.max_wait_ms;
  std::vector<storage::TopicPartition> keys = delayed.topic_partitions();
  fetch_purgatory_.watch(request_id, std::move(delayed), deadline, std::move(keys));
  fetch.parked = true;
  fetch.deadline_ms = deadline;
  return fetch;
}

void ReplicaManager::complete_fetch(std::uint64_t request_id, const DelayedFetch& fetch,
                                    std::int64_t now_ms) {
  // A re-read: the follower's position was recorded when the request arrived.
  completed_fetches_.push_back(
      {request_id, fetch_response(fetch.partitions(),
                                  read_from_log(fetch.params(), fetch.partitions(), now_ms, false))});
}

void ReplicaManager::try_complete_delayed_requests(const storage::TopicPartition& tp) {
  const PartitionLookup partitions = lookup();
  for (auto& [id, produce] : produce_purgatory_.check_and_complete(
           tp, [&](DelayedProduce& op) { return op.try_complete(partitions); })) {
    completed_produces_.push_back({id, produce.response()});
  }
  for (auto& [id, fetch] : fetch_purgatory_.check_and_complete(
           tp, [&](const DelayedFetch& op) { return op.try_complete(partitions); })) {
    complete_fetch(id, fetch, now_ms_);
  }
}

void ReplicaManager::set_observer(ReplicaObserver* observer) {
  observer_ = observer;
  for (auto& [tp, partition] : partitions_) partition->set_observer(observer);
}

std::vector<CompletedProduce> ReplicaManager::take_completed_produces() {
  return std::exchange(completed_produces_, {});
}

std::vector<CompletedFetch> ReplicaManager::take_completed_fetches() {
  return std::exchange(completed_fetches_, {});
}

// --- epochs and offsets -----------------------------------------------------------------------

protocol::OffsetForLeaderEpochResponse ReplicaManager::last_offset_for_leader_epoch(
    const protocol::OffsetForLeaderEpochRequest& request) const {
  protocol::OffsetForLeaderEpochResponse response;
  for (const protocol::OffsetForLeaderPartition& asked : request.partitions) {
    const Partition* partition = get_partition(asked.topic_partition);
    if (partition == nullptr) {
      protocol::EpochEndOffset unknown;
      unknown.topic_partition = asked.topic_partition;
      unknown.error_code = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
      response.partitions.push_back(unknown);
      continue;
    }
    response.partitions.push_back(partition->last_offset_for_leader_epoch(
        asked.current_leader_epoch, asked.leader_epoch, true));
  }
  return response;
}

protocol::ListOffsetsResponse ReplicaManager::fetch_offsets(
    const protocol::ListOffsetsRequest& request) const {
  protocol::ListOffsetsResponse response;
  for (const protocol::ListOffsetsPartition& asked : request.partitions) {
    const Partition* partition = get_partition(asked.topic_partition);
    if (partition == nullptr) {
      protocol::ListOffsetsPartitionResponse unknown;
      unknown.topic_partition = asked.topic_partition;
      unknown.error_code = protocol::Error::UNKNOWN_TOPIC_OR_PARTITION;
      response.partitions.push_back(unknown);
      continue;
    }
    response.partitions.push_back(partition->fetch_offset_for_timestamp(
        asked.timestamp, request.replica_id < 0, asked.current_leader_epoch));
  }
  return response;
}

// --- this broker as a follower ----------------------------------------------------------------

std::vector<FetcherSend> ReplicaManager::poll_fetchers(std::int64_t now_ms) {
  now_ms_ = now_ms;
  // Only fetchers that may have something to send are asked: those answered, failed or given
  // partitions since the last poll, and those whose backoff ended. A broker following a thousand
  // partitions does not scan its fetchers after every event.
  for (auto it = fetcher_wakeups_.begin(); it != fetcher_wakeups_.end();) {
    if (it->second <= now_ms) {
      fetchers_to_poll_.insert(it->first);
      it = fetcher_wakeups_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<FetcherSend> sends;
  const std::set<std::int32_t> to_poll = std::exchange(fetchers_to_poll_, {});
  for (const std::int32_t leader_id : to_poll) {
    const auto it = fetchers_.find(leader_id);
    if (it == fetchers_.end()) continue;
    ReplicaFetcher& fetcher = *it->second;
    if (!fetcher.has_partitions() && !fetcher.in_flight()) {
      fetchers_.erase(it);  // Kafka's shutdownIdleFetcherThreads
      fetcher_wakeups_.erase(leader_id);
      continue;
    }
    if (auto request = fetcher.poll(now_ms)) {
      sends.push_back({leader_id, std::move(*request)});
      fetcher_wakeups_.erase(leader_id);
    } else if (auto next = fetcher.next_poll_time_ms(now_ms)) {
      // Nothing ready (every partition backing off): ask again when the first backoff ends.
      fetcher_wakeups_[leader_id] = std::max(*next, now_ms + 1);
    }
  }
  return sends;
}

void ReplicaManager::handle_fetcher_response(std::int32_t leader_id,
                                             const FetcherResponse& response, std::int64_t now_ms) {
  now_ms_ = now_ms;
  const auto it = fetchers_.find(leader_id);
  if (it == fetchers_.end() || !it->second->in_flight()) return;  // the fetcher went away
  fetchers_to_poll_.insert(leader_id);
  it->second->handle_response(response, now_ms);
}

void ReplicaManager::handle_fetcher_failure(std::int32_t leader_id, std::int64_t now_ms) {
  now_ms_ = now_ms;
  const auto it = fetchers_.find(leader_id);
  if (it != fetchers_.end()) it->second->handle_failure(now_ms);
  fetchers_to_poll_.insert(leader_id);
}

const ReplicaFetcher* ReplicaManager::fetcher(std::int32_t leader_id) const {
  const auto it = fetchers_.find(leader_id);
  return it == fetchers_.end() ? nullptr : it->second.get();
}

// --- time -------------------------------------------------------------------------------------

void ReplicaManager::tick(std::int64_t now_ms) {
  now_ms_ = now_ms;
  for (auto& [id, produce] : produce_purgatory_.expire(now_ms)) {
    completed_produces_.push_back({id, produce.response()});  // pending: REQUEST_TIMED_OUT
  }
  for (auto& [id, fetch] : fetch_purgatory_.expire(now_ms)) complete_fetch(id, fetch, now_ms);

  if (now_ms >= next_isr_expiration_ms_) {
    for (auto& [tp, partition] : partitions_) {
      if (partition->maybe_shrink_isr(now_ms)) may_propose_isr_change_.insert(tp);
    }
    next_isr_expiration_ms_ =
        next_run_after(next_isr_expiration_ms_, now_ms, config_.isr_expiration_interval_ms());
  }
  if (next_high_watermark_checkpoint_ms_ && now_ms >= *next_high_watermark_checkpoint_ms_) {
    checkpoint_high_watermarks();
    next_high_watermark_checkpoint_ms_ =
        next_run_after(*next_high_watermark_checkpoint_ms_, now_ms,
                       config_.replica_high_watermark_checkpoint_interval_ms);
  }
  if (config_.log_flush_offset_checkpoint_interval_ms > 0 && now_ms >= next_offset_checkpoint_ms_) {
    try {
      log_manager_->checkpoint_recovery_points();
      log_manager_->checkpoint_log_start_offsets();
    } catch (const storage::IoError& e) {
      storage_errors_.push_back(e.what());
    }
    next_offset_checkpoint_ms_ = next_run_after(next_offset_checkpoint_ms_, now_ms,
                                                config_.log_flush_offset_checkpoint_interval_ms);
  }
  if (now_ms >= next_producer_expiration_check_ms_) {
    for (auto& [tp, partition] : partitions_) {
      partition->log().remove_expired_producers(now_ms, config_.producer_id_expiration_ms);
    }
    next_producer_expiration_check_ms_ =
        next_run_after(next_producer_expiration_check_ms_, now_ms,
                       config_.producer_id_expiration_check_interval_ms);
  }
  log_cleanup_.tick(now_ms, partitions_, storage_errors_);
}

std::optional<std::int64_t> ReplicaManager::next_deadline_ms(std::int64_t now_ms) const {
  std::optional<std::int64_t> next = next_isr_expiration_ms_;
  auto consider = [&](std::optional<std::int64_t> at) {
    if (at && (!next || *at < *next)) next = at;
  };
  consider(produce_purgatory_.next_deadline_ms());
  consider(fetch_purgatory_.next_deadline_ms());
  consider(next_high_watermark_checkpoint_ms_);
  consider(log_cleanup_.next_deadline_ms());
  if (config_.log_flush_offset_checkpoint_interval_ms > 0) consider(next_offset_checkpoint_ms_);
  // The producer id expiration check is not a deadline of its own: it runs on the first tick
  // after it is due (isr-expiration ticks at least every replica.lag.time.max.ms / 2), so it
  // adds no wakeups to a simulation.
  if (!fetchers_to_poll_.empty()) consider(now_ms);
  for (const auto& [leader, wakeup] : fetcher_wakeups_) consider(wakeup);
  return next;
}

// --- checkpoints ------------------------------------------------------------------------------

storage::TopicPartitionOffsets ReplicaManager::high_watermarks() const {
  storage::TopicPartitionOffsets offsets;
  for (const auto& [tp, partition] : partitions_) offsets[tp] = partition->high_watermark();
  return offsets;
}

void ReplicaManager::checkpoint_high_watermarks() {
  if (partitions_.empty()) return;  // Kafka writes a log directory's file only with partitions
  try {
    log_manager_->checkpoint_high_watermarks(high_watermarks());
  } catch (const storage::IoError& e) {
    storage_errors_.push_back(e.what());
  }
}

std::vector<std::string> ReplicaManager::take_storage_errors() {
  return std::exchange(storage_errors_, {});
}

}  // namespace ksim::replication
