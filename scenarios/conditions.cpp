#include "scenarios/conditions.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "sim/audit/record_ledger.h"
#include "sim/clients/client_history.h"

namespace ksim::scenarios {

namespace {

using sim::cluster::KafkaCluster;

bool compare_numbers(Comparison comparison, std::int64_t observed, std::int64_t expected) {
  switch (comparison) {
    case Comparison::eq: return observed == expected;
    case Comparison::ne: return observed != expected;
    case Comparison::lt: return observed < expected;
    case Comparison::le: return observed <= expected;
    case Comparison::gt: return observed > expected;
    case Comparison::ge: return observed >= expected;
    case Comparison::contains:
    case Comparison::excludes: return false;
  }
  return false;
}

Observation number(const Condition& condition, std::int64_t observed) {
  return {compare_numbers(condition.comparison, observed, condition.number),
          std::to_string(observed)};
}

// A broker id where -1 reads "none".
Observation broker_id(const Condition& condition, std::int32_t observed) {
  return {compare_numbers(condition.comparison, observed, condition.number),
          observed < 0 ? std::string("none") : std::to_string(observed)};
}

std::string broker_list(const std::vector<std::int32_t>& brokers) {
  return fmt::format("[{}]", fmt::join(brokers, ","));
}

Observation broker_set(const Condition& condition, const std::vector<std::int32_t>& observed) {
  std::vector<std::int32_t> seen = observed;
  std::vector<std::int32_t> wanted = condition.brokers;
  std::sort(seen.begin(), seen.end());
  std::sort(wanted.begin(), wanted.end());
  const bool member =
      std::find(observed.begin(), observed.end(), static_cast<std::int32_t>(condition.number)) !=
      observed.end();
  bool holds = false;
  switch (condition.comparison) {
    case Comparison::eq: holds = seen == wanted; break;
    case Comparison::ne: holds = seen != wanted; break;
    case Comparison::contains: holds = member; break;
    case Comparison::excludes: holds = !member; break;
    default: holds = compare_numbers(condition.comparison, static_cast<std::int64_t>(seen.size()),
                                     condition.number);
  }
  return {holds, broker_list(observed)};
}

Observation broker_sequence(const Condition& condition, const std::vector<std::int32_t>& observed) {
  bool holds = false;
  if (condition.comparison == Comparison::eq) holds = observed == condition.brokers;
  if (condition.comparison == Comparison::ne) holds = observed != condition.brokers;
  return {holds, broker_list(observed)};
}

Observation text_match(const Condition& condition, const std::string& text) {
  bool holds = false;
  if (condition.comparison == Comparison::contains) {
    holds = text.find(condition.text) != std::string::npos;
  } else if (condition.comparison == Comparison::eq) {
    holds = text == condition.text;
  } else if (condition.comparison == Comparison::ne) {
    holds = text != condition.text;
  }
  std::string shown = text.size() > 400 ? text.substr(0, 400) + "..." : text;
  return {holds, fmt::format("\"{}\"", shown)};
}

// The replica whose HW or LEO the condition is about: broker N's, or the leader's.
const replication::Partition* replica_for(const Condition& condition, KafkaCluster& cluster,
                                          std::string& missing) {
  std::int32_t broker = -1;
  if (condition.on_broker) {
    broker = *condition.on_broker;
  } else {
    const auto state = cluster.partition_state(condition.partition);
    if (!state) {
      missing = "no such partition";
      return nullptr;
    }
    broker = state->leader_and_isr.leader;
    if (broker < 0) {
      missing = "no leader";
      return nullptr;
    }
  }
  const replication::Partition* replica = cluster.replica(broker, condition.partition);
  if (replica == nullptr) missing = fmt::format("broker {} has no running replica", broker);
  return replica;
}

std::uint64_t audit_field(const sim::audit::AcksSummary& summary, const std::string& field) {
  if (field == "acknowledged") return summary.acknowledged;
  if (field == "lost") return summary.lost;
  if (field == "duplicated") return summary.duplicated;
  if (field == "indeterminate") return summary.indeterminate;
  if (field == "sent") return summary.sent;
  if (field == "failed") return summary.failed;
  if (field == "committed") return summary.committed;
  return 0;
}

// Log end offset (what a consumer can reach: the HW) minus the group's last committed offset,
// over the group's partitions (or one). Nothing when there is nothing to measure, with `why`:
// no consumer of the group, or no committed offset (kafka-consumer-groups.sh shows LAG "-"
// then, and a lag of 0 would claim the group has read everything).
std::optional<std::int64_t> group_lag(const Condition& condition, KafkaCluster& cluster,
                                      std::string& why) {
  std::map<storage::TopicPartition, std::int64_t> committed;
  bool group_seen = false;
  for (const std::string& name : cluster.consumer_names()) {
    const sim::clients::ConsumerHistory& history = cluster.consumer_history(name);
    if (history.group_id != condition.name) continue;
    group_seen = true;
    for (const sim::clients::ConsumerCommit& commit : history.commits) {
      if (!commit.succeeded()) continue;
      for (const auto& [tp, offset] : commit.offsets) {
        auto [it, inserted] = committed.try_emplace(tp, offset);
        if (!inserted) it->second = std::max(it->second, offset);
      }
    }
  }
  if (!group_seen) {
    why = fmt::format("no consumer of group {} has run", condition.name);
    return std::nullopt;
  }
  const bool one_partition = !condition.partition.topic.empty();
  if (one_partition ? !committed.contains(condition.partition) : committed.empty()) {
    why = fmt::format("group {} has committed no offset{} (LAG -)", condition.name,
                      one_partition ? " for " + condition.partition.to_string() : "");
    return std::nullopt;
  }
  std::int64_t lag = 0;
  for (const auto& [tp, offset] : committed) {
    if (one_partition && tp != condition.partition) continue;
    const auto state = cluster.partition_state(tp);
    if (!state || state->leader_and_isr.leader < 0) continue;
    const replication::Partition* leader = cluster.replica(state->leader_and_isr.leader, tp);
    if (leader != nullptr) lag += std::max<std::int64_t>(0, leader->high_watermark() - offset);
  }
  return lag;
}

}  // namespace

Observation observe(const Condition& condition, KafkaCluster& cluster, const LastCommand& last) {
  using Subject = Condition::Subject;
  switch (condition.subject) {
    case Subject::leader:
    case Subject::isr:
    case Subject::replicas:
    case Subject::leader_epoch: {
      const controller::ClusterMetadata metadata = cluster.metadata();
      const controller::PartitionLeadership* state = metadata.partition_state(condition.partition);
      const std::vector<std::int32_t>* replicas = metadata.replicas(condition.partition);
      if (state == nullptr || replicas == nullptr) return {false, "no such partition"};
      if (condition.subject == Subject::leader) {
        return broker_id(condition, state->leader_and_isr.leader);
      }
      if (condition.subject == Subject::isr) return broker_set(condition, state->leader_and_isr.isr);
      if (condition.subject == Subject::replicas) return broker_sequence(condition, *replicas);
      return number(condition, state->leader_and_isr.leader_epoch);
    }
    case Subject::high_watermark:
    case Subject::log_end_offset:
    case Subject::log_start_offset:
    case Subject::segment_count: {
      std::string missing;
      const replication::Partition* replica = replica_for(condition, cluster, missing);
      if (replica == nullptr) return {false, missing};
      switch (condition.subject) {
        case Subject::high_watermark:
          return number(condition, replica->high_watermark());
        case Subject::log_end_offset:
          return number(condition, replica->log_end_offset());
        case Subject::log_start_offset:
          return number(condition, replica->log().log_start_offset());
        default:
          return number(condition,
                        static_cast<std::int64_t>(replica->log().number_of_segments()));
      }
    }
    case Subject::controller:
      return broker_id(condition, cluster.controller_id().value_or(-1));
    case Subject::broker_state: {
      const std::int32_t broker = condition.on_broker.value_or(-1);
      const sim::ProcessState state =
          cluster.world().host(KafkaCluster::node_name(broker)).state();
      const std::string observed = state == sim::ProcessState::running ? "up"
                                   : state == sim::ProcessState::paused ? "paused"
                                                                        : "down";
      const bool equal = observed == condition.text;
      return {condition.comparison == Comparison::ne ? !equal : equal, observed};
    }
    case Subject::under_replicated:
    case Subject::offline: {
      const controller::ClusterMetadata metadata = cluster.metadata();
      std::int64_t count = 0;
      for (const auto& [name, topic] : metadata.topics) {
        for (const auto& [index, state] : topic.partition_states) {
          const storage::TopicPartition tp{name, index};
          const std::vector<std::int32_t>* replicas = metadata.replicas(tp);
          if (condition.subject == Subject::offline) {
            if (state.leader_and_isr.leader < 0) ++count;
          } else if (replicas != nullptr && state.leader_and_isr.isr.size() < replicas->size()) {
            ++count;
          }
        }
      }
      return number(condition, count);
    }
    case Subject::audit_count: {
      const sim::audit::RecordLedger* ledger = cluster.audit();
      if (ledger == nullptr) return {false, "the audit is off"};
      std::uint64_t total = 0;
      for (const sim::audit::AcksSummary& summary : ledger->summary()) {
        if (condition.acks && summary.acks != *condition.acks) continue;
        total += audit_field(summary, condition.name);
      }
      return number(condition, static_cast<std::int64_t>(total));
    }
    case Subject::consumed: {
      const std::string job = condition.name.empty() ? last.consumer_job : condition.name;
      if (job.empty()) return {false, "no consumer has run"};
      return number(condition,
                    static_cast<std::int64_t>(cluster.consumer_history(job).records.size()));
    }
    case Subject::lag: {
      std::string why;
      const std::optional<std::int64_t> lag = group_lag(condition, cluster, why);
      if (!lag) return {false, why};
      return number(condition, *lag);
    }
    case Subject::violations: {
      const sim::cluster::ReplicationInvariants* invariants = cluster.invariants();
      return number(condition, invariants == nullptr
                                   ? 0
                                   : static_cast<std::int64_t>(invariants->violations().size()));
    }
    case Subject::output:
      return text_match(condition, last.output);
    case Subject::failed: {
      if (!last.failed) return {false, "the last command succeeded"};
      const bool mentions = last.error.find(condition.text) != std::string::npos ||
                            last.output.find(condition.text) != std::string::npos;
      return {mentions, fmt::format("failed with \"{}\"", last.error)};
    }
  }
  return {false, "?"};
}

}  // namespace ksim::scenarios
