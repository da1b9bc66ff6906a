// What a consumer's poll hands back: the records (Kafka's ConsumerRecord) and the failures Kafka
// would throw from poll(), as values named after Kafka's exceptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/bytes.h"
#include "core/storage/record_batch.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

struct ConsumerRecord {
  storage::TopicPartition topic_partition;
  std::int64_t offset = 0;
  std::optional<std::int32_t> leader_epoch;  // the batch's partitionLeaderEpoch, if any
  std::int64_t timestamp = 0;
  storage::TimestampType timestamp_type = storage::TimestampType::create_time;
  std::optional<storage::Bytes> key;
  std::optional<storage::Bytes> value;
  std::vector<storage::RecordHeader> headers;
};

enum class ConsumerErrorKind {
  no_offset_for_partition,  // NoOffsetForPartitionException: auto.offset.reset=none, no offset
  offset_out_of_range,      // OffsetOutOfRangeException: OFFSET_OUT_OF_RANGE, reset=none
  corrupt_record,           // KafkaException: a fetched batch does not decode
  unexpected_fetch_error,   // IllegalStateException: a fetch error Kafka does not expect
  commit_failed,            // CommitFailedException: the group rebalanced under a commit
  group_error,              // KafkaException from the group protocol (a fatal error code)
};

// "NoOffsetForPartitionException", "OffsetOutOfRangeException", ...
std::string_view exception_name(ConsumerErrorKind kind);

struct ConsumerError {
  ConsumerErrorKind kind = ConsumerErrorKind::group_error;
  std::string message;
  std::vector<storage::TopicPartition> partitions;
};

}  // namespace ksim::client
