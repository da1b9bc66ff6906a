// The group leader's partition assignors, Kafka's RangeAssignor and RoundRobinAssignor
// (org.apache.kafka.clients.consumer), without rack awareness. Members are ordered as Kafka's
// AbstractPartitionAssignor.MemberInfo orders them: static members (with a group.instance.id)
// first by instance id, then dynamic members by member id. A topic the leader's metadata does
// not know is skipped; every member appears in the result, possibly with nothing.
//
// Range: per topic, the sorted subscribers each get a contiguous range of
// partitions / subscribers partitions, the first (partitions % subscribers) one more.
// RoundRobin: every partition of every subscribed topic (topics sorted by name, partitions in
// order) goes to the next member, in circular order, that subscribes to its topic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/client/kafka_consumer_config.h"
#include "core/storage/topic_partition.h"

namespace ksim::client {

// One member of a JoinGroup answer, as the leader sees it.
struct MemberSubscription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<std::string> topics;
};

// member id -> its partitions. Range lists them sorted by (topic, partition); RoundRobin in the
// order it handed them out (which is the same order).
using GroupAssignment = std::map<std::string, std::vector<storage::TopicPartition>>;

// topic -> number of partitions, from the leader's metadata.
using PartitionsPerTopic = std::map<std::string, std::int32_t>;

GroupAssignment range_assign(const PartitionsPerTopic& partitions_per_topic,
                             const std::vector<MemberSubscription>& members);
GroupAssignment round_robin_assign(const PartitionsPerTopic& partitions_per_topic,
                                   const std::vector<MemberSubscription>& members);
GroupAssignment assign_partitions(AssignorKind kind, const PartitionsPerTopic& partitions_per_topic,
                                  const std::vector<MemberSubscription>& members);

// MemberInfo's order: true if `a` sorts before `b`.
bool member_sorts_before(const MemberSubscription& a, const MemberSubscription& b);

}  // namespace ksim::client
