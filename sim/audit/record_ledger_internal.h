// The ledger's private row and log layouts, shared by record_ledger.cpp (feeding) and
// record_ledger_explain.cpp (the stories). Not for use outside sim/audit.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/audit/record_ledger.h"

namespace ksim::sim::audit {

// One produced record. Times are microseconds (-1: not yet / never).
struct RecordLedger::Row {
  static constexpr std::uint8_t kDuplicated = 1;   // leaders wrote it at two offsets or more
  static constexpr std::uint8_t kExtraWrites = 2;  // extra_writes_ has entries for it
  static constexpr std::uint8_t kWritten = 4;      // some replica held it once

  ValueIdentity value_identity = 0;
  TextArena::Position text = 0;
  std::int64_t sent_at = 0;
  std::int64_t completed_at = -1;
  std::int64_t committed_at = -1;
  std::int64_t first_consumed_at = -1;
  std::int64_t offset = -1;               // where a leader first wrote it
  std::int64_t acknowledged_offset = -1;  // what the client was told
  std::uint32_t partition = kNoRow;
  std::uint32_t producer = NamePool::kNone;
  std::uint32_t previous_same_value = kNoRow;  // the row sent before with the same value
  std::uint32_t copies = 0;                    // (broker, offset) slots holding it now
  std::uint32_t destroyed_by = 0;              // removals_ index + 1; 0: not destroyed
  std::uint32_t outcome_detail = NamePool::kNone;
  std::uint32_t first_consumer = NamePool::kNone;
  std::uint32_t reads = 0;
  std::int32_t leader_epoch = -1;
  std::int32_t written_by = -1;
  std::uint16_t attempts = 0;
  std::int8_t acks = -1;
  SendOutcome outcome = SendOutcome::pending;
  std::uint8_t flags = 0;
};

// What one broker's log of one partition holds: the row at each offset from `base`.
struct RecordLedger::ReplicaLog {
  std::int32_t broker = -1;
  std::int64_t base = 0;
  std::vector<std::uint32_t> rows;  // kNoRow: an offset holding a record the ledger does not know
  std::int64_t committed_through = 0;  // below it, this broker as leader marked rows committed
  std::int64_t last_high_watermark = -1;  // the last HW this broker reported as leader
  std::int64_t end() const { return base + static_cast<std::int64_t>(rows.size()); }
};

struct RecordLedger::PartitionState {
  std::uint32_t topic = 0;
  std::int32_t partition = 0;
  std::vector<ReplicaLog> replicas;  // in the order the brokers first appeared
  std::int64_t high_watermark = -1;  // the latest a leader reported
  std::int32_t high_watermark_leader = -1;
  bool written = false;              // some broker reported a write: the feed is on
};

}  // namespace ksim::sim::audit
