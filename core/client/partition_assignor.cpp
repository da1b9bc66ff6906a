#include "core/client/partition_assignor.h"

#include <algorithm>
#include <set>

namespace ksim::client {

bool member_sorts_before(const MemberSubscription& a, const MemberSubscription& b) {
  if (a.group_instance_id && b.group_instance_id) {
    return *a.group_instance_id < *b.group_instance_id;
  }
  if (a.group_instance_id) return true;
  if (b.group_instance_id) return false;
  return a.member_id < b.member_id;
}

namespace {

std::vector<const MemberSubscription*> sorted_members(
    const std::vector<MemberSubscription>& members) {
  std::vector<const MemberSubscription*> sorted;
  sorted.reserve(members.size());
  for (const auto& member : members) sorted.push_back(&member);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const MemberSubscription* a, const MemberSubscription* b) {
                     return member_sorts_before(*a, *b);
                   });
  return sorted;
}

GroupAssignment empty_assignment(const std::vector<MemberSubscription>& members) {
  GroupAssignment assignment;
  for (const auto& member : members) assignment[member.member_id];
  return assignment;
}

bool subscribes_to(const MemberSubscription& member, const std::string& topic) {
  return std::find(member.topics.begin(), member.topics.end(), topic) != member.topics.end();
}

}  // namespace

GroupAssignment range_assign(const PartitionsPerTopic& partitions_per_topic,
                             const std::vector<MemberSubscription>& members) {
  GroupAssignment assignment = empty_assignment(members);
  const auto sorted = sorted_members(members);
  std::set<std::string> topics;
  for (const auto& member : members) topics.insert(member.topics.begin(), member.topics.end());
  for (const auto& topic : topics) {
    const auto known = partitions_per_topic.find(topic);
    if (known == partitions_per_topic.end()) continue;  // no metadata: skipped, as Kafka does
    std::vector<const MemberSubscription*> consumers;
    for (const auto* member : sorted) {
      if (subscribes_to(*member, topic)) consumers.push_back(member);
    }
    const auto partitions = known->second;
    const auto count = static_cast<std::int32_t>(consumers.size());
    const std::int32_t per_consumer = partitions / count;
    const std::int32_t with_extra = partitions % count;
    for (std::int32_t i = 0; i < count; ++i) {
      const std::int32_t start = per_consumer * i + std::min(i, with_extra);
      const std::int32_t length = per_consumer + (i + 1 > with_extra ? 0 : 1);
      auto& owned = assignment[consumers[static_cast<std::size_t>(i)]->member_id];
      for (std::int32_t p = start; p < start + length; ++p) owned.push_back({topic, p});
    }
  }
  for (auto& [member, owned] : assignment) std::sort(owned.begin(), owned.end());
  return assignment;
}

GroupAssignment round_robin_assign(const PartitionsPerTopic& partitions_per_topic,
                                   const std::vector<MemberSubscription>& members) {
  GroupAssignment assignment = empty_assignment(members);
  const auto sorted = sorted_members(members);
  if (sorted.empty()) return assignment;
  std::set<std::string> topics;
  for (const auto& member : members) topics.insert(member.topics.begin(), member.topics.end());
  std::size_t next = 0;  // the circular iterator over the sorted members
  for (const auto& topic : topics) {
    const auto known = partitions_per_topic.find(topic);
    if (known == partitions_per_topic.end()) continue;
    for (std::int32_t p = 0; p < known->second; ++p) {
      // Some member subscribes to every topic in `topics`, so this stops.
      while (!subscribes_to(*sorted[next], topic)) next = (next + 1) % sorted.size();
      assignment[sorted[next]->member_id].push_back({topic, p});
      next = (next + 1) % sorted.size();
    }
  }
  return assignment;
}

GroupAssignment assign_partitions(AssignorKind kind, const PartitionsPerTopic& partitions_per_topic,
                                  const std::vector<MemberSubscription>& members) {
  return kind == AssignorKind::range ? range_assign(partitions_per_topic, members)
                                     : round_robin_assign(partitions_per_topic, members);
}

}  // namespace ksim::client
