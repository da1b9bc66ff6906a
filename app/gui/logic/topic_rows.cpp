// The Topics panel's model (topic_rows.h).
#include "app/gui/logic/topic_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "sim/cluster/kafka_cluster.h"

namespace ksim::gui {

std::string broker_list(const std::vector<std::int32_t>& brokers) {
  return fmt::format("[{}]", fmt::join(brokers, ","));
}

std::vector<TopicRow> read_topic_rows(const sim::cluster::KafkaCluster& cluster, bool internal) {
  std::vector<TopicRow> rows;
  const controller::ClusterMetadata metadata = cluster.metadata();
  for (const auto& [topic, topic_metadata] : metadata.topics) {
    if (!internal && topic.starts_with("__")) continue;
    for (const auto& [partition, assignment] : topic_metadata.partitions) {
      TopicRow row;
      row.topic = topic;
      row.partition = partition;
      row.name = fmt::format("{}-{}", topic, partition);
      row.replicas = assignment.replicas;
      const auto state = topic_metadata.partition_states.find(partition);
      if (state != topic_metadata.partition_states.end()) {
        row.leader = state->second.leader_and_isr.leader;
        row.leader_epoch = state->second.leader_and_isr.leader_epoch;
        row.isr = state->second.leader_and_isr.isr;
      }
      const storage::TopicPartition tp{topic, partition};
      for (std::int32_t broker : row.replicas) {
        ReplicaOffsets offsets;
        offsets.broker = broker;
        if (const replication::Partition* replica = cluster.replica(broker, tp)) {
          offsets.online = true;
          offsets.high_watermark = replica->high_watermark();
          offsets.log_end_offset = replica->log_end_offset();
        }
        row.offsets.push_back(offsets);
      }
      row.under_replicated = row.isr.size() < row.replicas.size();
      const bool leader_live = row.leader >= 0 && metadata.brokers.contains(row.leader);
      row.offline = !leader_live;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

namespace {

bool contains_case_insensitive(std::string_view text, std::string_view part) {
  if (part.empty()) return true;
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

std::int64_t leader_offset(const TopicRow& row, bool hw) {
  for (const ReplicaOffsets& offsets : row.offsets) {
    if (offsets.broker == row.leader) return hw ? offsets.high_watermark : offsets.log_end_offset;
  }
  return -1;
}

int status_rank(const TopicRow& row) { return row.offline ? 2 : row.under_replicated ? 1 : 0; }

}  // namespace

std::vector<std::size_t> filter_rows(const std::vector<TopicRow>& rows, std::string_view filter,
                                     bool problems_only) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (problems_only && !rows[i].under_replicated && !rows[i].offline) continue;
    if (!contains_case_insensitive(rows[i].name, filter)) continue;
    order.push_back(i);
  }
  return order;
}

void sort_rows(const std::vector<TopicRow>& rows, std::vector<std::size_t>& order,
               TopicColumn column, bool ascending) {
  const auto key_compare = [&](const TopicRow& a, const TopicRow& b) -> int {
    // -1: a first, 1: b first, 0: equal on the column.
    const auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    switch (column) {
      case TopicColumn::partition: return 0;
      case TopicColumn::leader: return cmp(a.leader, b.leader);
      case TopicColumn::replicas: return cmp(a.replicas, b.replicas);
      case TopicColumn::isr: return cmp(a.isr.size(), b.isr.size());
      case TopicColumn::high_watermark: return cmp(leader_offset(a, true), leader_offset(b, true));
      case TopicColumn::log_end_offset: return cmp(leader_offset(a, false), leader_offset(b, false));
      case TopicColumn::status: return cmp(status_rank(a), status_rank(b));
    }
    return 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const TopicRow& a = rows[x];
    const TopicRow& b = rows[y];
    const int c = key_compare(a, b);
    if (c != 0) return ascending ? c < 0 : c > 0;
    // Ties: topic-partition order, whichever the direction.
    if (a.topic != b.topic) return a.topic < b.topic;
    return a.partition < b.partition;
  });
}

}  // namespace ksim::gui
