// KafkaCluster's consumers (core/client's KafkaConsumer on client nodes) and
// kafka-consumer-groups.sh against the running brokers' group coordinators.
#include <fmt/format.h>

#include <stdexcept>

#include "core/client/kafka_consumer_config.h"
#include "core/coordinator/offsets_topic.h"
#include "sim/clients/consumer_process.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::sim::cluster {

clients::ConsumerProcess& KafkaCluster::add_consumer(
    const std::string& name, std::vector<std::pair<std::string, std::string>> config,
    SimDuration poll_interval) {
  if (consumer_histories_.contains(name) || producer_histories_.contains(name) ||
      ledgers_.contains(name)) {
    throw std::invalid_argument("a client named '" + name + "' already exists");
  }
  bool has_client_id = false;
  for (const auto& [key, value] : config) has_client_id = has_client_id || key == "client.id";
  if (!has_client_id) config.insert(config.begin(), {"client.id", name});
  clients::ConsumerProcessOptions options;
  options.bootstrap_brokers = broker_ids();
  options.config = std::move(config);
  options.poll_interval = poll_interval;
  (void)client::ConsumerConfig::parse(options.config);  // a bad configuration throws here
  clients::ConsumerHistory& history =
      *consumer_histories_.emplace(name, std::make_unique<clients::ConsumerHistory>())
           .first->second;
  clients::ClientObserver* observer = this;
  world_->add_client(name, [options, &history, observer] {
    return std::make_unique<clients::ConsumerProcess>(options, history, observer);
  });
  world_->start(name);
  return consumer(name);
}

clients::ConsumerProcess& KafkaCluster::consumer(const std::string& name) {
  auto* process = dynamic_cast<clients::ConsumerProcess*>(world_->host(name).process());
  if (process == nullptr) throw std::logic_error("consumer '" + name + "' is not running");
  return *process;
}

const clients::ConsumerHistory& KafkaCluster::consumer_history(const std::string& name) const {
  const auto it = consumer_histories_.find(name);
  if (it == consumer_histories_.end()) throw std::invalid_argument("no consumer '" + name + "'");
  return *it->second;
}

std::vector<std::string> KafkaCluster::consumer_names() const {
  std::vector<std::string> names;
  for (const auto& [name, history] : consumer_histories_) names.push_back(name);
  return names;
}

coordinator::ConsoleOutput KafkaCluster::consumer_groups(const std::vector<std::string>& args) {
  bool list = false;
  bool describe = false;
  std::optional<std::string> group;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--list") {
      list = true;
    } else if (arg == "--describe") {
      describe = true;
    } else if ((arg == "--group" || arg == "--bootstrap-server") && i + 1 < args.size()) {
      if (arg == "--group") group = args[i + 1];
      ++i;
    } else {
      throw std::invalid_argument("kafka-consumer-groups: unknown or incomplete argument '" +
                                  arg + "'");
    }
  }
  if (list == describe) {
    throw std::invalid_argument(
        "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, "
        "--delete-offsets");
  }
  if (list) {
    // ListGroups from every broker (the admin client's listConsumerGroups), in broker order.
    std::vector<protocol::ListedGroup> groups;
    for (std::int32_t id : broker_ids()) {
      KafkaBroker* b = broker(id);
      if (b == nullptr || !b->registered()) continue;
      const protocol::ListGroupsResponse answer = b->list_groups_now();
      groups.insert(groups.end(), answer.groups.begin(), answer.groups.end());
    }
    return coordinator::consumer_groups_list(groups);
  }
  if (!group) throw std::invalid_argument("Option [describe] takes one of these options: [group]");
  // FindCoordinator: the leader of the group's __consumer_offsets partition.
  const storage::TopicPartition offsets_partition = coordinator::offsets_topic_partition_for(
      *group, options_.broker.offsets_topic_num_partitions);
  const auto state = partition_state(offsets_partition);
  KafkaBroker* coordinator_broker =
      state && state->leader_and_isr.has_leader() ? broker(state->leader_and_isr.leader) : nullptr;
  if (coordinator_broker == nullptr) {
    return {"", "\nError: Executing consumer group command failed due to "
                "org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator "
                "is not available.\n"};
  }
  const protocol::DescribeGroupsResponse described =
      coordinator_broker->describe_groups_now(protocol::DescribeGroupsRequest{{*group}, false});
  const protocol::OffsetFetchResponse fetched =
      coordinator_broker->fetch_offsets_now(protocol::OffsetFetchRequest{*group, std::nullopt, false});
  std::map<storage::TopicPartition, std::int64_t> committed;
  for (const auto& p : fetched.partitions) {
    if (p.error_code == protocol::Error::NONE && p.committed_offset >= 0) {
      committed[p.topic_partition] = p.committed_offset;
    }
  }
  // ListOffsets latest (the high watermark, for a consumer) from each partition's leader.
  std::map<storage::TopicPartition, std::int64_t> log_end_offsets;
  const controller::ClusterMetadata snapshot = metadata();
  for (const auto& [topic, topic_metadata] : snapshot.topics) {
    if (topic == coordinator::group_metadata_topic_name) continue;
    for (const auto& [partition, leadership] : topic_metadata.partition_states) {
      if (!leadership.leader_and_isr.has_leader()) continue;
      const KafkaBroker* leader = broker(leadership.leader_and_isr.leader);
      if (leader == nullptr) continue;
      protocol::ListOffsetsRequest request;
      request.partitions.push_back({storage::TopicPartition{topic, partition}});
      const protocol::ListOffsetsResponse answer = leader->replica_manager().fetch_offsets(request);
      for (const auto& p : answer.partitions) {
        if (p.error_code == protocol::Error::NONE) log_end_offsets[p.topic_partition] = p.offset;
      }
    }
  }
  return coordinator::consumer_groups_describe(described.groups.at(0), committed, log_end_offsets);
}

}  // namespace ksim::sim::cluster
