// The README's quickstart example, read from scenarios/README.md itself, parses into exactly the
// steps it describes.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/scenarios/parse_helpers.h"

using namespace ksim::scenarios;
using ksim::sim::SimDuration;
using ksim::storage::TopicPartition;

namespace {

// The first ``` block of scenarios/README.md.
std::string readme_quickstart() {
  std::ifstream in(std::string(KSIM_SOURCE_DIR) + "/scenarios/README.md");
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::size_t open = readme.find("```\n");
  REQUIRE(open != std::string::npos);
  const std::size_t close = readme.find("```", open + 4);
  REQUIRE(close != std::string::npos);
  return readme.substr(open + 4, close - open - 4);
}

const ToolCommand& tool_at(const Script& script, std::size_t i) {
  return std::get<ToolCommand>(script.steps.at(i).command);
}

}  // namespace

TEST_CASE("the README's quickstart parses into its setup and twelve steps") {
  const std::string text = readme_quickstart();
  const Script script = parse_script(text, "scenarios/quickstart.ksim");

  CHECK(script.name == "quickstart");
  CHECK(script.text == text);
  CHECK(script.setup.description ==
        "Three brokers, a topic with RF 3: kill -9 the leader and read both messages back");
  CHECK(script.setup.brokers == 3);
  CHECK(script.setup.seed == 1);
  CHECK(script.setup.protocol == ksim::replication::ProtocolVersion::v3_7);
  CHECK(script.setup.broker_configs.empty());
  REQUIRE(script.steps.size() == 12);

  std::vector<std::int32_t> lines;
  for (const Step& step : script.steps) {
    lines.push_back(step.location.line);
    CHECK(step.location.file == "scenarios/quickstart.ksim");
    CHECK(step.location.column == 0);
  }
  CHECK(lines == std::vector<std::int32_t>{6, 7, 8, 9, 11, 15, 16, 17, 18, 19, 20, 21});

  CHECK(std::get<Say>(script.steps[0].command).text ==
        "Create a topic with one partition and three replicas.");
  CHECK(script.steps[0].source == "say \"Create a topic with one partition and three replicas.\"");

  const ToolCommand& create = tool_at(script, 1);
  CHECK(create.command_line ==
        "kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 "
        "--partitions 1 --topic my-replicated-topic");
  CHECK_FALSE(create.background);
  CHECK(create.job_name.empty());
  const auto& create_options = std::get<TopicsTool>(create.tool).options;
  CHECK(create_options.action == ksim::controller::TopicCommandAction::create);
  CHECK(create_options.bootstrap_server);
  CHECK(create_options.topic == "my-replicated-topic");
  CHECK(create_options.partitions == 1);
  CHECK(create_options.replication_factor == 3);
  CHECK_FALSE(create_options.replica_assignment);
  CHECK(create_options.configs.empty());

  const auto& describe = std::get<TopicsTool>(tool_at(script, 2).tool).options;
  CHECK(describe.action == ksim::controller::TopicCommandAction::describe);
  CHECK(describe.topic == "my-replicated-topic");
  CHECK_FALSE(describe.partitions);

  const Condition& leader = std::get<Expect>(script.steps[3].command).condition;
  CHECK(leader.subject == Condition::Subject::leader);
  CHECK(leader.partition == TopicPartition{"my-replicated-topic", 0});
  CHECK(leader.comparison == Comparison::eq);
  CHECK(leader.number == 1);
  CHECK(leader.source == "leader my-replicated-topic-0 == 1");

  const ToolCommand& produce = tool_at(script, 4);
  CHECK(produce.command_line ==
        "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic my-replicated-topic");
  const auto& producer = std::get<ConsoleProducerTool>(produce.tool);
  CHECK(producer.topic == "my-replicated-topic");
  CHECK(producer.producer_properties.empty());
  CHECK_FALSE(producer.parse_key);
  REQUIRE(producer.input.size() == 2);
  CHECK(producer.input[0].text == "my test message 1");
  CHECK(producer.input[0].location.line == 12);
  CHECK(producer.input[1].text == "my test message 2");
  CHECK(producer.input[1].location.line == 13);

  CHECK(std::get<Say>(script.steps[5].command).text ==
        "Kill the leader with kill -9: no goodbye to anyone.");

  const auto& kill = std::get<LifecycleFault>(script.steps[6].command);
  CHECK(kill.action == LifecycleFault::Action::kill);
  CHECK(kill.target.kind == BrokerTarget::Kind::leader_of);
  CHECK(kill.target.partition == TopicPartition{"my-replicated-topic", 0});
  CHECK(script.steps[6].source == "kill -9 leader my-replicated-topic-0");

  const auto& until = std::get<WaitUntil>(script.steps[7].command);
  CHECK(until.within == SimDuration::from_s(30));
  CHECK(until.condition.subject == Condition::Subject::leader);
  CHECK(until.condition.comparison == Comparison::ne);
  CHECK(until.condition.number == 1);
  CHECK(until.condition.source == "leader my-replicated-topic-0 != 1");

  CHECK(std::get<TopicsTool>(tool_at(script, 8).tool).options.action ==
        ksim::controller::TopicCommandAction::describe);

  const Condition& isr = std::get<Expect>(script.steps[9].command).condition;
  CHECK(isr.subject == Condition::Subject::isr);
  CHECK(isr.comparison == Comparison::eq);
  CHECK(isr.brokers == std::vector<std::int32_t>{2, 0});
  CHECK(isr.source == "isr my-replicated-topic-0 == [2,0]");

  const auto& consumer = std::get<ConsoleConsumerTool>(tool_at(script, 10).tool);
  CHECK(consumer.topic == "my-replicated-topic");
  CHECK(consumer.from_beginning);
  CHECK(consumer.max_messages == 2);
  CHECK_FALSE(consumer.timeout_ms);
  CHECK_FALSE(consumer.group);

  const Condition& output = std::get<Expect>(script.steps[11].command).condition;
  CHECK(output.subject == Condition::Subject::output);
  CHECK(output.comparison == Comparison::contains);
  CHECK(output.text == "my test message 2");
  CHECK(output.source == "output contains \"my test message 2\"");
}

TEST_CASE("the README's misspelt option is reported as the README shows it") {
  // The README's example says column 22; the option starts at column 26 (caret included).
  const std::string text =
      "brokers 3\n\n\n\n\n\n\n\n\n\n\n"
      "kafka-topics.sh --create --replication-factr 3 --partitions 1 --topic t\n";
  const ScriptError error = ksim::scenarios::testing::script_error(text, "quickstart.ksim");
  CHECK(std::string(error.what()) ==
        "quickstart.ksim:12:26: error: unknown option '--replication-factr' for kafka-topics.sh "
        "(did you mean '--replication-factor'?)\n"
        "    kafka-topics.sh --create --replication-factr 3 --partitions 1 --topic t\n"
        "                             ^~~~~~~~~~~~~~~~~~~");
}
