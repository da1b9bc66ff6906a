// DelayedOperationPurgatory: requests that wait for something to happen to some partitions
// (Kafka's DelayedOperationPurgatory with its timing wheel replaced by an ordered set of
// deadlines). An operation is watched under the partitions it waits on; whoever changes a
// partition calls check_and_complete(partition); tick time calls expire(now). Ids are the
// caller's request ids. Everything iterates in id order, so runs are deterministic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/storage/topic_partition.h"
#include "core/storage/topic_partition_map.h"

namespace ksim::replication {

template <typename Operation>
class DelayedOperationPurgatory {
 public:
  using Completed = std::vector<std::pair<std::uint64_t, Operation>>;

  // Throws std::invalid_argument if `id` is already waiting.
  void watch(std::uint64_t id, Operation operation, std::int64_t deadline_ms,
             std::vector<storage::TopicPartition> keys) {
    if (operations_.contains(id)) {
      throw std::invalid_argument("request " + std::to_string(id) + " is already waiting");
    }
    for (const storage::TopicPartition& key : keys) {
      std::vector<std::uint64_t>& ids = watchers_[key];
      // Ids usually grow, so this appends; kept sorted and unique whatever the caller's ids.
      const auto at = std::lower_bound(ids.begin(), ids.end(), id);
      if (at == ids.end() || *at != id) ids.insert(at, id);
    }
    deadlines_.emplace(deadline_ms, id);
    operations_.emplace(id, Slot{std::move(operation), deadline_ms, std::move(keys)});
  }

  bool contains(std::uint64_t id) const { return operations_.contains(id); }
  std::optional<std::int64_t> deadline_ms(std::uint64_t id) const {
    const auto it = operations_.find(id);
    if (it == operations_.end()) return std::nullopt;
    return it->second.deadline_ms;
  }
  std::size_t size() const { return operations_.size(); }
  std::optional<std::int64_t> next_deadline_ms() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
  }

  // Calls try_complete(Operation&) -> bool on every operation watching `key`; removes and
  // returns, in id order, those that completed.
  template <typename TryComplete>
  Completed check_and_complete(const storage::TopicPartition& key, TryComplete&& try_complete) {
    Completed completed;
    const std::vector<std::uint64_t>* watching = watchers_.find(key);
    if (watching == nullptr) return completed;
    const std::vector<std::uint64_t> ids = *watching;  // completing one removes it from there
    for (std::uint64_t id : ids) {
      auto it = operations_.find(id);
      if (it == operations_.end()) continue;
      if (try_complete(it->second.operation)) completed.emplace_back(id, remove(id));
    }
    return completed;
  }

  // Removes and returns, in deadline order, every operation whose deadline is <= now_ms.
  Completed expire(std::int64_t now_ms) {
    Completed expired;
    while (!deadlines_.empty() && deadlines_.begin()->first <= now_ms) {
      const std::uint64_t id = deadlines_.begin()->second;
      expired.emplace_back(id, remove(id));
    }
    return expired;
  }

 private:
  struct Slot {
    Operation operation;
    std::int64_t deadline_ms;
    std::vector<storage::TopicPartition> keys;
  };

  Operation remove(std::uint64_t id) {
    auto it = operations_.find(id);
    Slot slot = std::move(it->second);
    operations_.erase(it);
    deadlines_.erase({slot.deadline_ms, id});
    for (const storage::TopicPartition& key : slot.keys) {
      std::vector<std::uint64_t>* watching = watchers_.find(key);
      if (watching == nullptr) continue;
      const auto at = std::lower_bound(watching->begin(), watching->end(), id);
      if (at != watching->end() && *at == id) watching->erase(at);
      // An empty list stays: the partition will most likely be watched again soon, and a
      // broker has only so many partitions.
    }
    return std::move(slot.operation);
  }

  std::map<std::uint64_t, Slot> operations_;
  // The ids of the operations watching each partition, sorted (maybe none).
  storage::TopicPartitionMap<std::vector<std::uint64_t>> watchers_;
  std::set<std::pair<std::int64_t, std::uint64_t>> deadlines_;
};

}  // namespace ksim::replication
