#include "sim/cluster/replication_invariants.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "sim/cluster/broker_process.h"
#include "sim/kernel/simulation.h"

namespace ksim::sim::cluster {

ReplicationInvariants::ReplicationInvariants(const ClusterView& cluster,
                                             replication::ProtocolVersion version,
                                             ViolationMode mode)
    : cluster_(&cluster), version_(version), mode_(mode) {}

void ReplicationInvariants::on_power_loss(std::int32_t broker_id) {
  power_loss_cleared_[broker_id].clear();
  powered_off_.insert(broker_id);
  for (const auto& [tp, hosts] : replica_hosts_) {
    if (!hosts.contains(broker_id)) continue;
    const bool all_lost = std::all_of(hosts.begin(), hosts.end(),
                                      [&](std::int32_t host) { return powered_off_.contains(host); });
    if (!all_lost) continue;
    committed_batches_.erase(tp);
    std::erase_if(verified_upto_, [&](const auto& entry) { return entry.first.first == tp; });
  }
}

std::optional<std::string> ReplicationInvariants::check(const Simulation& sim) {
  std::optional<std::string> problem = check_once(sim);
  if (!problem || mode_ == ViolationMode::fail) return problem;
  if (reported_.insert(*problem).second) {
    violations_.push_back(InvariantViolationRecord{sim.now(), std::string(name()), *problem});
  }
  return std::nullopt;
}

std::optional<std::string> ReplicationInvariants::check_once(const Simulation&) {
  const std::vector<const KafkaBroker*> brokers = cluster_->running_brokers();
  for (const KafkaBroker* broker : brokers) {
    powered_off_.erase(broker->broker_id());
    for (const storage::TopicPartition& tp : broker->replica_manager().partitions()) {
      replica_hosts_[tp].insert(broker->broker_id());
    }
  }
  // The newest leader epoch any running replica knows, per partition: a leader behind it is
  // deposed and does not know it yet (cut off from the controller), its ISR a stale belief.
  std::map<storage::TopicPartition, std::int32_t> newest_epoch;
  for (const KafkaBroker* broker : brokers) {
    const replication::ReplicaManager& rm = broker->replica_manager();
    for (const storage::TopicPartition& tp : rm.partitions()) {
      std::int32_t& newest = newest_epoch[tp];
      newest = std::max(newest, rm.get_partition(tp)->leader_epoch());
    }
  }
  for (const KafkaBroker* broker : brokers) {
    const std::int32_t id = broker->broker_id();
    const replication::ReplicaManager& rm = broker->replica_manager();
    for (const storage::TopicPartition& tp : rm.partitions()) {
      const replication::Partition& partition = *rm.get_partition(tp);
      const std::int64_t hw = partition.high_watermark();
      const std::int64_t leo = partition.log_end_offset();
      if (!partition.is_leader()) {
        if (hw > leo) {
          return fmt::format("follower {} of {} has HW {} above its LEO {}", id, tp.to_string(),
                             hw, leo);
        }
        continue;
      }
      const std::int32_t epoch = partition.leader_epoch();
      const auto [claim, first] = leader_of_epoch_.try_emplace({tp, epoch}, id);
      if (!first && claim->second != id) {
        return fmt::format("two leaders of {} in leader epoch {}: brokers {} and {}",
                           tp.to_string(), epoch, claim->second, id);
      }
      auto& [hw_epoch, last_hw] = leader_hw_[{tp, id}];
      if (hw_epoch == epoch && hw < last_hw) {
        return fmt::format("the HW of leader {} of {} went back from {} to {} in leader epoch {}",
                           id, tp.to_string(), last_hw, hw, epoch);
      }
      hw_epoch = epoch;
      last_hw = hw;
      const std::vector<std::int32_t>& isr = partition.isr();
      if (isr.empty()) return fmt::format("the ISR of {} on leader {} is empty", tp.to_string(), id);
      if (hw > leo) {
        return fmt::format("leader {} of {} has HW {} above its LEO {}", id, tp.to_string(), hw,
                           leo);
      }
      if (epoch < newest_epoch[tp]) continue;  // a deposed leader's ISR is not checked
      for (auto& [powered_off, cleared] : power_loss_cleared_) {
        if (std::find(isr.begin(), isr.end(), powered_off) == isr.end()) cleared.insert(tp);
      }
      if (version_ != replication::ProtocolVersion::v3_7) continue;
      for (std::int32_t member : isr) {
        if (member == id) continue;
        if (auto lost = power_loss_cleared_.find(member);
            lost != power_loss_cleared_.end() && !lost->second.contains(tp)) {
          continue;  // lost power and has not left the ISR since
        }
        const auto follower = std::find_if(brokers.begin(), brokers.end(), [&](const auto* b) {
          return b->broker_id() == member;
        });
        if (follower == brokers.end()) continue;  // not running: nothing to look at
        const replication::Partition* copy = (*follower)->replica_manager().get_partition(tp);
        // A restarted broker loads a partition's log at its first LeaderAndIsr: until then
        // its copy is on its disk, not in view.
        if (copy == nullptr) continue;
        const std::int64_t copy_leo = copy->log_end_offset();
        if (copy_leo < hw) {
          return fmt::format(
              "broker {} is in the ISR [{}] of {} but holds records only up to {}, below the "
              "leader's HW {}",
              member, fmt::join(isr, ","), tp.to_string(), copy_leo, hw);
        }
      }
    }
  }
  for (const KafkaBroker* broker : brokers) {
    if (auto problem = check_committed_data(*broker)) return problem;
  }
  return std::nullopt;
}

std::optional<std::string> ReplicationInvariants::check_committed_data(const KafkaBroker& broker) {
  const std::int32_t id = broker.broker_id();
  const replication::ReplicaManager& rm = broker.replica_manager();
  for (const storage::TopicPartition& tp : rm.partitions()) {
    const replication::Partition& partition = *rm.get_partition(tp);
    if (!partition.is_leader()) {
      // A follower that has not applied a fetch response of its current leader yet.
      const std::optional<std::int32_t> leader = partition.leader_replica_id();
      const replication::ReplicaFetcher* fetcher = leader ? rm.fetcher(*leader) : nullptr;
      const replication::PartitionFetchState* state =
          fetcher != nullptr ? fetcher->fetch_state(tp) : nullptr;
      if (state == nullptr || !state->lag) continue;
    }
    const std::int64_t hw = partition.high_watermark();
    std::int64_t& verified = verified_upto_[{tp, id}];
    // A truncation (or a restart that recovered a shorter log) may rewrite what was verified.
    verified = std::min({verified, partition.log_end_offset(), hw});
    if (verified < partition.log_start_offset()) verified = partition.log_start_offset();
    if (hw <= verified) continue;
    std::map<std::int64_t, BatchFingerprint>& committed = committed_batches_[tp];
    for (const storage::BatchHeader& header : partition.log().batch_headers(verified)) {
      const std::int64_t last = header.base_offset + header.last_offset_delta;
      if (last >= hw) break;
      if (header.base_offset < verified) continue;
      const auto [entry, inserted] = committed.try_emplace(
          header.base_offset,
          BatchFingerprint{last, header.crc, header.partition_leader_epoch, id});
      const BatchFingerprint& seen = entry->second;
      if (!inserted && (seen.last_offset != last || seen.crc != header.crc ||
                        seen.leader_epoch != header.partition_leader_epoch)) {
        return fmt::format(
            "committed data of {} differs at offset {}: broker {} holds offsets {}..{} of leader "
            "epoch {} (CRC {:08x}), broker {} committed offsets {}..{} of leader epoch {} (CRC "
            "{:08x})",
            tp.to_string(), header.base_offset, id, header.base_offset, last,
            header.partition_leader_epoch, header.crc, seen.first_broker, header.base_offset,
            seen.last_offset, seen.leader_epoch, seen.crc);
      }
      verified = last + 1;
    }
  }
  return std::nullopt;
}

}  // namespace ksim::sim::cluster
