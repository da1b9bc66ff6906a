// The "consumer" protocol type's embedded formats (ConsumerProtocolSubscription.json and
// ConsumerProtocolAssignment.json): what a consumer puts in JoinGroup's protocol metadata and
// what the leader puts in SyncGroup's assignments. The broker never looks inside except to show
// assignments in `kafka-consumer-groups.sh --describe`.
//
// Both are an int16 version followed by the struct at that version, in the non-flexible
// encoding (STRING int16-prefixed, BYTES int32-prefixed, ARRAY int32-counted):
//   Subscription: topics [STRING], user_data NULLABLE_BYTES, owned_partitions (v1+)
//                 [topic STRING, partitions [INT32]], generation_id INT32 (v2+, default -1),
//                 rack_id NULLABLE_STRING (v3+)
//   Assignment:   assigned_partitions [topic STRING, partitions [INT32]], user_data NULLABLE_BYTES
// A reader given a newer version than it knows reads the fields it knows (Kafka's
// ConsumerProtocol does the same: later versions only append fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/bytes.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

inline constexpr const char* consumer_protocol_type = "consumer";
// The versions a 3.5+ Java consumer writes (ConsumerProtocolSubscription/Assignment
// HIGHEST_SUPPORTED_VERSION).
inline constexpr std::int16_t consumer_protocol_subscription_version = 3;
inline constexpr std::int16_t consumer_protocol_assignment_version = 3;

// ConsumerProtocolSubscription.TopicPartition / ConsumerProtocolAssignment.TopicPartition: one
// topic with some of its partitions.
struct ConsumerProtocolTopicPartitions {
  std::string topic;
  std::vector<std::int32_t> partitions;
  friend bool operator==(const ConsumerProtocolTopicPartitions&,
                         const ConsumerProtocolTopicPartitions&) = default;
};

struct ConsumerProtocolSubscription {
  std::int16_t version = consumer_protocol_subscription_version;
  std::vector<std::string> topics;
  std::optional<storage::Bytes> user_data;
  std::vector<ConsumerProtocolTopicPartitions> owned_partitions;  // v1+ (cooperative rebalancing)
  std::int32_t generation_id = -1;                                 // v2+
  std::optional<std::string> rack_id;                              // v3+ (KIP-881)
  friend bool operator==(const ConsumerProtocolSubscription&,
                         const ConsumerProtocolSubscription&) = default;
};

struct ConsumerProtocolAssignment {
  std::int16_t version = consumer_protocol_assignment_version;
  std::vector<ConsumerProtocolTopicPartitions> assigned_partitions;
  std::optional<storage::Bytes> user_data;
  friend bool operator==(const ConsumerProtocolAssignment&,
                         const ConsumerProtocolAssignment&) = default;
};

// Encodes at `version` (fields newer than it are left out). std::invalid_argument for a
// negative version.
storage::Bytes encode_subscription(const ConsumerProtocolSubscription& subscription);
storage::Bytes encode_assignment(const ConsumerProtocolAssignment& assignment);

// Decodes; `version` is set to the version read. Throws storage::CorruptDataError naming the
// byte position on truncated or impossible input. Trailing bytes after a known version's fields
// are ignored only when the version is newer than 3.
ConsumerProtocolSubscription decode_subscription(storage::ByteView bytes);
ConsumerProtocolAssignment decode_assignment(storage::ByteView bytes);

// Flattened views: every (topic, partition) in order; and grouping in first-seen topic order.
std::vector<storage::TopicPartition> flatten(const std::vector<ConsumerProtocolTopicPartitions>& topics);
std::vector<ConsumerProtocolTopicPartitions> group_by_topic(
    const std::vector<storage::TopicPartition>& partitions);

}  // namespace ksim::protocol
