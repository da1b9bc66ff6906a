// Partition, leader side: appends from producers (appendRecordsToLeader), the acks=all check
// (checkEnoughReplicasReachOffset), reads for followers and consumers (fetchRecords, with the
// current-leader-epoch fencing and the diverging epoch), OffsetsForLeaderEpoch and ListOffsets.
#include <fmt/format.h>

#include <algorithm>

#include "core/protocol/error_names.h"
#include "core/replication/partition.h"
#include "core/storage/errors.h"

namespace ksim::replication {

namespace {

std::string isr_string(const std::vector<std::int32_t>& isr) {
  return fmt::format("[{}]", fmt::join(isr, ", "));
}

}  // namespace

FetchIsolation FetchParams::isolation() const {
  if (is_from_follower()) return FetchIsolation::log_end;
  return isolation_level == protocol::IsolationLevel::read_committed
             ? FetchIsolation::txn_committed
             : FetchIsolation::high_watermark;
}

FetchParams FetchParams::from_request(const protocol::FetchRequest& request) {
  return FetchParams{request.replica_id, request.max_wait_ms, request.min_bytes, request.max_bytes,
                     request.isolation_level};
}

protocol::FetchResponsePartition LogReadResult::to_response(
    const storage::TopicPartition& tp) const& {
  return LogReadResult(*this).to_response(tp);
}

protocol::FetchResponsePartition LogReadResult::to_response(
    const storage::TopicPartition& tp) && {
  protocol::FetchResponsePartition response;
  response.topic_partition = tp;
  response.error_code = error;
  response.high_watermark = high_watermark;
  response.last_stable_offset = last_stable_offset;
  response.log_start_offset = log_start_offset;
  response.diverging_epoch = diverging_epoch;
  response.records = std::move(records);
  return response;
}

// --- produce ----------------------------------------------------------------------------------

LeaderAppendResult Partition::append_records_to_leader(storage::MutableByteView records,
                                                       std::int16_t required_acks,
                                                       std::int64_t now_ms,
                                                       storage::AppendOrigin origin) {
  LeaderAppendResult result;
  if (!is_leader()) {
    result.error = protocol::Error::NOT_LEADER_OR_FOLLOWER;
    result.error_message = fmt::format("Leader not local for partition {} on broker {}",
                                       topic_partition_.to_string(), local_broker_id_);
    return result;
  }
  // 3.7 compares with min(min.insync.replicas, replication factor), as the HW freeze does.
  const std::int32_t min_isr = freezes_high_watermark_below_min_isr(protocol_version())
                                   ? effective_min_isr()
                                   : min_insync_replicas_;
  const auto in_sync_size = static_cast<std::int32_t>(isr_state_.isr.size());
  // Writing would be unsafe: refuse before anything reaches the log.
  if (required_acks == -1 && in_sync_size < min_isr) {
    result.error = protocol::Error::NOT_ENOUGH_REPLICAS;
    result.error_message = fmt::format(
        "The size of the current ISR {} is insufficient to satisfy the min.isr requirement of {} "
        "for partition {}",
        isr_string(isr_state_.isr), min_isr, topic_partition_.to_string());
    return result;
  }
  try {
    result.info = log_->append_as_leader(records, leader_epoch_, now_ms, origin);
  } catch (const storage::RecordValidationError& e) {
    // Also the producer checks (ProducerStateError): INVALID_PRODUCER_EPOCH,
    // OUT_OF_ORDER_SEQUENCE_NUMBER.
    result.error =
        protocol::error_from_name(e.error_name()).value_or(protocol::Error::CORRUPT_MESSAGE);
    result.error_message = e.what();
    return result;
  } catch (const storage::CorruptDataError& e) {
    result.error = protocol::Error::CORRUPT_MESSAGE;
    result.error_message = e.what();
    return result;
  } catch (const storage::IoError& e) {
    result.error = protocol::Error::KAFKA_STORAGE_ERROR;
    result.error_message = e.what();
    return result;
  }
  if (observer_ != nullptr && !result.info.duplicate) {
    observer_->records_appended(*this, true, records, result.info);
  }
  // The ISR may be down to this leader alone.
  result.high_watermark_increased = maybe_increment_leader_hw(now_ms);
  return result;
}

ReplicationCheck Partition::check_enough_replicas_reach_offset(std::int64_t required_offset) const {
  if (!is_leader()) return {true, protocol::Error::NOT_LEADER_OR_FOLLOWER};
  if (high_watermark_ < required_offset) return {false, protocol::Error::NONE};
  const std::int32_t min_isr = freezes_high_watermark_below_min_isr(protocol_version())
                                   ? effective_min_isr()
                                   : min_insync_replicas_;
  // The ISR may have shrunk after the append: the records are written, with fewer copies.
  const auto maximal_isr_size = static_cast<std::int32_t>(isr_state_.maximal_isr().size());
  return {true, min_isr <= maximal_isr_size ? protocol::Error::NONE
                                            : protocol::Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND};
}

// --- fencing ----------------------------------------------------------------------------------

protocol::Error Partition::check_current_leader_epoch(std::int32_t remote_leader_epoch) const {
  if (remote_leader_epoch < 0) return protocol::Error::NONE;  // absent: before KIP-320
  if (leader_epoch_ > remote_leader_epoch) return protocol::Error::FENCED_LEADER_EPOCH;
  if (leader_epoch_ < remote_leader_epoch) return protocol::Error::UNKNOWN_LEADER_EPOCH;
  return protocol::Error::NONE;
}

protocol::Error Partition::local_log_error(std::int32_t current_leader_epoch,
                                           bool require_leader) const {
  const protocol::Error error = check_current_leader_epoch(current_leader_epoch);
  if (error != protocol::Error::NONE) return error;
  if (require_leader && !is_leader()) return protocol::Error::NOT_LEADER_OR_FOLLOWER;
  return protocol::Error::NONE;
}

// --- fetch ------------------------------------------------------------------------------------

LogReadResult Partition::fetch_records(const FetchParams& params,
                                       const protocol::FetchPartition& fetch, std::int64_t now_ms,
                                       std::size_t max_bytes, bool min_one_message,
                                       bool update_fetch_state) {
  LogReadResult result;
  result.fetch_offset = fetch.fetch_offset;
  result.error = local_log_error(fetch.current_leader_epoch, true);
  if (result.error != protocol::Error::NONE) return result;

  Replica* replica = nullptr;
  if (params.is_from_follower()) {
    const auto it = remote_replicas_.find(params.replica_id);
    if (it == remote_replicas_.end()) {
      // With an epoch (KIP-320) the replica may just be unknown in it yet: retriable.
      result.error = fetch.current_leader_epoch >= 0 ? protocol::Error::UNKNOWN_LEADER_EPOCH
                                                     : protocol::Error::NOT_LEADER_OR_FOLLOWER;
      result.error_message = fmt::format("Replica {} is not assigned to partition {}",
                                         params.replica_id, topic_partition_.to_string());
      return result;
    }
    replica = &it->second;
  }

  // Offsets as they are before this read: appends after it must not stop a follower from
  // catching up, and the HW answered is the one before this fetch counts.
  const std::int64_t initial_high_watermark = high_watermark_;
  const std::int64_t initial_log_start_offset = log_->log_start_offset();
  const std::int64_t initial_log_end_offset = log_->log_end_offset();
  const std::int64_t initial_last_stable_offset = last_stable_offset();
  auto fill_offsets = [&] {
    result.high_watermark = initial_high_watermark;
    result.log_start_offset = initial_log_start_offset;
    result.log_end_offset = initial_log_end_offset;
    result.last_stable_offset = initial_last_stable_offset;
  };

  if (fetch.last_fetched_epoch >= 0) {
    const protocol::EpochEndOffset epoch_end_offset =
        last_offset_for_leader_epoch(fetch.current_leader_epoch, fetch.last_fetched_epoch, false);
    if (epoch_end_offset.error_code != protocol::Error::NONE) {
      result.error = epoch_end_offset.error_code;
      return result;
    }
    if (epoch_end_offset.end_offset < 0 || epoch_end_offset.leader_epoch < 0) {
      result.error = protocol::Error::OFFSET_OUT_OF_RANGE;
      result.error_message = fmt::format(
          "Could not determine the end offset of the last fetched epoch {} from the "
          "request",
          fetch.last_fetched_epoch);
      return result;
    }
    if (fetch.fetch_offset < initial_log_start_offset) {
      result.error = protocol::Error::OFFSET_OUT_OF_RANGE;
      result.error_message = fmt::format(
          "Received request for offset {} for partition {}, but we only have log segments in "
          "the range {} to {}.",
          fetch.fetch_offset, topic_partition_.to_string(), initial_log_start_offset,
          initial_log_end_offset);
      return result;
    }
    if (epoch_end_offset.leader_epoch < fetch.last_fetched_epoch ||
        epoch_end_offset.end_offset < fetch.fetch_offset) {
      // The follower's log differs from ours from there on: no records, and no state update.
      result.diverging_epoch =
          protocol::DivergingEpoch{epoch_end_offset.leader_epoch, epoch_end_offset.end_offset};
      fill_offsets();
      return result;
    }
  }

  std::optional<std::int64_t> max_offset;
  if (params.isolation() != FetchIsolation::log_end) max_offset = initial_high_watermark;
  try {
    result.records = log_->read(fetch.fetch_offset, max_bytes, max_offset, min_one_message).records;
  } catch (const storage::OffsetOutOfRangeError& e) {
    result.error = protocol::Error::OFFSET_OUT_OF_RANGE;
    result.error_message = e.what();
    return result;
  } catch (const storage::IoError& e) {
    result.error = protocol::Error::KAFKA_STORAGE_ERROR;
    result.error_message = e.what();
    return result;
  }
  fill_offsets();

  if (replica != nullptr && update_fetch_state) {
    update_follower_fetch_state(*replica, fetch.fetch_offset, fetch.log_start_offset, now_ms,
                                initial_log_end_offset, result.high_watermark_increased);
  }
  return result;
}

FetchOffsetSnapshot Partition::fetch_offset_snapshot(std::int32_t current_leader_epoch) const {
  FetchOffsetSnapshot snapshot;
  snapshot.error = local_log_error(current_leader_epoch, true);
  if (snapshot.error != protocol::Error::NONE) return snapshot;
  snapshot.log_end_offset = log_->log_end_offset();
  snapshot.high_watermark = high_watermark_;
  snapshot.last_stable_offset = last_stable_offset();
  return snapshot;
}

// --- epochs and offsets -----------------------------------------------------------------------

std::optional<storage::EpochEndOffset> Partition::end_offset_for_epoch(
    std::int32_t leader_epoch) const {
  const storage::LeaderEpochCache& cache = log_->leader_epoch_cache();
  const std::int64_t leo = log_->log_end_offset();
  storage::EpochEndOffset answer;
  switch (protocol_version()) {
    case ProtocolVersion::v0_10:
    case ProtocolVersion::v0_11:
      // KIP-101 v0: an end offset only.
      answer = {storage::undefined_epoch, cache.end_offset_for_kip101(leader_epoch, leo)};
      break;
    case ProtocolVersion::v2_0: answer = cache.end_offset_for(leader_epoch, leo); break;
    case ProtocolVersion::v3_7: answer = cache.end_offset_for_since_2_1(leader_epoch, leo); break;
  }
  if (answer.end_offset == storage::undefined_epoch_offset) return std::nullopt;
  return answer;
}

protocol::EpochEndOffset Partition::last_offset_for_leader_epoch(
    std::int32_t current_leader_epoch, std::int32_t leader_epoch,
    bool fetch_only_from_leader) const {
  protocol::EpochEndOffset response;
  response.topic_partition = topic_partition_;
  response.error_code = local_log_error(current_leader_epoch, fetch_only_from_leader);
  if (response.error_code != protocol::Error::NONE) return response;
  if (const auto answer = end_offset_for_epoch(leader_epoch)) {
    response.leader_epoch = answer->leader_epoch;
    response.end_offset = answer->end_offset;
  }
  return response;
}

protocol::ListOffsetsPartitionResponse Partition::fetch_offset_for_timestamp(
    std::int64_t timestamp, bool from_consumer, std::int32_t current_leader_epoch) const {
  protocol::ListOffsetsPartitionResponse response;
  response.topic_partition = topic_partition_;
  response.error_code = local_log_error(current_leader_epoch, true);
  if (response.error_code != protocol::Error::NONE) return response;
  if (timestamp == protocol::earliest_timestamp) {
    response.offset = log_->log_start_offset();
    response.leader_epoch =
        log_->leader_epoch_cache().epoch_for_offset(response.offset).value_or(-1);
  } else if (timestamp == protocol::latest_timestamp) {
    if (from_consumer && protocol_version() == ProtocolVersion::v3_7 &&
        leader_epoch_start_offset_ && *leader_epoch_start_offset_ > high_watermark_) {
      // 2.2+ (KIP-207): a new leader whose HW has not yet reached its epoch's start does not
      // know the committed end yet.
      response.error_code = protocol::Error::OFFSET_NOT_AVAILABLE;
      return response;
    }
    response.offset = from_consumer ? high_watermark_ : log_->log_end_offset();
    response.leader_epoch = leader_epoch_;
  } else {
    response.error_code = protocol::Error::INVALID_REQUEST;
  }
  return response;
}

}  // namespace ksim::replication
