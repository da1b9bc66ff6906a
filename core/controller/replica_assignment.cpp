// AdminUtils.assignReplicasToBrokers (rack-unaware and rack-aware) and the broker list and
// fixed start AdminZkClient hands it.
#include "core/controller/replica_assignment.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/controller/admin_error.h"

namespace ksim::controller {
namespace {

bool has_sentence_messages(KafkaVersion version) { return version >= KafkaVersion{1, 1, 0}; }

[[noreturn]] void throw_invalid_partitions(KafkaVersion version) {
  if (has_sentence_messages(version)) {
    throw AdminError(java_exception::invalid_partitions, protocol::Error::INVALID_PARTITIONS,
                     "Number of partitions must be larger than 0.");
  }
  throw AdminError(has_api_exceptions(version) ? java_exception::invalid_partitions
                                               : java_exception::admin_operation,
                   protocol::Error::INVALID_PARTITIONS,
                   "number of partitions must be larger than 0");
}

[[noreturn]] void throw_invalid_replication_factor(KafkaVersion version, std::string message) {
  throw AdminError(has_api_exceptions(version) ? java_exception::invalid_replication_factor
                                               : java_exception::admin_operation,
                   protocol::Error::INVALID_REPLICATION_FACTOR, message);
}

// AdminUtils.replicaIndex.
std::size_t replica_index(std::int64_t first_replica_index, std::int64_t second_replica_shift,
                          std::int64_t replica_index, std::int64_t broker_count) {
  const std::int64_t shift = 1 + (second_replica_shift + replica_index) % (broker_count - 1);
  return static_cast<std::size_t>((first_replica_index + shift) % broker_count);
}

ReplicaAssignment assign_rack_unaware(const std::vector<std::int32_t>& broker_array,
                                      std::int32_t partitions, std::int32_t replication_factor,
                                      AssignmentRandomness randomness,
                                      std::int32_t start_partition_id) {
  ReplicaAssignment assignment;
  const auto broker_count = static_cast<std::int64_t>(broker_array.size());
  std::int64_t current_partition_id = std::max<std::int32_t>(0, start_partition_id);
  std::int64_t next_replica_shift = randomness.next_replica_shift;
  for (std::int32_t i = 0; i < partitions; ++i) {
    if (current_partition_id > 0 && current_partition_id % broker_count == 0) {
      ++next_replica_shift;
    }
    const std::int64_t first_replica_index =
        (current_partition_id + randomness.start_index) % broker_count;
    std::vector<std::int32_t> replicas{broker_array[static_cast<std::size_t>(first_replica_index)]};
    for (std::int32_t j = 0; j < replication_factor - 1; ++j) {
      replicas.push_back(
          broker_array[replica_index(first_replica_index, next_replica_shift, j, broker_count)]);
    }
    assignment.emplace(static_cast<std::int32_t>(current_partition_id), std::move(replicas));
    ++current_partition_id;
  }
  return assignment;
}

ReplicaAssignment assign_rack_aware(const std::vector<BrokerMetadata>& brokers,
                                    std::int32_t partitions, std::int32_t replication_factor,
                                    AssignmentRandomness randomness,
                                    std::int32_t start_partition_id) {
  std::map<std::int32_t, std::string> broker_racks;
  for (const BrokerMetadata& broker : brokers) broker_racks[broker.id] = *broker.rack;
  std::set<std::string> racks;
  for (const auto& [id, rack] : broker_racks) racks.insert(rack);
  const auto rack_count = static_cast<std::int64_t>(racks.size());
  const std::vector<std::int32_t> arranged = rack_alternated_broker_list(broker_racks);
  const auto broker_count = static_cast<std::int64_t>(arranged.size());

  ReplicaAssignment assignment;
  std::int64_t current_partition_id = std::max<std::int32_t>(0, start_partition_id);
  std::int64_t next_replica_shift = randomness.next_replica_shift;
  for (std::int32_t i = 0; i < partitions; ++i) {
    if (current_partition_id > 0 && current_partition_id % broker_count == 0) {
      ++next_replica_shift;
    }
    const std::int64_t first_replica_index =
        (current_partition_id + randomness.start_index) % broker_count;
    const std::int32_t leader = arranged[static_cast<std::size_t>(first_replica_index)];
    std::vector<std::int32_t> replicas{leader};
    std::set<std::string> racks_with_replicas{broker_racks.at(leader)};
    std::set<std::int32_t> brokers_with_replicas{leader};
    std::int64_t k = 0;
    for (std::int32_t r = 0; r < replication_factor - 1; ++r) {
      while (true) {
        const std::int32_t broker = arranged[replica_index(
            first_replica_index, next_replica_shift * rack_count, k, broker_count)];
        const std::string& rack = broker_racks.at(broker);
        ++k;
        // Skip a broker whose rack already has a replica while some rack has none, and a broker
        // that already has a replica while some broker has none.
        const bool rack_ok = !racks_with_replicas.contains(rack) ||
                             static_cast<std::int64_t>(racks_with_replicas.size()) == rack_count;
        const bool broker_ok =
            !brokers_with_replicas.contains(broker) ||
            static_cast<std::int64_t>(brokers_with_replicas.size()) == broker_count;
        if (rack_ok && broker_ok) {
          replicas.push_back(broker);
          racks_with_replicas.insert(rack);
          brokers_with_replicas.insert(broker);
          break;
        }
      }
    }
    assignment.emplace(static_cast<std::int32_t>(current_partition_id), std::move(replicas));
    ++current_partition_id;
  }
  return assignment;
}

}  // namespace

ReplicaAssignment assign_replicas_to_brokers(const std::vector<BrokerMetadata>& brokers,
                                             std::int32_t partitions,
                                             std::int32_t replication_factor,
                                             AssignmentRandomness randomness,
                                             std::int32_t start_partition_id,
                                             KafkaVersion version) {
  if (partitions <= 0) throw_invalid_partitions(version);
  if (replication_factor <= 0) {
    throw_invalid_replication_factor(version, has_sentence_messages(version)
                                                  ? "Replication factor must be larger than 0."
                                                  : "replication factor must be larger than 0");
  }
  if (static_cast<std::size_t>(replication_factor) > brokers.size()) {
    throw_invalid_replication_factor(
        version, has_sentence_messages(version)
                     ? fmt::format("Replication factor: {} larger than available brokers: {}.",
                                   replication_factor, brokers.size())
                     : fmt::format("replication factor: {} larger than available brokers: {}",
                                   replication_factor, brokers.size()));
  }
  std::set<std::int32_t> distinct;
  for (const BrokerMetadata& broker : brokers) {
    if (!distinct.insert(broker.id).second) {
      throw std::invalid_argument(
          fmt::format("assign_replicas_to_brokers: broker {} is listed twice", broker.id));
    }
  }
  if (randomness.start_index < 0 || randomness.next_replica_shift < 0) {
    throw std::invalid_argument(fmt::format(
        "assign_replicas_to_brokers: negative randomness (start_index {}, next_replica_shift {})",
        randomness.start_index, randomness.next_replica_shift));
  }
  const bool no_racks = std::all_of(brokers.begin(), brokers.end(),
                                    [](const BrokerMetadata& b) { return !b.rack.has_value(); });
  if (no_racks) {
    std::vector<std::int32_t> ids;
    for (const BrokerMetadata& broker : brokers) ids.push_back(broker.id);
    return assign_rack_unaware(ids, partitions, replication_factor, randomness, start_partition_id);
  }
  const bool some_without_rack = std::any_of(
      brokers.begin(), brokers.end(), [](const BrokerMetadata& b) { return !b.rack.has_value(); });
  if (some_without_rack) {
    throw AdminError(java_exception::admin_operation, unknown_server_error,
                     has_sentence_messages(version)
                         ? "Not all brokers have rack information for replica rack aware "
                           "assignment."
                         : "Not all brokers have rack information for replica rack aware "
                           "assignment");
  }
  return assign_rack_aware(brokers, partitions, replication_factor, randomness, start_partition_id);
}

std::vector<std::int32_t> rack_alternated_broker_list(
    const std::map<std::int32_t, std::string>& broker_racks) {
  // getInverseMap: rack -> its brokers sorted; racks iterated in sorted order.
  std::map<std::string, std::vector<std::int32_t>> brokers_by_rack;
  for (const auto& [id, rack] : broker_racks) brokers_by_rack[rack].push_back(id);
  std::vector<std::vector<std::int32_t>::const_iterator> next;
  std::vector<std::vector<std::int32_t>::const_iterator> end;
  for (const auto& [rack, ids] : brokers_by_rack) {
    next.push_back(ids.begin());
    end.push_back(ids.end());
  }
  std::vector<std::int32_t> result;
  std::size_t rack_index = 0;
  while (result.size() < broker_racks.size()) {
    if (next[rack_index] != end[rack_index]) result.push_back(*next[rack_index]++);
    rack_index = (rack_index + 1) % next.size();
  }
  return result;
}

std::vector<BrokerMetadata> broker_metadatas(std::vector<BrokerMetadata> live_brokers,
                                             RackAwareMode mode) {
  const auto with_rack = std::count_if(live_brokers.begin(), live_brokers.end(),
                                       [](const BrokerMetadata& b) { return b.rack.has_value(); });
  const auto total = static_cast<std::ptrdiff_t>(live_brokers.size());
  if (mode == RackAwareMode::enforced && with_rack > 0 && with_rack < total) {
    throw AdminError(java_exception::admin_operation, unknown_server_error,
                     "Not all brokers have rack information. Add --disable-rack-aware in command "
                     "line to make replica assignment without rack information.");
  }
  if (mode == RackAwareMode::disabled || (mode == RackAwareMode::safe && with_rack < total)) {
    for (BrokerMetadata& broker : live_brokers) broker.rack.reset();
  }
  std::stable_sort(live_brokers.begin(), live_brokers.end(),
                   [](const BrokerMetadata& a, const BrokerMetadata& b) { return a.id < b.id; });
  return live_brokers;
}

ReplicaAssignment assign_replicas_for_new_partitions(
    const std::vector<BrokerMetadata>& brokers,
    const std::vector<std::int32_t>& partition0_replicas, std::int32_t existing_partition_count,
    std::int32_t partitions_to_add, KafkaVersion version) {
  if (partition0_replicas.empty()) {
    throw std::invalid_argument("assign_replicas_for_new_partitions: partition 0 has no replicas");
  }
  // math.max(0, allBrokers.indexWhere(_.id >= existingAssignmentPartition0.head))
  std::int32_t start_index = 0;
  for (std::size_t i = 0; i < brokers.size(); ++i) {
    if (brokers[i].id >= partition0_replicas.front()) {
      start_index = static_cast<std::int32_t>(i);
      break;
    }
  }
  return assign_replicas_to_brokers(
      brokers, partitions_to_add, static_cast<std::int32_t>(partition0_replicas.size()),
      AssignmentRandomness::fixed(start_index), existing_partition_count, version);
}

}  // namespace ksim::controller
