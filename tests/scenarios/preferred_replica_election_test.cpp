// kafka-preferred-replica-election.sh --zookeeper: the preferred leader election tool of Kafka
// before 2.4 (removed in 3.0), which the 0.11 and 2.0 lessons need. It writes the znode, prints
// what it wrote in its release's words and exits; the controller moves the leaders.
#include <catch2/catch.hpp>

#include "parse_helpers.h"
#include "run_helpers.h"
#include "scenarios/runner.h"

namespace ksim::scenarios {
namespace {

using testing::only_tool;
using testing::script_error;
using testing::script_steps;

using testing::Run;
using testing::run_script;

// Seed 102: broker 0 is the controller. Broker 1, the preferred leader of t-0, goes through a
// controlled shutdown and comes back: broker 2 leads until a preferred election.
std::string moved_leader(std::string_view protocol) {
  return "seed 102\nbrokers 3\nprotocol " + std::string(protocol) + R"(
kafka-topics.sh --create --zookeeper localhost:2181 --topic t --replica-assignment 1:2
wait 1s
shutdown broker 1
wait until broker 1 == down within 30s
start broker 1
wait until isr t-0 == [1,2] within 30s
expect leader t-0 == 2
)";
}

}  // namespace

TEST_CASE("kafka-preferred-replica-election.sh: every partition, or a JSON file's",
          "[scenarios][parser]") {
  const auto all =
      only_tool<LeaderElectionTool>("kafka-preferred-replica-election.sh --zookeeper z:2181");
  CHECK(all.preferred_replica_election_command);
  CHECK(all.type == LeaderElectionTool::Type::preferred);
  CHECK(all.all_topic_partitions);
  CHECK_FALSE(all.json_file);

  const std::vector<Step> steps = script_steps(
      "echo '{\"partitions\":[{\"topic\":\"t\",\"partition\":0}]}' > p.json\n"
      "bin/kafka-preferred-replica-election.sh --zookeeper z:2181 --path-to-json-file p.json\n");
  REQUIRE(steps.size() == 2);
  const auto& from_file =
      std::get<LeaderElectionTool>(std::get<ToolCommand>(steps[1].command).tool);
  CHECK(from_file.preferred_replica_election_command);
  CHECK_FALSE(from_file.all_topic_partitions);
  CHECK(from_file.json_file == "p.json");
}

TEST_CASE("kafka-preferred-replica-election.sh: errors name the option or the file",
          "[scenarios][parser]") {
  const ScriptError no_zookeeper = script_error("kafka-preferred-replica-election.sh");
  CHECK(no_zookeeper.message() ==
        "kafka-preferred-replica-election.sh needs --zookeeper localhost:2181");
  CHECK(no_zookeeper.location().column == 1);

  const ScriptError no_file = script_error(
      "kafka-preferred-replica-election.sh --zookeeper z:2181 --path-to-json-file p.json");
  CHECK(no_file.message() == "no file 'p.json' was written with echo before this line");
  CHECK(no_file.location().column == 76);

  const ScriptError unknown = script_error(
      "kafka-preferred-replica-election.sh --zookeeper z:2181 --topic t");
  CHECK_THAT(unknown.message(), Catch::StartsWith("unknown option '--topic'"));
}

TEST_CASE("kafka-preferred-replica-election.sh under 0.11 prints the znode's JSON and moves the "
          "leader", "[scenarios][runner]") {
  const Run run = run_script(moved_leader("0.11") + R"(kafka-preferred-replica-election.sh --zookeeper localhost:2181
wait until leader t-0 == 1 within 10s
expect leader-epoch t-0 == 2
wait 1s
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text,
             Catch::Contains("$ kafka-preferred-replica-election.sh --zookeeper localhost:2181\n"
                             "Created preferred replica election path with "
                             "{\"version\":1,\"partitions\":[{\"topic\":\"t\",\"partition\":0}]}\n"
                             "Successfully started preferred replica election for partitions "
                             "Set([t,0])\n"));
  CHECK_THAT(run.text, Catch::Contains("t-0: leader 2 -> 1, leader epoch 2, ISR [2,1] "
                                       "(preferred replica election)"));
}

TEST_CASE("kafka-preferred-replica-election.sh under 2.0: TopicPartition names, a JSON file, a "
          "missing partition, an election already in progress", "[scenarios][runner]") {
  const Run run = run_script(moved_leader("2.0") + R"(echo '{"partitions":[{"topic":"t","partition":0},{"topic":"t","partition":7}]}' > p.json
kafka-preferred-replica-election.sh --zookeeper localhost:2181 --path-to-json-file p.json
kafka-preferred-replica-election.sh --zookeeper localhost:2181
expect failed "currently in progress"
wait until leader t-0 == 1 within 10s
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains(
                           "Created preferred replica election path with t-0\n"
                           "Successfully started preferred replica election for partitions "
                           "Set(t-0)\n"
                           "Skipping preferred replica leader election for partition t-7 since "
                           "it doesn't exist.\n"));
  CHECK_THAT(run.text, Catch::Contains(
                           "$ kafka-preferred-replica-election.sh --zookeeper localhost:2181\n"
                           "Failed to start preferred replica election\n"
                           "kafka.common.AdminCommandFailedException: Admin command failed\n"
                           "Caused by: kafka.admin.AdminOperationException: Preferred replica "
                           "leader election currently in progress for t-0. Aborting operation\n"));
}

TEST_CASE("kafka-preferred-replica-election.sh is gone under 3.7", "[scenarios][runner]") {
  const Run run = run_script(moved_leader("3.7") + R"(kafka-preferred-replica-election.sh --zookeeper localhost:2181
expect failed "removed in Kafka 3.0"
expect leader t-0 == 2
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("bash: kafka-preferred-replica-election.sh: command not "
                                       "found\n"));
}

}  // namespace ksim::scenarios
