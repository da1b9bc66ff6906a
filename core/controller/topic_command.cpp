// kafka-topics.sh (kafka.admin.TopicCommand; org.apache.kafka.tools.TopicCommand from 3.6):
// create, list, alter, delete, and the error reporting shared by all actions.
#include "core/controller/topic_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/controller/admin_error.h"
#include "core/controller/topic_describe.h"
#include "core/controller/topic_names.h"
#include "core/controller/zk_kafka_paths.h"
#include "core/storage/log_config.h"

namespace ksim::controller {
namespace {

using Action = TopicCommandAction;

bool uses_admin_zk_client_words(KafkaVersion v) { return v >= KafkaVersion{1, 1, 0}; }
bool plain_created_message(KafkaVersion v) { return v >= KafkaVersion{2, 2, 0}; }
bool topic_service_era(KafkaVersion v) { return v >= KafkaVersion{2, 2, 0}; }
bool expected_existence_era(KafkaVersion v) { return v >= KafkaVersion{2, 4, 0}; }

constexpr std::string_view collision_warning =
    "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') "
    "could collide. To avoid issues it is best to use either, but not both.";
constexpr std::string_view partitions_warning =
    "WARNING: If partitions are increased for a topic that has a key, the partition logic or "
    "ordering of the messages will be affected";

[[noreturn]] void illegal_argument(std::string message) {
  throw AdminError(java_exception::illegal_argument, unknown_server_error, message);
}

// The seeds' Kafka 0.9.0.1 trace for the replication-factor error of --create.
std::vector<std::string> legacy_create_trace() {
  return {"at kafka.admin.AdminUtils$.assignReplicasToBrokers(AdminUtils.scala:77)",
          "at kafka.admin.AdminUtils$.createTopic(AdminUtils.scala:236)",
          "at kafka.admin.TopicCommand$.createTopic(TopicCommand.scala:105)",
          "at kafka.admin.TopicCommand$.main(TopicCommand.scala:60)",
          "at kafka.admin.TopicCommand.main(TopicCommand.scala)"};
}

// Java's Integer.parseInt, with its NumberFormatException message.
std::int32_t parse_java_int(const std::string& text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int32_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || digits.front() == '+' || error != std::errc() ||
      end != digits.data() + digits.size()) {
    throw AdminError(java_exception::number_format, unknown_server_error,
                     fmt::format("For input string: \"{}\"", text));
  }
  return value;
}

// String.split(String): trailing empty strings dropped, "" gives [""].
std::vector<std::string> java_split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  while (parts.size() > 1 && parts.back().empty()) parts.pop_back();
  return parts;
}

std::string java_trim(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= ' ') --end;
  return text.substr(begin, end - begin);
}

// What `"" + intArray` prints: the array's identity hash, stable here.
std::string java_int_array_identity(const std::vector<std::int32_t>& values) {
  std::uint32_t hash = 2166136261u;
  for (std::int32_t value : values) {
    hash = (hash ^ static_cast<std::uint32_t>(value)) * 16777619u;
  }
  return fmt::format("[I@{:x}", hash & 0x7fffffffu);
}

class Command {
 public:
  Command(const ClusterMetadata& cluster, const TopicCommandOptions& options,
          const TopicCommandEnvironment& environment)
      : cluster_(cluster), options_(options), env_(environment) {}

  TopicCommandResult run() {
    if (!options_.bootstrap_server && version() >= KafkaVersion{3, 0, 0}) {
      return unrecognized_option("zookeeper");
    }
    if (options_.bootstrap_server && version() < KafkaVersion{2, 2, 0}) {
      return unrecognized_option("bootstrap-server");
    }
    if (options_.action != Action::list && options_.action != Action::describe && !options_.topic) {
      return missing_argument("[topic]");
    }
    try {
      switch (options_.action) {
        case Action::create:
          create();
          break;
        case Action::list:
          list();
          break;
        case Action::describe:
          describe();
          break;
        case Action::alter:
          alter();
          break;
        case Action::delete_topic:
          remove();
          break;
      }
    } catch (const AdminError& error) {
      report(error);
    }
    return std::move(result_);
  }

 private:
  KafkaVersion version() const { return env_.version; }
  void print(std::string_view line) { result_.out += std::string(line) + "\n"; }

  std::string logger() const {
    return version() >= KafkaVersion{3, 6, 0} ? "org.apache.kafka.tools.TopicCommand"
                                              : "kafka.admin.TopicCommand$";
  }

  void report(const AdminError& error) {
    result_.out += fmt::format("Error while executing topic command : {}\n", error.what());
    result_.err +=
        fmt::format("[{}] ERROR {} ({})\n", env_.log_timestamp, error.java_stack_trace(), logger());
    result_.exit_code = 1;
  }

  TopicCommandResult unrecognized_option(std::string_view option) {
    result_.err += fmt::format(
        "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: {} is not a "
        "recognized option\n",
        option);
    result_.exit_code = 1;
    return std::move(result_);
  }

  TopicCommandResult missing_argument(std::string_view option) {
    result_.err += fmt::format("Missing required argument \"{}\"\n", option);
    result_.exit_code = 1;
    return std::move(result_);
  }

  std::vector<BrokerMetadata> live_brokers() const {
    std::vector<BrokerMetadata> brokers;
    for (const auto& [id, registration] : cluster_.brokers) {
      brokers.push_back(BrokerMetadata{id, registration.rack});
    }
    return brokers;
  }

  // TopicService.getTopics: every topic, sorted, through the --topic filter.
  std::vector<std::string> topics() const {
    std::vector<std::string> all;
    for (const auto& [name, topic] : cluster_.topics) all.push_back(name);
    std::vector<std::string> selected;
    if (options_.topic) {
      const TopicFilter filter(*options_.topic, version());
      for (const std::string& name : all) {
        if (filter.is_topic_allowed(name, options_.exclude_internal)) selected.push_back(name);
      }
    } else {
      for (const std::string& name : all) {
        if (!(options_.exclude_internal && is_internal_topic(name, version()))) {
          selected.push_back(name);
        }
      }
    }
    return selected;
  }

  // ensureTopicExists, as each era words it.
  void ensure_topics_exist(const std::vector<std::string>& found) const {
    if (!found.empty()) return;
    if (expected_existence_era(version())) {
      if (options_.topic && !options_.if_exists) {
        illegal_argument(fmt::format("Topic '{}' does not exist as expected", *options_.topic));
      }
      return;
    }
    if (topic_service_era(version())) {
      const bool excused = options_.action == Action::describe
                               ? options_.topic && options_.if_exists
                               : options_.if_exists;
      if (!excused) illegal_argument("Topics in [] does not exist");
      return;
    }
    if (options_.action != Action::describe && !options_.if_exists) {
      illegal_argument(fmt::format("Topic {} does not exist on ZK path {}",
                                   options_.topic.value_or("null"), options_.zookeeper));
    }
  }

  // AdminZkClient.validateTopicCreate (AdminUtils before 1.1): the name, then existence and
  // collisions.
  void validate_topic_create(const std::string& name) const {
    validate_topic_name(name, version());
    const bool words = uses_admin_zk_client_words(version());
    const std::string quoted = words ? "'" + name + "'" : "\"" + name + "\"";
    if (cluster_.topics.contains(name)) {
      throw AdminError(has_api_exceptions(version()) ? java_exception::topic_exists
                                                     : java_exception::legacy_topic_exists,
                       protocol::Error::TOPIC_ALREADY_EXISTS,
                       fmt::format("Topic {} already exists.", quoted));
    }
    if (has_collision_chars(name)) {
      std::vector<std::string> colliding;
      for (const auto& [other, topic] : cluster_.topics) {
        if (topics_collide(name, other)) colliding.push_back(other);
      }
      if (!colliding.empty()) {
        throw AdminError(has_api_exceptions(version()) ? java_exception::invalid_topic
                                                       : java_exception::legacy_invalid_topic,
                         protocol::Error::INVALID_TOPIC_EXCEPTION,
                         fmt::format("Topic {} collides with existing topics: {}", quoted,
                                     fmt::join(colliding, ", ")));
      }
    }
    validate_topic_configs();
  }

  // LogConfig.validate: every --config name is a topic config, and every value parses and is in
  // its range.
  void validate_topic_configs() const {
    const std::string_view exception_class =
        has_api_exceptions(version()) ? java_exception::invalid_config : java_exception::legacy_config;
    for (const auto& [name, value] : options_.configs) {
      if (!storage::is_topic_config_name(name)) {
        throw AdminError(exception_class, protocol::Error::INVALID_CONFIG,
                         fmt::format("Unknown topic config name: {}", name));
      }
    }
    try {
      (void)storage::log_config_from_entries(storage::LogConfig{}, options_.configs);
      for (const auto& [name, value] : options_.configs) {
        if (name != "min.insync.replicas") continue;
        int parsed = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (value.empty() || error != std::errc{} || end != value.data() + value.size()) {
          throw std::invalid_argument(fmt::format(
              "Invalid value {} for configuration min.insync.replicas: Not a number of type INT",
              value));
        }
        if (parsed < 1) {
          throw std::invalid_argument(fmt::format(
              "Invalid value {} for configuration min.insync.replicas: Value must be at least 1",
              value));
        }
      }
    } catch (const std::invalid_argument& e) {
      throw AdminError(exception_class, protocol::Error::INVALID_CONFIG, e.what());
    }
  }

  bool is_topic_exists(const AdminError& error) const {
    return error.error() == protocol::Error::TOPIC_ALREADY_EXISTS;
  }

  void write_new_topic(const std::string& name, const ReplicaAssignment& assignment) {
    for (ZkWrite& write : create_topic_writes(name, assignment, env_.new_topic_id, options_.configs,
                                              false, version())) {
      result_.zk_writes.push_back(std::move(write));
    }
    print(plain_created_message(version()) ? fmt::format("Created topic {}.", name)
                                           : fmt::format("Created topic \"{}\".", name));
  }

  void create() {
    const std::string& name = *options_.topic;
    std::optional<ReplicaAssignment> manual;
    if (options_.replica_assignment && !options_.replica_assignment->empty()) {
      manual = parse_replica_assignment(*options_.replica_assignment, version());
    }
    if (has_collision_chars(name)) print(collision_warning);
    try {
      if (options_.bootstrap_server) {
        create_through_broker(name, manual);
      } else {
        create_in_zookeeper(name, manual);
      }
    } catch (const AdminError& error) {
      if (!(options_.if_not_exists && is_topic_exists(error))) throw;
    }
  }

  // ZookeeperTopicService.createTopic: assign, then validate, then write.
  void create_in_zookeeper(const std::string& name,
                           const std::optional<ReplicaAssignment>& manual) {
    ReplicaAssignment assignment;
    if (manual) {
      assignment = *manual;
    } else {
      if (!options_.partitions) throw missing("[partitions]");
      if (!options_.replication_factor) throw missing("[replication-factor]");
      const std::vector<BrokerMetadata> brokers =
          broker_metadatas(live_brokers(), options_.disable_rack_aware ? RackAwareMode::disabled
                                                                       : RackAwareMode::enforced);
      try {
        assignment =
            assign_replicas_to_brokers(brokers, *options_.partitions, *options_.replication_factor,
                                       env_.randomness, 0, version());
      } catch (const AdminError& error) {
        const bool legacy = version() >= KafkaVersion{0, 9, 0} &&
                            version() < KafkaVersion{0, 10, 0} &&
                            error.error() == protocol::Error::INVALID_REPLICATION_FACTOR &&
                            *options_.replication_factor > 0;
        if (!legacy) throw;
        throw AdminError(error.exception_class(), error.error(), error.what(),
                         legacy_create_trace());
      }
    }
    validate_topic_create(name);
    write_new_topic(name, assignment);
  }

  // AdminClientTopicService.createTopic, then the broker's ZkAdminManager.createTopics.
  void create_through_broker(const std::string& name,
                             const std::optional<ReplicaAssignment>& manual) {
    if (options_.replication_factor &&
        (*options_.replication_factor > 32767 || *options_.replication_factor < 1)) {
      illegal_argument("The replication factor must be between 1 and 32767 inclusive");
    }
    if (options_.partitions && *options_.partitions < 1) {
      illegal_argument("The partitions must be greater than 0");
    }
    if (cluster_.topics.contains(name)) {
      throw AdminError(java_exception::topic_exists, protocol::Error::TOPIC_ALREADY_EXISTS,
                       fmt::format("Topic '{}' already exists.", name));
    }
    ReplicaAssignment assignment;
    if (manual) {
      assignment = *manual;
    } else {
      if (version() < KafkaVersion{2, 4, 0}) {
        if (!options_.partitions) throw missing("[partitions]");
        if (!options_.replication_factor) throw missing("[replication-factor]");
      }
      std::vector<BrokerMetadata> brokers = live_brokers();
      assignment = assign_replicas_to_brokers(
          brokers, options_.partitions.value_or(env_.num_partitions),
          options_.replication_factor.value_or(env_.default_replication_factor), env_.randomness, 0,
          version());
    }
    validate_topic_create(name);
    write_new_topic(name, assignment);
  }

  // A required option the command line lacked: joptsimple's message, no Kafka exception.
  struct MissingArgument {
    std::string option;
  };
  static MissingArgument missing(std::string option) { return MissingArgument{std::move(option)}; }

  void list() {
    const std::vector<std::string> names = topics();
    if (options_.bootstrap_server) {
      result_.out += fmt::format("{}\n", fmt::join(names, "\n"));
      return;
    }
    for (const std::string& name : names) {
      print(cluster_.topics_marked_for_deletion.contains(name)
                ? fmt::format("{} - marked for deletion", name)
                : name);
    }
  }

  void describe() {
    const std::vector<std::string> names = topics();
    // Before 2.4 only the ZooKeeper service checked (AdminClientTopicService did not).
    if (topic_service_era(version()) &&
        (!options_.bootstrap_server || expected_existence_era(version()))) {
      ensure_topics_exist(names);
    }
    describe_topics(cluster_, options_, env_, names, result_.out);
  }

  void alter() {
    // CommandTopicPartition parses --replica-assignment before anything is checked or printed.
    if (options_.replica_assignment && !options_.replica_assignment->empty()) {
      manual_assignment_ = parse_replica_assignment(*options_.replica_assignment, version());
    }
    const std::vector<std::string> names = topics();
    ensure_topics_exist(names);
    if (options_.bootstrap_server) {
      if (!options_.partitions) throw missing("[partitions]");
      for (const std::string& name : names) add_partitions_through_broker(name);
      return;
    }
    for (const std::string& name : names) {
      if (!options_.configs.empty() || !options_.delete_configs.empty()) alter_config(name);
      if (options_.partitions) add_partitions_in_zookeeper(name);
    }
  }

  // AdminZkClient.changeTopicConfig from the deprecated --alter --config.
  void alter_config(const std::string& name) {
    print(
        "WARNING: Altering topic configuration from this script has been deprecated and may "
        "be removed in future releases.");
    print("         Going forward, please use kafka-configs.sh for this functionality");
    validate_topic_configs();
    const TopicMetadata& topic = cluster_.topics.at(name);
    ConfigEntries config = topic.config;
    for (const auto& [key, value] : options_.configs) {
      const auto it = std::find_if(config.begin(), config.end(),
                                   [&](const auto& entry) { return entry.first == key; });
      if (it == config.end()) {
        config.emplace_back(key, value);
      } else {
        it->second = value;
      }
    }
    for (const std::string& key : options_.delete_configs) {
      std::erase_if(config, [&](const auto& entry) { return entry.first == key; });
    }
    const std::string body =
        encode_entity_config(config, env_.java.value_or(default_java_version(version())));
    // setOrCreateEntityConfigs sets first; a topic created by Kafka always has its config znode.
    result_.zk_writes.push_back(ZkWrite{{zk::Op::set_data(ZkPaths::topic_config(name), body, -1)}});
    result_.zk_writes.push_back(ZkWrite{{zk::Op::create(
        ZkPaths::config_change_notification_sequence_path(),
        encode_config_change_notification(fmt::format("{}/{}", ZkPaths::config_type_topic, name)),
        zk::CreateMode::PERSISTENT_SEQUENTIAL)}});
    print(plain_created_message(version()) ? fmt::format("Updated config for topic {}.", name)
                                           : fmt::format("Updated config for topic \"{}\".", name));
  }

  // The manual assignment without the partitions the topic has (Kafka's .drop(existing)).
  ReplicaAssignment manual_new_partitions(std::size_t existing) const {
    ReplicaAssignment manual;
    for (const auto& [partition, replicas] : manual_assignment_) {
      if (static_cast<std::size_t>(partition) >= existing) manual[partition] = replicas;
    }
    return manual;
  }

  // AdminZkClient.validateReplicaAssignment. Its other checks (empty lists, duplicates,
  // differing replication factors) cannot fail here: parse_replica_assignment rejects those.
  static void validate_manual_assignment(const ReplicaAssignment& manual,
                                         const std::set<std::int32_t>& brokers) {
    for (const auto& [partition, replicas] : manual) {
      if (!std::all_of(replicas.begin(), replicas.end(),
                       [&](std::int32_t id) { return brokers.contains(id); })) {
        throw AdminError(
            java_exception::broker_not_available, protocol::Error::BROKER_NOT_AVAILABLE,
            fmt::format("Some brokers specified for partition id {} are not "
                        "available. Specified brokers: {}, available brokers: {}.",
                        partition, fmt::join(replicas, ", "), fmt::join(brokers, ", ")));
      }
    }
  }

  // AdminZkClient.createNewPartitionsAssignment + createPartitionsWithAssignment.
  void add_partitions(const std::string& name, std::int32_t count,
                      const std::vector<BrokerMetadata>& brokers) {
    const TopicMetadata& topic = cluster_.topics.at(name);
    const auto existing = static_cast<std::int32_t>(topic.partitions.size());
    const auto partition0 = topic.partitions.find(0);
    if (partition0 == topic.partitions.end()) {
      throw AdminError(java_exception::admin_operation, unknown_server_error,
                       fmt::format("Unexpected existing replica assignment for topic '{}', "
                                   "partition id 0 is missing.",
                                   name));
    }
    const std::vector<std::int32_t>& replicas0 = partition0->second.replicas;
    if (count - existing <= 0) {
      if (version() < KafkaVersion{1, 0, 0}) {
        throw AdminError(java_exception::admin_operation, protocol::Error::INVALID_PARTITIONS,
                         "The number of partitions for a topic can only be increased");
      }
      throw AdminError(java_exception::invalid_partitions, protocol::Error::INVALID_PARTITIONS,
                       fmt::format("The number of partitions for a topic can only be increased. "
                                   "Topic {} currently has {} partitions, {} would not be an "
                                   "increase.",
                                   name, existing, count));
    }
    ReplicaAssignment added = manual_new_partitions(static_cast<std::size_t>(existing));
    if (!added.empty()) {
      std::set<std::int32_t> ids;
      for (const BrokerMetadata& broker : brokers) ids.insert(broker.id);
      validate_manual_assignment(added, ids);
    } else {
      added = assign_replicas_for_new_partitions(brokers, replicas0, existing, count - existing,
                                                 version());
    }
    ReplicaAssignment combined;
    for (const auto& [partition, assignment] : topic.partitions) {
      combined[partition] = assignment.replicas;
    }
    for (const auto& [partition, replicas] : added) combined[partition] = replicas;
    result_.zk_writes.push_back(
        set_topic_assignment_write(name, combined, topic.topic_id, version()));
  }

  void add_partitions_in_zookeeper(const std::string& name) {
    if (version() >= KafkaVersion{2, 4, 0} ? is_internal_topic(name, version())
                                           : name == group_metadata_topic_name) {
      illegal_argument(version() >= KafkaVersion{2, 4, 0}
                           ? fmt::format("The number of partitions for the internal topic {} "
                                         "cannot be changed.",
                                         name)
                           : std::string("The number of partitions for the offsets topic cannot "
                                         "be changed."));
    }
    print(partitions_warning);
    add_partitions(name, *options_.partitions,
                   broker_metadatas(live_brokers(), RackAwareMode::enforced));
    print("Adding partitions succeeded!");
  }

  // ZkAdminManager.createPartitions on the broker.
  void add_partitions_through_broker(const std::string& name) {
    const auto existing = static_cast<std::int32_t>(cluster_.topics.at(name).partitions.size());
    const std::int32_t requested = *options_.partitions;
    if (requested < existing) {
      throw AdminError(java_exception::invalid_partitions, protocol::Error::INVALID_PARTITIONS,
                       fmt::format("Topic currently has {} partitions, which is higher than the "
                                   "requested {}.",
                                   existing, requested));
    }
    if (requested == existing) {
      throw AdminError(java_exception::invalid_partitions, protocol::Error::INVALID_PARTITIONS,
                       fmt::format("Topic already has {} partitions.", existing));
    }
    std::vector<BrokerMetadata> brokers = live_brokers();
    add_partitions(name, requested, brokers);
  }

  void remove() {
    const std::vector<std::string> names = topics();
    ensure_topics_exist(names);
    if (options_.bootstrap_server) {
      if (!env_.delete_topic_enable) {
        throw AdminError(java_exception::topic_deletion_disabled,
                         protocol::Error::TOPIC_DELETION_DISABLED, "Topic deletion is disabled.");
      }
      for (const std::string& name : names) {
        if (!cluster_.topics_marked_for_deletion.contains(name)) {
          result_.zk_writes.push_back(mark_topic_for_deletion_write(name));
        }
      }
      return;
    }
    for (const std::string& name : names) {
      if (is_internal_topic(name, version())) {
        throw AdminError(java_exception::admin_operation, unknown_server_error,
                         fmt::format("Topic {} is a kafka internal topic and is not allowed to be "
                                     "marked for deletion.",
                                     name));
      }
      if (cluster_.topics_marked_for_deletion.contains(name)) {
        print(fmt::format("Topic {} is already marked for deletion.", name));
        continue;
      }
      result_.zk_writes.push_back(mark_topic_for_deletion_write(name));
      print(fmt::format("Topic {} is marked for deletion.", name));
      print("Note: This will have no impact if delete.topic.enable is not set to true.");
    }
  }

 public:
  // Runs with MissingArgument turned into joptsimple's output.
  TopicCommandResult run_checked() {
    try {
      return run();
    } catch (const MissingArgument& missing_option) {
      result_.out.clear();
      result_.zk_writes.clear();
      return missing_argument(missing_option.option);
    }
  }

 private:
  const ClusterMetadata& cluster_;
  const TopicCommandOptions& options_;
  const TopicCommandEnvironment& env_;
  TopicCommandResult result_;
  ReplicaAssignment manual_assignment_;
};

}  // namespace

TopicCommandResult run_topic_command(const ClusterMetadata& cluster,
                                     const TopicCommandOptions& options,
                                     const TopicCommandEnvironment& environment) {
  Command command(cluster, options, environment);
  return command.run_checked();
}

ReplicaAssignment parse_replica_assignment(const std::string& text, KafkaVersion version) {
  ReplicaAssignment assignment;
  const std::vector<std::string> partitions = java_split(text, ',');
  for (std::size_t i = 0; i < partitions.size(); ++i) {
    std::vector<std::int32_t> brokers;
    for (const std::string& broker : java_split(partitions[i], ':')) {
      brokers.push_back(parse_java_int(java_trim(broker)));
    }
    std::map<std::int32_t, int> counts;
    for (std::int32_t broker : brokers) ++counts[broker];
    std::vector<std::int32_t> duplicates;
    for (const auto& [broker, count] : counts) {
      if (count > 1) duplicates.push_back(broker);
    }
    if (!duplicates.empty()) {
      throw AdminError(java_exception::admin_command_failed, unknown_server_error,
                       fmt::format("Partition replica lists may not contain duplicate entries: {}",
                                   fmt::join(duplicates, ",")));
    }
    const auto partition = static_cast<std::int32_t>(i);
    assignment[partition] = brokers;
    if (brokers.size() != assignment.at(0).size()) {
      throw AdminError(java_exception::admin_operation, unknown_server_error,
                       fmt::format("Partition {} has different replication factor: {}", i,
                                   java_int_array_identity(brokers)));
    }
  }
  (void)version;
  return assignment;
}

std::string log4j_timestamp(std::int64_t unix_ms) {
  std::int64_t days = unix_ms / 86400000;
  std::int64_t ms_of_day = unix_ms % 86400000;
  if (ms_of_day < 0) {
    ms_of_day += 86400000;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}", year, month, day,
                     ms_of_day / 3600000, ms_of_day / 60000 % 60, ms_of_day / 1000 % 60,
                     ms_of_day % 1000);
}

}  // namespace ksim::controller
