// Fetch (API key 1): what a follower or a consumer asks a leader for, and the answer, as plain
// structs with Kafka's field names (FetchRequest.json / FetchResponse.json, flattened: one entry
// per partition instead of topics holding partitions). One request covers every partition a
// follower broker replicates from one leader broker, as Kafka's replica fetchers do.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/bytes.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// ReplicaId of a consumer's fetch (FetchRequest.CONSUMER_REPLICA_ID).
inline constexpr std::int32_t consumer_replica_id = -1;
// "No epoch" in CurrentLeaderEpoch / LastFetchedEpoch (RecordBatch.NO_PARTITION_LEADER_EPOCH):
// the field is absent, so nothing is checked against it.
inline constexpr std::int32_t no_leader_epoch = -1;
// HighWatermark / LogStartOffset / LastStableOffset of a partition answered with an error.
inline constexpr std::int64_t invalid_offset = -1;

enum class IsolationLevel : std::int8_t { read_uncommitted = 0, read_committed = 1 };

// FetchRequest.FetchPartition.
struct FetchPartition {
  storage::TopicPartition topic_partition;
  std::int32_t current_leader_epoch = no_leader_epoch;  // KIP-320 (fencing); -1: not checked
  std::int64_t fetch_offset = 0;
  std::int32_t last_fetched_epoch = no_leader_epoch;  // KIP-595/2.7 truncation on fetch; -1: none
  std::int64_t log_start_offset = invalid_offset;     // the follower's; -1 from consumers
  std::int32_t partition_max_bytes = 1048576;
};

struct FetchRequest {
  std::int32_t replica_id = consumer_replica_id;  // the follower's broker id, -1 for a consumer
  std::int32_t max_wait_ms = 500;                 // replica.fetch.wait.max.ms / fetch.max.wait.ms
  std::int32_t min_bytes = 1;                     // replica.fetch.min.bytes / fetch.min.bytes
  std::int32_t max_bytes = 10485760;              // replica.fetch.response.max.bytes
  IsolationLevel isolation_level = IsolationLevel::read_uncommitted;
  std::vector<FetchPartition> partitions;

  bool is_from_follower() const { return replica_id >= 0; }
};

// FetchResponse.EpochEndOffset: where the leader's log diverges from the follower's.
struct DivergingEpoch {
  std::int32_t epoch = no_leader_epoch;
  std::int64_t end_offset = invalid_offset;
  friend bool operator==(const DivergingEpoch&, const DivergingEpoch&) = default;
};

// FetchResponse.PartitionData.
struct FetchResponsePartition {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
  std::int64_t high_watermark = invalid_offset;
  std::int64_t last_stable_offset = invalid_offset;
  std::int64_t log_start_offset = invalid_offset;
  std::optional<DivergingEpoch> diverging_epoch;  // 2.7+: truncate to this before appending
  storage::Bytes records;                         // whole batches, the first holding fetch_offset
};

struct FetchResponse {
  Error error_code = Error::NONE;  // top-level (e.g. a fetch session error); per partition below
  std::vector<FetchResponsePartition> partitions;
};

}  // namespace ksim::protocol
