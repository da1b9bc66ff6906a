// Replica assignment as Kafka's AdminUtils.assignReplicasToBrokers does it, rack-unaware and
// rack-aware, and AdminZkClient's broker list and add-partitions start (kafka.admin.AdminUtils,
// kafka.zk.AdminZkClient).
//
// Rack-unaware: partition p's first replica is broker[(p + startIndex) % n]; its other replicas
// follow at shift 1 + (nextReplicaShift + j) % (n - 1), and nextReplicaShift grows by one every
// time p reaches a multiple of n. Kafka draws startIndex and then nextReplicaShift from
// rand.nextInt(n); here the caller draws them from the simulator's seeded PRNG and passes them
// in (AssignmentRandomness). Adding partitions uses Kafka's fixed start instead: both values are
// the index of the first broker whose id is >= the head of partition 0's replicas.
//
//   3 brokers [0, 1, 2], 1 partition, RF 3, start_index 1, shift 0   ->  {0: [1, 2, 0]}
//
// Errors are AdminError with Kafka's exception and words; the words changed in Kafka 1.1:
//   "Replication factor: 4 larger than available brokers: 3."   (1.1+)
//   "replication factor: 4 larger than available brokers: 3"    (before; 0.8-1.0)
// and before 0.10.1 the exception was kafka.admin.AdminOperationException, not
// InvalidReplicationFactorException / InvalidPartitionsException.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/controller/kafka_version.h"

namespace ksim::controller {

// A broker as the assignment sees it (kafka.admin.BrokerMetadata).
struct BrokerMetadata {
  std::int32_t id = 0;
  std::optional<std::string> rack{};
  friend bool operator==(const BrokerMetadata&, const BrokerMetadata&) = default;
};

// Kafka's two draws of rand.nextInt(broker count), in the order Kafka draws them. Values >= 0.
struct AssignmentRandomness {
  std::int32_t start_index = 0;
  std::int32_t next_replica_shift = 0;
  // Kafka's fixedStartIndex: both draws replaced by the same index.
  static AssignmentRandomness fixed(std::int32_t start_index) {
    return AssignmentRandomness{start_index, start_index};
  }
};

// Partition id -> replicas, the preferred leader first.
using ReplicaAssignment = std::map<std::int32_t, std::vector<std::int32_t>>;

// AdminUtils.assignReplicasToBrokers. `brokers` in the order Kafka passes them (sorted by id, see
// broker_metadatas). Partitions are numbered from `start_partition_id`. Rack-aware when every
// broker has a rack, rack-unaware when none has; throws AdminError when only some have, and for
// partitions <= 0, replication_factor <= 0 or replication_factor > brokers (checked in that
// order). Throws std::invalid_argument for negative randomness or a broker listed twice
// (programmer errors).
ReplicaAssignment assign_replicas_to_brokers(const std::vector<BrokerMetadata>& brokers,
                                             std::int32_t partitions,
                                             std::int32_t replication_factor,
                                             AssignmentRandomness randomness,
                                             std::int32_t start_partition_id = 0,
                                             KafkaVersion version = {});

// AdminUtils.getRackAlternatedBrokerList: racks sorted by name, each rack's brokers sorted by id,
// one broker from each rack in turn ({0:a, 1:a, 2:b} -> [0, 2, 1]).
std::vector<std::int32_t> rack_alternated_broker_list(
    const std::map<std::int32_t, std::string>& broker_racks);

// RackAwareMode: --disable-rack-aware gives `disabled`; kafka-topics.sh otherwise `enforced`;
// auto-created topics use `safe` (drop racks unless every broker has one).
enum class RackAwareMode { enforced, disabled, safe };

// AdminZkClient.getBrokerMetadatas: the live brokers sorted by id, racks kept or dropped by
// `mode`. `enforced` with only some brokers racked throws AdminError ("Not all brokers have rack
// information. Add --disable-rack-aware in command line to make replica assignment without rack
// information.").
std::vector<BrokerMetadata> broker_metadatas(std::vector<BrokerMetadata> live_brokers,
                                             RackAwareMode mode);

// The assignment of the partitions added to a topic (AdminZkClient.createNewPartitionsAssignment
// without a manual assignment): partitions numbered from `existing_partition_count`, the
// replication factor and fixed start taken from partition 0's replicas.
ReplicaAssignment assign_replicas_for_new_partitions(
    const std::vector<BrokerMetadata>& brokers,
    const std::vector<std::int32_t>& partition0_replicas, std::int32_t existing_partition_count,
    std::int32_t partitions_to_add, KafkaVersion version = {});

}  // namespace ksim::controller
