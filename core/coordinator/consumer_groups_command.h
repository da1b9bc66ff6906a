// kafka-consumer-groups.sh --bootstrap-server ... --list / --describe --group G, as Kafka 3.0-3.6
// print them (kafka.admin.ConsumerGroupCommand, Scala 2.13), as pure functions of what the tool
// gathers with its admin client: ListGroups from every broker, DescribeGroups from the
// coordinator, the group's committed offsets (OffsetFetch) and the partitions' log end offsets
// (ListOffsets latest).
//
// --describe prints, after a blank line, "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
// CONSUMER-ID HOST CLIENT-ID", left-justified; GROUP, TOPIC, CONSUMER-ID and HOST columns are as
// wide as their longest value but at least 15, PARTITION 10, the offsets and LAG 15; "-" stands
// for a missing value. Rows: members with partitions, most partitions first, each member's
// partitions by partition number; then committed partitions no member owns, with "-" for the
// consumer. A member's partitions pass through a Scala Map on the way (getLogEndOffsets(...)
// .toMap), so more than four come out in that HashMap's order, as in Kafka.
// Notices go to stderr ("Consumer group 'G' has no active members.", "Warning: Consumer group
// 'G' is rebalancing."); a missing (Dead) group prints "Error: Consumer group 'G' does not
// exist." on stdout.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/protocol/describe_groups.h"
#include "core/protocol/list_groups.h"
#include "core/storage/topic_partition.h"

namespace ksim::coordinator {

struct ConsoleOutput {
  std::string out;  // stdout
  std::string err;  // stderr
};

// --list: the consumer groups (protocol type "consumer" or none), one per line, in the order
// the brokers' ListGroups answers came.
ConsoleOutput consumer_groups_list(const std::vector<protocol::ListedGroup>& groups);

// --describe --group G. `committed_offsets`: the group's committed offsets; `log_end_offsets`:
// the latest offset of each partition the tool asked about (a partition absent here prints "-").
// Member assignments are read as ConsumerProtocolAssignment (storage::CorruptDataError if they
// do not decode).
ConsoleOutput consumer_groups_describe(const protocol::DescribedGroup& group,
                                       const std::map<storage::TopicPartition, std::int64_t>& committed_offsets,
                                       const std::map<storage::TopicPartition, std::int64_t>& log_end_offsets);

}  // namespace ksim::coordinator
