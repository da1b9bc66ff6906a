// __consumer_offsets, the compacted internal topic where group coordinators keep committed
// offsets and group metadata, and which partition (hence which broker) coordinates a group:
// Kafka's GroupMetadataManager.partitionFor, Utils.abs(groupId.hashCode) % partitions.
// Also the iteration orders of the Scala/Java collections the coordinator and
// kafka-consumer-groups.sh walk, so that member lists and output rows come in Kafka's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/topic_partition.h"

namespace ksim::coordinator {

inline constexpr const char* group_metadata_topic_name = "__consumer_offsets";
inline constexpr std::int32_t offsets_topic_num_partitions_default = 50;       // offsets.topic.num.partitions
inline constexpr std::int16_t offsets_topic_replication_factor_default = 3;    // offsets.topic.replication.factor
inline constexpr std::int32_t offsets_topic_segment_bytes_default = 104857600; // offsets.topic.segment.bytes

// The configs Kafka creates __consumer_offsets with (GroupCoordinator.offsetsTopicConfigs):
// cleanup.policy=compact, compression.type=producer, segment.bytes=104857600.
std::map<std::string, std::string> offsets_topic_configs();

// java.lang.String.hashCode (UTF-16 code units of the UTF-8 text).
std::int32_t java_string_hash_code(std::string_view s);
// org.apache.kafka.common.utils.Utils.abs: Math.abs, except Integer.MIN_VALUE maps to 0.
std::int32_t kafka_utils_abs(std::int32_t n);
// Utils.abs(groupId.hashCode) % offsets_topic_partition_count.
std::int32_t partition_for(std::string_view group_id,
                           std::int32_t offsets_topic_partition_count = offsets_topic_num_partitions_default);
storage::TopicPartition offsets_topic_partition_for(
    std::string_view group_id,
    std::int32_t offsets_topic_partition_count = offsets_topic_num_partitions_default);

// org.apache.kafka.common.TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode().
std::int32_t topic_partition_hash_code(const storage::TopicPartition& tp);

// Indexes of keys (distinct hashes' owners, in insertion order) in the iteration order of a Scala
// 2.13 immutable.HashMap (CHAMP: five bits of the improved hash a level, a node's own entries
// before its sub-nodes). `hashes` are the keys' hashCode values.
std::vector<std::size_t> scala_champ_order(const std::vector<std::int32_t>& hashes);
// The same for a map built with `.toMap` / `Map.from`: up to four entries keep insertion order
// (Map1..Map4), more become a HashMap.
std::vector<std::size_t> scala_immutable_map_order(const std::vector<std::int32_t>& hashes);

// Formats 128 bits as java.util.UUID.randomUUID().toString() would (version 4, IETF variant bits
// forced): "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx". Core has no randomness: the caller
// (the simulator) draws the bits.
std::string java_random_uuid_string(std::uint64_t most_significant_bits,
                                    std::uint64_t least_significant_bits);

}  // namespace ksim::coordinator
