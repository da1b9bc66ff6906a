// The Topics panel's model, kafka-topics.sh --describe as a table: one row per partition with
// its leader, replicas, ISR and each replica's HW and LEO as that broker holds them, marked
// under-replicated (ISR smaller than the replicas) or offline (no live leader). Rows filter by a
// substring of the partition's name and sort by any column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::sim::cluster {
class KafkaCluster;
}

namespace ksim::gui {

struct ReplicaOffsets {
  std::int32_t broker = -1;
  bool online = false;             // the broker runs and holds the partition
  std::int64_t high_watermark = -1;
  std::int64_t log_end_offset = -1;
};

struct TopicRow {
  std::string topic;
  std::int32_t partition = 0;
  std::string name;  // "topic-0"
  std::int32_t leader = -1;  // -1: none
  std::int32_t leader_epoch = -1;
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> isr;
  std::vector<ReplicaOffsets> offsets;  // in replica order
  bool under_replicated = false;
  bool offline = false;
};

enum class TopicColumn { partition, leader, replicas, isr, high_watermark, log_end_offset, status };

// Every partition of every topic (internal topics only when `internal`), by topic then
// partition.
std::vector<TopicRow> read_topic_rows(const sim::cluster::KafkaCluster& cluster, bool internal);

// The rows whose name contains `filter` (case-insensitive; empty: all) and, with
// `problems_only`, are under-replicated or offline. Indices into `rows`.
std::vector<std::size_t> filter_rows(const std::vector<TopicRow>& rows, std::string_view filter,
                                     bool problems_only);
// Sorts `order` (indices into rows) by `column`; ties keep topic-partition order.
void sort_rows(const std::vector<TopicRow>& rows, std::vector<std::size_t>& order,
               TopicColumn column, bool ascending);

// "[2,1,0]"
std::string broker_list(const std::vector<std::int32_t>& brokers);

}  // namespace ksim::gui
