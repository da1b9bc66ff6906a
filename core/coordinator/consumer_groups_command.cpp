#include "core/coordinator/consumer_groups_command.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <tuple>

#include "core/coordinator/offsets_topic.h"
#include "core/protocol/consumer_protocol.h"
#include "core/protocol/errors.h"

namespace ksim::coordinator {
namespace {

constexpr const char* missing_column_value = "-";

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

struct Row {
  std::optional<std::string> topic;
  std::optional<std::int32_t> partition;
  std::optional<std::int64_t> offset;
  std::optional<std::int64_t> log_end_offset;
  std::optional<std::int64_t> lag;
  std::string consumer_id;
  std::string host;
  std::string client_id;
};

template <typename T>
std::string or_missing(const std::optional<T>& v) {
  if (!v) return missing_column_value;
  if constexpr (std::is_same_v<T, std::string>) {
    return *v;
  } else {
    return std::to_string(*v);
  }
}

// A java.util.HashSet<TopicPartition> copied from a collection (the admin client's
// MemberAssignment): bins of tableSizeFor(max(n / .75 + 1, 16)), each in insertion order.
std::vector<storage::TopicPartition> java_hash_set_order(const std::vector<storage::TopicPartition>& tps) {
  const auto wanted = std::max<std::size_t>(static_cast<std::size_t>(static_cast<double>(tps.size()) / 0.75) + 1, 16);
  const std::size_t bins = std::bit_ceil(wanted);
  std::vector<std::tuple<std::size_t, std::size_t>> keyed;
  for (std::size_t i = 0; i < tps.size(); ++i) {
    const auto h = static_cast<std::uint32_t>(topic_partition_hash_code(tps[i]));
    keyed.emplace_back((h ^ (h >> 16)) & (bins - 1), i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<storage::TopicPartition> out;
  for (const auto& [bin, i] : keyed) out.push_back(tps[i]);
  return out;
}

// A Scala 2.13 mutable.HashMap built by adding `tps` (filterNot's result): buckets by spread
// hash, sorted by the signed spread within, the table doubling at 3/4.
std::vector<storage::TopicPartition> scala_mutable_map_order(const std::vector<storage::TopicPartition>& tps) {
  std::size_t table_size = 16;
  for (std::size_t content = 0; content < tps.size(); ++content) {
    if (content + 1 >= static_cast<std::size_t>(static_cast<double>(table_size) * 0.75)) table_size *= 2;
  }
  std::vector<std::tuple<std::size_t, std::int32_t, std::size_t>> keyed;
  for (std::size_t i = 0; i < tps.size(); ++i) {
    const auto h = static_cast<std::uint32_t>(topic_partition_hash_code(tps[i]));
    const std::uint32_t spread = h ^ (h >> 16);
    keyed.emplace_back(spread & (table_size - 1), static_cast<std::int32_t>(spread), i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<storage::TopicPartition> out;
  for (const auto& [bucket, spread, i] : keyed) out.push_back(tps[i]);
  return out;
}

// collectConsumerAssignment: sortBy(partition) (stable), then through getLogEndOffsets' toMap.
std::vector<Row> describe_partitions(std::vector<storage::TopicPartition> tps,
                                     const std::map<storage::TopicPartition, std::int64_t>& committed,
                                     const std::map<storage::TopicPartition, std::int64_t>& log_end_offsets,
                                     const std::string& consumer_id, const std::string& host,
                                     const std::string& client_id) {
  std::stable_sort(tps.begin(), tps.end(),
                   [](const auto& a, const auto& b) { return a.partition < b.partition; });
  std::vector<std::int32_t> hashes;
  for (const auto& tp : tps) hashes.push_back(topic_partition_hash_code(tp));
  std::vector<Row> rows;
  for (const auto i : scala_immutable_map_order(hashes)) {
    const auto& tp = tps[i];
    Row row{tp.topic, tp.partition, std::nullopt, std::nullopt, std::nullopt, consumer_id, host, client_id};
    if (auto it = committed.find(tp); it != committed.end()) row.offset = it->second;
    if (auto it = log_end_offsets.find(tp); it != log_end_offsets.end()) row.log_end_offset = it->second;
    if (row.offset && *row.offset != -1 && row.log_end_offset) row.lag = *row.log_end_offset - *row.offset;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

ConsoleOutput consumer_groups_list(const std::vector<protocol::ListedGroup>& groups) {
  ConsoleOutput output;
  for (const auto& g : groups) {
    if (g.protocol_type == protocol::consumer_protocol_type || g.protocol_type.empty()) {
      output.out += g.group_id + "\n";
    }
  }
  return output;
}

ConsoleOutput consumer_groups_describe(const protocol::DescribedGroup& group,
                                       const std::map<storage::TopicPartition, std::int64_t>& committed_offsets,
                                       const std::map<storage::TopicPartition, std::int64_t>& log_end_offsets) {
  ConsoleOutput output;
  const std::string& group_id = group.group_id;
  if (group.error_code != protocol::Error::NONE) {
    output.out += "\nError: Executing consumer group command failed due to " +
                  std::string(protocol::error_name(group.error_code)) + "\n";
    return output;
  }
  // Members with partitions, most partitions first (a stable sort).
  struct MemberPartitions {
    const protocol::DescribedGroupMember* member;
    std::vector<storage::TopicPartition> partitions;
  };
  std::vector<MemberPartitions> members;
  for (const auto& m : group.members) {
    std::vector<storage::TopicPartition> partitions;
    if (!m.member_assignment.empty()) {
      partitions = java_hash_set_order(protocol::flatten(protocol::decode_assignment(m.member_assignment).assigned_partitions));
    }
    if (!partitions.empty()) members.push_back({&m, std::move(partitions)});
  }
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.partitions.size() > b.partitions.size(); });
  std::vector<Row> rows;
  std::vector<storage::TopicPartition> assigned;
  for (const auto& mp : members) {
    assigned.insert(assigned.end(), mp.partitions.begin(), mp.partitions.end());
    auto member_rows = describe_partitions(mp.partitions, committed_offsets, log_end_offsets, mp.member->member_id,
                                           mp.member->client_host, mp.member->client_id);
    rows.insert(rows.end(), member_rows.begin(), member_rows.end());
  }
  std::vector<storage::TopicPartition> unassigned;
  for (const auto& [tp, offset] : committed_offsets) {
    if (std::find(assigned.begin(), assigned.end(), tp) == assigned.end()) unassigned.push_back(tp);
  }
  if (!unassigned.empty()) {
    auto unassigned_rows = describe_partitions(scala_mutable_map_order(unassigned), committed_offsets,
                                               log_end_offsets, missing_column_value, missing_column_value,
                                               missing_column_value);
    rows.insert(rows.end(), unassigned_rows.begin(), unassigned_rows.end());
  }

  const std::string& state = group.group_state;
  if (state == "Dead") {
    output.out += "\nError: Consumer group '" + group_id + "' does not exist.\n";
    return output;
  }
  if (state == "Empty") {
    output.err += "\nConsumer group '" + group_id + "' has no active members.\n";
  } else if (state == "PreparingRebalance" || state == "CompletingRebalance") {
    output.err += "\nWarning: Consumer group '" + group_id + "' is rebalancing.\n";
  }
  if (rows.empty()) return output;

  std::size_t group_len = 15, topic_len = 15, consumer_id_len = 15, host_len = 15;
  for (const auto& r : rows) {
    group_len = std::max(group_len, group_id.size());
    topic_len = std::max(topic_len, or_missing(r.topic).size());
    consumer_id_len = std::max(consumer_id_len, r.consumer_id.size());
    host_len = std::max(host_len, r.host.size());
  }
  const auto line = [&](const std::string& g, const std::string& t, const std::string& p, const std::string& o,
                        const std::string& leo, const std::string& lag, const std::string& c,
                        const std::string& h, const std::string& client) {
    return pad(g, group_len) + " " + pad(t, topic_len) + " " + pad(p, 10) + " " + pad(o, 15) + " " +
           pad(leo, 15) + " " + pad(lag, 15) + " " + pad(c, consumer_id_len) + " " + pad(h, host_len) + " " +
           client + "\n";
  };
  output.out += "\n" + line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                            "CONSUMER-ID", "HOST", "CLIENT-ID");
  for (const auto& r : rows) {
    output.out += line(group_id, or_missing(r.topic), or_missing(r.partition), or_missing(r.offset),
                       or_missing(r.log_end_offset), or_missing(r.lag), r.consumer_id, r.host, r.client_id);
  }
  return output;
}

}  // namespace ksim::coordinator
