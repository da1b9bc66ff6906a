// The bodies of Kafka's admin and notification znodes (kafka.zk.ZkData): topic configs, config
// change notifications, ISR change notifications, legacy reassignment and preferred-election
// requests. /admin/delete_topics/<t> has null data and needs no codec.
//
//   /config/topics/<t>                       {"version":1,"config":{"retention.ms":"100000"}}
//   /config/changes/config_change_<seq>      {"version":2,"entity_path":"topics/t"}
//   /isr_change_notification/isr_change_<seq>
//       {"version":1,"partitions":[{"topic":"t","partition":0}]}
//   /admin/reassign_partitions
//       {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}
//   /admin/preferred_replica_election
//       {"version":1,"partitions":[{"topic":"t","partition":0}]}
//
// Config keys come in java.util.Properties order (see zk_json_order.h). Partition lists come in
// the order given: Kafka writes its Set[TopicPartition] in hash-set order, which callers that
// care can reproduce by passing the partitions in that order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/controller/zk_kafka_znodes.h"
#include "core/storage/topic_partition.h"

namespace ksim::controller {

// A config entity's overrides as (name, value), e.g. {{"min.insync.replicas", "2"}}.
using ConfigEntries = std::vector<std::pair<std::string, std::string>>;

// /config/<type>/<name> (ConfigEntityZNode). `entries` are in the order they were set (it
// decides the order within a Properties bucket); the keys come out in the order of the
// Properties of the Java the broker runs on (9+ for Kafka 3.x, 8 for most Kafka 2.x clusters).
// Decoding returns them in document order.
std::string encode_entity_config(const ConfigEntries& entries,
                                 zk::JavaVersion java = zk::JavaVersion::java9_or_later);
ConfigEntries decode_entity_config(std::string_view path, std::string_view json);

// /config/changes/config_change_<seq> (ConfigEntityChangeNotificationSequenceZNode, version 2):
// `entity_path` is "<type>/<name>", e.g. "topics/t".
std::string encode_config_change_notification(std::string_view entity_path);
std::string decode_config_change_notification(std::string_view path, std::string_view json);

// /isr_change_notification/isr_change_<seq> (IsrChangeNotificationSequenceZNode).
std::string encode_isr_change_notification(const std::vector<storage::TopicPartition>& partitions);
std::vector<storage::TopicPartition> decode_isr_change_notification(std::string_view path,
                                                                    std::string_view json);

// /admin/reassign_partitions (ReassignPartitionsZNode, deprecated since 2.4 but still read).
using PartitionReassignment = std::pair<storage::TopicPartition, std::vector<std::int32_t>>;
std::string encode_reassign_partitions(const std::vector<PartitionReassignment>& reassignments);
std::vector<PartitionReassignment> decode_reassign_partitions(std::string_view json);

// /admin/preferred_replica_election (PreferredReplicaElectionZNode).
std::string encode_preferred_replica_election(
    const std::vector<storage::TopicPartition>& partitions);
std::vector<storage::TopicPartition> decode_preferred_replica_election(std::string_view json);

}  // namespace ksim::controller
