// ConsumerCoordinator's offsets: commits (OffsetCommit) and committed-offset lookups
// (OffsetFetch).
#include <algorithm>

#include "core/client/consumer_coordinator.h"

namespace ksim::client {

using protocol::Error;

namespace {

bool is_retriable_commit_error(Error error) {
  return error == Error::COORDINATOR_NOT_AVAILABLE || error == Error::NOT_COORDINATOR ||
         error == Error::REQUEST_TIMED_OUT || error == Error::COORDINATOR_LOAD_IN_PROGRESS ||
         error == Error::NETWORK_EXCEPTION;
}

std::string commit_failed_message() {
  return "Commit cannot be completed since the group has already rebalanced and assigned the "
         "partitions to another member. This means that the time between subsequent calls to "
         "poll() was longer than the configured max.poll.interval.ms, which typically implies "
         "that the poll loop is spending too much time message processing. You can address this "
         "either by increasing max.poll.interval.ms or by reducing the maximum size of batches "
         "returned in poll() with max.poll.records.";
}

}  // namespace

std::uint64_t ConsumerCoordinator::commit(std::int64_t now_ms) {
  const std::uint64_t id = start_commit(CommitKind::explicit_commit, now_ms);
  if (commit_in_progress(id)) {
    ensure_coordinator_ready(now_ms);
    send_pending_commits(now_ms);
  }
  return id;
}

std::uint64_t ConsumerCoordinator::start_commit(CommitKind kind, std::int64_t now_ms) {
  PendingCommit commit;
  commit.outcome.id = next_commit_id_++;
  commit.outcome.kind = kind;
  commit.outcome.offsets = subscriptions_.all_consumed();
  commit.retriable = kind != CommitKind::auto_commit;
  commit.deadline_ms = now_ms + config_.default_api_timeout_ms;
  commit.retry_at_ms = now_ms;
  const std::uint64_t id = commit.outcome.id;
  auto it = pending_commits_.emplace(id, std::move(commit)).first;
  if (it->second.outcome.offsets.empty()) finish_commit(it, now_ms);  // nothing to commit
  return id;
}

void ConsumerCoordinator::maybe_auto_commit(std::int64_t now_ms) {
  if (!config_.enable_auto_commit || !config_.group_id || now_ms < next_auto_commit_ms_) return;
  next_auto_commit_ms_ = now_ms + config_.auto_commit_interval_ms;
  start_commit(CommitKind::auto_commit, now_ms);
}

void ConsumerCoordinator::send_pending_commits(std::int64_t now_ms) {
  for (auto it = pending_commits_.begin(); it != pending_commits_.end();) {
    auto current = it++;
    PendingCommit& commit = current->second;
    if (commit.in_flight || (commit.retry_at_ms && now_ms < *commit.retry_at_ms)) continue;
    if (coordinator_unknown()) {
      if (now_ms >= commit.deadline_ms || !commit.retriable) {
        commit.outcome.error = Error::COORDINATOR_NOT_AVAILABLE;
        commit.outcome.failed_without_answer = true;
        finish_commit(current, now_ms);
      }
      continue;  // sent once the coordinator is known
    }
    protocol::OffsetCommitRequest request;
    request.group_id = *config_.group_id;
    if (uses_group_management()) {
      // Kafka's generationIfStable: no commit from a member in the middle of a rebalance.
      if (state_ != MemberState::stable) {
        commit.outcome.error = state_ == MemberState::unjoined ? Error::ILLEGAL_GENERATION
                                                               : Error::REBALANCE_IN_PROGRESS;
        finish_commit(current, now_ms);
        continue;
      }
      request.generation_id = generation_.generation_id;
      request.member_id = generation_.member_id;
    }
    for (const auto& [tp, position] : commit.outcome.offsets) {
      request.partitions.push_back({tp, position.offset,
                                    position.offset_epoch.value_or(protocol::no_leader_epoch),
                                    std::string()});
    }
    commit.retry_at_ms.reset();
    commit.in_flight = send(RequestKind::offset_commit, std::move(request), now_ms);
  }
}

void ConsumerCoordinator::handle_offset_commit(std::int32_t correlation_id,
                                               const protocol::OffsetCommitResponse& response,
                                               std::int64_t now_ms) {
  auto it = std::find_if(pending_commits_.begin(), pending_commits_.end(), [&](const auto& entry) {
    return entry.second.in_flight == correlation_id;
  });
  if (it == pending_commits_.end()) return;
  PendingCommit& commit = it->second;
  commit.in_flight.reset();
  Error first_error = Error::NONE;
  for (const auto& partition : response.partitions) {
    auto offset = commit.outcome.offsets.find(partition.topic_partition);
    if (offset == commit.outcome.offsets.end()) continue;
    if (partition.error_code == Error::NONE) {
      committed_[partition.topic_partition] = offset->second.offset;
    } else if (first_error == Error::NONE) {
      first_error = partition.error_code;
    }
  }
  commit.outcome.error = first_error;
  switch (first_error) {
    case Error::NONE:
      break;
    case Error::COORDINATOR_NOT_AVAILABLE:
    case Error::NOT_COORDINATOR:
    case Error::REQUEST_TIMED_OUT:
      mark_coordinator_unknown(now_ms);
      break;
    case Error::UNKNOWN_MEMBER_ID:
    case Error::ILLEGAL_GENERATION:
      reset_state_and_rejoin(first_error == Error::UNKNOWN_MEMBER_ID);
      break;
    case Error::REBALANCE_IN_PROGRESS:
      request_rejoin();
      break;
    default:
      break;
  }
  if (is_retriable_commit_error(first_error) && commit.retriable && now_ms < commit.deadline_ms) {
    commit.retry_at_ms = now_ms + config_.retry_backoff_ms;
    return;
  }
  finish_commit(it, now_ms);
}

void ConsumerCoordinator::fail_commit(std::int32_t correlation_id, std::int64_t now_ms) {
  auto it = std::find_if(pending_commits_.begin(), pending_commits_.end(), [&](const auto& entry) {
    return entry.second.in_flight == correlation_id;
  });
  if (it == pending_commits_.end()) return;
  PendingCommit& commit = it->second;
  commit.in_flight.reset();
  commit.outcome.error = Error::NETWORK_EXCEPTION;
  commit.outcome.failed_without_answer = true;
  if (commit.retriable && now_ms < commit.deadline_ms) {
    commit.retry_at_ms = now_ms + config_.retry_backoff_ms;
    return;
  }
  finish_commit(it, now_ms);
}

void ConsumerCoordinator::finish_commit(std::map<std::uint64_t, PendingCommit>::iterator it,
                                        std::int64_t now_ms) {
  OffsetCommitOutcome outcome = std::move(it->second.outcome);
  pending_commits_.erase(it);
  if (outcome.error == Error::NONE) outcome.failed_without_answer = false;
  if (outcome.kind == CommitKind::auto_commit && is_retriable_commit_error(outcome.error)) {
    // Kafka retries a retriable auto-commit failure after retry.backoff.ms.
    next_auto_commit_ms_ = std::min(next_auto_commit_ms_, now_ms + config_.retry_backoff_ms);
  }
  if (outcome.kind == CommitKind::explicit_commit && outcome.error != Error::NONE) {
    const bool rebalanced =
        outcome.error == Error::UNKNOWN_MEMBER_ID || outcome.error == Error::ILLEGAL_GENERATION;
    errors_.push_back(
        {rebalanced ? ConsumerErrorKind::commit_failed : ConsumerErrorKind::group_error,
         rebalanced ? commit_failed_message()
                    : "Offset commit failed: " + std::string(protocol::error_name(outcome.error)),
         {}});
  }
  finished_commits_.push_back(std::move(outcome));
}

std::vector<OffsetCommitOutcome> ConsumerCoordinator::take_commit_outcomes() {
  std::vector<OffsetCommitOutcome> taken;
  taken.swap(finished_commits_);
  return taken;
}

std::optional<std::int64_t> ConsumerCoordinator::committed(
    const storage::TopicPartition& tp) const {
  auto it = committed_.find(tp);
  if (it == committed_.end()) return std::nullopt;
  return it->second;
}

std::vector<storage::TopicPartition> ConsumerCoordinator::partitions_needing_committed_offsets()
    const {
  std::vector<storage::TopicPartition> partitions;
  if (!config_.group_id) return partitions;
  for (const auto& tp : subscriptions_.initializing_partitions()) {
    if (without_committed_offset_.count(tp) == 0) partitions.push_back(tp);
  }
  return partitions;
}

bool ConsumerCoordinator::refresh_committed_offsets_if_needed(std::int64_t now_ms) {
  const auto partitions = partitions_needing_committed_offsets();
  if (partitions.empty()) return true;
  if (coordinator_unknown()) {
    ensure_coordinator_ready(now_ms);
    return false;
  }
  if (!offset_fetch_partitions_.empty() || now_ms < offset_fetch_not_before_ms_) return false;
  protocol::OffsetFetchRequest request;
  request.group_id = *config_.group_id;
  request.partitions = partitions;
  request.require_stable = config_.isolation_level == protocol::IsolationLevel::read_committed;
  offset_fetch_partitions_.insert(partitions.begin(), partitions.end());
  send(RequestKind::offset_fetch, std::move(request), now_ms);
  return false;
}

void ConsumerCoordinator::handle_offset_fetch(const protocol::OffsetFetchResponse& response,
                                              std::int64_t now_ms) {
  auto asked = std::move(offset_fetch_partitions_);
  offset_fetch_partitions_.clear();
  switch (response.error_code) {
    case Error::NONE:
      break;
    case Error::COORDINATOR_LOAD_IN_PROGRESS:
      offset_fetch_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      return;
    case Error::COORDINATOR_NOT_AVAILABLE:
    case Error::NOT_COORDINATOR:
      mark_coordinator_unknown(now_ms);
      return;
    default:
      offset_fetch_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      fatal("OffsetFetch failed: " + std::string(protocol::error_name(response.error_code)));
      return;
  }
  for (const auto& partition : response.partitions) {
    const auto& tp = partition.topic_partition;
    if (asked.erase(tp) == 0) continue;
    const auto* state = subscriptions_.state(tp);
    if (state == nullptr || state->fetch_state != FetchState::initializing) continue;
    if (partition.error_code == Error::UNSTABLE_OFFSET_COMMIT) {
      offset_fetch_not_before_ms_ = now_ms + config_.retry_backoff_ms;  // asked again
    } else if (partition.error_code != Error::NONE) {
      offset_fetch_not_before_ms_ = now_ms + config_.retry_backoff_ms;
      fatal("OffsetFetch failed for partition " + tp.to_string() + ": " +
            std::string(protocol::error_name(partition.error_code)));
    } else if (partition.committed_offset >= 0) {
      std::optional<std::int32_t> epoch;
      if (partition.committed_leader_epoch >= 0) epoch = partition.committed_leader_epoch;
      subscriptions_.seek(
          tp, FetchPosition{partition.committed_offset, epoch, metadata_.current_leader(tp)});
    } else {
      without_committed_offset_.insert(tp);  // auto.offset.reset decides
    }
  }
  // Asked but not answered: no committed offset either.
  without_committed_offset_.insert(asked.begin(), asked.end());
}

}  // namespace ksim::client
