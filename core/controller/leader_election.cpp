// PartitionLeaderElectionAlgorithms and the LeaderAndIsr each election writes.
#include "core/controller/leader_election.h"

#include <fmt/format.h>

#include <algorithm>

namespace ksim::controller {
namespace {

bool contains(std::span<const std::int32_t> values, std::int32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::set<std::int32_t> online_replicas(std::span<const std::int32_t> replicas,
                                       const BrokerLiveness& brokers) {
  std::set<std::int32_t> online;
  for (std::int32_t replica : replicas) {
    if (brokers.is_online(replica)) online.insert(replica);
  }
  return online;
}

std::vector<std::int32_t> in_order(std::span<const std::int32_t> replicas,
                                   const std::set<std::int32_t>& members) {
  std::vector<std::int32_t> result;
  for (std::int32_t replica : replicas) {
    if (members.contains(replica)) result.push_back(replica);
  }
  return result;
}

}  // namespace

LeaderAndIsr LeaderAndIsr::new_leader(std::int32_t new_leader_id) const {
  return new_leader_and_isr(new_leader_id, isr);
}

LeaderAndIsr LeaderAndIsr::new_leader_and_isr(std::int32_t new_leader_id,
                                              std::vector<std::int32_t> new_isr) const {
  return LeaderAndIsr{new_leader_id, leader_epoch + 1, std::move(new_isr), leader_recovery_state,
                      zk_version};
}

LeaderAndIsr LeaderAndIsr::new_recovering_leader_and_isr(std::int32_t new_leader_id,
                                                         std::vector<std::int32_t> new_isr) const {
  return LeaderAndIsr{new_leader_id, leader_epoch + 1, std::move(new_isr), recovering, zk_version};
}

LeaderAndIsr LeaderAndIsr::new_epoch() const { return new_leader_and_isr(leader, isr); }

LeaderAndIsr LeaderAndIsr::with_zk_version(std::int32_t version) const {
  LeaderAndIsr copy = *this;
  copy.zk_version = version;
  return copy;
}

std::string to_string(const LeaderAndIsr& value) {
  return fmt::format("(Leader:{},ISR:{},LeaderEpoch:{},ZkVersion:{})", value.leader,
                     fmt::join(value.isr, ","), value.leader_epoch, value.zk_version);
}

std::ostream& operator<<(std::ostream& out, const LeaderAndIsr& value) {
  return out << to_string(value);
}

std::optional<std::int32_t> offline_partition_leader_election(
    std::span<const std::int32_t> assignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas, bool unclean_leader_election_enabled) {
  for (std::int32_t id : assignment) {
    if (live_replicas.contains(id) && contains(isr, id)) return id;
  }
  if (unclean_leader_election_enabled) {
    for (std::int32_t id : assignment) {
      if (live_replicas.contains(id)) return id;
    }
  }
  return std::nullopt;
}

std::optional<std::int32_t> reassign_partition_leader_election(
    std::span<const std::int32_t> reassignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas) {
  for (std::int32_t id : reassignment) {
    if (live_replicas.contains(id) && contains(isr, id)) return id;
  }
  return std::nullopt;
}

std::optional<std::int32_t> preferred_replica_partition_leader_election(
    std::span<const std::int32_t> assignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas) {
  if (assignment.empty()) return std::nullopt;
  const std::int32_t preferred = assignment.front();
  if (live_replicas.contains(preferred) && contains(isr, preferred)) return preferred;
  return std::nullopt;
}

std::optional<std::int32_t> controlled_shutdown_partition_leader_election(
    std::span<const std::int32_t> assignment, std::span<const std::int32_t> isr,
    const std::set<std::int32_t>& live_replicas, const std::set<std::int32_t>& shutting_down) {
  for (std::int32_t id : assignment) {
    if (live_replicas.contains(id) && contains(isr, id) && !shutting_down.contains(id)) return id;
  }
  return std::nullopt;
}

ElectionResult leader_for_offline(std::span<const std::int32_t> assignment,
                                  const LeaderAndIsr& current, const BrokerLiveness& brokers,
                                  bool unclean_leader_election_enabled,
                                  bool leader_recovery_supported) {
  const std::set<std::int32_t> live = online_replicas(assignment, brokers);
  ElectionResult result;
  result.live_replicas = in_order(assignment, live);
  const std::optional<std::int32_t> leader = offline_partition_leader_election(
      assignment, current.isr, live, unclean_leader_election_enabled);
  if (!leader) return result;
  if (contains(current.isr, *leader)) {
    std::vector<std::int32_t> new_isr;
    for (std::int32_t replica : current.isr) {
      if (brokers.is_online(replica)) new_isr.push_back(replica);
    }
    result.leader_and_isr = current.new_leader_and_isr(*leader, std::move(new_isr));
  } else {
    result.unclean = true;
    result.leader_and_isr = leader_recovery_supported
                                ? current.new_recovering_leader_and_isr(*leader, {*leader})
                                : current.new_leader_and_isr(*leader, {*leader});
  }
  return result;
}

ElectionResult leader_for_reassignment(std::span<const std::int32_t> target_replicas,
                                       const LeaderAndIsr& current, const BrokerLiveness& brokers) {
  ElectionResult result;
  result.live_replicas.assign(target_replicas.begin(), target_replicas.end());
  const std::optional<std::int32_t> leader = reassign_partition_leader_election(
      target_replicas, current.isr, online_replicas(target_replicas, brokers));
  if (leader) result.leader_and_isr = current.new_leader(*leader);
  return result;
}

ElectionResult leader_for_preferred_replica(std::span<const std::int32_t> assignment,
                                            const LeaderAndIsr& current,
                                            const BrokerLiveness& brokers) {
  ElectionResult result;
  result.live_replicas.assign(assignment.begin(), assignment.end());
  const std::optional<std::int32_t> leader = preferred_replica_partition_leader_election(
      assignment, current.isr, online_replicas(assignment, brokers));
  if (leader) result.leader_and_isr = current.new_leader(*leader);
  return result;
}

ElectionResult leader_for_controlled_shutdown(std::span<const std::int32_t> assignment,
                                              const LeaderAndIsr& current,
                                              const BrokerLiveness& brokers) {
  std::set<std::int32_t> live_or_shutting_down;
  for (std::int32_t replica : assignment) {
    if (brokers.is_online_or_shutting_down(replica)) live_or_shutting_down.insert(replica);
  }
  ElectionResult result;
  result.live_replicas = in_order(assignment, live_or_shutting_down);
  const std::optional<std::int32_t> leader = controlled_shutdown_partition_leader_election(
      assignment, current.isr, live_or_shutting_down, brokers.shutting_down);
  if (!leader) return result;
  std::vector<std::int32_t> new_isr;
  for (std::int32_t replica : current.isr) {
    if (!brokers.shutting_down.contains(replica)) new_isr.push_back(replica);
  }
  result.leader_and_isr = current.new_leader_and_isr(*leader, std::move(new_isr));
  return result;
}

std::optional<LeaderAndIsr> initial_leader_and_isr(std::span<const std::int32_t> assignment,
                                                   const BrokerLiveness& brokers) {
  std::vector<std::int32_t> live;
  for (std::int32_t replica : assignment) {
    if (brokers.is_online(replica)) live.push_back(replica);
  }
  if (live.empty()) return std::nullopt;
  const std::int32_t leader = live.front();
  return LeaderAndIsr{leader, LeaderAndIsr::initial_leader_epoch, std::move(live),
                      LeaderAndIsr::recovered, LeaderAndIsr::initial_zk_version};
}

std::optional<LeaderAndIsr> remove_replica_from_isr(const LeaderAndIsr& current,
                                                    std::int32_t replica) {
  if (!contains(current.isr, replica)) return std::nullopt;
  const std::int32_t new_leader =
      replica == current.leader ? LeaderAndIsr::no_leader : current.leader;
  std::vector<std::int32_t> new_isr = current.isr;
  if (new_isr.size() > 1) std::erase(new_isr, replica);
  return current.new_leader_and_isr(new_leader, std::move(new_isr));
}

}  // namespace ksim::controller
