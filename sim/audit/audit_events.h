// The audit's input: plain event structs the simulation feeds to a RecordLedger as things happen
// (the producer reports sends and their outcomes, each broker its appends, high watermarks,
// truncations and losses, the consumer what it read). The ledger never reaches into a broker.
//
// Strings are views: the ledger copies (interns) what it keeps, so they need to live only for
// the call. Values are matched across events by their ValueIdentity (a 64-bit hash of the
// value's bytes), so a broker or a consumer that sees only the bytes can say which record it
// holds: `value_identity(value)`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/storage/topic_partition.h"
#include "sim/kernel/hash.h"
#include "sim/kernel/sim_time.h"

namespace ksim::sim::audit {

// The feeder's number for a produced record: 0, 1, 2, ... in the order the RecordSent events
// arrive (RecordLedger::next_record_id()). Dense ids make a row lookup an index, not a search.
using RecordId = std::uint64_t;

// Which record a broker or a consumer holds, from the value's bytes alone (FNV-1a 64). Values
// are expected to be unique, as in Jepsen's workloads; see RecordLedger for repeated values.
using ValueIdentity = std::uint64_t;
constexpr ValueIdentity value_identity(std::string_view value) { return fnv1a64(value); }

// A partition named without owning its topic string; converts from storage::TopicPartition.
struct PartitionRef {
  std::string_view topic{};
  std::int32_t partition = -1;  // -1: not known yet (the producer has not picked one)

  PartitionRef() = default;
  PartitionRef(std::string_view topic_name, std::int32_t partition_number)
      : topic(topic_name), partition(partition_number) {}
  PartitionRef(const storage::TopicPartition& tp)  // NOLINT: implicit on purpose
      : topic(tp.topic), partition(tp.partition) {}
  bool known() const { return !topic.empty() && partition >= 0; }
};

// A producer handed a record to the network (its first attempt).
struct RecordSent {
  RecordId record = 0;
  std::string_view producer{};              // client.id
  std::optional<std::string_view> key{};    // none: a null key
  std::string_view value{};
  std::int16_t acks = -1;                 // 0, 1 or -1 (all)
  SimTime sent_at{};
  PartitionRef partition{};                 // the partition may not be known yet
};

enum class SendOutcome : std::uint8_t {
  pending,        // no SendCompleted yet
  acknowledged,   // the broker answered NONE with an offset
  failed,         // a definite error (the record may still have been written: error 20)
  indeterminate,  // timed out / connection lost: it may or may not have been written
  sent_unknown,   // acks=0: counted as sent when it left, never answered, offset unknown
};
std::string_view to_string(SendOutcome outcome);

// What the producer finally told the application about a record.
struct SendCompleted {
  RecordId record = 0;
  SendOutcome outcome = SendOutcome::acknowledged;
  PartitionRef partition{};        // where it went (acknowledged: required)
  std::int64_t offset = -1;      // acknowledged: the offset the broker answered
  std::string_view error{};        // failed: Kafka's error name ("NOT_ENOUGH_REPLICAS")
  std::string_view reason{};       // indeterminate: why ("request timed out after 30000 ms")
  SimTime completed_at{};
  std::uint32_t attempts = 1;    // produce requests that carried it
};

// Who appended a record to its log.
enum class AppendRole : std::uint8_t {
  leader,    // a produce request: a new write (again after a retry without idempotence)
  follower,  // replication: a copy of what the leader holds at that offset
};

// A replica appended a record at `offset` (leader: from a produce request; follower: fetched).
struct RecordWritten {
  std::int32_t broker = -1;
  PartitionRef partition{};
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
  AppendRole role = AppendRole::leader;
  std::int64_t producer_id = -1;  // idempotent producers: the batch's producer id and sequence
  std::int32_t sequence = -1;
  ValueIdentity value = 0;
  SimTime written_at{};
};

// A leader moved its high watermark: what it holds below `high_watermark` is committed now.
struct HighWatermarkAdvanced {
  PartitionRef partition{};
  std::int32_t leader = -1;
  std::int64_t high_watermark = 0;  // exclusive
  SimTime advanced_at{};
};

// A replica cut its log: everything at offsets >= `truncated_from` is gone from that broker.
struct LogTruncated {
  std::int32_t broker = -1;
  PartitionRef partition{};
  std::int64_t truncated_from = 0;
  SimTime truncated_at{};
  // Why, as the story should say it: "became follower of epoch 2", "diverging epoch from
  // OffsetsForLeaderEpoch", "truncate to HW on becoming follower (0.10)", "unclean leader
  // election".
  std::string_view reason{};
};

// A replica lost the tail of its log without truncating it (power loss: what was not flushed is
// gone; a deleted replica: everything). After the event its log ends at `log_end_offset`.
struct ReplicaLost {
  std::int32_t broker = -1;
  PartitionRef partition{};
  std::int64_t log_end_offset = 0;
  SimTime lost_at{};
  std::string_view reason{};  // "power loss: unflushed tail lost"
};

// A consumer's poll returned a record. Records from one poll() share `poll` (a number the
// feeder gives each poll of that consumer, increasing), so the checker sees poll boundaries.
struct RecordConsumed {
  std::string_view consumer{};              // client.id
  std::optional<std::string_view> group{};  // group.id, if any
  PartitionRef partition{};
  std::int64_t offset = -1;
  ValueIdentity value = 0;
  std::uint64_t poll = 0;
  SimTime consumed_at{};
};

// A consumer's assignment changed (assign(), or a rebalance under subscribe()): Jepsen forgets
// where the consumer was in partitions it no longer holds, so no skip is claimed across it.
struct PartitionsAssigned {
  std::string_view consumer{};
  std::span<const storage::TopicPartition> partitions{};  // the new assignment
  SimTime assigned_at{};
};

}  // namespace ksim::sim::audit
