// kafka-consumer-groups.sh, kafka-producer-perf-test.sh, kafka-reassign-partitions.sh,
// kafka-leader-election.sh, zookeeper-shell.sh and echo 'TEXT' > FILE.
#include <algorithm>
#include <cctype>
#include <limits>

#include "scenarios/did_you_mean.h"
#include "scenarios/script_tool_options.h"

namespace ksim::scenarios::parsing {

namespace {

constexpr std::int64_t kAdminInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kAdminInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kAdminInt64Max = std::numeric_limits<std::int64_t>::max();

std::string admin_lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

// ---- kafka-consumer-groups.sh -------------------------------------------------------------------

ConsumerGroupsTool parse_consumer_groups_tool(WordCursor& cursor, const ScriptWord& tool) {
  const ToolOptions options(
      cursor, tool,
      {tool_flag("--list"), tool_flag("--describe"), tool_value("--group", "a consumer group id"),
       kBootstrapServerOption, kZookeeperOption, kBrokerListOption});
  const ToolOption* list = options.find("--list");
  const ToolOption* describe = options.find("--describe");
  if (list == nullptr && describe == nullptr) {
    options.fail_missing("exactly one action: --list or --describe --group G");
  }
  if (list != nullptr && describe != nullptr) {
    options.fail_at(describe->word,
                    "kafka-consumer-groups.sh takes exactly one action: --list "
                    "or --describe --group G (got --list and --describe)");
  }
  ConsumerGroupsTool groups;
  const ToolOption* group = options.find("--group");
  if (list != nullptr) {
    if (group != nullptr) {
      options.fail_at(group->word, "kafka-consumer-groups.sh --list takes no --group");
    }
    groups.arguments = {"--list"};
  } else {
    if (group == nullptr) options.fail_at(describe->word, "--describe needs --group G");
    groups.arguments = {"--describe", "--group", group->values.front().text};
  }
  return groups;
}

// ---- kafka-producer-perf-test.sh ----------------------------------------------------------------

ProducerPerfTestTool parse_producer_perf_test_tool(WordCursor& cursor, const ScriptWord& tool,
                                                   std::optional<ScriptWord>& client_id) {
  const ToolOptions options(
      cursor, tool,
      {tool_value("--topic", "a topic name"), tool_value("--num-records", "a number of records"),
       tool_value("--throughput", "records per second, or -1 for no limit"),
       tool_value("--record-size", "a record size in bytes"),
       tool_values("--producer-props", "NAME=VALUE ..."), kBootstrapServerOption, kBrokerListOption,
       kZookeeperOption});
  ProducerPerfTestTool perf;
  const ToolOption* topic = options.find("--topic");
  if (topic == nullptr) options.fail_missing("--topic");
  perf.topic = topic->values.front().text;
  const ToolOption* records = options.find("--num-records");
  if (records == nullptr) options.fail_missing("--num-records");
  perf.num_records = options.integer_value(*records, 0, kAdminInt64Max);
  if (const ToolOption* throughput = options.find("--throughput")) {
    const std::int64_t rate = options.integer_value(*throughput, kAdminInt64Min, kAdminInt64Max);
    if (rate == 0) {
      options.fail_at(throughput->values.front(),
                      "a throughput of 0 would never send (use -1 for as fast as possible)");
    }
    perf.throughput = rate < 0 ? -1 : rate;
  }
  if (const ToolOption* size = options.find("--record-size")) {
    perf.record_size = static_cast<std::int32_t>(options.integer_value(*size, 1, kAdminInt32Max));
  }
  for (const ToolOption* props : options.all("--producer-props")) {
    for (const ScriptWord& value : props->values) {
      perf.producer_properties.push_back(options.key_value(*props, value));
      if (perf.producer_properties.back().first == "client.id") {
        client_id = ToolOptions::value_part(value);
      }
    }
  }
  return perf;
}

// ---- kafka-reassign-partitions.sh ---------------------------------------------------------------

ReassignPartitionsTool parse_reassign_partitions_tool(WordCursor& cursor, const ScriptWord& tool,
                                                      const ScriptFacts& facts) {
  const ToolOptions options(
      cursor, tool,
      {tool_flag("--execute"), tool_flag("--verify"),
       tool_value("--reassignment-json-file", "a JSON file written earlier with echo"),
       kBootstrapServerOption, kZookeeperOption, kBrokerListOption});
  const ToolOption* execute = options.find("--execute");
  const ToolOption* verify = options.find("--verify");
  if (execute == nullptr && verify == nullptr) options.fail_missing("--execute or --verify");
  if (execute != nullptr && verify != nullptr) {
    options.fail_at(verify->word,
                    "kafka-reassign-partitions.sh takes --execute or --verify, "
                    "not both");
  }
  const ToolOption* file = options.find("--reassignment-json-file");
  if (file == nullptr) options.fail_missing("--reassignment-json-file F");
  const ScriptWord& path = file->values.front();
  if (facts.files_written.count(path.text) == 0) {
    std::vector<std::string> written;
    for (const auto& [name, line] : facts.files_written) written.push_back(name);
    options.fail_at(path, "no file " + quoted_for_message(path.text) +
                              " was written with echo before this line" +
                              did_you_mean(path.text, written));
  }
  ReassignPartitionsTool reassign;
  reassign.action = execute != nullptr ? ReassignPartitionsTool::Action::execute
                                       : ReassignPartitionsTool::Action::verify;
  reassign.json_file = path.text;
  return reassign;
}

// ---- kafka-leader-election.sh -------------------------------------------------------------------

LeaderElectionTool parse_leader_election_tool(WordCursor& cursor, const ScriptWord& tool) {
  const ToolOptions options(
      cursor, tool,
      {tool_value("--election-type", "preferred or unclean"), tool_value("--topic", "a topic name"),
       tool_value("--partition", "a partition number"), tool_flag("--all-topic-partitions"),
       kBootstrapServerOption, kZookeeperOption, kBrokerListOption});
  LeaderElectionTool election;
  const ToolOption* type = options.find("--election-type");
  if (type == nullptr) options.fail_missing("--election-type preferred or unclean");
  const ScriptWord& type_word = type->values.front();
  const std::string lower = admin_lowercase(type_word.text);
  if (lower == "preferred") {
    election.type = LeaderElectionTool::Type::preferred;
  } else if (lower == "unclean") {
    // KIP-460's ElectLeaders request: the simulated controller answers only preferred elections.
    options.fail_at(type_word,
                    "ksim does not model --election-type unclean; set "
                    "unclean.leader.election.enable=true instead (broker-config, or the topic's "
                    "--config), and the controller elects an out-of-sync replica by itself");
  } else {
    options.fail_at(type_word, "expected preferred or unclean for '--election-type', got " +
                                   quoted_for_message(type_word.text));
  }
  const ToolOption* topic = options.find("--topic");
  const ToolOption* partition = options.find("--partition");
  const ToolOption* all = options.find("--all-topic-partitions");
  if (topic == nullptr && all == nullptr) {
    options.fail_missing("--topic T --partition N or --all-topic-partitions");
  }
  if (topic != nullptr && all != nullptr) {
    options.fail_at(all->word,
                    "kafka-leader-election.sh takes --topic or "
                    "--all-topic-partitions, not both");
  }
  if (partition != nullptr && topic == nullptr) {
    options.fail_at(partition->word, "--partition needs --topic");
  }
  if (topic != nullptr) {
    if (partition == nullptr) options.fail_at(topic->word, "--topic needs --partition N");
    election.partition = storage::TopicPartition{
        topic->values.front().text,
        static_cast<std::int32_t>(options.integer_value(*partition, 0, kAdminInt32Max))};
  }
  election.all_topic_partitions = all != nullptr;
  return election;
}

// ---- kafka-preferred-replica-election.sh ------------------------------------------------------

LeaderElectionTool parse_preferred_replica_election_tool(WordCursor& cursor,
                                                         const ScriptWord& tool,
                                                         const ScriptFacts& facts) {
  const ToolOptions options(
      cursor, tool,
      {tool_value("--path-to-json-file", "a JSON file written earlier with echo"),
       kZookeeperOption});
  if (!options.has("--zookeeper")) options.fail_missing("--zookeeper localhost:2181");
  LeaderElectionTool election;
  election.preferred_replica_election_command = true;
  if (const ToolOption* file = options.find("--path-to-json-file")) {
    const ScriptWord& path = file->values.front();
    if (facts.files_written.count(path.text) == 0) {
      std::vector<std::string> written;
      for (const auto& [name, line] : facts.files_written) written.push_back(name);
      options.fail_at(path, "no file " + quoted_for_message(path.text) +
                                " was written with echo before this line" +
                                did_you_mean(path.text, written));
    }
    election.json_file = path.text;
  } else {
    election.all_topic_partitions = true;
  }
  return election;
}

// ---- zookeeper-shell.sh -------------------------------------------------------------------------

ZookeeperShellTool parse_zookeeper_shell_tool(WordCursor& cursor, const ScriptWord& /*tool*/) {
  constexpr std::string_view kUsage = "zookeeper-shell.sh localhost:2181 ls /brokers/ids";
  const ScriptWord& server = cursor.take("the ZooKeeper address (" + std::string(kUsage) + ")");
  if (server.is_operator || server.text.empty() || server.text.front() == '-' ||
      server.text == "ls" || server.text == "get" || server.text == "stat") {
    cursor.fail_at(server, "expected the ZooKeeper address first, got " +
                               quoted_for_message(server.text) + " (" + std::string(kUsage) + ")");
  }
  const ScriptWord& command =
      cursor.take("a command: ls, get or stat (" + std::string(kUsage) + ")");
  const std::vector<std::string> commands = {"ls", "get", "stat"};
  if (command.quoted ||
      std::find(commands.begin(), commands.end(), command.text) == commands.end()) {
    cursor.fail_at(command, "zookeeper-shell.sh: ksim models ls, get and stat, not " +
                                quoted_for_message(command.text) +
                                did_you_mean(command.text, commands));
  }
  ZookeeperShellTool shell;
  shell.command = command.text;
  while (!cursor.at_end()) {
    const ScriptWord& word = cursor.take("a path");
    if (word.is_operator) {
      cursor.fail_at(word, "unexpected " + quoted_for_message(word.text) +
                               " after the zookeeper-shell.sh command");
    }
    const bool flag = !word.text.empty() && word.text.front() == '-';
    const bool known_flag = word.text == "-w" || (word.text == "-s" && command.text != "stat") ||
                            (word.text == "-R" && command.text == "ls");
    if (flag && !known_flag) {
      const std::string flags = command.text == "ls"    ? "-s, -R and -w"
                                : command.text == "get" ? "-s and -w"
                                                        : "-w";
      cursor.fail_at(word, "zookeeper-shell.sh: unknown flag " + quoted_for_message(word.text) +
                               " for " + command.text + " (" + command.text + " takes " + flags +
                               ")");
    }
    shell.command += ' ' + word.text;
  }
  return shell;
}

// ---- echo 'TEXT' > FILE -------------------------------------------------------------------------

EchoToFile parse_echo_command(WordCursor& cursor) {
  constexpr std::string_view kUsage = "echo 'TEXT' > FILE";
  const ScriptWord echo = cursor.take("echo");
  EchoToFile written;
  bool has_text = false;
  while (!cursor.at_end() && !cursor.peek().is_operator) {
    const ScriptWord& word = cursor.take("the text");
    if (word.is(">>")) {
      cursor.fail_at(word, "'>>' (appending) is not modelled: " + std::string(kUsage));
    }
    if (has_text) written.text += ' ';
    written.text += word.text;
    has_text = true;
  }
  if (!has_text)
    cursor.fail_after(echo, "expected the text to write (" + std::string(kUsage) + ")");
  const ScriptWord& redirect = cursor.take("'> FILE' (" + std::string(kUsage) + ")");
  if (!redirect.is(">")) {
    cursor.fail_at(redirect, "expected '> FILE', got " + quoted_for_message(redirect.text) + " (" +
                                 std::string(kUsage) + ")");
  }
  const ScriptWord& file = cursor.take("a file name (" + std::string(kUsage) + ")");
  if (file.is_operator) {
    cursor.fail_at(file, "expected a file name, got " + quoted_for_message(file.text));
  }
  written.file = file.text;
  cursor.expect_end("after the file name (" + std::string(kUsage) + ")");
  return written;
}

}  // namespace ksim::scenarios::parsing
