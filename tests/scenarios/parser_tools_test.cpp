// Kafka's tools' command lines, option by option, and background jobs' names.
#include <catch2/catch.hpp>

#include "tests/scenarios/parse_helpers.h"

using namespace ksim::scenarios;
using namespace ksim::scenarios::testing;
using ksim::controller::TopicCommandAction;

TEST_CASE("kafka-topics.sh: each action") {
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --list").options.action == TopicCommandAction::list);
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --describe").options.action ==
        TopicCommandAction::describe);
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --create --topic t").options.action ==
        TopicCommandAction::create);
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --alter --topic t --partitions 3").options.action ==
        TopicCommandAction::alter);
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --delete --topic t").options.action ==
        TopicCommandAction::delete_topic);
}

TEST_CASE("kafka-topics.sh: every option") {
  const auto o = only_tool<TopicsTool>(
                     "bin/kafka-topics.sh --create --topic=t --partitions 2 --replication-factor 3 "
                     "--replica-assignment 0:1,1:2 --config min.insync.replicas=2 "
                     "--config cleanup.policy=compact,delete --delete-config retention.ms "
                     "--delete-config segment.ms --if-not-exists --if-exists --exclude-internal "
                     "--disable-rack-aware --under-replicated-partitions --unavailable-partitions "
                     "--topics-with-overrides")
                     .options;
  CHECK(o.topic == "t");
  CHECK(o.partitions == 2);
  CHECK(o.replication_factor == 3);
  CHECK(o.replica_assignment == "0:1,1:2");
  CHECK(o.configs == ksim::controller::ConfigEntries{{"min.insync.replicas", "2"},
                                                     {"cleanup.policy", "compact,delete"}});
  CHECK(o.delete_configs == std::vector<std::string>{"retention.ms", "segment.ms"});
  CHECK(o.if_not_exists);
  CHECK(o.if_exists);
  CHECK(o.exclude_internal);
  CHECK(o.disable_rack_aware);
  CHECK(o.under_replicated_partitions);
  CHECK(o.unavailable_partitions);
  CHECK(o.topics_with_overrides);
  CHECK_FALSE(o.bootstrap_server);
  CHECK(o.zookeeper == "localhost:2181");
}

TEST_CASE("kafka-topics.sh: --bootstrap-server or --zookeeper (its value kept)") {
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --list --bootstrap-server localhost:9092")
            .options.bootstrap_server);
  const auto zk = only_tool<TopicsTool>("kafka-topics.sh --list --zookeeper zk:2181/kafka").options;
  CHECK_FALSE(zk.bootstrap_server);
  CHECK(zk.zookeeper == "zk:2181/kafka");
}

TEST_CASE("kafka-console-producer.sh: properties, acks, keys and its '>' lines") {
  const Script script = parse_script(
      "kafka-console-producer.sh --broker-list localhost:9092 --topic t "
      "--producer-property acks=1 --producer-property linger.ms=5 --request-required-acks all "
      "--property parse.key=true --property key.separator=:\n"
      "> k1:v1\n"
      "# a comment between input lines\n"
      ">k2:v2\n"
      ">\n"
      "  >   indented\n",
      "t.ksim");
  REQUIRE(script.steps.size() == 1);
  const auto& producer =
      std::get<ConsoleProducerTool>(std::get<ToolCommand>(script.steps[0].command).tool);
  CHECK(producer.topic == "t");
  CHECK(producer.producer_properties == std::vector<std::pair<std::string, std::string>>{
                                            {"acks", "1"}, {"linger.ms", "5"}, {"acks", "all"}});
  CHECK(producer.parse_key);
  CHECK(producer.key_separator == ":");
  REQUIRE(producer.input.size() == 4);
  CHECK(producer.input[0].text == "k1:v1");
  CHECK(producer.input[1].text == "k2:v2");
  CHECK(producer.input[1].location.to_string() == "t.ksim:4");
  CHECK(producer.input[2].text.empty());
  CHECK(producer.input[3].text == "  indented");
}

TEST_CASE("kafka-console-producer.sh: defaults, and input ends at the next command") {
  const std::vector<Step> steps = script_steps(
      "kafka-console-producer.sh --topic t\n"
      "> a\n"
      "say next\n"
      "kafka-console-producer.sh --topic u\n");
  REQUIRE(steps.size() == 3);
  const auto& first = std::get<ConsoleProducerTool>(std::get<ToolCommand>(steps[0].command).tool);
  CHECK(first.input.size() == 1);
  CHECK_FALSE(first.parse_key);
  CHECK(first.key_separator == "\t");
  CHECK(std::holds_alternative<Say>(steps[1].command));
  CHECK(std::get<ConsoleProducerTool>(std::get<ToolCommand>(steps[2].command).tool).input.empty());
}

TEST_CASE("kafka-console-consumer.sh: every option") {
  const auto c = only_tool<ConsoleConsumerTool>(
      "kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --partition 1 "
      "--offset 5 --max-messages 10 --timeout-ms 3000 --property print.key=true "
      "--property print.partition=true --property print.offset=true --property key.separator=, "
      "--consumer-property fetch.min.bytes=1 --consumer-property isolation.level=read_committed");
  CHECK(c.topic == "t");
  CHECK_FALSE(c.group);
  CHECK_FALSE(c.from_beginning);
  CHECK(c.partition == 1);
  CHECK(c.offset == "5");
  CHECK(c.max_messages == 10);
  CHECK(c.timeout_ms == 3000);
  CHECK(c.print_key);
  CHECK(c.print_partition);
  CHECK(c.print_offset);
  CHECK(c.key_separator == ",");
  CHECK(c.consumer_properties ==
        std::vector<std::pair<std::string, std::string>>{{"fetch.min.bytes", "1"},
                                                         {"isolation.level", "read_committed"}});

  const auto g = only_tool<ConsoleConsumerTool>(
      "kafka-console-consumer.sh --topic t --group g1 --from-beginning --timeout-ms 0");
  CHECK(g.group == "g1");
  CHECK(g.from_beginning);
  CHECK(g.timeout_ms == 0);
  CHECK_FALSE(g.max_messages);
  CHECK(only_tool<ConsoleConsumerTool>(
            "kafka-console-consumer.sh --topic t --partition 0 --offset earliest --max-messages 1")
            .offset == "earliest");
  CHECK(only_tool<ConsoleConsumerTool>(
            "kafka-console-consumer.sh --topic t --partition 0 --offset latest --max-messages 1")
            .offset == "latest");
}

TEST_CASE("kafka-consumer-groups.sh: --list, or --describe --group G") {
  CHECK(only_tool<ConsumerGroupsTool>(
            "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --list")
            .arguments == std::vector<std::string>{"--list"});
  CHECK(only_tool<ConsumerGroupsTool>(
            "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --group g1 --describe")
            .arguments == std::vector<std::string>{"--describe", "--group", "g1"});
}

TEST_CASE("kafka-producer-perf-test.sh: rate, size and several --producer-props") {
  const auto perf = only_tool<ProducerPerfTestTool>(
      "kafka-producer-perf-test.sh --topic t --num-records 1000 --throughput 100 "
      "--record-size 200 --producer-props acks=all linger.ms=0 --producer-props retries=0");
  CHECK(perf.topic == "t");
  CHECK(perf.num_records == 1000);
  CHECK(perf.throughput == 100);
  CHECK(perf.record_size == 200);
  CHECK(perf.producer_properties == std::vector<std::pair<std::string, std::string>>{
                                        {"acks", "all"}, {"linger.ms", "0"}, {"retries", "0"}});
  const auto fastest = only_tool<ProducerPerfTestTool>(
      "kafka-producer-perf-test.sh --topic t --num-records 5 "
      "--throughput -5");
  CHECK(fastest.throughput == -1);
  CHECK(fastest.record_size == 100);
  CHECK(only_tool<ProducerPerfTestTool>("kafka-producer-perf-test.sh --topic t --num-records 5")
            .throughput == -1);
}

TEST_CASE("kafka-reassign-partitions.sh reads a file echo wrote earlier") {
  const std::vector<Step> steps = script_steps(
      "echo '{\"version\":1,\"partitions\":[]}' > plan.json\n"
      "kafka-reassign-partitions.sh --bootstrap-server localhost:9092 "
      "--reassignment-json-file plan.json --execute\n"
      "kafka-reassign-partitions.sh --zookeeper localhost:2181 --reassignment-json-file plan.json "
      "--verify\n");
  REQUIRE(steps.size() == 3);
  const auto& echo = std::get<EchoToFile>(std::get<ToolCommand>(steps[0].command).tool);
  CHECK(echo.file == "plan.json");
  CHECK(echo.text == "{\"version\":1,\"partitions\":[]}");
  const auto& execute =
      std::get<ReassignPartitionsTool>(std::get<ToolCommand>(steps[1].command).tool);
  CHECK(execute.action == ReassignPartitionsTool::Action::execute);
  CHECK(execute.json_file == "plan.json");
  CHECK(std::get<ReassignPartitionsTool>(std::get<ToolCommand>(steps[2].command).tool).action ==
        ReassignPartitionsTool::Action::verify);
}

TEST_CASE("kafka-leader-election.sh: one partition or all") {
  const auto one = only_tool<LeaderElectionTool>(
      "kafka-leader-election.sh --bootstrap-server localhost:9092 --election-type PREFERRED "
      "--topic t --partition 2");
  CHECK(one.type == LeaderElectionTool::Type::preferred);
  CHECK(one.partition == ksim::storage::TopicPartition{"t", 2});
  CHECK_FALSE(one.all_topic_partitions);
  const auto all = only_tool<LeaderElectionTool>(
      "kafka-leader-election.sh --election-type PREFERRED --all-topic-partitions");
  CHECK(all.type == LeaderElectionTool::Type::preferred);
  CHECK_FALSE(all.partition);
  CHECK(all.all_topic_partitions);
}

TEST_CASE("zookeeper-shell.sh: ls, ls -R, get, get -s, stat") {
  CHECK(
      only_tool<ZookeeperShellTool>("zookeeper-shell.sh localhost:2181 ls /brokers/ids").command ==
      "ls /brokers/ids");
  CHECK(only_tool<ZookeeperShellTool>("zookeeper-shell.sh localhost:2181 ls -R /brokers").command ==
        "ls -R /brokers");
  CHECK(
      only_tool<ZookeeperShellTool>("zookeeper-shell.sh localhost:2181 get /controller").command ==
      "get /controller");
  CHECK(only_tool<ZookeeperShellTool>("zookeeper-shell.sh localhost:2181 get -s /controller")
            .command == "get -s /controller");
  CHECK(only_tool<ZookeeperShellTool>(
            "zookeeper-shell.sh localhost:2181 stat /brokers/topics/t/partitions/0/state")
            .command == "stat /brokers/topics/t/partitions/0/state");
}

TEST_CASE("background jobs: client.id, else producer-N and consumer-N counted apart") {
  const std::vector<Step> steps = script_steps(
      "kafka-producer-perf-test.sh --topic t --num-records 100 --throughput 10 &\n"
      "kafka-console-consumer.sh --topic t --group g &\n"
      "kafka-producer-perf-test.sh --topic t --num-records 100 --producer-props client.id=p1 &\n"
      "kafka-console-producer.sh --topic t --producer-property client.id=cp &\n"
      "> from the background\n"
      "kafka-console-producer.sh --topic t&\n"
      "kafka-console-consumer.sh --topic t --consumer-property client.id=c1 &\n"
      "kafka-console-consumer.sh --topic t --group g &\n"
      "kafka-console-consumer.sh --topic t --max-messages 1 --consumer-property client.id=fg\n");
  REQUIRE(steps.size() == 8);
  std::vector<std::string> names;
  for (const Step& step : steps) names.push_back(std::get<ToolCommand>(step.command).job_name);
  CHECK(names == std::vector<std::string>{"producer-1", "consumer-1", "p1", "cp", "producer-2",
                                          "c1", "consumer-2", ""});
  const ToolCommand& background_producer = std::get<ToolCommand>(steps[3].command);
  CHECK(background_producer.background);
  CHECK(std::get<ConsoleProducerTool>(background_producer.tool).input.size() == 1);
  CHECK(std::get<ToolCommand>(steps[4].command).command_line ==
        "kafka-console-producer.sh --topic t&");
  CHECK_FALSE(std::get<ToolCommand>(steps[7].command).background);
}

TEST_CASE("every tool accepts the connection options and ignores them") {
  CHECK(only_tool<TopicsTool>("kafka-topics.sh --list --broker-list b:9092").options.action ==
        TopicCommandAction::list);
  CHECK(only_tool<LeaderElectionTool>("kafka-leader-election.sh --zookeeper z:2181 "
                                      "--election-type preferred --all-topic-partitions")
            .all_topic_partitions);
  CHECK(only_tool<ConsumerGroupsTool>("kafka-consumer-groups.sh --broker-list b:9092 --list")
            .arguments == std::vector<std::string>{"--list"});
  CHECK(only_tool<ConsoleConsumerTool>("kafka-console-consumer.sh --zookeeper z:2181 --topic t "
                                       "--max-messages 1")
            .topic == "t");
}

TEST_CASE("kafka-topics.sh --config: an unknown topic config name is a script error") {
  const ScriptError error = testing::script_error(
      "kafka-topics.sh --create --bootstrap-server localhost:9092 --topic t --config "
      "retention.msx=60000\n");
  CHECK(error.message() == "unknown topic config 'retention.msx' (did you mean 'retention.ms'?)");
  CHECK(error.location().line == 1);
  CHECK(error.location().column == 79);
}
