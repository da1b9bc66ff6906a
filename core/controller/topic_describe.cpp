// kafka-topics.sh --describe: TopicCommand's describeTopic for --zookeeper
// (ZookeeperTopicService) and --bootstrap-server (AdminClientTopicService).
#include "core/controller/topic_describe.h"

#include <fmt/format.h>

#include <map>

#include "core/controller/controller_zk_writes.h"
#include "core/controller/java_hash_map_order.h"

namespace ksim::controller {
namespace {

bool spaced_format(KafkaVersion version) { return version >= KafkaVersion{2, 4, 0}; }
bool marks_deletion(KafkaVersion version) { return version >= KafkaVersion{0, 11, 0}; }

// The Admin client's describe shows a partition being reassigned (KIP-455, 2.5+): its adding
// and removing replicas, and a replication factor without the adding ones.
bool shows_reassignment(const TopicCommandOptions& options, KafkaVersion version,
                        const PartitionReplicaAssignment& assignment) {
  return options.bootstrap_server && version >= KafkaVersion{2, 5, 0} &&
         (!assignment.adding_replicas.empty() || !assignment.removing_replicas.empty());
}

// TopicCommand's getReplicationFactor.
std::size_t replication_factor_of(const TopicCommandOptions& options, KafkaVersion version,
                                  const PartitionReplicaAssignment& assignment) {
  if (!shows_reassignment(options, version, assignment)) return assignment.replicas.size();
  return assignment.replicas.size() - assignment.adding_replicas.size();
}

// "k1=v1,k2=v2" in the order Kafka's collection iterates them.
std::string configs_text(const ConfigEntries& entries, const std::vector<std::size_t>& order) {
  std::string text;
  for (std::size_t index : order) {
    if (!text.empty()) text += ',';
    text += entries[index].first + "=" + entries[index].second;
  }
  return text;
}

std::vector<std::string> names_of(const ConfigEntries& entries) {
  std::vector<std::string> names;
  for (const auto& [name, value] : entries) names.push_back(name);
  return names;
}

// The configs a topic shows: its overrides; over --bootstrap-server also the broker settings
// that are not defaults (a topic override replaces the broker's value in place).
ConfigEntries shown_configs(const TopicMetadata& topic, const TopicCommandOptions& options,
                            const TopicCommandEnvironment& environment) {
  if (!options.bootstrap_server) return topic.config;
  ConfigEntries merged = environment.broker_topic_config_overrides;
  for (const auto& [name, value] : topic.config) {
    bool replaced = false;
    for (auto& entry : merged) {
      if (entry.first == name) {
        entry.second = value;
        replaced = true;
      }
    }
    if (!replaced) merged.emplace_back(name, value);
  }
  return merged;
}

std::vector<std::size_t> config_order(const ConfigEntries& entries,
                                      const TopicCommandOptions& options,
                                      const TopicCommandEnvironment& environment) {
  const KafkaVersion version = environment.version;
  if (options.bootstrap_server) {
    return java_hash_map_order(names_of(entries),
                               std::max(environment.described_config_count, entries.size()));
  }
  if (version >= KafkaVersion{2, 8, 0}) {
    return java_hash_map_order(names_of(entries), entries.size());
  }
  return zk::java_properties_order(names_of(entries),
                                   environment.java.value_or(default_java_version(version)));
}

struct PartitionView {
  std::int32_t partition = 0;
  std::optional<std::int32_t> leader;  // as the tool holds it: -1 kept before 2.4
  std::vector<std::int32_t> replicas;
  std::vector<std::int32_t> isr;
  std::optional<PartitionReplicaAssignment> reassignment;  // when the tool shows one
  std::size_t replication_factor = 0;
};

class Describer {
 public:
  Describer(const ClusterMetadata& cluster, const TopicCommandOptions& options,
            const TopicCommandEnvironment& environment, std::string& out)
      : cluster_(cluster), options_(options), environment_(environment), out_(out) {
    for (const auto& [id, broker] : cluster.brokers) live_brokers_.insert(id);
  }

  void describe(const std::string& name) {
    const TopicMetadata& topic = cluster_.topics.at(name);
    const bool marked =
        !options_.bootstrap_server && cluster_.topics_marked_for_deletion.contains(name);
    const bool describe_configs =
        !options_.under_replicated_partitions && !options_.unavailable_partitions;
    if (describe_configs) {
      const ConfigEntries configs = shown_configs(topic, options_, environment_);
      if (!options_.topics_with_overrides || !configs.empty()) {
        out_ += topic_line(name, topic, configs, marked);
      }
    }
    if (options_.topics_with_overrides) return;
    for (const auto& [partition, assignment] : topic.partitions) {
      PartitionView view{partition, std::nullopt, assignment.replicas, {}, std::nullopt,
                         replication_factor_of(options_, version(), assignment)};
      if (shows_reassignment(options_, version(), assignment)) view.reassignment = assignment;
      if (const auto it = topic.partition_states.find(partition);
          it != topic.partition_states.end()) {
        view.leader = it->second.leader_and_isr.leader;
        view.isr = it->second.leader_and_isr.isr;
      }
      if (spaced_format(version()) && view.leader == LeaderAndIsr::no_leader) view.leader.reset();
      const bool under_replicated = view.isr.size() < view.replication_factor;
      const bool unavailable = !view.leader || !live_brokers_.contains(*view.leader);
      if (describe_configs || (options_.under_replicated_partitions && under_replicated) ||
          (options_.unavailable_partitions && unavailable)) {
        out_ += partition_line(name, view, marked, describe_configs);
      }
    }
  }

 private:
  KafkaVersion version() const { return environment_.version; }

  std::string topic_line(const std::string& name, const TopicMetadata& topic,
                         const ConfigEntries& configs, bool marked) const {
    const std::int32_t partition_count = static_cast<std::int32_t>(topic.partitions.size());
    const std::size_t replication_factor =
        topic.partitions.empty()
            ? 0
            : replication_factor_of(options_, version(), topic.partitions.begin()->second);
    const std::string config_text =
        configs_text(configs, config_order(configs, options_, environment_));
    if (!spaced_format(version())) {
      return fmt::format("Topic:{}\tPartitionCount:{}\tReplicationFactor:{}\tConfigs:{}{}\n", name,
                         partition_count, replication_factor, config_text,
                         marked && marks_deletion(version()) ? "\tMarkedForDeletion:true" : "");
    }
    std::string line = fmt::format("Topic: {}", name);
    if (version() >= KafkaVersion{2, 8, 0} && topic.topic_id) {
      line += fmt::format("\tTopicId: {}", *topic.topic_id);
    }
    line += fmt::format("\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}", partition_count,
                        replication_factor, config_text);
    if (marked) line += "\tMarkedForDeletion: true";
    return line + "\n";
  }

  std::string partition_line(const std::string& name, const PartitionView& view, bool marked,
                             bool describe_configs) const {
    std::string line = fmt::format(
        "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}", name, view.partition,
        view.leader ? fmt::format("{}", *view.leader) : std::string("none"),
        fmt::join(view.replicas, ","), fmt::join(view.isr, ","));
    if (view.reassignment) {
      line += fmt::format("\tAdding Replicas: {}\tRemoving Replicas: {}",
                          fmt::join(view.reassignment->adding_replicas, ","),
                          fmt::join(view.reassignment->removing_replicas, ","));
    }
    if (marked && marks_deletion(version()) && (spaced_format(version()) || !describe_configs)) {
      line += "\tMarkedForDeletion: true";
    }
    return line + "\n";
  }

  const ClusterMetadata& cluster_;
  const TopicCommandOptions& options_;
  const TopicCommandEnvironment& environment_;
  std::string& out_;
  std::set<std::int32_t> live_brokers_;
};

}  // namespace

void describe_topics(const ClusterMetadata& cluster, const TopicCommandOptions& options,
                     const TopicCommandEnvironment& environment,
                     const std::vector<std::string>& topics, std::string& out) {
  Describer describer(cluster, options, environment, out);
  if (!options.bootstrap_server) {
    for (const std::string& topic : topics) describer.describe(topic);
    return;
  }
  // The admin client hands the descriptions back in a HashMap sized for them.
  for (std::size_t index : java_hash_map_order(topics, topics.size())) {
    describer.describe(topics[index]);
  }
}

}  // namespace ksim::controller
