// PartitionStripModel: see partition_strip_model.h.
#include "app/gui/model/partition_strip_model.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/controller/zk_kafka_paths.h"
#include "core/controller/zk_kafka_znodes.h"
#include "core/storage/log.h"
#include "core/storage/record_batch.h"
#include "sim/audit/record_ledger.h"

namespace ksim::gui::model {

namespace {

// How much of a log one read copies; a window needing more reads again.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

std::string as_text(const std::optional<storage::Bytes>& bytes) {
  if (!bytes) return {};
  return std::string(bytes->begin(), bytes->end());
}

RecordColour colour_of(const sim::audit::RecordView& view) {
  using sim::audit::SendOutcome;
  if (view.loss != sim::audit::Loss::none) return RecordColour::lost;
  const bool told_written =
      view.outcome == SendOutcome::acknowledged || view.outcome == SendOutcome::sent_unknown;
  if (!told_written) return RecordColour::not_acknowledged;
  return view.committed_at ? RecordColour::committed : RecordColour::acknowledged_uncommitted;
}

// Calls `visit(header, bytes of the batch)` for every batch of `log` holding an offset in
// [from, to), in order.
template <typename Visit>
void for_each_batch(const storage::Log& log, std::int64_t from, std::int64_t to, Visit visit) {
  std::int64_t position = std::max(from, log.log_start_offset());
  const std::int64_t end = std::min(to, log.log_end_offset());
  while (position < end) {
    const storage::FetchDataInfo data = log.read(position, kReadChunkBytes);
    if (data.records.empty()) return;
    const storage::ByteView bytes(data.records);
    std::size_t at = 0;
    std::int64_t next = position;
    while (at < bytes.size()) {
      const storage::BatchHeader header = storage::read_batch_header(bytes.subspan(at));
      const std::size_t size = header.size_in_bytes();
      if (at + size > bytes.size()) break;
      if (header.base_offset >= end) return;
      if (header.last_offset() >= from) visit(header, bytes.subspan(at, size));
      next = header.next_offset();
      at += size;
    }
    if (next <= position) return;  // no whole batch read: nothing more to show
    position = next;
  }
}

}  // namespace

std::string_view to_string(RecordColour colour) {
  switch (colour) {
    case RecordColour::committed: return "committed";
    case RecordColour::acknowledged_uncommitted: return "acknowledged, not committed";
    case RecordColour::lost: return "lost";
    case RecordColour::not_acknowledged: return "not acknowledged";
    case RecordColour::unknown: return "unknown";
  }
  return "?";
}

int PartitionStripModel::colour_index(std::int32_t leader_epoch) {
  if (leader_epoch < 0) return 0;
  return static_cast<int>(leader_epoch % kEpochColours);
}

PartitionStripModel::PartitionStripModel(storage::TopicPartition partition)
    : partition_(std::move(partition)) {}

const ReplicaStrip* PartitionStripModel::replica(std::int32_t broker) const {
  for (const ReplicaStrip& strip : replicas_) {
    if (strip.broker == broker) return &strip;
  }
  return nullptr;
}

const replication::Partition* PartitionStripModel::live_replica(std::int32_t broker) const {
  return cluster_ == nullptr ? nullptr : cluster_->replica(broker, partition_);
}

void PartitionStripModel::update(sim::cluster::KafkaCluster& cluster) {
  cluster_ = &cluster;
  truncations_.clear();

  // The assignment and the partition state, from their znodes (not the whole metadata).
  std::vector<std::int32_t> assignment;
  std::optional<controller::LeaderIsrAndControllerEpoch> state;
  if (cluster.zookeeper().has_server()) {
    const controller::zk::DataTree& tree = cluster.zookeeper().server().data_tree();
    const controller::zk::DataNode* topic = tree.node(controller::ZkPaths::topic(partition_.topic));
    if (topic != nullptr && topic->data) {
      const controller::TopicAssignment decoded =
          controller::decode_topic_assignment(partition_.topic, *topic->data);
      auto it = decoded.partitions.find(partition_.partition);
      if (it != decoded.partitions.end()) assignment = it->second.replicas;
    }
    const controller::zk::DataNode* node = tree.node(
        controller::ZkPaths::topic_partition_state(partition_.topic, partition_.partition));
    if (node != nullptr && node->data) {
      state = controller::decode_partition_state(partition_, *node->data);
    }
  }

  // The assigned replicas, then any running broker still holding the partition (a replica
  // being moved away). A broker that holds it no more and is not assigned leaves the panel.
  std::vector<std::int32_t> brokers = assignment;
  for (std::int32_t id : cluster.broker_ids()) {
    if (std::find(brokers.begin(), brokers.end(), id) == brokers.end() &&
        cluster.replica(id, partition_) != nullptr) {
      brokers.push_back(id);
    }
  }

  std::vector<ReplicaStrip> next;
  next.reserve(brokers.size());
  for (std::int32_t id : brokers) {
    ReplicaStrip strip;
    if (const ReplicaStrip* before = replica(id)) strip = *before;
    strip.broker = id;
    const replication::Partition* live = cluster.replica(id, partition_);
    strip.online = live != nullptr;
    if (live != nullptr) {
      strip.leader_epoch = live->leader_epoch();
      strip.log_start_offset = live->log_start_offset();
      strip.high_watermark = live->high_watermark();
      const std::int64_t previous_leo = strip.log_end_offset;
      strip.log_end_offset = live->log_end_offset();
      if (!first_update_ && strip.log_end_offset < previous_leo) {
        truncations_.push_back(
            {id, strip.log_end_offset, previous_leo, cluster.now(), "log end offset fell"});
      }
    }
    strip.leader = state && state->leader == id;
    strip.in_isr = state && std::find(state->isr.begin(), state->isr.end(), id) != state->isr.end();
    next.push_back(strip);
  }
  replicas_ = std::move(next);

  // Kafka's own account of the truncations replaces the guess from the offsets.
  const std::vector<sim::cluster::BrokerEvent>& events = cluster.events();
  if (first_update_) events_seen_ = events.size();
  for (; events_seen_ < events.size(); ++events_seen_) {
    const sim::cluster::BrokerEvent& event = events[events_seen_];
    if (!event.truncation || event.truncation->topic_partition != partition_) continue;
    const replication::LogTruncation& cut = *event.truncation;
    std::erase_if(truncations_, [&](const StripTruncation& t) {
      return t.broker == event.broker_id && t.cause == "log end offset fell";
    });
    truncations_.push_back({event.broker_id, cut.truncated_from, cut.previous_log_end_offset,
                            event.time, std::string(replication::describe(cut.cause))});
  }
  first_update_ = false;

  refresh_lost(cluster);
  end_offset_ = 0;
  for (const ReplicaStrip& strip : replicas_) {
    end_offset_ = std::max(end_offset_, strip.log_end_offset);
  }
  for (const LostRecordMark& mark : lost_) end_offset_ = std::max(end_offset_, mark.offset + 1);
}

void PartitionStripModel::refresh_lost(sim::cluster::KafkaCluster& cluster) {
  sim::audit::RecordLedger* ledger = cluster.audit();
  if (ledger == nullptr) return;
  // The ledger's lost list is a scan of every record: redone when a broker did something (a
  // truncation, a restart) and at most once a simulated second otherwise.
  const bool events_changed = cluster.events().size() != lost_events_seen_;
  if (!events_changed && cluster.now() - lost_refreshed_at_ < sim::SimDuration::from_s(1)) return;
  lost_events_seen_ = cluster.events().size();
  lost_refreshed_at_ = cluster.now();
  lost_.clear();
  for (sim::audit::RecordId id : ledger->lost_records()) {
    const sim::audit::RecordView view = ledger->record(id);
    if (view.topic != partition_.topic || view.partition != partition_.partition) continue;
    LostRecordMark mark;
    mark.offset = view.acknowledged_offset >= 0 ? view.acknowledged_offset : view.offset;
    mark.record = id;
    mark.value = std::string(view.value);
    if (view.destroyed_by) mark.destroyed_at = view.destroyed_by->at;
    lost_.push_back(std::move(mark));
  }
  std::stable_sort(
      lost_.begin(), lost_.end(),
      [](const LostRecordMark& a, const LostRecordMark& b) { return a.offset < b.offset; });
}

std::vector<StripBatch> PartitionStripModel::batches(std::int32_t broker, std::int64_t from,
                                                     std::int64_t to) const {
  std::vector<StripBatch> out;
  const replication::Partition* live = live_replica(broker);
  if (live == nullptr) return out;
  for_each_batch(live->log(), from, to, [&](const storage::BatchHeader& header, storage::ByteView) {
    out.push_back({header.base_offset, header.last_offset(), header.partition_leader_epoch,
                   colour_index(header.partition_leader_epoch), header.records_count});
  });
  return out;
}

std::vector<StripRecord> PartitionStripModel::records(std::int32_t broker, std::int64_t from,
                                                      std::int64_t to) const {
  std::vector<StripRecord> out;
  const replication::Partition* live = live_replica(broker);
  if (live == nullptr) return out;
  const sim::audit::RecordLedger* ledger = cluster_->audit();
  const std::int64_t high_watermark = live->high_watermark();
  for_each_batch(live->log(), from, to,
                 [&](const storage::BatchHeader& header, storage::ByteView bytes) {
                   const storage::DecodedBatch batch = storage::decode_batch(bytes);
                   for (const storage::Record& record : batch.records) {
                     if (record.offset < from || record.offset >= to) continue;
                     StripRecord row;
                     row.offset = record.offset;
                     row.leader_epoch = header.partition_leader_epoch;
                     row.value = as_text(record.value);
                     row.above_high_watermark = record.offset >= high_watermark;
                     if (ledger != nullptr && record.value) {
                       row.record = ledger->find(partition_, sim::audit::value_identity(row.value));
                       if (row.record) row.colour = colour_of(ledger->record(*row.record));
                     }
                     out.push_back(std::move(row));
                   }
                 });
  return out;
}

std::vector<LostRecordMark> PartitionStripModel::lost_records(std::int64_t from,
                                                              std::int64_t to) const {
  auto first =
      std::lower_bound(lost_.begin(), lost_.end(), from,
                       [](const LostRecordMark& m, std::int64_t o) { return m.offset < o; });
  std::vector<LostRecordMark> out;
  for (auto it = first; it != lost_.end() && it->offset < to; ++it) out.push_back(*it);
  return out;
}

std::string PartitionStripModel::tooltip(std::int32_t broker, std::int64_t offset) const {
  std::string text =
      fmt::format("{} offset {} on broker {}", partition_.to_string(), offset, broker);
  const std::vector<StripRecord> rows = records(broker, offset, offset + 1);
  if (!rows.empty()) {
    const StripRecord& row = rows.front();
    text += fmt::format(": \"{}\", leader epoch {}, {}{}\n", row.value, row.leader_epoch,
                        to_string(row.colour),
                        row.above_high_watermark ? " (above this replica's HW)" : "");
  } else {
    text += live_replica(broker) == nullptr ? ": broker down\n" : ": no record here\n";
  }
  if (cluster_ != nullptr && cluster_->audit() != nullptr) {
    text += cluster_->audit()->why(partition_, offset);
  }
  return text;
}

}  // namespace ksim::gui::model
