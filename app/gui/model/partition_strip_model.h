// PartitionStripModel: what the Partition panel draws for one partition: one strip per replica
// with its log by offset as batches (leader-epoch colours), its log start offset, HW and LEO,
// every record coloured by its fate in the audit, a tooltip with each record's story, the
// acknowledged records that are gone (drawn as ghosts where they were acknowledged), and the
// truncations since the previous update (for the animation).
//
// Cheap for long logs: update() reads only each replica's offsets and the new broker events;
// batches(), records() and tooltip() read the one offset window the panel shows, when asked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/topic_partition.h"
#include "sim/audit/audit_events.h"
#include "sim/cluster/kafka_cluster.h"
#include "sim/kernel/sim_time.h"

namespace ksim::gui::model {

// How a record is coloured, from the audit.
enum class RecordColour : std::uint8_t {
  committed,                 // acknowledged and committed: safe
  acknowledged_uncommitted,  // the client was told it is written, the HW has not passed it yet
  lost,                      // acknowledged (or counted as sent), and no replica holds it
  not_acknowledged,          // pending, failed, indeterminate: the client was promised nothing
  unknown,                   // a record the audit does not know (e.g. __consumer_offsets)
};
std::string_view to_string(RecordColour colour);

struct ReplicaStrip {
  std::int32_t broker = -1;
  bool online = false;  // its broker runs and holds the partition (else: the last values seen)
  bool leader = false;  // the leader in the partition state (ZooKeeper)
  bool in_isr = false;
  std::int32_t leader_epoch = -1;  // the epoch this replica knows
  std::int64_t log_start_offset = 0;
  std::int64_t high_watermark = 0;
  std::int64_t log_end_offset = 0;
};

struct StripBatch {
  std::int64_t base_offset = 0;
  std::int64_t last_offset = 0;
  std::int32_t leader_epoch = -1;
  int colour = 0;  // PartitionStripModel::colour_index(leader_epoch)
  std::int32_t record_count = 0;
};

struct StripRecord {
  std::int64_t offset = 0;
  std::int32_t leader_epoch = -1;
  std::string value;                           // as text ("" for null)
  std::optional<sim::audit::RecordId> record;  // the audit's record, if known
  RecordColour colour = RecordColour::unknown;
  bool above_high_watermark = false;  // at or above this replica's HW
};

// An acknowledged record no replica holds any more, at the offset it was acknowledged at.
struct LostRecordMark {
  std::int64_t offset = -1;
  sim::audit::RecordId record = 0;
  std::string value;
  std::optional<sim::SimTime> destroyed_at;  // when the last copy went (none: never written)
};

// A replica's log lost [from_offset, to_offset) since the previous update.
struct StripTruncation {
  std::int32_t broker = -1;
  std::int64_t from_offset = 0;  // the new log end offset
  std::int64_t to_offset = 0;    // the log end offset before
  sim::SimTime at;
  std::string cause;  // Kafka's reason, or "log end offset fell" (recovery after power loss)
};

class PartitionStripModel {
 public:
  static constexpr int kEpochColours = 8;
  // A stable colour per leader epoch (0 .. kEpochColours - 1); -1 (no epoch) gets 0.
  static int colour_index(std::int32_t leader_epoch);

  explicit PartitionStripModel(storage::TopicPartition partition);

  // Once per frame: every replica's offsets, the partition state, the truncations since the
  // previous update. The first update reports no truncation (it has no "before").
  void update(sim::cluster::KafkaCluster& cluster);

  const storage::TopicPartition& partition() const { return partition_; }
  // In the assignment's order, then any other running broker holding the partition.
  const std::vector<ReplicaStrip>& replicas() const { return replicas_; }
  const ReplicaStrip* replica(std::int32_t broker) const;
  // The strip's extent: the largest log end offset of any replica (and of any lost record + 1).
  std::int64_t end_offset() const { return end_offset_; }
  const std::vector<StripTruncation>& truncations() const { return truncations_; }

  // The window [from, to) of one replica's log, read now (empty when its broker is down).
  std::vector<StripBatch> batches(std::int32_t broker, std::int64_t from, std::int64_t to) const;
  std::vector<StripRecord> records(std::int32_t broker, std::int64_t from, std::int64_t to) const;
  // The lost records acknowledged in [from, to), in offset order.
  std::vector<LostRecordMark> lost_records(std::int64_t from, std::int64_t to) const;
  // The hover text of one offset of one replica: where it is, then the audit's story of every
  // record ever written at that offset.
  std::string tooltip(std::int32_t broker, std::int64_t offset) const;

 private:
  const replication::Partition* live_replica(std::int32_t broker) const;
  void refresh_lost(sim::cluster::KafkaCluster& cluster);

  storage::TopicPartition partition_;
  sim::cluster::KafkaCluster* cluster_ = nullptr;
  std::vector<ReplicaStrip> replicas_;
  std::vector<StripTruncation> truncations_;
  std::vector<LostRecordMark> lost_;  // sorted by offset
  std::int64_t end_offset_ = 0;
  std::size_t events_seen_ = 0;
  bool first_update_ = true;
  std::size_t lost_events_seen_ = static_cast<std::size_t>(-1);
  sim::SimTime lost_refreshed_at_;
};

}  // namespace ksim::gui::model
