// Setup lines, time (wait, wait until, at), narration, comments, quotes and continuations.
#include <catch2/catch.hpp>

#include "tests/scenarios/parse_helpers.h"

using namespace ksim::scenarios;
using namespace ksim::scenarios::testing;
using ksim::sim::SimDuration;

TEST_CASE("setup lines fill the setup, else the defaults hold") {
  const Script defaults = parse_script("say hi\n", "x.ksim");
  CHECK(defaults.setup.description.empty());
  CHECK(defaults.setup.seed == 1);
  CHECK(defaults.setup.brokers == 3);
  CHECK(defaults.setup.protocol == ksim::replication::ProtocolVersion::v3_7);

  const Script script = parse_script(
      "description 'Unclean election, step by step'\n"
      "seed 18446744073709551615\n"
      "brokers 5\n"
      "protocol 0.10\n"
      "broker-config min.insync.replicas=2 unclean.leader.election.enable=true\n"
      "broker-config 4 replica.lag.time.max.ms=10000\n",
      "dir/unclean.ksim");
  CHECK(script.name == "unclean");
  CHECK(script.setup.description == "Unclean election, step by step");
  CHECK(script.setup.seed == 18446744073709551615u);
  CHECK(script.setup.brokers == 5);
  CHECK(script.setup.protocol == ksim::replication::ProtocolVersion::v0_10);
  CHECK(script.steps.empty());
  const std::vector<ConfigSetting>& configs = script.setup.broker_configs;
  REQUIRE(configs.size() == 3);
  CHECK_FALSE(configs[0].broker);
  CHECK(configs[0].name == "min.insync.replicas");
  CHECK(configs[0].value == "2");
  CHECK(configs[0].location.to_string() == "dir/unclean.ksim:5:15");
  CHECK(configs[1].name == "unclean.leader.election.enable");
  CHECK(configs[1].value == "true");
  CHECK(configs[1].location.to_string() == "dir/unclean.ksim:5:37");
  CHECK(configs[2].broker == 4);
  CHECK(configs[2].name == "replica.lag.time.max.ms");
  CHECK(configs[2].location.to_string() == "dir/unclean.ksim:6:17");
}

TEST_CASE("every protocol version the README names") {
  using ksim::replication::ProtocolVersion;
  CHECK(parse_script("protocol 0.11\n", "t.ksim").setup.protocol == ProtocolVersion::v0_11);
  CHECK(parse_script("protocol 2.0\n", "t.ksim").setup.protocol == ProtocolVersion::v2_0);
  CHECK(parse_script("protocol 3.7\n", "t.ksim").setup.protocol == ProtocolVersion::v3_7);
}

TEST_CASE("a broker-config for a broker may come before the brokers line") {
  const Script script =
      parse_script("broker-config 4 min.insync.replicas=2\nbrokers 5\n", "t.ksim");
  CHECK(script.setup.broker_configs.at(0).broker == 4);
}

TEST_CASE("wait: a duration, or until a condition within a limit (60s by default)") {
  CHECK(only_command<Wait>("wait 5s").duration == SimDuration::from_s(5));
  CHECK(only_command<Wait>("wait 1.5s").duration == SimDuration::from_ms(1500));
  const WaitUntil until = only_command<WaitUntil>("wait until controller != none");
  CHECK(until.within == SimDuration::from_s(60));
  CHECK(until.condition.subject == Condition::Subject::controller);
  CHECK(until.condition.number == -1);
  const WaitUntil limited = only_command<WaitUntil>("wait until under-replicated == 0 within 2m");
  CHECK(limited.within == SimDuration::from_s(120));
  CHECK(limited.condition.source == "under-replicated == 0");
}

TEST_CASE("at: a time alone, or a time and a command as two steps on one line") {
  const std::vector<Step> steps = script_steps(
      "at 20s\n"
      "at 25s: kill -9 broker 1\n"
      "at 25s : say \"again\"\n"
      "at 1m: kafka-producer-perf-test.sh --topic t --num-records 10 --throughput 5 &\n");
  REQUIRE(steps.size() == 7);
  CHECK(std::get<At>(steps[0].command).time == SimDuration::from_s(20));
  CHECK(steps[0].source == "at 20s");
  CHECK(std::get<At>(steps[1].command).time == SimDuration::from_s(25));
  CHECK(steps[1].source == "at 25s");
  CHECK(steps[1].location.line == 2);
  CHECK(std::get<LifecycleFault>(steps[2].command).target.broker_id == 1);
  CHECK(steps[2].source == "kill -9 broker 1");
  CHECK(steps[2].location.line == 2);
  CHECK(std::get<At>(steps[3].command).time == SimDuration::from_s(25));
  CHECK(std::get<Say>(steps[4].command).text == "again");
  const ToolCommand& perf = std::get<ToolCommand>(steps[6].command);
  CHECK(perf.background);
  CHECK(perf.job_name == "producer-1");
  CHECK(perf.command_line ==
        "kafka-producer-perf-test.sh --topic t --num-records 10 --throughput 5 &");
  CHECK(steps[6].source == perf.command_line);
}

TEST_CASE("say takes one quoted string (or a single word)") {
  CHECK(only_command<Say>("say \"Kill the leader: \\\"now\\\".\"").text ==
        "Kill the leader: \"now\".");
  CHECK(only_command<Say>("say 'single # quotes'").text == "single # quotes");
  CHECK(only_command<Say>("say hello").text == "hello");
}

TEST_CASE("comments, blank lines, indentation and CRLF line ends are ignored") {
  const std::vector<Step> steps = script_steps(
      "# a comment\r\n"
      "\r\n"
      "   \t\n"
      "  wait 1s   # comment after a command\r\n"
      "say \"# not a comment\" # but this is\n");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].source == "wait 1s");
  CHECK(steps[0].location.line == 4);
  CHECK(std::get<Say>(steps[1].command).text == "# not a comment");
  CHECK(steps[1].source == "say \"# not a comment\"");
}

TEST_CASE("a line ending in a backslash goes on on the next line") {
  const Script script = parse_script(
      "kafka-topics.sh --create \\\n"
      "    --topic t \\\n"
      "\n"
      "say done\n",
      "t.ksim");
  REQUIRE(script.steps.size() == 2);
  const ToolCommand& create = std::get<ToolCommand>(script.steps[0].command);
  CHECK(create.command_line == "kafka-topics.sh --create --topic t");
  CHECK(script.steps[0].source == "kafka-topics.sh --create --topic t");
  CHECK(script.steps[0].location.line == 1);
  CHECK(std::get<TopicsTool>(create.tool).options.topic == "t");
  CHECK(script.steps[1].location.line == 4);
}

TEST_CASE("shell quoting: adjacent parts join, escapes outside quotes, single quotes literal") {
  const EchoToFile echo = only_tool<EchoToFile>(
      "echo '{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,"
      "\"replicas\":[1,2]}]}' > move.json");
  CHECK(echo.text ==
        "{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,2]}]}");
  CHECK(echo.file == "move.json");
  CHECK(only_command<Say>("say ab\"c d\"'e'\\ f").text == "abc de f");
  CHECK(only_command<Say>("say \"back\\\\slash \\n stays\"").text == "back\\slash \\n stays");
}

TEST_CASE("a UTF-8 byte order mark before the first line is skipped") {
  const Script script = parse_script("\xEF\xBB\xBF" "brokers 4\nsay hi\n", "bom.ksim");
  CHECK(script.setup.brokers == 4);
  CHECK(script.steps.size() == 1);
}
