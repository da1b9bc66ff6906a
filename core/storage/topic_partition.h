// TopicPartition: a partition's name, Kafka's `org.apache.kafka.common.TopicPartition`.
// It names a partition directory in a log directory ("my-topic-0") and the entries of the
// offset checkpoint files. Ordered by (topic, partition), so maps of them iterate the same way
// on every run.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ksim::storage {

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;

  // "topic-partition", as Kafka prints it and names the partition's directory.
  std::string to_string() const;

  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  friend std::strong_ordering operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// Parses a partition directory's name ("my-topic-0" -> {"my-topic", 0}), splitting at the LAST
// '-' as Kafka's LocalLog.parseTopicPartitionName does; `dir_path` may be a whole path, only its
// last component is parsed. Throws CorruptDataError with Kafka's message when the name is not
// of that form. Kafka's ".uniqueId-delete", "-future" and "-stray" directories are not modelled.
TopicPartition parse_topic_partition_dir(std::string_view dir_path);

// A hash for lookup tables (never iterated: iteration order must not depend on hashing).
struct TopicPartitionHash {
  std::size_t operator()(const TopicPartition& tp) const noexcept {
    return std::hash<std::string>{}(tp.topic) * 31u + static_cast<std::size_t>(tp.partition);
  }
};

}  // namespace ksim::storage
