// The replication invariants, checked after every event of a simulated cluster (issue 4's list,
// Kafka's RaftEventSimulationTest style). Over every running broker's partitions:
// - at most one leader per partition per leader epoch (remembered across the whole run);
// - a leader's HW never decreases while it leads in one epoch;
// - the ISR is never empty;
// - every replica in a leader's ISR holds every record below the leader's HW (protocol 3.7
//   only: the old versions break it on purpose; a replica whose host lost power is exempt until
//   it has left the ISR and rejoined, as Kafka's ZooKeeper mode does not survive that either;
//   a deposed leader that has not heard of a newer leader epoch yet is not asked);
// - committed data is identical across replicas below their HWs (the same batch, CRC and leader
//   epoch at every offset), checked incrementally: each replica's newly committed batches are
//   compared with the first replica that committed them. A follower is asked only once it has
//   applied a fetch response of its current leader: before that its HW is a belief (from its
//   checkpoint or its previous role) over a log it has yet to reconcile (truncate) with the
//   leader. When every replica of a partition has lost power, Kafka promises nothing about what
//   was committed but never flushed: the partition's committed history starts again;
// - a follower's HW never exceeds its LEO.
// A violation either fails the run (the kernel throws InvariantViolation) or, for the lessons
// that show a historic bug, is recorded and the run goes on.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/replication/protocol_version.h"
#include "core/storage/topic_partition.h"
#include "sim/kernel/invariant.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim::cluster {

class KafkaBroker;

// What the invariants look at: the brokers running now (paused ones included).
class ClusterView {
 public:
  virtual ~ClusterView() = default;
  virtual std::vector<const KafkaBroker*> running_brokers() const = 0;
};

struct InvariantViolationRecord {
  SimTime time;
  std::string invariant;
  std::string what;
};

enum class ViolationMode { fail, record };

class ReplicationInvariants final : public Invariant {
 public:
  ReplicationInvariants(const ClusterView& cluster, replication::ProtocolVersion version,
                        ViolationMode mode);
  std::string_view name() const override { return "replication"; }
  std::optional<std::string> check(const Simulation& sim) override;

  // A broker lost power: its replicas may be behind the HW until they rejoin the ISR; when every
  // replica of a partition has lost power (none restarted since), its committed history is
  // forgotten.
  void on_power_loss(std::int32_t broker_id);
  const std::vector<InvariantViolationRecord>& violations() const { return violations_; }

 private:
  struct BatchFingerprint {
    std::int64_t last_offset = 0;
    std::uint32_t crc = 0;
    std::int32_t leader_epoch = 0;
    std::int32_t first_broker = -1;
  };
  using Key = std::pair<storage::TopicPartition, std::int32_t>;  // partition, broker

  std::optional<std::string> check_once(const Simulation& sim);
  std::optional<std::string> check_committed_data(const KafkaBroker& broker);

  const ClusterView* cluster_;
  replication::ProtocolVersion version_;
  ViolationMode mode_;
  std::vector<InvariantViolationRecord> violations_;
  std::set<std::string> reported_;  // a recorded violation is recorded once
  std::map<std::pair<storage::TopicPartition, std::int32_t>, std::int32_t> leader_of_epoch_;
  std::map<Key, std::pair<std::int32_t, std::int64_t>> leader_hw_;  // (epoch, HW)
  // Brokers that lost power, with the partitions where they have since left the ISR.
  std::map<std::int32_t, std::set<storage::TopicPartition>> power_loss_cleared_;
  std::map<Key, std::int64_t> verified_upto_;
  // Every broker seen hosting each partition, and the brokers down after a power loss.
  std::map<storage::TopicPartition, std::set<std::int32_t>> replica_hosts_;
  std::set<std::int32_t> powered_off_;
  std::map<storage::TopicPartition, std::map<std::int64_t, BatchFingerprint>> committed_batches_;
};

}  // namespace ksim::sim::cluster
