// kafka-topics.sh and the console producer and consumer; the dispatch to every tool.
#include <limits>

#include "scenarios/did_you_mean.h"
#include "core/storage/log_config.h"
#include "scenarios/script_tool_options.h"

namespace ksim::scenarios::parsing {

namespace {

constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

const std::vector<std::string>& kafka_tool_names() {
  static const std::vector<std::string> names = {
      "kafka-topics.sh",          "kafka-console-producer.sh",   "kafka-console-consumer.sh",
      "kafka-consumer-groups.sh", "kafka-producer-perf-test.sh", "kafka-reassign-partitions.sh",
      "kafka-leader-election.sh", "zookeeper-shell.sh",
      "kafka-preferred-replica-election.sh"};
  return names;
}

std::optional<controller::TopicCommandAction> topics_action_of(std::string_view option) {
  using controller::TopicCommandAction;
  if (option == "--create") return TopicCommandAction::create;
  if (option == "--list") return TopicCommandAction::list;
  if (option == "--describe") return TopicCommandAction::describe;
  if (option == "--alter") return TopicCommandAction::alter;
  if (option == "--delete") return TopicCommandAction::delete_topic;
  return std::nullopt;
}

// The last "client.id" among properties given as values of `option_name`, with its word.
void console_client_id_of(const ToolOptions& options, std::string_view option_name,
                          std::optional<ScriptWord>& client_id) {
  for (const ToolOption* option : options.all(option_name)) {
    for (const ScriptWord& value : option->values) {
      if (options.key_value(*option, value).first == "client.id") {
        client_id = ToolOptions::value_part(value);
      }
    }
  }
}

}  // namespace

std::string_view tool_name_of(std::string_view word) {
  const std::size_t slash = word.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? word : word.substr(slash + 1);
  for (const std::string& name : kafka_tool_names()) {
    if (base == name) return name;
  }
  return {};
}

const std::vector<std::string>& script_command_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = {"description", "seed",  "brokers",  "protocol", "broker-config",
                                    "wait",        "at",    "say",      "expect",   "kill",
                                    "power-off",   "start", "shutdown", "pause",    "resume",
                                    "isolate",     "split", "slow",     "heal",     "fill",
                                    "stop",        "echo"};
    for (const std::string& tool : kafka_tool_names()) all.push_back(tool);
    return all;
  }();
  return names;
}

ParsedToolCommand parse_tool_command(WordCursor& cursor, const ScriptFacts& facts,
                                     bool background) {
  const ScriptWord tool = cursor.take("a tool");
  const std::string_view name = tool_name_of(tool.text);
  ParsedToolCommand parsed;
  parsed.command.background = background;
  const bool can_run_in_background = name == "kafka-console-producer.sh" ||
                                     name == "kafka-console-consumer.sh" ||
                                     name == "kafka-producer-perf-test.sh";
  if (background && !can_run_in_background) {
    cursor.fail_at(tool, std::string(name) +
                             " cannot run in the background: only kafka-console-producer.sh, "
                             "kafka-console-consumer.sh and kafka-producer-perf-test.sh can ('&')");
  }
  if (name == "kafka-topics.sh") {
    parsed.command.tool = parse_topics_tool(cursor, tool);
  } else if (name == "kafka-console-producer.sh") {
    parsed.command.tool = parse_console_producer_tool(cursor, tool, parsed.client_id_word);
  } else if (name == "kafka-console-consumer.sh") {
    parsed.command.tool =
        parse_console_consumer_tool(cursor, tool, background, parsed.client_id_word);
  } else if (name == "kafka-consumer-groups.sh") {
    parsed.command.tool = parse_consumer_groups_tool(cursor, tool);
  } else if (name == "kafka-producer-perf-test.sh") {
    parsed.command.tool = parse_producer_perf_test_tool(cursor, tool, parsed.client_id_word);
  } else if (name == "kafka-reassign-partitions.sh") {
    parsed.command.tool = parse_reassign_partitions_tool(cursor, tool, facts);
  } else if (name == "kafka-leader-election.sh") {
    parsed.command.tool = parse_leader_election_tool(cursor, tool);
  } else if (name == "kafka-preferred-replica-election.sh") {
    parsed.command.tool = parse_preferred_replica_election_tool(cursor, tool, facts);
  } else if (name == "zookeeper-shell.sh") {
    parsed.command.tool = parse_zookeeper_shell_tool(cursor, tool);
  } else {
    cursor.fail_at(tool, "unknown tool " + quoted_for_message(tool.text) +
                             did_you_mean(tool.text, kafka_tool_names()));
  }
  if (parsed.client_id_word) parsed.command.job_name = parsed.client_id_word->text;
  return parsed;
}

// ---- kafka-topics.sh ----------------------------------------------------------------------------

TopicsTool parse_topics_tool(WordCursor& cursor, const ScriptWord& tool) {
  const ToolOptions options(cursor, tool,
                            {tool_flag("--create"),
                             tool_flag("--list"),
                             tool_flag("--describe"),
                             tool_flag("--alter"),
                             tool_flag("--delete"),
                             tool_value("--topic", "a topic name"),
                             tool_value("--partitions", "a number of partitions"),
                             tool_value("--replication-factor", "a replication factor"),
                             tool_value("--replica-assignment", "an assignment like 0:1,1:2"),
                             tool_repeated_value("--config", "NAME=VALUE"),
                             tool_repeated_value("--delete-config", "a config name"),
                             tool_flag("--under-replicated-partitions"),
                             tool_flag("--unavailable-partitions"),
                             tool_flag("--topics-with-overrides"),
                             tool_flag("--if-exists"),
                             tool_flag("--if-not-exists"),
                             tool_flag("--exclude-internal"),
                             tool_flag("--disable-rack-aware"),
                             kBootstrapServerOption,
                             kZookeeperOption,
                             kBrokerListOption});

  constexpr std::string_view kActions = "--list, --describe, --create, --alter or --delete";
  std::vector<const ToolOption*> actions;
  for (const ToolOption& option : options.in_order()) {
    if (topics_action_of(option.spec.name)) actions.push_back(&option);
  }
  if (actions.empty()) options.fail_missing("exactly one action: " + std::string(kActions));
  if (actions.size() > 1) {
    options.fail_at(actions[1]->word,
                    "kafka-topics.sh takes exactly one action: " + std::string(kActions) +
                        " (got " + std::string(actions[0]->spec.name) + " and " +
                        std::string(actions[1]->spec.name) + ")");
  }

  TopicsTool topics;
  controller::TopicCommandOptions& o = topics.options;
  o.action = *topics_action_of(actions[0]->spec.name);
  const ToolOption* bootstrap = options.find("--bootstrap-server");
  const ToolOption* zookeeper = options.find("--zookeeper");
  if (bootstrap != nullptr && zookeeper != nullptr) {
    const ToolOption* second = bootstrap->word.line > zookeeper->word.line ||
                                       (bootstrap->word.line == zookeeper->word.line &&
                                        bootstrap->word.column > zookeeper->word.column)
                                   ? bootstrap
                                   : zookeeper;
    options.fail_at(second->word,
                    "kafka-topics.sh takes --bootstrap-server or --zookeeper, "
                    "not both");
  }
  o.bootstrap_server = bootstrap != nullptr;
  if (zookeeper != nullptr) o.zookeeper = zookeeper->values.front().text;

  if (const ToolOption* topic = options.find("--topic")) o.topic = topic->values.front().text;
  if (!o.topic && (o.action == controller::TopicCommandAction::create ||
                   o.action == controller::TopicCommandAction::alter ||
                   o.action == controller::TopicCommandAction::delete_topic)) {
    options.fail_at(actions[0]->word,
                    "kafka-topics.sh " + std::string(actions[0]->spec.name) + " needs --topic");
  }
  if (const ToolOption* partitions = options.find("--partitions")) {
    o.partitions =
        static_cast<std::int32_t>(options.integer_value(*partitions, kInt32Min, kInt32Max));
  }
  if (const ToolOption* factor = options.find("--replication-factor")) {
    o.replication_factor =
        static_cast<std::int32_t>(options.integer_value(*factor, kInt32Min, kInt32Max));
  }
  if (const ToolOption* assignment = options.find("--replica-assignment")) {
    o.replica_assignment = assignment->values.front().text;
  }
  for (const ToolOption* config : options.all("--config")) {
    o.configs.push_back(options.key_value(*config, config->values.front()));
    // Kafka answers "Unknown topic config name" at run time; a script's typo is caught here.
    const std::string& name = o.configs.back().first;
    if (!storage::is_topic_config_name(name)) {
      options.fail_at(config->values.front(),
                      "unknown topic config " + quoted_for_message(name) +
                          did_you_mean(name, storage::topic_config_names()));
    }
  }
  for (const ToolOption* name : options.all("--delete-config")) {
    o.delete_configs.push_back(name->values.front().text);
  }
  o.under_replicated_partitions = options.has("--under-replicated-partitions");
  o.unavailable_partitions = options.has("--unavailable-partitions");
  o.topics_with_overrides = options.has("--topics-with-overrides");
  o.if_exists = options.has("--if-exists");
  o.if_not_exists = options.has("--if-not-exists");
  o.exclude_internal = options.has("--exclude-internal");
  o.disable_rack_aware = options.has("--disable-rack-aware");
  return topics;
}

// ---- kafka-console-producer.sh ------------------------------------------------------------------

ConsoleProducerTool parse_console_producer_tool(WordCursor& cursor, const ScriptWord& tool,
                                                std::optional<ScriptWord>& client_id) {
  const ToolOptions options(
      cursor, tool,
      {tool_value("--topic", "a topic name"),
       tool_repeated_value("--producer-property", "NAME=VALUE, e.g. acks=all"),
       tool_value("--request-required-acks", "-1, 0, 1 or all"),
       tool_repeated_value("--property", "parse.key=true or key.separator=:"),
       kBootstrapServerOption, kBrokerListOption, kZookeeperOption});
  ConsoleProducerTool producer;
  const ToolOption* topic = options.find("--topic");
  if (topic == nullptr) options.fail_missing("--topic");
  producer.topic = topic->values.front().text;
  for (const ToolOption* property : options.all("--producer-property")) {
    producer.producer_properties.push_back(options.key_value(*property, property->values.front()));
  }
  // Kafka merges --request-required-acks over the producer properties.
  if (const ToolOption* acks = options.find("--request-required-acks")) {
    const ScriptWord& value = acks->values.front();
    if (value.text != "-1" && value.text != "0" && value.text != "1" && value.text != "all") {
      options.fail_at(value, "expected -1, 0, 1 or all for '--request-required-acks', got " +
                                 quoted_for_message(value.text));
    }
    producer.producer_properties.emplace_back("acks", value.text);
  }
  for (const ToolOption* property : options.all("--property")) {
    const ScriptWord& value = property->values.front();
    const auto [name, text] = options.key_value(*property, value);
    if (name == "parse.key") {
      producer.parse_key = options.boolean_value(value, name, text);
    } else if (name == "key.separator") {
      if (text.empty()) options.fail_at(value, "key.separator must not be empty");
      producer.key_separator = text;
    } else {
      ScriptWord shown = value;
      shown.length = static_cast<std::int32_t>(name.size());
      options.fail_at(shown, "unknown property " + quoted_for_message(name) +
                                 " for kafka-console-producer.sh (ksim models parse.key and "
                                 "key.separator)" +
                                 did_you_mean(name, {"parse.key", "key.separator"}));
    }
  }
  console_client_id_of(options, "--producer-property", client_id);
  return producer;
}

// ---- kafka-console-consumer.sh ------------------------------------------------------------------

ConsoleConsumerTool parse_console_consumer_tool(WordCursor& cursor, const ScriptWord& tool,
                                                bool background,
                                                std::optional<ScriptWord>& client_id) {
  const ToolOptions options(
      cursor, tool,
      {tool_value("--topic", "a topic name"), tool_value("--group", "a consumer group id"),
       tool_flag("--from-beginning"), tool_value("--partition", "a partition number"),
       tool_value("--offset", "an offset: a number, earliest or latest"),
       tool_value("--max-messages", "a number of messages"),
       tool_value("--timeout-ms", "a time in milliseconds"),
       tool_repeated_value("--property", "print.key=true, print.partition=true, ..."),
       tool_repeated_value("--consumer-property", "NAME=VALUE, e.g. client.id=c1"),
       kBootstrapServerOption, kBrokerListOption, kZookeeperOption});
  ConsoleConsumerTool consumer;
  const ToolOption* topic = options.find("--topic");
  if (topic == nullptr) options.fail_missing("--topic");
  consumer.topic = topic->values.front().text;
  if (const ToolOption* group = options.find("--group"))
    consumer.group = group->values.front().text;
  consumer.from_beginning = options.has("--from-beginning");
  const ToolOption* partition = options.find("--partition");
  if (partition != nullptr) {
    consumer.partition = static_cast<std::int32_t>(options.integer_value(*partition, 0, kInt32Max));
  }
  if (const ToolOption* offset = options.find("--offset")) {
    const ScriptWord& value = offset->values.front();
    const std::optional<std::int64_t> number = parse_script_integer(value.text);
    if (value.text != "earliest" && value.text != "latest" && (!number || *number < 0)) {
      options.fail_at(value,
                      "The provided offset value is incorrect. Valid values are "
                      "'earliest', 'latest', or a non-negative long.");
    }
    if (partition == nullptr) {
      options.fail_at(offset->word, "The partition is required when offset is specified.");
    }
    if (consumer.from_beginning) {
      options.fail_at(offset->word,
                      "Options from-beginning and offset cannot be specified "
                      "together.");
    }
    consumer.offset = value.text;
  }
  if (consumer.group && partition != nullptr) {
    options.fail_at(partition->word, "Options group and partition cannot be specified together.");
  }
  if (const ToolOption* max = options.find("--max-messages")) {
    consumer.max_messages = options.integer_value(*max, 1, kInt64Max);
  }
  if (const ToolOption* timeout = options.find("--timeout-ms")) {
    consumer.timeout_ms = options.integer_value(*timeout, 0, kInt64Max);
  }
  for (const ToolOption* property : options.all("--property")) {
    const ScriptWord& value = property->values.front();
    const auto [name, text] = options.key_value(*property, value);
    if (name == "print.key") {
      consumer.print_key = options.boolean_value(value, name, text);
    } else if (name == "print.partition") {
      consumer.print_partition = options.boolean_value(value, name, text);
    } else if (name == "print.offset") {
      consumer.print_offset = options.boolean_value(value, name, text);
    } else if (name == "key.separator") {
      consumer.key_separator = text;
    } else {
      const std::vector<std::string> known = {"print.key", "print.partition", "print.offset",
                                              "key.separator"};
      ScriptWord shown = value;
      shown.length = static_cast<std::int32_t>(name.size());
      options.fail_at(shown, "unknown property " + quoted_for_message(name) +
                                 " for kafka-console-consumer.sh (ksim models print.key, "
                                 "print.partition, print.offset and key.separator)" +
                                 did_you_mean(name, known));
    }
  }
  for (const ToolOption* property : options.all("--consumer-property")) {
    consumer.consumer_properties.push_back(options.key_value(*property, property->values.front()));
  }
  console_client_id_of(options, "--consumer-property", client_id);
  if (!background && !consumer.max_messages && !consumer.timeout_ms) {
    options.fail_at(tool,
                    "a console consumer in the foreground needs --max-messages or "
                    "--timeout-ms (a real one would wait forever); or run it in the "
                    "background with '&'");
  }
  return consumer;
}

}  // namespace ksim::scenarios::parsing
