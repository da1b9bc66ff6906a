// Kafka's tools in a scenario: kafka-topics.sh, the console producer and consumer,
// kafka-consumer-groups.sh, kafka-reassign-partitions.sh, kafka-leader-election.sh,
// zookeeper-shell.sh and echo. Each prints what the real tool prints and takes the simulated
// time the real tool takes.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/controller/zk_cli.h"
#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_paths.h"
#include "scenarios/runner_internal.h"
#include "sim/clients/consumer_process.h"
#include "sim/clients/producer_process.h"

namespace ksim::scenarios {

using sim::SimDuration;
using sim::SimTime;

namespace {

std::string log4j_now(sim::cluster::KafkaCluster& cluster) {
  return controller::log4j_timestamp(cluster.now().to_ms() +
                                     cluster.options().zookeeper.unix_epoch_offset_ms);
}

std::string value_or_null(const std::optional<std::string>& text) {
  return text ? *text : std::string("null");
}

}  // namespace

std::string format_consumed_record(const ConsoleConsumerTool& tool,
                                   const sim::clients::ConsumedRecord& record) {
  std::string line;
  if (tool.print_partition) {
    line += fmt::format("Partition:{}{}", record.topic_partition.partition, tool.key_separator);
  }
  if (tool.print_offset) line += fmt::format("Offset:{}{}", record.offset, tool.key_separator);
  if (tool.print_key) line += value_or_null(record.key) + tool.key_separator;
  line += value_or_null(record.value);
  return line;
}

namespace {

// A Scala Set as Kafka's tools print one: "Set(t-0, u-1)"; before 1.0 a TopicAndPartition
// printed itself as "[t,0]".
std::string scala_set(const std::vector<storage::TopicPartition>& partitions, bool old_names) {
  std::vector<std::string> names;
  for (const storage::TopicPartition& tp : partitions) {
    names.push_back(old_names ? fmt::format("[{},{}]", tp.topic, tp.partition) : tp.to_string());
  }
  return fmt::format("Set({})", fmt::join(names, ", "));
}

std::string comma_list(const std::vector<storage::TopicPartition>& partitions) {
  std::vector<std::string> names;
  for (const storage::TopicPartition& tp : partitions) names.push_back(tp.to_string());
  return fmt::format("{}", fmt::join(names, ","));
}

struct ToolRun {
  std::string output;
  std::string error;  // empty when it succeeded
};

// kafka-preferred-replica-election.sh --zookeeper (PreferredReplicaLeaderElectionCommand before
// 2.4, removed in 3.0 by KAFKA-8405): writes /admin/preferred_replica_election with the partitions
// of --path-to-json-file (else every partition) that exist, prints what it wrote and exits; the
// controller elects when its watch fires. Before 1.0 it printed the znode's JSON and Scala's
// TopicAndPartition ("[t,0]"), from 2.0 the partitions as "t-0". Every partition comes in
// topic, partition order (Kafka's came in a Scala HashSet's order).
ToolRun run_preferred_replica_election_command(sim::cluster::KafkaCluster& cluster,
                                               const LeaderElectionTool& tool,
                                               const std::map<std::string, std::string>& files) {
  const controller::KafkaVersion version = cluster.options().broker.controller.kafka_version;
  if (version >= controller::KafkaVersion{3, 0, 0}) {
    return {"bash: kafka-preferred-replica-election.sh: command not found\n",
            "kafka-preferred-replica-election.sh was removed in Kafka 3.0: "
            "use kafka-leader-election.sh --election-type preferred"};
  }
  const bool before_1_0 = version < controller::KafkaVersion{1, 0, 0};
  const controller::ClusterMetadata metadata = cluster.metadata();
  std::vector<storage::TopicPartition> asked;
  if (tool.json_file) {
    try {
      asked = controller::decode_preferred_replica_election(files.at(*tool.json_file));
    } catch (const std::exception& e) {
      return {fmt::format("Failed to start preferred replica election\n"
                          "kafka.admin.AdminOperationException: {}\n",
                          e.what()),
              e.what()};
    }
  } else {
    for (const auto& [name, topic] : metadata.topics) {
      for (const auto& [index, assignment] : topic.partitions) asked.push_back({name, index});
    }
  }
  std::vector<storage::TopicPartition> valid;
  std::vector<storage::TopicPartition> missing;
  for (const storage::TopicPartition& tp : asked) {
    (metadata.replicas(tp) != nullptr ? valid : missing).push_back(tp);
  }
  if (!cluster.elect_preferred_leaders(valid)) {
    std::vector<storage::TopicPartition> in_progress;
    const auto* node = cluster.zookeeper().server().data_tree().node(
        controller::ZkPaths::preferred_replica_election);
    if (node != nullptr && node->data) {
      in_progress = controller::decode_preferred_replica_election(*node->data);
    }
    const std::string problem = fmt::format(
        "Preferred replica leader election currently in progress for {}. Aborting operation",
        before_1_0 ? scala_set(in_progress, true) : comma_list(in_progress));
    return {fmt::format("Failed to start preferred replica election\n"
                        "kafka.common.AdminCommandFailedException: Admin command failed\n"
                        "Caused by: kafka.admin.AdminOperationException: {}\n",
                        problem),
            problem};
  }
  std::string out = fmt::format(
      "Created preferred replica election path with {}\n",
      before_1_0 ? controller::encode_preferred_replica_election(valid)
                 : comma_list(valid));
  out += fmt::format("Successfully started preferred replica election for partitions {}\n",
                     scala_set(valid, before_1_0));
  for (const storage::TopicPartition& tp : missing) {
    out += fmt::format(
        "Skipping preferred replica leader election for partition {} since it doesn't exist.\n",
        before_1_0 ? fmt::format("[{},{}]", tp.topic, tp.partition) : tp.to_string());
  }
  return {out, ""};
}

}  // namespace

std::string kafka_exception_class(const std::string& error_name) {
  // The errors whose exception is not simply the name in CamelCase + "Exception" (Errors.java).
  static constexpr std::pair<std::string_view, std::string_view> irregular[] = {
      {"REQUEST_TIMED_OUT", "TimeoutException"},
      {"TIMED_OUT", "TimeoutException"},
      {"NETWORK_EXCEPTION", "NetworkException"},
      {"UNKNOWN_SERVER_ERROR", "UnknownServerException"},
      {"KAFKA_STORAGE_ERROR", "KafkaStorageException"},
      {"CORRUPT_MESSAGE", "CorruptRecordException"},
      {"MESSAGE_TOO_LARGE", "RecordTooLargeException"},
      {"RECORD_LIST_TOO_LARGE", "RecordBatchTooLargeException"},
      {"INVALID_TOPIC_EXCEPTION", "InvalidTopicException"},
      {"OUT_OF_ORDER_SEQUENCE_NUMBER", "OutOfOrderSequenceException"},
      {"DUPLICATE_SEQUENCE_NUMBER", "DuplicateSequenceException"},
      {"TOPIC_ALREADY_EXISTS", "TopicExistsException"},
      {"STALE_CONTROLLER_EPOCH", "ControllerMovedException"},
  };
  for (const auto& [name, exception] : irregular) {
    if (error_name == name) return fmt::format("org.apache.kafka.common.errors.{}", exception);
  }
  std::string camel;
  bool upper = true;
  for (const char c : error_name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                   : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = false;
  }
  return "org.apache.kafka.common.errors." + camel + "Exception";
}

void ScenarioRunner::run_tool(const Step& step, const ToolCommand& command) {
  const SimTime now = cluster_->now();
  transcript_.add(now, TranscriptKind::command, command.command_line, current_line_);
  last_ = LastCommand{};
  const auto continue_now = [this] { schedule_step(cluster_->now()); };
  std::visit(overloaded{
                 [&](const TopicsTool& tool) {
                   run_topics(tool);
                   continue_now();
                 },
                 [&](const ConsoleProducerTool& tool) { run_console_producer(command, tool); },
                 [&](const ConsoleConsumerTool& tool) { run_console_consumer(command, tool); },
                 [&](const ConsumerGroupsTool& tool) {
                   run_consumer_groups(tool);
                   continue_now();
                 },
                 [&](const ProducerPerfTestTool& tool) { run_producer_perf_test(command, tool); },
                 [&](const ReassignPartitionsTool& tool) {
                   run_reassign(tool);
                   continue_now();
                 },
                 [&](const LeaderElectionTool& tool) { run_leader_election(tool); },
                 [&](const ZookeeperShellTool& tool) {
                   run_zookeeper_shell(tool);
                   continue_now();
                 },
                 [&](const EchoToFile& echo) {
                   files_[echo.file] = echo.text + "\n";
                   continue_now();
                 },
             },
             command.tool);
  (void)step;
}

void ScenarioRunner::run_topics(const TopicsTool& tool) {
  const controller::TopicCommandResult result = cluster_->topics(tool.options);
  last_.output = result.out + result.err;
  last_.failed = result.exit_code != 0;
  last_.error = result.exit_code != 0 ? result.out + result.err : "";
  output(result.out);
  output(result.err);
}

void ScenarioRunner::run_consumer_groups(const ConsumerGroupsTool& tool) {
  try {
    const coordinator::ConsoleOutput result = cluster_->consumer_groups(tool.arguments);
    last_.output = result.out + result.err;
    output(result.out);
    output(result.err);
    if (result.out.starts_with("Error:")) {
      last_.failed = true;
      last_.error = result.out;
    }
  } catch (const std::exception& e) {
    last_.failed = true;
    last_.error = e.what();
    last_.output = std::string(e.what()) + "\n";
    output(last_.output);
  }
}

void ScenarioRunner::run_zookeeper_shell(const ZookeeperShellTool& tool) {
  const std::string result = controller::zk::zkcli_run(
      cluster_->zookeeper().server().data_tree(), tool.command);
  last_.output = result;
  output(result);
}

// ---- the console producer ---------------------------------------------------------------------

void ScenarioRunner::run_console_producer(const ToolCommand& command,
                                          const ConsoleProducerTool& tool) {
  const std::string name = command.job_name.empty()
                               ? fmt::format("console-producer-{}", ++console_producers_)
                               : command.job_name;
  // ConsoleProducer's own defaults: linger.ms from --timeout (1000 ms), retries from
  // --message-send-max-retries (3) and request.timeout.ms from --request-timeout-ms (1500).
  std::vector<std::pair<std::string, std::string>> config = {
      {"linger.ms", "1000"}, {"retries", "3"}, {"request.timeout.ms", "1500"}};
  for (const auto& property : tool.producer_properties) config.push_back(property);
  sim::clients::ProducerProcess& producer = cluster_->add_producer(name, config);
  add_job(name, static_cast<int>(Job::Kind::console_producer), command);
  for (const ConsoleProducerTool::Line& line : tool.input) {
    transcript_.add(cluster_->now(), TranscriptKind::output, "> " + line.text + "\n",
                    line.location.line);
    std::optional<std::string> key;
    std::string value = line.text;
    if (tool.parse_key) {
      const std::size_t at = line.text.find(tool.key_separator);
      if (at != std::string::npos) {
        key = line.text.substr(0, at);
        value = line.text.substr(at + tool.key_separator.size());
      }
    }
    producer.send(tool.topic, key, value);
  }
  if (command.background) {
    schedule_step(cluster_->now());
    return;
  }
  // The tool ends (Ctrl-D) once every record has its outcome; the producer closes.
  block([this, name] { return cluster_->producer_history(name).in_flight() == 0; },
        [this, name] {
          const sim::clients::ProducerHistory& history = cluster_->producer_history(name);
          std::string errors;
          std::int64_t acknowledged = 0;
          std::vector<std::string> where;
          for (const sim::clients::ProducedRecord& record : history.records) {
            if (record.acknowledged()) {
              ++acknowledged;
              where.push_back(fmt::format("{}@{}", record.outcome->topic_partition->to_string(),
                                          record.outcome->offset));
              continue;
            }
            if (!record.outcome || record.outcome->kind == client::SendOutcomeKind::sent_unknown) {
              continue;
            }
            const client::SendOutcome& outcome = *record.outcome;
            errors += fmt::format(
                "[{}] ERROR Error when sending message to topic {} with key: {}, value: {} bytes "
                "with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\n"
                "{}: {}\n",
                log4j_now(*cluster_), record.topic,
                record.key ? fmt::format("{} bytes", record.key->size()) : "null",
                record.value ? record.value->size() : 0, kafka_exception_class(outcome.error),
                outcome.message);
            last_.failed = true;
            last_.error += outcome.error + ": " + outcome.message + "\n";
          }
          last_.output = errors;
          output(errors);
          if (!history.records.empty()) {
            note(fmt::format("{} of {} record(s) acknowledged{}{}", acknowledged,
                             history.records.size(), where.empty() ? "" : ": ",
                             fmt::join(where, ", ")));
          }
          stop_job(name, false);
          run_next_step();
        });
}

// ---- the console consumer ---------------------------------------------------------------------

void ScenarioRunner::run_console_consumer(const ToolCommand& command,
                                          const ConsoleConsumerTool& tool) {
  const std::string name = command.job_name.empty()
                               ? fmt::format("console-consumer-{}", ++console_consumers_)
                               : command.job_name;
  std::vector<std::pair<std::string, std::string>> config;
  config.emplace_back("auto.offset.reset", tool.from_beginning ? "earliest" : "latest");
  if (tool.group) {
    config.emplace_back("group.id", *tool.group);
  } else if (!tool.partition) {
    // ConsoleConsumer without --group: a group of its own that commits nothing.
    config.emplace_back("group.id", fmt::format("console-consumer-{}",
                                                cluster_->sim().prng("scenario.console-consumer")
                                                    .below(100000)));
    config.emplace_back("enable.auto.commit", "false");
  }
  for (const auto& property : tool.consumer_properties) config.push_back(property);
  sim::clients::ConsumerProcess& consumer = cluster_->add_consumer(name, config);
  if (tool.partition) {
    const storage::TopicPartition tp{tool.topic, *tool.partition};
    consumer.assign({tp});
    if (tool.offset == "earliest" || (!tool.offset && tool.from_beginning)) {
      consumer.seek_to_beginning({tp});
    } else if (tool.offset && *tool.offset != "latest") {
      consumer.seek(tp, std::stoll(*tool.offset));
    }
  } else {
    consumer.subscribe({tool.topic});
  }
  add_job(name, static_cast<int>(Job::Kind::console_consumer), command).consumer = tool;
  last_.consumer_job = name;
  if (command.background) {
    schedule_step(cluster_->now());
    return;
  }

  // In the foreground: until --max-messages records, or --timeout-ms without one.
  const std::optional<std::int64_t> max_messages = tool.max_messages;
  const std::optional<std::int64_t> timeout_ms = tool.timeout_ms;
  auto last_progress = std::make_shared<std::pair<std::size_t, SimTime>>(0, cluster_->now());
  auto timed_out = std::make_shared<bool>(false);
  // Set when this consumer's step ends: its pending --timeout-ms check must not then unblock
  // whatever later step is blocked.
  auto finished = std::make_shared<bool>(false);
  const auto finish_consumer = [this, name, max_messages, timed_out, finished] {
    *finished = true;
    Job& consumer_job = *jobs_.at(name);
    const sim::clients::ConsumerHistory& history = cluster_->consumer_history(name);
    std::size_t count = history.records.size();
    if (max_messages) count = std::min(count, static_cast<std::size_t>(*max_messages));
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += format_consumed_record(consumer_job.consumer, history.records[i]) + "\n";
    }
    consumer_job.records_shown = history.records.size();
    std::string err;
    if (*timed_out) {
      err += fmt::format(
          "[{}] ERROR Error processing message, terminating consumer process:  "
          "(kafka.tools.ConsoleConsumer$)\norg.apache.kafka.common.errors.TimeoutException\n",
          log4j_now(*cluster_));
    }
    err += fmt::format("Processed a total of {} messages\n", count);
    last_.output = out + err;
    output(out);
    output(err);
    stop_job(name, false);
    run_next_step();
  };
  if (timeout_ms) {
    // ConsoleConsumer gives up when a poll returns nothing for --timeout-ms: a check at the end
    // of each quiet period, which starts at the last record read.
    // The check reschedules itself: the pending event owns it, the check only a weak reference
    // to itself (a strong one would be a cycle that outlives the run).
    auto check = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> self = check;
    *check = [this, name, timeout_ms, last_progress, timed_out, finished, self] {
      if (!blocked_ || *finished) return;
      const sim::clients::ConsumerHistory& history = cluster_->consumer_history(name);
      const std::size_t read = history.records.size();
      if (read != last_progress->first) {
        *last_progress = {read, history.records.back().consumed_at};
        const SimTime quiet_until = last_progress->second + SimDuration::from_ms(*timeout_ms);
        cluster_->sim().schedule_at(std::max(quiet_until, cluster_->now()), step_kind_,
                                    [check = self.lock()] { (*check)(); });
        return;
      }
      *timed_out = true;
      unblock_now();
    };
    cluster_->sim().schedule_after(SimDuration::from_ms(*timeout_ms), step_kind_,
                                   [check] { (*check)(); });
  }
  block(
      [this, name, max_messages, timed_out] {
        if (*timed_out) return true;
        return max_messages &&
               cluster_->consumer_history(name).records.size() >=
                   static_cast<std::size_t>(*max_messages);
      },
      finish_consumer);
}

// ---- reassignment and leader election ---------------------------------------------------------

void ScenarioRunner::run_reassign(const ReassignPartitionsTool& tool) {
  const auto file = files_.find(tool.json_file);
  if (file == files_.end()) {
    last_.failed = true;
    last_.error = fmt::format("{} (No such file or directory)", tool.json_file);
    last_.output = fmt::format("Error: {}\n", last_.error);
    output(last_.output);
    return;
  }
  std::vector<controller::PartitionReassignment> moves;
  try {
    moves = controller::decode_reassign_partitions(file->second);
  } catch (const std::exception& e) {
    last_.failed = true;
    last_.error = e.what();
    last_.output = fmt::format("Partitions reassignment failed due to {}\n", e.what());
    output(last_.output);
    return;
  }
  // Since 2.5 (KIP-455) the tool talks to the controller through the Admin API and prints
  // differently; before, it wrote /admin/reassign_partitions itself.
  const bool admin_api =
      cluster_->options().broker.controller.kafka_version >= controller::KafkaVersion{2, 5, 0};
  const controller::ClusterMetadata metadata = cluster_->metadata();
  // What the controller is still moving: the request znode keeps the unfinished ones.
  std::vector<controller::PartitionReassignment> ongoing;
  if (const controller::zk::DataNode* node = cluster_->zookeeper().server().data_tree().node(
          controller::ZkPaths::reassign_partitions)) {
    try {
      ongoing = controller::decode_reassign_partitions(node->data.value_or(""));
    } catch (const std::exception&) {
      ongoing.clear();
    }
  }
  const bool pending = cluster_->zookeeper().server().data_tree().node(
                           controller::ZkPaths::reassign_partitions) != nullptr;
  const auto is_ongoing = [&](const storage::TopicPartition& tp) {
    return std::any_of(ongoing.begin(), ongoing.end(),
                       [&](const controller::PartitionReassignment& r) { return r.first == tp; });
  };
  std::vector<controller::PartitionReassignment> sorted = moves;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first.topic != b.first.topic ? a.first.topic < b.first.topic
                                          : a.first.partition < b.first.partition;
  });
  if (tool.action == ReassignPartitionsTool::Action::verify) {
    std::string out;
    if (!admin_api) {
      out = "Status of partition reassignment: \n";
      for (const auto& [tp, replicas] : moves) {
        const std::vector<std::int32_t>* current = metadata.replicas(tp);
        const bool done = current != nullptr && *current == replicas && !pending;
        out += fmt::format("Reassignment of partition {} {}\n", tp.to_string(),
                           done ? "completed successfully" : "is still in progress");
      }
    } else {
      out = "Status of partition reassignment:\n";
      for (const auto& [tp, replicas] : sorted) {
        const std::vector<std::int32_t>* current = metadata.replicas(tp);
        if (is_ongoing(tp)) {
          out += fmt::format("Reassignment of partition {} is still in progress.\n", tp.to_string());
        } else if (current != nullptr && *current == replicas) {
          out += fmt::format("Reassignment of partition {} is completed.\n", tp.to_string());
        } else {
          out += fmt::format(
              "There is no active reassignment of partition {}, but replica set is {} rather "
              "than {}.\n",
              tp.to_string(), current != nullptr ? fmt::format("{}", fmt::join(*current, ",")) : "",
              fmt::join(replicas, ","));
        }
      }
      out += "\n";  // the replica log-dir moves' status: none asked for
      if (!pending) {
        // Nothing moving anywhere: the throttles go, on every live broker and every target one.
        std::set<std::int32_t> brokers;
        for (const auto& [id, broker] : metadata.brokers) brokers.insert(id);
        std::vector<std::string> topics;
        for (const auto& [tp, replicas] : moves) {
          brokers.insert(replicas.begin(), replicas.end());
          if (std::find(topics.begin(), topics.end(), tp.topic) == topics.end()) {
            topics.push_back(tp.topic);
          }
        }
        out += fmt::format("Clearing broker-level throttles on broker{} {}\n",
                           brokers.size() == 1 ? "" : "s", fmt::join(brokers, ","));
        out += fmt::format("Clearing topic-level throttles on topic{} {}\n",
                           topics.size() == 1 ? "" : "s", fmt::join(topics, ","));
      }
    }
    last_.output = out;
    output(out);
    return;
  }
  if (admin_api && pending) {
    last_.failed = true;
    last_.error =
        "Cannot execute because there is an existing partition assignment.  Use --additional to "
        "override this and create a new partition assignment in addition to the existing one. "
        "The --additional flag can also be used to change the throttle by resubmitting the "
        "current reassignment.";
    last_.output = last_.error + "\n";
    output(last_.output);
    return;
  }
  std::vector<controller::PartitionReassignment> current;
  for (const auto& [tp, replicas] : admin_api ? sorted : moves) {
    if (const std::vector<std::int32_t>* now = metadata.replicas(tp)) current.emplace_back(tp, *now);
  }
  std::string current_json = controller::encode_reassign_partitions(current);
  if (admin_api) {
    // formatAsReassignmentJson: each partition with "log_dirs" ("any" for every replica).
    std::vector<std::string> partitions;
    for (const auto& [tp, replicas] : current) {
      std::vector<std::string> any(replicas.size(), "\"any\"");
      partitions.push_back(fmt::format(
          "{{\"topic\":\"{}\",\"partition\":{},\"replicas\":[{}],\"log_dirs\":[{}]}}", tp.topic,
          tp.partition, fmt::join(replicas, ","), fmt::join(any, ",")));
    }
    current_json =
        fmt::format("{{\"version\":1,\"partitions\":[{}]}}", fmt::join(partitions, ","));
  }
  std::string out = fmt::format(
      "Current partition replica assignment\n\n{}\n\nSave this to use as the "
      "--reassignment-json-file option during rollback\n",
      current_json);
  if (cluster_->reassign_partitions(moves)) {
    if (admin_api) {
      std::vector<std::string> names;
      for (const auto& [tp, replicas] : sorted) names.push_back(tp.to_string());
      out += fmt::format("Successfully started partition reassignment{} for {}\n",
                         names.size() == 1 ? "" : "s", fmt::join(names, ","));
    } else {
      out += "Successfully started reassignment of partitions.\n";
    }
  } else {
    out += "Failed to reassign partitions: there is an existing assignment running.\n";
    last_.failed = true;
    last_.error = "there is an existing assignment running";
  }
  last_.output = out;
  output(out);
}

void ScenarioRunner::run_leader_election(const LeaderElectionTool& tool) {
  if (tool.preferred_replica_election_command) {
    const ToolRun run = run_preferred_replica_election_command(*cluster_, tool, files_);
    last_.output = run.output;
    last_.failed = !run.error.empty();
    last_.error = run.error;
    output(run.output);
    schedule_step(cluster_->now());
    return;
  }
  std::vector<storage::TopicPartition> partitions;
  const controller::ClusterMetadata metadata = cluster_->metadata();
  if (tool.partition) {
    partitions.push_back(*tool.partition);
  } else {
    for (const auto& [name, topic] : metadata.topics) {
      for (const auto& [index, assignment] : topic.partitions) partitions.push_back({name, index});
    }
  }
  // Already led by their preferred replica: nothing to elect.
  std::vector<storage::TopicPartition> to_elect;
  std::vector<std::string> already;
  for (const storage::TopicPartition& tp : partitions) {
    const std::vector<std::int32_t>* replicas = metadata.replicas(tp);
    const controller::PartitionLeadership* state = metadata.partition_state(tp);
    if (replicas == nullptr || state == nullptr) continue;
    if (state->leader_and_isr.leader == replicas->front()) {
      already.push_back(tp.to_string());
    } else {
      to_elect.push_back(tp);
    }
  }
  if (!to_elect.empty() && !cluster_->elect_preferred_leaders(to_elect)) {
    last_.failed = true;
    last_.error = "a preferred replica election is already in progress";
  }
  // The tool waits for the controller's answer.
  const auto report = [this, to_elect, already] {
    const controller::ClusterMetadata after = cluster_->metadata();
    std::vector<std::string> elected;
    std::string errors;
    for (const storage::TopicPartition& tp : to_elect) {
      const controller::PartitionLeadership* state = after.partition_state(tp);
      const std::vector<std::int32_t>* replicas = after.replicas(tp);
      if (state != nullptr && replicas != nullptr &&
          state->leader_and_isr.leader == replicas->front()) {
        elected.push_back(tp.to_string());
      } else {
        errors += fmt::format(
            "Error completing leader election (PREFERRED) for partition: {}: "
            "org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to "
            "elect leader for partition {} under strategy PreferredReplicaPartitionLeaderElectionStrategy\n",
            tp.to_string(), tp.to_string());
      }
    }
    std::string out;
    if (!elected.empty()) {
      out += fmt::format("Successfully completed leader election (PREFERRED) for partitions {}\n",
                         fmt::join(elected, ", "));
    }
    if (!already.empty()) {
      out += fmt::format("Valid replica already elected for partitions {}\n",
                         fmt::join(already, ", "));
    }
    if (!errors.empty()) {
      last_.failed = true;
      last_.error += errors;
    }
    last_.output = out + errors;
    output(out);
    output(errors);
    run_next_step();
  };
  if (to_elect.empty() || last_.failed) {
    report();
    return;
  }
  block([this]() -> bool {
          return cluster_->zookeeper().server().data_tree().node(
                     controller::ZkPaths::preferred_replica_election) == nullptr;
        },
        report, cluster_->now() + SimDuration::from_s(30), report);
}

}  // namespace ksim::scenarios
