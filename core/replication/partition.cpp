// Partition: construction, the controller's decisions (makeLeader, makeFollower) and the
// leader's high watermark (maybeIncrementLeaderHW).
#include "core/replication/partition.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "core/replication/replica_ids.h"

namespace ksim::replication {

const std::vector<std::int32_t>& IsrState::maximal_isr() const {
  if (pending == Pending::expand) return proposed_isr;  // the committed ISR plus the new member
  return isr;  // committed, or a shrink not yet committed: the old, larger ISR
}

Partition::Partition(storage::TopicPartition topic_partition, std::int32_t local_broker_id,
                     storage::Log& log, const ReplicationConfig& config,
                     std::int64_t checkpointed_high_watermark)
    : topic_partition_(std::move(topic_partition)),
      local_broker_id_(local_broker_id),
      log_(&log),
      config_(config),
      min_insync_replicas_(config.min_insync_replicas),
      high_watermark_(checkpointed_high_watermark) {
  config_.validate();
  clamp_high_watermark();
}

void Partition::set_min_insync_replicas(std::int32_t value) {
  if (value < 1) {
    throw std::invalid_argument("Invalid value " + std::to_string(value) +
                                " for configuration min.insync.replicas: Value must be at least 1");
  }
  min_insync_replicas_ = value;
}

std::int32_t Partition::effective_min_isr() const {
  const auto replication_factor = static_cast<std::int32_t>(remote_replicas_.size() + 1);
  return std::min(min_insync_replicas_, replication_factor);
}

void Partition::set_isr_eligibility(std::function<bool(std::int32_t)> is_eligible) {
  isr_eligibility_ = std::move(is_eligible);
}

bool Partition::is_replica_isr_eligible(std::int32_t broker_id) const {
  return !isr_eligibility_ || isr_eligibility_(broker_id);
}

bool Partition::is_under_min_isr() const {
  return is_leader() && static_cast<std::int32_t>(isr_state_.isr.size()) < effective_min_isr();
}

const Replica* Partition::remote_replica(std::int32_t broker_id) const {
  const auto it = remote_replicas_.find(broker_id);
  return it == remote_replicas_.end() ? nullptr : &it->second;
}

std::vector<std::int32_t> Partition::remote_replica_ids() const {
  std::vector<std::int32_t> ids;
  for (const auto& [id, replica] : remote_replicas_) ids.push_back(id);
  return ids;
}

void Partition::clamp_high_watermark() {
  high_watermark_ = std::clamp(high_watermark_, log_->log_start_offset(), log_->log_end_offset());
}

void Partition::update_assignment_and_isr(const std::vector<std::int32_t>& replicas, bool is_leader,
                                          std::vector<std::int32_t> isr) {
  if (is_leader) {
    // Keep what is known of followers that stay; forget those no longer assigned.
    for (std::int32_t id : replicas) {
      if (id != local_broker_id_) remote_replicas_.try_emplace(id, id);
    }
    std::erase_if(remote_replicas_, [&](const auto& entry) {
      return entry.first == local_broker_id_ || !contains(replicas, entry.first);
    });
  } else {
    remote_replicas_.clear();
  }
  assignment_ = replicas;
  isr_state_ = IsrState{std::move(isr), IsrState::Pending::none, {}};
  inflight_alter_partition_.reset();
  alter_partition_unsent_ = false;
}

bool Partition::make_leader(const protocol::LeaderAndIsrPartitionState& state,
                            std::int64_t now_ms) {
  // The partition epoch may equal ours: an AlterPartition answer can bring it before the
  // LeaderAndIsr that carries it.
  if (state.partition_epoch < partition_epoch_) return false;
  const bool is_new_leader = !is_leader();
  const bool is_new_leader_epoch = state.leader_epoch > leader_epoch_;

  update_assignment_and_isr(state.replicas, true, state.isr);

  if (is_new_leader_epoch) {
    const std::int64_t leader_epoch_start_offset = log_->log_end_offset();
    // 2.1+: a follower may hold records from epochs this leader never saw (fast successive
    // elections); with the new epoch in the cache, the leader can tell it where to truncate.
    if (assigns_epoch_start_offset_on_election(protocol_version())) {
      log_->assign_epoch_start_offset(state.leader_epoch, leader_epoch_start_offset);
    }
    for (auto& [id, replica] : remote_replicas_) {
      replica.reset_replica_state(now_ms, leader_epoch_start_offset, is_new_leader,
                                  contains(state.isr, id));
    }
    leader_epoch_ = state.leader_epoch;
    leader_epoch_start_offset_ = leader_epoch_start_offset;
  }
  partition_epoch_ = state.partition_epoch;
  leader_replica_id_ = local_broker_id_;
  // The ISR may be down to this broker alone.
  maybe_increment_leader_hw(now_ms);
  return is_new_leader;
}

bool Partition::make_follower(const protocol::LeaderAndIsrPartitionState& state,
                              std::int64_t now_ms) {
  (void)now_ms;
  if (state.partition_epoch < partition_epoch_) return false;
  const bool is_new_leader_epoch = state.leader_epoch > leader_epoch_;
  const std::optional<std::int32_t> new_leader =
      state.leader >= 0 ? std::optional<std::int32_t>(state.leader) : std::nullopt;
  const bool leader_changed = leader_replica_id_ != new_leader;

  leader_replica_id_ = new_leader;
  leader_epoch_ = state.leader_epoch;
  leader_epoch_start_offset_.reset();
  partition_epoch_ = state.partition_epoch;
  // Only the leader tracks the ISR: a follower's view of it would go stale.
  update_assignment_and_isr(state.replicas, false, {});

  const bool restart_fetcher = restarts_fetcher_on_every_epoch_change(protocol_version())
                                   ? is_new_leader_epoch
                                   : leader_changed;
  if (restart_fetcher && truncates_to_high_watermark(protocol_version())) {
    // Before KIP-101 (ReplicaManager.makeFollowers): everything above the local HW goes. That
    // HW trails the leader's by a fetch round and, after a restart, is whatever the checkpoint
    // held: committed records can go too (KIP-101 scenario 1).
    truncate_to(high_watermark_, TruncationCause::high_watermark_on_becoming_follower);
  }
  return restart_fetcher;
}

bool Partition::maybe_increment_leader_hw(std::int64_t now_ms) {
  if (!is_leader()) return false;
  if (freezes_high_watermark_below_min_isr(protocol_version()) && is_under_min_isr()) {
    return false;
  }
  const std::int64_t leader_end_offset = log_->log_end_offset();
  const std::vector<std::int32_t>& maximal_isr = isr_state_.maximal_isr();
  std::int64_t new_high_watermark = leader_end_offset;
  for (const auto& [id, replica] : remote_replicas_) {
    const ReplicaState& follower = replica.state();
    if (follower.log_end_offset >= new_high_watermark) continue;
    // A caught-up follower outside the ISR holds the HW back too, so it can reach the HW and
    // join instead of chasing it forever.
    const bool should_wait_for_replica_to_join_isr =
        follower.is_caught_up(leader_end_offset, now_ms, config_.replica_lag_time_max_ms) &&
        is_replica_isr_eligible(id);
    if (contains(maximal_isr, id) || should_wait_for_replica_to_join_isr) {
      new_high_watermark = follower.log_end_offset;
    }
  }
  if (new_high_watermark <= high_watermark_) return false;
  assert(new_high_watermark <= leader_end_offset);
  high_watermark_ = new_high_watermark;
  if (observer_ != nullptr) observer_->high_watermark_advanced(*this);
  return true;
}

}  // namespace ksim::replication
