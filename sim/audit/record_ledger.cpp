// RecordLedger: feeding (the events) and the row store. The stories are in
// record_ledger_explain.cpp.
#include "sim/audit/record_ledger.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include "sim/audit/record_ledger_internal.h"

namespace ksim::sim::audit {

namespace {

// How far a replica's log may jump past its end in one write (offsets never fed in between).
constexpr std::int64_t kMaxOffsetGap = std::int64_t{1} << 24;

[[noreturn]] void bad_event(std::string_view event, const std::string& problem) {
  throw std::invalid_argument(std::string(event) + ": " + problem);
}

std::size_t table_slot(ValueIdentity value, std::size_t mask) {
  // Fibonacci hashing: the identity is already a hash, this only spreads it over the table.
  return static_cast<std::size_t>((value * 0x9e3779b97f4a7c15u) >> 32) & mask;
}

}  // namespace

std::string_view to_string(SendOutcome outcome) {
  switch (outcome) {
    case SendOutcome::pending: return "pending";
    case SendOutcome::acknowledged: return "acknowledged";
    case SendOutcome::failed: return "failed";
    case SendOutcome::indeterminate: return "indeterminate";
    case SendOutcome::sent_unknown: return "sent_unknown";
  }
  return "?";
}

std::string_view to_string(Loss loss) {
  switch (loss) {
    case Loss::none: return "not lost";
    case Loss::lost_after_acknowledgement: return "lost after acknowledgement";
    case Loss::lost_after_commit: return "lost after commit";
    case Loss::lost_after_sent: return "lost after acks=0 counted it as sent";
  }
  return "?";
}

RecordLedger::RecordLedger() : RecordLedger(Options{}) {}

RecordLedger::RecordLedger(Options options) : options_(options) {
  static_assert(sizeof(Row) == 112, "keep the row compact: ten million of them");
  table_.assign(1024, 0);
}

RecordLedger::~RecordLedger() = default;

RecordLedger::Row& RecordLedger::row(std::uint32_t index) {
  return rows_[index >> kRowsPerChunkBits][index & (kRowsPerChunk - 1)];
}

const RecordLedger::Row& RecordLedger::row(std::uint32_t index) const {
  return rows_[index >> kRowsPerChunkBits][index & (kRowsPerChunk - 1)];
}

std::uint32_t RecordLedger::checked_row(RecordId id, std::string_view event) const {
  if (id >= row_count_) {
    bad_event(event, "unknown record " + std::to_string(id) + " (" + std::to_string(row_count_) +
                         " records sent)");
  }
  return static_cast<std::uint32_t>(id);
}

// --- partitions -------------------------------------------------------------------------------

std::uint32_t RecordLedger::find_partition(const PartitionRef& ref) const {
  if (!ref.known()) return kNoRow;
  const std::uint32_t topic = topics_.find(ref.topic);
  if (topic == NamePool::kNone) return kNoRow;
  const auto& by_partition = partition_by_topic_[topic];
  const auto p = static_cast<std::size_t>(ref.partition);
  return p < by_partition.size() ? by_partition[p] : kNoRow;
}

std::uint32_t RecordLedger::partition_of(const PartitionRef& ref, std::string_view event) {
  if (!ref.known()) {
    bad_event(event, "the topic-partition is not known (topic \"" + std::string(ref.topic) +
                         "\", partition " + std::to_string(ref.partition) + ")");
  }
  PartitionCache& cache =
      partition_cache_[static_cast<std::size_t>(ref.partition) % partition_cache_.size()];
  if (cache.index != kNoRow && cache.partition == ref.partition && cache.topic == ref.topic) {
    return cache.index;
  }
  const std::uint32_t topic = topics_.intern(ref.topic);
  if (topic >= partition_by_topic_.size()) partition_by_topic_.resize(topic + 1);
  auto& by_partition = partition_by_topic_[topic];
  const auto p = static_cast<std::size_t>(ref.partition);
  if (p >= by_partition.size()) by_partition.resize(p + 1, kNoRow);
  if (by_partition[p] == kNoRow) {
    PartitionState state;
    state.topic = topic;
    state.partition = ref.partition;
    partitions_.push_back(std::move(state));
    by_partition[p] = static_cast<std::uint32_t>(partitions_.size() - 1);
  }
  cache = {topics_.name(topic), ref.partition, by_partition[p]};
  return by_partition[p];
}

RecordLedger::ReplicaLog& RecordLedger::replica(PartitionState& partition, std::int32_t broker) {
  for (ReplicaLog& log : partition.replicas) {
    if (log.broker == broker) return log;
  }
  partition.replicas.emplace_back();
  partition.replicas.back().broker = broker;
  return partition.replicas.back();
}

std::size_t RecordLedger::partition_count() const { return partitions_.size(); }

std::string RecordLedger::partition_name(std::uint32_t partition) const {
  const PartitionState& state = partitions_.at(partition);
  return std::string(topics_.name(state.topic)) + "-" + std::to_string(state.partition);
}

// --- the value table -----------------------------------------------------------------------------

// A slot holds (the identity's low 32 bits << 32) | (row + 1); 0 is empty. The fingerprint
// spares a visit to the row (a cache miss) for every slot a probe passes.
namespace {
std::uint64_t slot_entry(ValueIdentity value, std::uint32_t row_index) {
  return (value << 32) | (std::uint64_t{row_index} + 1);
}
bool slot_matches(std::uint64_t entry, ValueIdentity value) {
  return (entry >> 32) == (value & 0xffffffffu);
}
std::uint32_t slot_row(std::uint64_t entry) {
  return static_cast<std::uint32_t>(entry & 0xffffffffu) - 1;
}
}  // namespace

void RecordLedger::table_grow() {
  std::vector<std::uint64_t> old;
  old.swap(table_);
  table_.assign(old.size() * 2, 0);
  const std::size_t mask = table_.size() - 1;
  for (const std::uint64_t entry : old) {
    if (entry == 0) continue;
    std::size_t slot = table_slot(row(slot_row(entry)).value_identity, mask);
    while (table_[slot] != 0) slot = (slot + 1) & mask;
    table_[slot] = entry;
  }
}

void RecordLedger::table_insert(std::uint32_t row_index) {
  if ((table_used_ + 1) * 10 > table_.size() * 7) table_grow();
  Row& inserted = row(row_index);
  const ValueIdentity value = inserted.value_identity;
  const std::size_t mask = table_.size() - 1;
  std::size_t slot = table_slot(value, mask);
  while (table_[slot] != 0) {
    if (slot_matches(table_[slot], value)) {
      const std::uint32_t other = slot_row(table_[slot]);
      if (row(other).value_identity == value) {
        inserted.previous_same_value = other;  // the newest send of a value heads its chain
        table_[slot] = slot_entry(value, row_index);
        return;
      }
    }
    slot = (slot + 1) & mask;
  }
  table_[slot] = slot_entry(value, row_index);
  ++table_used_;
}

std::uint32_t RecordLedger::table_find(ValueIdentity value) const {
  const std::size_t mask = table_.size() - 1;
  std::size_t slot = table_slot(value, mask);
  while (table_[slot] != 0) {
    if (slot_matches(table_[slot], value)) {
      const std::uint32_t candidate = slot_row(table_[slot]);
      if (row(candidate).value_identity == value) return candidate;
    }
    slot = (slot + 1) & mask;
  }
  return kNoRow;
}

std::uint32_t RecordLedger::find_row(std::uint32_t partition, ValueIdentity value) const {
  std::uint32_t unplaced = kNoRow;  // the newest send of that value with no partition yet
  for (std::uint32_t r = table_find(value); r != kNoRow; r = row(r).previous_same_value) {
    if (row(r).partition == partition) return r;
    if (row(r).partition == kNoRow && unplaced == kNoRow) unplaced = r;
  }
  return unplaced;
}

std::uint32_t RecordLedger::find_row(std::uint32_t partition, ValueIdentity value) {
  const std::uint32_t r = std::as_const(*this).find_row(partition, value);
  if (r != kNoRow) row(r).partition = partition;  // a broker or consumer placed it
  return r;
}

std::optional<RecordId> RecordLedger::find(const storage::TopicPartition& tp,
                                           ValueIdentity value) const {
  const std::uint32_t partition = find_partition(tp);
  if (partition == kNoRow) return std::nullopt;
  const std::uint32_t r = find_row(partition, value);
  if (r == kNoRow) return std::nullopt;
  return RecordId{r};
}

// --- feeding ---------------------------------------------------------------------------------------

void RecordLedger::record_sent(const RecordSent& event) {
  constexpr std::string_view kEvent = "RecordSent";
  if (event.record != row_count_) {
    bad_event(kEvent, "record id " + std::to_string(event.record) +
                          " out of order: the next record id is " + std::to_string(row_count_));
  }
  if (event.acks != 0 && event.acks != 1 && event.acks != -1) {
    bad_event(kEvent, "record " + std::to_string(event.record) + ": acks must be 0, 1 or -1, not " +
                          std::to_string(event.acks));
  }
  if (row_count_ == std::numeric_limits<std::uint32_t>::max() - 1) {
    bad_event(kEvent, "more than 2^32 - 2 records");
  }
  if ((row_count_ & (kRowsPerChunk - 1)) == 0) {
    rows_.push_back(std::make_unique<Row[]>(kRowsPerChunk));
  }
  const std::uint32_t index = row_count_++;
  Row& r = row(index);
  r.value_identity = value_identity(event.value);
  r.text = text_.add(event.key ? &*event.key : nullptr, event.value);
  r.sent_at = event.sent_at.to_us();
  r.producer = names_.intern(event.producer, producer_cache_);
  r.acks = static_cast<std::int8_t>(event.acks);
  if (event.partition.known()) r.partition = partition_of(event.partition, kEvent);
  table_insert(index);
}

void RecordLedger::send_completed(const SendCompleted& event) {
  constexpr std::string_view kEvent = "SendCompleted";
  Row& r = row(checked_row(event.record, kEvent));
  const std::string which = "record " + std::to_string(event.record);
  if (r.outcome != SendOutcome::pending) {
    bad_event(kEvent, which + " already completed (" + std::string(to_string(r.outcome)) + ")");
  }
  if (event.outcome == SendOutcome::pending) bad_event(kEvent, which + ": outcome pending");
  if (event.partition.known()) {
    const std::uint32_t partition = partition_of(event.partition, kEvent);
    if (r.partition != kNoRow && r.partition != partition) {
      bad_event(kEvent, which + " was sent to " + partition_name(r.partition) + ", not " +
                            partition_name(partition));
    }
    r.partition = partition;
  }
  switch (event.outcome) {
    case SendOutcome::acknowledged:
      if (r.partition == kNoRow || event.offset < 0) {
        bad_event(kEvent, which + ": an acknowledgement needs its topic-partition and offset");
      }
      r.acknowledged_offset = event.offset;
      break;
    case SendOutcome::failed:
      r.outcome_detail =
          event.error.empty() ? NamePool::kNone : names_.intern(event.error, error_cache_);
      break;
    case SendOutcome::indeterminate:
      r.outcome_detail = event.reason.empty() ? NamePool::kNone : names_.intern(event.reason);
      break;
    case SendOutcome::sent_unknown:
    case SendOutcome::pending:
      break;
  }
  r.outcome = event.outcome;
  r.completed_at = event.completed_at.to_us();
  r.attempts = static_cast<std::uint16_t>(std::min<std::uint32_t>(event.attempts, 0xffff));
}

void RecordLedger::record_written(const RecordWritten& event) {
  constexpr std::string_view kEvent = "RecordWritten";
  const std::uint32_t partition = partition_of(event.partition, kEvent);
  if (event.offset < 0) {
    bad_event(kEvent, "negative offset " + std::to_string(event.offset) + " on broker " +
                          std::to_string(event.broker));
  }
  PartitionState& state = partitions_[partition];
  state.written = true;
  ReplicaLog* log = &replica(state, event.broker);
  if (!log->rows.empty() && event.offset < log->end()) {
    cut_log(RemovalKind::overwritten, event.broker, partition, event.offset, event.written_at,
            "overwritten without a reported truncation");
    log = &replica(partitions_[partition], event.broker);
  }
  if (log->rows.empty()) {
    log->base = event.offset;
  } else if (event.offset > log->end()) {
    if (event.offset - log->end() > kMaxOffsetGap) {
      bad_event(kEvent, "broker " + std::to_string(event.broker) + "'s log of " +
                            partition_name(partition) + " jumps from offset " +
                            std::to_string(log->end()) + " to " + std::to_string(event.offset));
    }
    log->rows.resize(static_cast<std::size_t>(event.offset - log->base), kNoRow);
  }
  const std::uint32_t index = find_row(partition, event.value);
  log->rows.push_back(index);
  if (index == kNoRow) {
    ++unknown_writes_;
    return;
  }
  Row& r = row(index);
  ++r.copies;
  r.flags |= Row::kWritten;
  r.destroyed_by = 0;  // a retry wrote it again: it exists
  if (event.role == AppendRole::leader) {
    if (r.written_by < 0 && (r.offset < 0 || r.offset == event.offset)) {
      r.offset = event.offset;
      r.leader_epoch = event.leader_epoch;
      r.written_by = event.broker;
    } else {
      if (event.offset != r.offset) r.flags |= Row::kDuplicated;
      r.flags |= Row::kExtraWrites;
      extra_writes_.push_back(
          {index, event.broker, event.offset, event.leader_epoch, event.written_at});
    }
  } else if (r.offset < 0) {
    r.offset = event.offset;  // the leader's write was not reported; the copy says where
    r.leader_epoch = event.leader_epoch;
  }
}

void RecordLedger::high_watermark_advanced(const HighWatermarkAdvanced& event) {
  const std::uint32_t partition = partition_of(event.partition, "HighWatermarkAdvanced");
  PartitionState& state = partitions_[partition];
  state.high_watermark = event.high_watermark;
  state.high_watermark_leader = event.leader;
  ReplicaLog& log = replica(state, event.leader);
  log.last_high_watermark = event.high_watermark;
  const std::int64_t from = std::max(log.committed_through, log.base);
  const std::int64_t to = std::min(event.high_watermark, log.end());
  const std::int64_t now = event.advanced_at.to_us();
  for (std::int64_t offset = from; offset < to; ++offset) {
    const std::uint32_t index = log.rows[static_cast<std::size_t>(offset - log.base)];
    if (index == kNoRow) continue;
    Row& r = row(index);
    if (r.committed_at < 0) r.committed_at = now;
  }
  log.committed_through = std::max(log.committed_through, to);
}

void RecordLedger::cut_log(RemovalKind kind, std::int32_t broker, std::uint32_t partition,
                           std::int64_t from_offset, SimTime at, std::string_view reason) {
  PartitionState& state = partitions_[partition];
  ReplicaLog& log = replica(state, broker);
  log.committed_through = std::min(log.committed_through, std::max<std::int64_t>(from_offset, 0));
  if (from_offset >= log.end() || log.rows.empty()) return;
  const std::int64_t start = std::max(from_offset, log.base);
  const auto removal = static_cast<std::uint32_t>(removals_.size());
  bool destroyed_any = false;
  for (std::int64_t offset = start; offset < log.end(); ++offset) {
    const std::uint32_t index = log.rows[static_cast<std::size_t>(offset - log.base)];
    if (index == kNoRow) continue;
    Row& r = row(index);
    if (--r.copies == 0) {
      r.destroyed_by = removal + 1;
      destroyed_any = true;
    }
  }
  log.rows.resize(static_cast<std::size_t>(start - log.base));
  if (destroyed_any) {
    const std::uint32_t reason_index = reason.empty() ? NamePool::kNone : names_.intern(reason);
    removals_.push_back(
        {kind, broker, partition, from_offset, at, reason_index, log.last_high_watermark});
  }
}

void RecordLedger::log_truncated(const LogTruncated& event) {
  const std::uint32_t partition = partition_of(event.partition, "LogTruncated");
  if (event.truncated_from < 0) {
    bad_event("LogTruncated", "negative offset " + std::to_string(event.truncated_from));
  }
  cut_log(RemovalKind::truncated, event.broker, partition, event.truncated_from,
          event.truncated_at, event.reason);
}

void RecordLedger::replica_lost(const ReplicaLost& event) {
  const std::uint32_t partition = partition_of(event.partition, "ReplicaLost");
  if (event.log_end_offset < 0) {
    bad_event("ReplicaLost", "negative log end offset " + std::to_string(event.log_end_offset));
  }
  cut_log(RemovalKind::lost, event.broker, partition, event.log_end_offset, event.lost_at,
          event.reason);
}

void RecordLedger::record_consumed(const RecordConsumed& event) {
  const std::uint32_t partition = partition_of(event.partition, "RecordConsumed");
  const std::uint32_t consumer = names_.intern(event.consumer, consumer_cache_);
  const std::uint32_t index = find_row(partition, event.value);
  if (index == kNoRow) {
    ++unknown_reads_;
  } else {
    Row& r = row(index);
    if (r.reads == 0) {
      r.first_consumer = consumer;
      r.first_consumed_at = event.consumed_at.to_us();
    }
    if (r.reads != std::numeric_limits<std::uint32_t>::max()) ++r.reads;
  }
  if (options_.keep_reads) {
    reads_.push_back({event.value, event.offset, partition, consumer,
                      static_cast<std::uint32_t>(event.poll), index});
  }
}

void RecordLedger::partitions_assigned(const PartitionsAssigned& event) {
  AssignmentChange change;
  change.consumer = names_.intern(event.consumer, consumer_cache_);
  change.before_read = reads_.size();
  for (const storage::TopicPartition& tp : event.partitions) {
    change.partitions.push_back(partition_of(tp, "PartitionsAssigned"));
  }
  assignments_.push_back(std::move(change));
}

// --- rows --------------------------------------------------------------------------------------------

RecordFate RecordLedger::fate_of(const Row& r) const {
  if (r.copies > 0) return RecordFate::survives;
  return (r.flags & Row::kWritten) != 0 ? RecordFate::destroyed : RecordFate::never_written;
}

Loss RecordLedger::loss_of(const Row& r) const {
  const RecordFate fate = fate_of(r);
  if (fate == RecordFate::survives) return Loss::none;
  if (fate == RecordFate::never_written &&
      (r.partition == kNoRow || !partitions_[r.partition].written)) {
    return Loss::none;  // no broker of its partition is fed: the ledger cannot tell
  }
  switch (r.outcome) {
    case SendOutcome::acknowledged:
      return r.committed_at >= 0 ? Loss::lost_after_commit : Loss::lost_after_acknowledgement;
    case SendOutcome::sent_unknown:
      return Loss::lost_after_sent;
    default:
      return Loss::none;
  }
}

RecordFate RecordLedger::fate(RecordId id) const { return fate_of(row(checked_row(id, "fate"))); }
Loss RecordLedger::loss(RecordId id) const { return loss_of(row(checked_row(id, "loss"))); }

std::uint32_t RecordLedger::partition_index(const storage::TopicPartition& tp) const {
  return find_partition(tp);
}

RecordLedger::SendFacts RecordLedger::send_facts(RecordId id) const {
  const Row& r = row(checked_row(id, "send_facts"));
  return {r.partition, r.value_identity, r.outcome, r.acknowledged_offset, r.reads};
}

RecordView RecordLedger::record(RecordId id) const {
  const Row& r = row(checked_row(id, "record"));
  RecordView view;
  view.id = id;
  view.producer = names_.name(r.producer);
  const TextArena::Entry text = text_.get(r.text);
  view.has_key = text.has_key;
  view.key = text.key;
  view.value = text.value;
  view.value_identity = r.value_identity;
  view.acks = r.acks;
  view.sent_at = SimTime::from_us(r.sent_at);
  if (r.partition != kNoRow) {
    view.topic = topics_.name(partitions_[r.partition].topic);
    view.partition = partitions_[r.partition].partition;
  }
  view.outcome = r.outcome;
  view.outcome_detail = names_.name(r.outcome_detail);
  if (r.completed_at >= 0) view.completed_at = SimTime::from_us(r.completed_at);
  view.attempts = r.attempts;
  view.acknowledged_offset = r.acknowledged_offset;
  view.offset = r.offset;
  view.leader_epoch = r.leader_epoch;
  view.written_by = r.written_by;
  if (r.committed_at >= 0) view.committed_at = SimTime::from_us(r.committed_at);
  view.copies = r.copies;
  view.duplicated = (r.flags & Row::kDuplicated) != 0;
  if (r.destroyed_by != 0) view.destroyed_by = removals_[r.destroyed_by - 1];
  view.first_consumer = names_.name(r.first_consumer);
  if (r.first_consumed_at >= 0) view.first_consumed_at = SimTime::from_us(r.first_consumed_at);
  view.reads = r.reads;
  view.fate = fate_of(r);
  view.loss = loss_of(r);
  return view;
}

RecordLedger::MemoryUse RecordLedger::memory_use() const {
  MemoryUse use;
  use.rows = rows_.size() * kRowsPerChunk * sizeof(Row);
  use.text = text_.bytes_reserved();
  use.value_table = table_.capacity() * sizeof(std::uint64_t);
  for (const PartitionState& state : partitions_) {
    for (const ReplicaLog& log : state.replicas) {
      use.replica_logs += log.rows.capacity() * sizeof(std::uint32_t);
    }
  }
  use.reads = reads_.capacity() * sizeof(ReadEntry);
  use.other = removals_.capacity() * sizeof(Removal) +
              extra_writes_.capacity() * sizeof(ExtraWrite) +
              partitions_.capacity() * sizeof(PartitionState);
  return use;
}

}  // namespace ksim::sim::audit
