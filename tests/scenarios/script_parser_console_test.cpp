// ScriptParser one line at a time, as the GUI's console feeds it: continuations, a console
// producer's '>' lines, job names across calls, refused setup lines, and errors that leave the
// parser as it was.
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/scenarios/parse_helpers.h"
#include "tests/support/temporary_directory.h"

using namespace ksim::scenarios;

namespace {

ScriptError console_error(ScriptParser& parser, std::string_view line) {
  try {
    parser.parse_command(line);
  } catch (const ScriptError& error) {
    return error;
  }
  FAIL("the line parsed: " << line);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("console: one command a line, numbered from 1 under the console's name") {
  ScriptParser console("console");
  const std::vector<Step> first = console.parse_command("kafka-topics.sh --list");
  REQUIRE(first.size() == 1);
  CHECK(first[0].location.to_string() == "console:1");
  CHECK(std::get<ToolCommand>(first[0].command).command_line == "kafka-topics.sh --list");
  CHECK(console.parse_command("# nothing").empty());
  const std::vector<Step> third = console.parse_command("at 5s: kill -9 broker 1");
  REQUIRE(third.size() == 2);
  CHECK(third[1].location.line == 3);
}

TEST_CASE("console: a continued line waits for the rest") {
  ScriptParser console("console");
  CHECK(console.parse_command("kafka-topics.sh --create \\").empty());
  CHECK(console.continuing_line());
  const std::vector<Step> steps = console.parse_command("  --topic t");
  CHECK_FALSE(console.continuing_line());
  REQUIRE(steps.size() == 1);
  CHECK(std::get<ToolCommand>(steps[0].command).command_line ==
        "kafka-topics.sh --create --topic t");
}

TEST_CASE(
    "console: a console producer's '>' lines, ended by the next command, a blank line or "
    "finish()") {
  ScriptParser console("console");
  CHECK(console.parse_command("kafka-console-producer.sh --topic t").empty());
  CHECK(console.reading_producer_input());
  CHECK(console.parse_command("> one").empty());
  CHECK(console.parse_command("> two").empty());
  const std::vector<Step> steps = console.parse_command("wait 1s");
  REQUIRE(steps.size() == 2);
  const auto& producer =
      std::get<ConsoleProducerTool>(std::get<ToolCommand>(steps[0].command).tool);
  REQUIRE(producer.input.size() == 2);
  CHECK(producer.input[1].text == "two");
  CHECK(producer.input[1].location.to_string() == "console:3");
  CHECK(std::holds_alternative<Wait>(steps[1].command));
  CHECK_FALSE(console.reading_producer_input());

  CHECK(console.parse_command("kafka-console-producer.sh --topic t").empty());
  CHECK(console.parse_command("> three").empty());
  const std::vector<Step> by_blank = console.parse_command("");
  REQUIRE(by_blank.size() == 1);
  CHECK(std::get<ConsoleProducerTool>(std::get<ToolCommand>(by_blank[0].command).tool)
            .input.at(0)
            .text == "three");

  CHECK(console.parse_command("kafka-console-producer.sh --topic t").empty());
  const std::vector<Step> by_finish = console.finish();
  REQUIRE(by_finish.size() == 1);
  CHECK(console.finish().empty());
}

TEST_CASE("console: job names keep counting across lines, and stop knows them") {
  ScriptParser console("console");
  const std::vector<Step> first =
      console.parse_command("kafka-producer-perf-test.sh --topic t --num-records 9 &");
  CHECK(std::get<ToolCommand>(first.at(0).command).job_name == "producer-1");
  const std::vector<Step> second =
      console.parse_command("kafka-producer-perf-test.sh --topic t --num-records 9 &");
  CHECK(std::get<ToolCommand>(second.at(0).command).job_name == "producer-2");
  CHECK(console.job_names() == std::vector<std::string>{"producer-1", "producer-2"});
  CHECK(std::get<StopClient>(console.parse_command("stop producer-2").at(0).command).job ==
        "producer-2");
}

TEST_CASE("console: setup lines are refused") {
  ScriptParser console("console");
  const ScriptError error = console_error(console, "brokers 5");
  CHECK(error.location().to_string() == "console:1:1");
  CHECK(error.message() ==
        "'brokers' is a setup line: the console runs commands (setup belongs at the top of a "
        "scenario file)");
}

TEST_CASE("console: the setup given bounds broker ids") {
  ScriptSetup setup;
  setup.brokers = 5;
  ScriptParser console("console", setup);
  CHECK(console.parse_command("kill -9 broker 4").size() == 1);
  CHECK(console_error(console, "kill -9 broker 5").message() ==
        "broker 5 does not exist: the cluster has 5 brokers (ids 0 to 4)");
}

TEST_CASE("console: an error leaves the parser as it was before the line") {
  ScriptParser console("console");
  CHECK(console.parse_command("kafka-console-producer.sh --topic t").empty());
  CHECK(console.parse_command("> kept").empty());
  CHECK(console_error(console, "kafak-topics.sh --list").location().line == 3);
  CHECK(console.reading_producer_input());
  CHECK(console.parse_command("> also kept").empty());
  const std::vector<Step> steps = console.finish();
  REQUIRE(steps.size() == 1);
  CHECK(std::get<ConsoleProducerTool>(std::get<ToolCommand>(steps[0].command).tool).input.size() ==
        2);

  // A failed background job does not take its name or a number.
  CHECK(console_error(console, "kafka-producer-perf-test.sh --topic t &").location().line == 5);
  CHECK(std::get<ToolCommand>(console
                                  .parse_command("kafka-producer-perf-test.sh --topic t "
                                                 "--num-records 1 &")
                                  .at(0)
                                  .command)
            .job_name == "producer-1");

  // A continued command that fails is dropped whole.
  CHECK(console.parse_command("kafka-topics.sh --create \\").empty());
  CHECK(console_error(console, "--bogus").location().line == 8);
  CHECK_FALSE(console.continuing_line());
  CHECK(console.parse_command("kafka-topics.sh --list").size() == 1);
}

TEST_CASE("console after a file: the file's jobs and times are known, lines restart") {
  ScriptParser parser("lesson.ksim");
  const Script script = parser.parse_file(
      "brokers 4\n"
      "at 10s: kafka-console-consumer.sh --topic t --consumer-property client.id=c1 &\n");
  CHECK(script.steps.size() == 2);
  CHECK_THROWS_AS(parser.parse_file("say again"), std::logic_error);
  parser.restart_lines("console");
  CHECK(parser.setup().brokers == 4);
  const std::vector<Step> stop = parser.parse_command("stop c1");
  CHECK(stop.at(0).location.to_string() == "console:1");
  CHECK(parser.parse_command("kill -9 broker 3").size() == 1);
  CHECK(console_error(parser, "at 5s").message() ==
        "at 5s goes back in time: the 'at 10s' on line 2 is later");
}

TEST_CASE("load_script reads a file, and says clearly when it cannot") {
  const ksim::test_support::TemporaryDirectory directory("ksim-scenarios");
  const std::string path = directory.path() + "/kill-leader.ksim";
  {
    std::ofstream out(path);
    out << "brokers 2\nkill -9 leader t-0\nkill -9 broker 2\n";
  }
  try {
    load_script(path);
    FAIL("a bad script loaded");
  } catch (const ScriptError& error) {
    CHECK(error.location().to_string() == path + ":3:16");
  }
  {
    std::ofstream out(path);
    out << "brokers 2\nkill -9 leader t-0\n";
  }
  const Script script = load_script(path);
  CHECK(script.name == "kill-leader");
  CHECK(script.text == "brokers 2\nkill -9 leader t-0\n");
  CHECK(script.steps.at(0).location.file == path);

  try {
    load_script("/nonexistent/dir/missing.ksim");
    FAIL("a missing file loaded");
  } catch (const ScriptError& error) {
    CHECK(std::string(error.what()) ==
          "/nonexistent/dir/missing.ksim: error: cannot open the scenario file: No such file or "
          "directory");
  }
  try {
    load_script(directory.path());
    FAIL("a directory loaded");
  } catch (const ScriptError& error) {
    CHECK(error.message() == "cannot read the scenario file: it is a directory");
  }
}

TEST_CASE("console: pasted lines are parsed one after another") {
  ScriptParser console("console");
  const std::vector<Step> steps =
      console.parse_command("kafka-console-producer.sh --topic t\n> a\n> b\nwait 1s");
  REQUIRE(steps.size() == 2);
  CHECK(std::get<ConsoleProducerTool>(std::get<ToolCommand>(steps[0].command).tool).input.size() ==
        2);
  CHECK(steps[1].location.line == 4);
}
