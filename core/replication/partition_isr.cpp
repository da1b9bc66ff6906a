// Partition, leader side: the view of each follower after its fetches, ISR shrink and expand
// (maybeShrinkIsr, maybeExpandIsr), and the AlterPartition proposal to the controller, one at a
// time.
#include <algorithm>

#include "core/replication/partition.h"
#include "core/replication/replica_ids.h"

namespace ksim::replication {

void Partition::update_follower_fetch_state(Replica& replica, std::int64_t fetch_offset,
                                            std::int64_t follower_log_start_offset,
                                            std::int64_t now_ms, std::int64_t leader_end_offset,
                                            bool& hw_increased) {
  const std::int64_t previous_follower_end_offset = replica.state().log_end_offset;
  replica.update_fetch_state(fetch_offset, follower_log_start_offset, now_ms, leader_end_offset,
                             std::nullopt);
  // Joining compares against the HW, so check it before the HW moves.
  maybe_expand_isr(replica);
  // The follower may be in the ISR already and its LEO just moved.
  hw_increased = previous_follower_end_offset != replica.state().log_end_offset &&
                 maybe_increment_leader_hw(now_ms);
}

bool Partition::is_follower_in_sync(const Replica& replica) const {
  const std::int64_t follower_end_offset = replica.state().log_end_offset;
  if (follower_end_offset < high_watermark_) return false;
  // 2.1+: a follower that only reached an HW left over from the previous epoch may still miss
  // records of this epoch's start; it must reach the start of the leader's epoch.
  if (requires_leader_epoch_start_offset_for_isr(protocol_version())) {
    return leader_epoch_start_offset_ && follower_end_offset >= *leader_epoch_start_offset_;
  }
  return true;
}

void Partition::maybe_expand_isr(const Replica& replica) {
  const std::int32_t id = replica.broker_id();
  if (!is_leader() || isr_state_.is_inflight() || contains(isr_state_.isr, id)) return;
  if (!is_replica_isr_eligible(id) || !is_follower_in_sync(replica)) return;
  std::vector<std::int32_t> proposed = isr_state_.isr;
  proposed.push_back(id);
  submit_alter_partition(IsrState::Pending::expand, std::move(proposed));
}

bool Partition::maybe_shrink_isr(std::int64_t now_ms) {
  if (!is_leader() || isr_state_.is_inflight()) return false;
  const std::int64_t leader_end_offset = log_->log_end_offset();
  std::vector<std::int32_t> out_of_sync;
  for (std::int32_t id : isr_state_.isr) {
    if (id == local_broker_id_) continue;  // the leader never removes itself
    const Replica* replica = remote_replica(id);
    if (replica == nullptr || !replica->state().is_caught_up(leader_end_offset, now_ms,
                                                             config_.replica_lag_time_max_ms)) {
      out_of_sync.push_back(id);
    }
  }
  if (out_of_sync.empty()) return false;
  std::vector<std::int32_t> proposed;
  for (std::int32_t id : isr_state_.isr) {
    if (!contains(out_of_sync, id)) proposed.push_back(id);
  }
  submit_alter_partition(IsrState::Pending::shrink, std::move(proposed));
  return true;
}

void Partition::submit_alter_partition(IsrState::Pending kind, std::vector<std::int32_t> proposed) {
  protocol::AlterPartitionRequestPartition request;
  request.topic_partition = topic_partition_;
  request.leader_epoch = leader_epoch_;
  request.partition_epoch = partition_epoch_;
  for (std::int32_t id : proposed) {
    std::int64_t broker_epoch = -1;
    if (id == local_broker_id_) {
      broker_epoch = local_broker_epoch_;
    } else if (const Replica* replica = remote_replica(id)) {
      broker_epoch = replica->state().broker_epoch.value_or(-1);
    }
    request.new_isr_with_epochs.push_back({id, broker_epoch});
  }
  isr_state_.pending = kind;
  isr_state_.proposed_isr = std::move(proposed);
  inflight_alter_partition_ = std::move(request);
  alter_partition_unsent_ = true;
}

std::optional<protocol::AlterPartitionRequestPartition> Partition::take_alter_partition_request() {
  if (!alter_partition_unsent_ || !inflight_alter_partition_) return std::nullopt;
  alter_partition_unsent_ = false;
  return inflight_alter_partition_;
}

AlterPartitionOutcome Partition::handle_alter_partition_response(
    const protocol::AlterPartitionResponsePartition& response, std::int64_t now_ms) {
  using protocol::Error;
  if (!inflight_alter_partition_ || !isr_state_.is_inflight() ||
      response.topic_partition != topic_partition_) {
    return AlterPartitionOutcome::ignored;  // a LeaderAndIsr replaced the state meanwhile
  }
  switch (response.error_code) {
    case Error::NONE:
      // Committed, or unchanged because it already was the state (same partition epoch).
      if (response.leader_epoch != leader_epoch_ || response.partition_epoch < partition_epoch_) {
        return AlterPartitionOutcome::ignored;
      }
      isr_state_ = IsrState{response.isr, IsrState::Pending::none, {}};
      partition_epoch_ = response.partition_epoch;
      inflight_alter_partition_.reset();
      alter_partition_unsent_ = false;
      // A shrink can let the HW (and waiting acks=all requests) move on.
      maybe_increment_leader_hw(now_ms);
      return AlterPartitionOutcome::committed;
    case Error::OPERATION_NOT_ATTEMPTED:
    case Error::INELIGIBLE_REPLICA:
      // The controller says for sure the change was not applied.
      isr_state_.pending = IsrState::Pending::none;
      isr_state_.proposed_isr.clear();
      inflight_alter_partition_.reset();
      alter_partition_unsent_ = false;
      return AlterPartitionOutcome::reverted;
    case Error::UNKNOWN_TOPIC_OR_PARTITION:
    case Error::FENCED_LEADER_EPOCH:
    case Error::INVALID_UPDATE_VERSION:
    case Error::NEW_LEADER_ELECTED: return AlterPartitionOutcome::awaiting_leader_and_isr;
    default: alter_partition_unsent_ = true; return AlterPartitionOutcome::retry;
  }
}

}  // namespace ksim::replication
