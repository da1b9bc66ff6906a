// Kafka's admin and notification znode bodies (kafka.zk.ZkData).
#include "core/controller/zk_kafka_admin_znodes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/controller/zk_kafka_json.h"
#include "core/controller/zk_kafka_paths.h"

namespace ksim::controller {
namespace {

using json::MapKind;
using json::Members;

// Map("topic" -> t, "partition" -> p): insertion order (Map2).
std::string partition_object(const storage::TopicPartition& partition) {
  Members members;
  members.add("topic", json::string(partition.topic));
  members.add("partition", fmt::format("{}", partition.partition));
  return json::object(members, MapKind::scala_immutable);
}

std::string versioned_partition_list(const std::vector<std::string>& partitions) {
  Members members;
  members.add("version", "1");
  members.add("partitions", fmt::format("[{}]", fmt::join(partitions, ",")));
  return json::object(members, MapKind::scala_immutable);
}

std::vector<storage::TopicPartition> decode_partition_list(const json::Reader& reader) {
  const json::Value& root = reader.object(reader.root(), "notification");
  std::vector<storage::TopicPartition> partitions;
  for (const json::Value& entry : reader.array(reader.member(root, "partitions"), "partitions")) {
    reader.object(entry, "partitions");
    partitions.push_back(
        storage::TopicPartition{reader.string(reader.member(entry, "topic"), "topic"),
                                reader.int32(reader.member(entry, "partition"), "partition")});
  }
  return partitions;
}

}  // namespace

std::string encode_entity_config(const ConfigEntries& entries, zk::JavaVersion java) {
  Members config;
  for (const auto& [name, value] : entries) config.add(name, json::string(value));
  Members members;
  members.add("version", "1");
  members.add("config", json::properties_object(config, java));
  return json::object(members, MapKind::scala_immutable);
}

ConfigEntries decode_entity_config(std::string_view path, std::string_view text) {
  const json::Reader reader(fmt::format("config at {}", path), text);
  const json::Value& root = reader.object(reader.root(), "config entity");
  ConfigEntries entries;
  if (const json::Value* config = reader.optional_member(root, "config")) {
    for (const auto& [name, value] : reader.object(*config, "config").items()) {
      entries.emplace_back(name, reader.string(value, name));
    }
  }
  return entries;
}

std::string encode_config_change_notification(std::string_view entity_path) {
  Members members;
  members.add("version", "2");
  members.add("entity_path", json::string(entity_path));
  return json::object(members, MapKind::scala_immutable);
}

std::string decode_config_change_notification(std::string_view path, std::string_view text) {
  const json::Reader reader(fmt::format("config change notification at {}", path), text);
  const json::Value& root = reader.object(reader.root(), "notification");
  const std::int32_t version = reader.int32(reader.member(root, "version"), "version");
  if (version != 2) reader.fail(fmt::format("unsupported version {}", version));
  return reader.string(reader.member(root, "entity_path"), "entity_path");
}

std::string encode_isr_change_notification(const std::vector<storage::TopicPartition>& partitions) {
  std::vector<std::string> objects;
  for (const storage::TopicPartition& partition : partitions) {
    objects.push_back(partition_object(partition));
  }
  return versioned_partition_list(objects);
}

std::vector<storage::TopicPartition> decode_isr_change_notification(std::string_view path,
                                                                    std::string_view text) {
  return decode_partition_list(
      json::Reader(fmt::format("ISR change notification at {}", path), text));
}

std::string encode_reassign_partitions(const std::vector<PartitionReassignment>& reassignments) {
  // Jackson writes the LegacyPartitionAssignment and ReplicaAssignment case classes field by
  // field in declaration order.
  std::vector<std::string> objects;
  for (const auto& [partition, replicas] : reassignments) {
    objects.push_back(fmt::format(R"({{"topic":{},"partition":{},"replicas":{}}})",
                                  json::string(partition.topic), partition.partition,
                                  json::int_array(replicas)));
  }
  return fmt::format(R"({{"version":1,"partitions":[{}]}})", fmt::join(objects, ","));
}

std::vector<PartitionReassignment> decode_reassign_partitions(std::string_view text) {
  const json::Reader reader(
      fmt::format("partition reassignment at {}", ZkPaths::reassign_partitions), text);
  const json::Value& root = reader.object(reader.root(), "reassignment");
  std::vector<PartitionReassignment> reassignments;
  for (const json::Value& entry : reader.array(reader.member(root, "partitions"), "partitions")) {
    reader.object(entry, "partitions");
    reassignments.emplace_back(
        storage::TopicPartition{reader.string(reader.member(entry, "topic"), "topic"),
                                reader.int32(reader.member(entry, "partition"), "partition")},
        reader.int32_array(reader.member(entry, "replicas"), "replicas"));
  }
  return reassignments;
}

std::string encode_preferred_replica_election(
    const std::vector<storage::TopicPartition>& partitions) {
  return encode_isr_change_notification(partitions);
}

std::vector<storage::TopicPartition> decode_preferred_replica_election(std::string_view text) {
  return decode_partition_list(json::Reader(
      fmt::format("preferred replica election at {}", ZkPaths::preferred_replica_election), text));
}

}  // namespace ksim::controller
