// RecordLedger: one row per produced record, fed by the audit events (audit_events.h): who sent
// it and how, what the client was told, where a leader wrote it, when it became committed, who
// read it, and, if every copy of it disappeared, the event that removed the last one. Then it
// answers why: `why(tp, offset)`, `why_record(id)`, a summary per acks setting, and the lists
// of lost and duplicated records with their explanations (record_ledger_explain.cpp).
//
// The rules (also in sim/audit/README.md):
// - A replica *holds* a record from the RecordWritten that put it at an offset of that broker's
//   log until a LogTruncated or ReplicaLost cuts that offset off. Holdings are per (partition,
//   broker, offset) and name the record by its value, so a later record written at the same
//   offset is a different record.
// - A record is *committed* when a HighWatermarkAdvanced passes its offset while the reporting
//   leader holds it there ("committed at t"). Commitment is a fact about the past: a committed
//   record can still be destroyed later (KIP-101 before 0.11, unclean elections).
// - A record is *destroyed* when the last copy goes; the ledger keeps that event.
// - A record is *lost* when the client believed it written (acknowledged, or acks=0 counted it
//   as sent) and no replica holds it: destroyed, or never written at all in a partition whose
//   brokers are fed. Failed sends are not lost, and indeterminate ones never are.
// - It is *duplicated* when leaders wrote it at more than one offset (retries without
//   idempotence).
//
// Memory: each row is 112 bytes in chunks of 65,536 rows (no per-row allocation, no copying as
// it grows); keys and values live once in a TextArena; records are found by value through an
// open-addressing table of 32-bit row numbers with 32-bit fingerprints of the rows' 64-bit value
// identities; each replica's log is a vector of 32-bit row numbers by offset; each read is 32
// bytes.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/audit/audit_events.h"
#include "sim/audit/name_pool.h"
#include "sim/audit/text_arena.h"

namespace ksim::sim::audit {

// Where a record stands now.
enum class RecordFate : std::uint8_t {
  survives,       // at least one replica holds it
  destroyed,      // it was written, and every copy is gone
  never_written,  // no broker reported writing it
};

// Whether the client was let down.
enum class Loss : std::uint8_t {
  none,
  lost_after_acknowledgement,  // acknowledged (never committed), and gone
  lost_after_commit,           // acknowledged and committed, and gone
  lost_after_sent,             // acks=0: counted as sent, and gone (or never written)
};
std::string_view to_string(Loss loss);

enum class RemovalKind : std::uint8_t { truncated, lost, overwritten };

// The event that removed a copy (the last one, for a destroyed record).
struct Removal {
  RemovalKind kind = RemovalKind::truncated;
  std::int32_t broker = -1;
  std::uint32_t partition = 0;     // the ledger's partition index
  std::int64_t from_offset = 0;    // everything >= it went from that broker
  SimTime at;
  std::uint32_t reason = NamePool::kNone;
  std::int64_t high_watermark = -1;  // the last HW that broker reported as leader (-1: never)
};

// A leader write of a record after its first (a retry, or a duplicate).
struct ExtraWrite {
  std::uint32_t row = 0;
  std::int32_t broker = -1;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  SimTime at;
};

// One consumed record, in the order consumed (the Jepsen checker's history of reads).
struct ReadEntry {
  ValueIdentity value = 0;
  std::int64_t offset = -1;
  std::uint32_t partition = 0;
  std::uint32_t consumer = NamePool::kNone;
  std::uint32_t poll = 0;     // the feeder's poll number (low 32 bits)
  std::uint32_t row = 0xffffffffu;  // the record read, if the ledger knows its value
};

// A consumer's assignment changed before the read numbered `before_read`.
struct AssignmentChange {
  std::uint32_t consumer = NamePool::kNone;
  std::size_t before_read = 0;
  std::vector<std::uint32_t> partitions;
};

// A record as the queries see it (views into the ledger: valid while it lives, unchanged).
struct RecordView {
  RecordId id = 0;
  std::string_view producer;
  bool has_key = false;
  std::string_view key;
  std::string_view value;
  ValueIdentity value_identity = 0;
  std::int16_t acks = -1;
  SimTime sent_at;
  std::string_view topic;           // empty while the partition is unknown
  std::int32_t partition = -1;
  SendOutcome outcome = SendOutcome::pending;
  std::string_view outcome_detail;  // the error name or the indeterminate reason
  std::optional<SimTime> completed_at;
  std::uint32_t attempts = 0;
  std::int64_t acknowledged_offset = -1;
  std::int64_t offset = -1;         // where a leader first wrote it
  std::int32_t leader_epoch = -1;
  std::int32_t written_by = -1;
  std::optional<SimTime> committed_at;
  std::uint32_t copies = 0;         // replicas (and offsets) holding it now
  bool duplicated = false;
  std::optional<Removal> destroyed_by;
  std::string_view first_consumer;
  std::optional<SimTime> first_consumed_at;
  std::uint32_t reads = 0;
  RecordFate fate = RecordFate::never_written;
  Loss loss = Loss::none;
};

// Per acks setting: what happened to the records sent with it.
struct AcksSummary {
  std::int16_t acks = -1;
  std::uint64_t sent = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t sent_unknown = 0;  // acks=0: counted as sent
  std::uint64_t lost = 0;          // Loss != none
  std::uint64_t lost_after_commit = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t indeterminate = 0;
  std::uint64_t failed = 0;
  std::uint64_t pending = 0;
  std::uint64_t committed = 0;
  std::uint64_t consumed = 0;
};

class RecordLedger {
 public:
  struct Options {
    bool keep_reads = true;  // keep every read for the Jepsen checker (32 bytes each)
  };
  static constexpr std::uint32_t kNoRow = 0xffffffffu;

  RecordLedger();
  explicit RecordLedger(Options options);
  ~RecordLedger();
  RecordLedger(const RecordLedger&) = delete;
  RecordLedger& operator=(const RecordLedger&) = delete;

  // --- feeding (each throws std::invalid_argument naming the event and the problem) -----------
  RecordId next_record_id() const { return row_count_; }
  void record_sent(const RecordSent& event);
  void send_completed(const SendCompleted& event);
  void record_written(const RecordWritten& event);
  void high_watermark_advanced(const HighWatermarkAdvanced& event);
  void log_truncated(const LogTruncated& event);
  void replica_lost(const ReplicaLost& event);
  void record_consumed(const RecordConsumed& event);
  void partitions_assigned(const PartitionsAssigned& event);

  // --- rows --------------------------------------------------------------------------------------
  std::size_t record_count() const { return row_count_; }
  RecordView record(RecordId id) const;
  RecordFate fate(RecordId id) const;
  Loss loss(RecordId id) const;
  // The record with this value in this partition (the latest sent, if the value repeats).
  std::optional<RecordId> find(const storage::TopicPartition& tp, ValueIdentity value) const;
  // Writes and reads the ledger could not match to a sent record.
  std::uint64_t unknown_writes() const { return unknown_writes_; }
  std::uint64_t unknown_reads() const { return unknown_reads_; }

  // --- queries (record_ledger_explain.cpp) ------------------------------------------------------
  // The story of every record ever written at that offset, one block per record.
  std::string why(const storage::TopicPartition& tp, std::int64_t offset) const;
  std::string why_record(RecordId id) const;
  std::vector<AcksSummary> summary() const;  // acks 0, 1, -1, as far as used
  std::string summary_text() const;
  std::vector<RecordId> lost_records() const;
  std::vector<RecordId> duplicated_records() const;
  std::string lost_report() const;        // why_record of each lost record
  std::string duplicated_report() const;  // why_record of each duplicated record

  // --- for the Jepsen checker -------------------------------------------------------------------
  // What the client histories say of one record, without building a RecordView.
  struct SendFacts {
    std::uint32_t partition = kNoRow;  // the ledger's partition index
    ValueIdentity value = 0;
    SendOutcome outcome = SendOutcome::pending;
    std::int64_t acknowledged_offset = -1;
    std::uint32_t reads = 0;
  };
  SendFacts send_facts(RecordId id) const;
  const std::vector<ReadEntry>& reads() const { return reads_; }
  const std::vector<AssignmentChange>& assignments() const { return assignments_; }
  std::size_t partition_count() const;
  std::uint32_t partition_index(const storage::TopicPartition& tp) const;  // kNoRow: unknown
  // The record with this value in this partition index, or kNoRow.
  std::uint32_t find_in(std::uint32_t partition, ValueIdentity value) const {
    return find_row(partition, value);
  }
  std::string partition_name(std::uint32_t partition) const;      // "t-0"
  std::string_view name(std::uint32_t index) const { return names_.name(index); }
  // A value as the stories print it: "v17" quoted, or its identity when no record has it.
  std::string describe_value(std::uint32_t partition, ValueIdentity value) const;

  // --- memory ------------------------------------------------------------------------------------
  struct MemoryUse {
    std::size_t rows = 0, text = 0, value_table = 0, replica_logs = 0, reads = 0, other = 0;
    std::size_t total() const { return rows + text + value_table + replica_logs + reads + other; }
  };
  MemoryUse memory_use() const;

 private:
  struct Row;
  struct ReplicaLog;
  struct PartitionState;
  static constexpr std::size_t kRowsPerChunkBits = 16;
  static constexpr std::size_t kRowsPerChunk = std::size_t{1} << kRowsPerChunkBits;

  Row& row(std::uint32_t index);
  const Row& row(std::uint32_t index) const;
  std::uint32_t checked_row(RecordId id, std::string_view event) const;
  std::uint32_t partition_of(const PartitionRef& ref, std::string_view event);
  std::uint32_t find_partition(const PartitionRef& ref) const;
  ReplicaLog& replica(PartitionState& partition, std::int32_t broker);
  void table_insert(std::uint32_t row_index);
  std::uint32_t table_find(ValueIdentity value) const;
  void table_grow();
  std::uint32_t find_row(std::uint32_t partition, ValueIdentity value);
  std::uint32_t find_row(std::uint32_t partition, ValueIdentity value) const;
  void cut_log(RemovalKind kind, std::int32_t broker, std::uint32_t partition,
               std::int64_t from_offset, SimTime at, std::string_view reason);
  RecordFate fate_of(const Row& row) const;
  Loss loss_of(const Row& row) const;
  void explain(std::string& out, std::uint32_t row_index) const;

  Options options_;
  std::vector<std::unique_ptr<Row[]>> rows_;
  std::uint32_t row_count_ = 0;
  TextArena text_;
  NamePool names_;
  NamePool::Cache producer_cache_, consumer_cache_, error_cache_;
  std::vector<std::uint64_t> table_;  // fingerprint and row + 1 by value identity; 0 empty
  std::size_t table_used_ = 0;
  NamePool topics_;
  std::vector<std::vector<std::uint32_t>> partition_by_topic_;  // [topic][partition] -> index
  std::vector<PartitionState> partitions_;
  struct PartitionCache {  // recent lookups, by partition number
    std::string_view topic;
    std::int32_t partition = -1;
    std::uint32_t index = kNoRow;
  };
  std::array<PartitionCache, 64> partition_cache_{};
  std::vector<Removal> removals_;
  std::vector<ExtraWrite> extra_writes_;
  std::vector<ReadEntry> reads_;
  std::vector<AssignmentChange> assignments_;
  std::uint64_t unknown_writes_ = 0;
  std::uint64_t unknown_reads_ = 0;
};

}  // namespace ksim::sim::audit
