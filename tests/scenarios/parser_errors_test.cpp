// Every error a script can have is found before anything runs, with the file, line, column and
// what was expected.
#include <catch2/catch.hpp>

#include "tests/scenarios/parse_helpers.h"

using namespace ksim::scenarios;
using namespace ksim::scenarios::testing;

namespace {

// The 1-based column of `needle` in the script's line `line` (1-based).
std::int32_t column_of(std::string_view text, std::int32_t line, std::string_view needle) {
  std::size_t start = 0;
  for (std::int32_t i = 1; i < line; ++i) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  const std::string_view line_text = text.substr(start, end - start);
  const std::size_t at = line_text.find(needle);
  REQUIRE(at != std::string_view::npos);
  return static_cast<std::int32_t>(at) + 1;
}

// The script fails at `line`, at the column where `at` is written on it, with `message`.
void check_error(std::string_view text, std::int32_t line, std::string_view at,
                 const std::string& message) {
  CAPTURE(text);
  const ScriptError error = script_error(text);
  CHECK(error.message() == message);
  CHECK(error.location().file == "t.ksim");
  CHECK(error.location().line == line);
  CHECK(error.location().column == column_of(text, line, at));
}

// The same at an explicit column (for errors just after a word, or a word written twice).
void check_error_at(std::string_view text, std::int32_t line, std::int32_t column,
                    const std::string& message) {
  CAPTURE(text);
  const ScriptError error = script_error(text);
  CHECK(error.message() == message);
  CHECK(error.location().line == line);
  CHECK(error.location().column == column);
}

}  // namespace

TEST_CASE("errors: unknown commands, with the closest command suggested") {
  check_error("kafak-topics.sh --list", 1, "kafak",
              "unknown command 'kafak-topics.sh' (did you mean 'kafka-topics.sh'?)");
  check_error("say hi\n  wiat 5s", 2, "wiat", "unknown command 'wiat' (did you mean 'wait'?)");
  check_error("bin/kafka-topic.sh --list", 1, "bin",
              "unknown command 'bin/kafka-topic.sh' (did you mean 'kafka-topics.sh'?)");
  check_error("frobnicate the cluster", 1, "frobnicate", "unknown command 'frobnicate'");
  check_error("'say' hi", 1, "'say'", "expected a command, got 'say'");
}

TEST_CASE("errors: the whole message shows the line and a caret under the word") {
  const ScriptError error = script_error("brokers 3\nkill -9 broker 7\n");
  CHECK(std::string(error.what()) ==
        "t.ksim:2:16: error: broker 7 does not exist: the cluster has 3 brokers (ids 0 to 2)\n"
        "    kill -9 broker 7\n"
        "                   ^");
  const ScriptError config = script_error("broker-config min.insync.replica=2\n");
  CHECK(std::string(config.what()) ==
        "t.ksim:1:15: error: unknown broker config 'min.insync.replica' (did you mean "
        "'min.insync.replicas'?)\n"
        "    broker-config min.insync.replica=2\n"
        "                  ^~~~~~~~~~~~~~~~~~");
}

TEST_CASE("errors: unknown and misspelt tool options") {
  check_error("kafka-console-consumer.sh --topic t --max-message 2", 1, "--max-message",
              "unknown option '--max-message' for kafka-console-consumer.sh (did you mean "
              "'--max-messages'?)");
  check_error("kafka-topics.sh --list --bogus", 1, "--bogus",
              "unknown option '--bogus' for kafka-topics.sh");
  check_error("kafka-topics.sh --describe --topic=t --partitons=3", 1, "--partitons",
              "unknown option '--partitons' for kafka-topics.sh (did you mean '--partitions'?)");
  check_error("kafka-topics.sh --list extra", 1, "extra",
              "unexpected 'extra': kafka-topics.sh takes options (--name or --name value)");
  check_error("kafka-topics.sh --list=yes", 1, "yes",
              "option '--list' of kafka-topics.sh takes no value");
  check_error("kafka-topics.sh --create --topic a --topic b", 1, "--topic b",
              "option '--topic' is given twice (first at t.ksim:1:26)");
  check_error("kafka-topics.sh --create --topic t | grep x", 1, "|",
              "pipes ('|') are not modelled");
  check_error("kafka-console-producer.sh --topic t --property ignore.error=true", 1, "ignore",
              "unknown property 'ignore.error' for kafka-console-producer.sh (ksim models "
              "parse.key and key.separator)");
  check_error("kafka-console-consumer.sh --topic t --max-messages 1 --property print.keys=true", 1,
              "print.keys",
              "unknown property 'print.keys' for kafka-console-consumer.sh (ksim models "
              "print.key, print.partition, print.offset and key.separator) (did you mean "
              "'print.key'?)");
}

TEST_CASE("errors: missing option values") {
  check_error("kafka-topics.sh --create --topic", 1, "--topic",
              "missing value for option '--topic' of kafka-topics.sh (expected a topic name)");
  check_error("kafka-topics.sh --create --partitions --topic t", 1, "--partitions",
              "missing value for option '--partitions' of kafka-topics.sh (expected a number of "
              "partitions)");
  check_error("kafka-producer-perf-test.sh --topic t --num-records 5 --producer-props", 1,
              "--producer-props",
              "missing value for option '--producer-props' of kafka-producer-perf-test.sh "
              "(expected NAME=VALUE ...)");
  check_error("kafka-topics.sh --create --topic t --config retention.ms", 1, "retention",
              "expected NAME=VALUE for '--config', got 'retention.ms'");
}

TEST_CASE("errors: bad numbers") {
  check_error("kafka-topics.sh --create --topic t --partitions three", 1, "three",
              "expected a number for '--partitions', got 'three'");
  check_error("kafka-topics.sh --create --topic t --replication-factor 99999999999", 1, "9999",
              "expected a number for '--replication-factor', got 99999999999: it must be from "
              "-2147483648 to 2147483647");
  check_error("kafka-console-consumer.sh --topic t --max-messages 0", 1, "0",
              "expected a number for '--max-messages', got 0: it must be at least 1");
  check_error("seed -1", 1, "-1",
              "expected a seed (a number from 0 to 18446744073709551615), got '-1'");
  check_error("brokers 0", 1, "0", "expected a number of brokers, got 0: it must be from 1 to 100");
  check_error("kafka-producer-perf-test.sh --topic t --num-records 5 --throughput 0", 1, "0",
              "a throughput of 0 would never send (use -1 for as fast as possible)");
}

TEST_CASE("errors: bad durations") {
  check_error("wait 5", 1, "5",
              "bad duration '5': a duration needs a unit: us, ms, s, m or h (as in 250us, 15ms, "
              "3s, 2m, 1h)");
  check_error("wait 10d", 1, "10d",
              "bad duration '10d': unknown unit 'd' (expected us, ms, s, m or h)");
  check_error("wait until leader t-0 == 1 within 1.5us", 1, "1.5us",
              "bad duration '1.5us': not a whole number of microseconds");
  check_error(
      "slow link broker 0 broker 1 fast", 1, "fast",
      "bad duration 'fast': expected a number with a unit: 250us, 15ms, 3s, 2m, 1h or 1.5s");
  check_error(
      "at soon: say x", 1, "soon",
      "bad duration 'soon': expected a number with a unit: 250us, 15ms, 3s, 2m, 1h or 1.5s");
}

TEST_CASE("errors: bad partitions") {
  check_error("kill -9 leader t0", 1, "t0",
              "bad partition 't0': expected TOPIC-PARTITION as Kafka prints it (my-topic-0)");
  check_error("expect isr topic-x == [1]", 1, "topic-x",
              "bad partition 'topic-x': expected TOPIC-PARTITION as Kafka prints it (my-topic-0)");
}

TEST_CASE("errors: setup lines after the first command that runs") {
  check_error("brokers 3\nsay hi\n\nbrokers 5", 4, "brokers",
              "'brokers' is a setup line: it must come before the first command that runs "
              "(line 2)");
  check_error("at 1s: seed 2", 1, "seed", "'seed' is a setup line: it cannot run at a time");
  check_error("seed 1\nseed 2", 2, "seed", "a second 'seed' line (the first is on line 1)");
  check_error("protocol 2.5", 1, "2.5", "unknown protocol '2.5' (expected 0.10, 0.11, 2.0 or 3.7)");
  check_error("description one two", 1, "two",
              "the description must be one quoted string (description \"...\")");
}

TEST_CASE("errors: at times going backwards") {
  check_error("at 20s\nsay x\nat 10s", 3, "10s",
              "at 10s goes back in time: the 'at 20s' on line 1 is later");
  check_error("at 1m: say x\nat 59s: say y", 2, "59s",
              "at 59s goes back in time: the 'at 1m' on line 1 is later");
  CHECK(script_steps("at 5s\nat 5s\nat 6s").size() == 3);
  check_error("at 5s kill -9 broker 1", 1, "kill",
              "expected ':' after the time (at 20s: COMMAND), got 'kill'");
  check_error_at("at 5s:", 1, 7, "expected a command after ':' (at 20s: COMMAND)");
  check_error("at 5s: at 6s", 1, "at 6s", "'at' cannot follow 'at T:'");
}

TEST_CASE("errors: a console consumer in the foreground needs a way to end") {
  check_error("kafka-console-consumer.sh --topic t --from-beginning", 1, "kafka",
              "a console consumer in the foreground needs --max-messages or --timeout-ms (a real "
              "one would wait forever); or run it in the background with '&'");
}

TEST_CASE("errors: '>' lines need a console producer just above") {
  check_error("> hello", 1, ">",
              "'>' lines are the standard input of a kafka-console-producer.sh command just above "
              "them, and there is none");
  check_error("kafka-console-producer.sh --topic t\nsay x\n  > hello", 3, ">",
              "'>' lines are the standard input of a kafka-console-producer.sh command just above "
              "them, and there is none");
}

TEST_CASE("errors: broker configs, by name and by value") {
  check_error("broker-config min.insync.replica=2", 1, "min",
              "unknown broker config 'min.insync.replica' (did you mean 'min.insync.replicas'?)");
  check_error("broker-config min.insync.replicas=zero", 1, "zero",
              "Invalid value zero for configuration min.insync.replicas: Not a number of type INT");
  check_error("broker-config unclean.leader.election.enable=yes", 1, "yes",
              "Invalid value yes for configuration unclean.leader.election.enable: Expected value "
              "to be either true or false");
  check_error("broker-config min.insync.replicas 2", 1, "min",
              "expected a broker id or NAME=VALUE, got 'min.insync.replicas'");
  check_error_at("broker-config 1", 1, 16,
                 "expected NAME=VALUE (broker-config min.insync.replicas=2) after '1'");
  check_error("broker-config 1 replicas", 1, "replicas",
              "expected NAME=VALUE (broker-config min.insync.replicas=2), got 'replicas'");
  const ScriptError together =
      script_error("broker-config replica.fetch.wait.max.ms=20000\nprotocol 2.0\nsay x\n");
  CHECK(together.location().to_string() == "t.ksim:1");
  CHECK(together.message() ==
        "replica.fetch.wait.max.ms should always be less than or equal to "
        "replica.lag.time.max.ms to prevent frequent changes in ISR (the brokers' settings)");
}

TEST_CASE("errors: broker ids out of range") {
  check_error("kill -9 broker 3", 1, "3",
              "broker 3 does not exist: the cluster has 3 brokers (ids 0 to 2)");
  check_error("brokers 1\nstart broker 1", 2, "1",
              "broker 1 does not exist: the cluster has 1 broker (id 0)");
  check_error("broker-config 5 min.insync.replicas=2\nbrokers 5\nsay x", 1, "5",
              "broker 5 does not exist: the cluster has 5 brokers (ids 0 to 4)");
  check_error("broker-config 3 min.insync.replicas=2", 1, "3",
              "broker 3 does not exist: the cluster has 3 brokers (ids 0 to 2)");
  check_error("expect leader t-0 == 5", 1, "5",
              "broker 5 does not exist: the cluster has 3 brokers (ids 0 to 2)");
  check_error("expect isr t-0 == [0,7]", 1, "[0,7]",
              "broker 7 does not exist: the cluster has 3 brokers (ids 0 to 2)");
  check_error("expect hw t-0 on broker -1 == 0", 1, "-1",
              "broker -1 does not exist: the cluster has 3 brokers (ids 0 to 2)");
  check_error("split broker 0 | broker 9", 1, "9",
              "broker 9 does not exist: the cluster has 3 brokers (ids 0 to 2)");
}

TEST_CASE("errors: kafka-topics.sh needs exactly one action, and --topic to change one") {
  check_error("kafka-topics.sh --topic t", 1, "kafka",
              "kafka-topics.sh needs exactly one action: --list, --describe, --create, --alter "
              "or --delete");
  check_error("kafka-topics.sh --create --describe --topic t", 1, "--describe",
              "kafka-topics.sh takes exactly one action: --list, --describe, --create, --alter or "
              "--delete (got --create and --describe)");
  check_error("kafka-topics.sh --create --partitions 1", 1, "--create",
              "kafka-topics.sh --create needs --topic");
  check_error("kafka-topics.sh --delete", 1, "--delete", "kafka-topics.sh --delete needs --topic");
  check_error("kafka-topics.sh --list --bootstrap-server b:9092 --zookeeper z:2181", 1,
              "--zookeeper", "kafka-topics.sh takes --bootstrap-server or --zookeeper, not both");
}

TEST_CASE("errors: other tools' required options and rules") {
  check_error("kafka-console-producer.sh --bootstrap-server localhost:9092", 1, "kafka",
              "kafka-console-producer.sh needs --topic");
  check_error("kafka-console-producer.sh --topic t --request-required-acks 2", 1, "2",
              "expected -1, 0, 1 or all for '--request-required-acks', got '2'");
  check_error("kafka-console-consumer.sh --topic t --offset 3 --max-messages 1", 1, "--offset",
              "The partition is required when offset is specified.");
  check_error("kafka-console-consumer.sh --topic t --partition 0 --offset -3 --max-messages 1", 1,
              "-3",
              "The provided offset value is incorrect. Valid values are 'earliest', 'latest', or "
              "a non-negative long.");
  check_error("kafka-console-consumer.sh --topic t --group g --partition 0 --max-messages 1", 1,
              "--partition", "Options group and partition cannot be specified together.");
  check_error("kafka-consumer-groups.sh --describe", 1, "--describe", "--describe needs --group G");
  check_error("kafka-consumer-groups.sh --bootstrap-server b:9092", 1, "kafka",
              "kafka-consumer-groups.sh needs exactly one action: --list or --describe --group G");
  check_error("kafka-producer-perf-test.sh --topic t", 1, "kafka",
              "kafka-producer-perf-test.sh needs --num-records");
  check_error("kafka-reassign-partitions.sh --execute --reassignment-json-file plan.json", 1,
              "plan.json", "no file 'plan.json' was written with echo before this line");
  check_error(
      "echo '{}' > plan.json\nkafka-reassign-partitions.sh --verify "
      "--reassignment-json-file plan.jsn",
      2, "plan.jsn",
      "no file 'plan.jsn' was written with echo before this line (did you mean "
      "'plan.json'?)");
  check_error("kafka-leader-election.sh --topic t --partition 0", 1, "kafka",
              "kafka-leader-election.sh needs --election-type preferred or unclean");
  check_error("kafka-leader-election.sh --election-type best --all-topic-partitions", 1, "best",
              "expected preferred or unclean for '--election-type', got 'best'");
  check_error("kafka-leader-election.sh --election-type preferred --topic t", 1, "--topic",
              "--topic needs --partition N");
  check_error("zookeeper-shell.sh ls /brokers", 1, "ls",
              "expected the ZooKeeper address first, got 'ls' (zookeeper-shell.sh localhost:2181 "
              "ls /brokers/ids)");
  check_error("zookeeper-shell.sh localhost:2181 delete /controller", 1, "delete",
              "zookeeper-shell.sh: ksim models ls, get and stat, not 'delete'");
  check_error_at("zookeeper-shell.sh localhost:2181 stat -s /controller", 1, 40,
                 "zookeeper-shell.sh: unknown flag '-s' for stat (stat takes -w)");
  check_error_at("echo hello", 1, 11, "expected '> FILE' (echo 'TEXT' > FILE) after 'hello'");
  check_error("echo hello >> f", 1, ">>", "'>>' (appending) is not modelled: echo 'TEXT' > FILE");
}

TEST_CASE("errors: '&' only on the tools that can run in the background") {
  check_error("kafka-topics.sh --list &", 1, "kafka",
              "kafka-topics.sh cannot run in the background: only kafka-console-producer.sh, "
              "kafka-console-consumer.sh and kafka-producer-perf-test.sh can ('&')");
  check_error("wait 5s &", 1, "&",
              "only a tool command can run in the background ('&'): kafka-console-producer.sh, "
              "kafka-console-consumer.sh or kafka-producer-perf-test.sh");
  check_error("brokers 3 &", 1, "&", "only a tool command can run in the background ('&')");
  check_error("kafka-console-consumer.sh --topic t & --group g", 1, "&",
              "'&' runs a command in the background: it must end the line");
}

TEST_CASE("errors: job names are unique") {
  check_error(
      "kafka-console-consumer.sh --topic t --consumer-property client.id=c1 &\n"
      "kafka-producer-perf-test.sh --topic t --num-records 1 --producer-props "
      "client.id=c1 &",
      2, "c1 &", "a job named 'c1' was already started on line 1: give this one another client.id");
  check_error(
      "kafka-console-producer.sh --topic t --producer-property client.id=producer-1 &\n"
      "kafka-producer-perf-test.sh --topic t --num-records 1 &",
      2, "kafka",
      "this job would be named 'producer-1' (it has no client.id), but the job started on "
      "line 1 has that name: give it a client.id");
}

TEST_CASE("errors: stop and kill -9 client name jobs started earlier") {
  check_error("stop c1", 1, "c1",
              "no job named 'c1' was started before this line (a tool command ending in '&' "
              "starts one)");
  check_error("stop c1\nkafka-console-consumer.sh --topic t --consumer-property client.id=c1 &", 1,
              "c1",
              "no job named 'c1' was started before this line (a tool command ending in '&' "
              "starts one)");
  check_error(
      "kafka-console-consumer.sh --topic t --consumer-property client.id=c1 &\n"
      "kill -9 client c2",
      2, "c2", "no job named 'c2' was started before this line (did you mean 'c1'?)");
  check_error("stop broker 1", 1, "broker",
              "stop closes a client job (stop NAME); a broker stops with shutdown broker N, kill "
              "-9 broker N or power-off broker N");
  check_error("kill broker 1", 1, "broker",
              "expected -9 (kill -9 TARGET): ksim's kill is SIGKILL; for a controlled shutdown "
              "(SIGTERM) write shutdown TARGET");
}

TEST_CASE("errors: unterminated quotes") {
  check_error("say \"hello", 1, "\"", "unterminated quote: this \" is never closed on its line");
  check_error("echo 'abc > f", 1, "'", "unterminated quote: this ' is never closed on its line");
  check_error("say \"a\\\"", 1, "\"", "unterminated quote: this \" is never closed on its line");
}

TEST_CASE("errors: fault lines") {
  check_error("kill -9 node 1", 1, "node",
              "expected a target: broker N, leader T-P or controller, got 'node'");
  check_error("isolate brokers", 1, "brokers",
              "expected a node: broker N, leader T-P, controller, zookeeper or client NAME, got "
              "'brokers'");
  check_error_at("isolate broker 1 from", 1, 22,
                 "expected what to cut it from: brokers, zookeeper, clients, broker N, ...");
  check_error("split broker 0, broker 1", 1, "split",
              "split needs two or more sides separated by '|' (split broker 0, broker 1 | broker "
              "2, zookeeper)");
  check_error("split | broker 0", 1, "|",
              "expected a node before '|' (split broker 0, broker 1 | broker 2, zookeeper)");
  check_error_at("split broker 0 | zookeeper, broker 0", 1, 29,
                 "broker 0 is on two sides of the split");
  check_error_at("split broker 0, zookeeper, broker 0 | broker 1", 1, 28,
                 "broker 0 is named twice");
  check_error("slow link broker 1 broker 1 5ms", 1, "1 5ms", "a link joins two different nodes");
  check_error("kafka-leader-election.sh --election-type unclean --all-topic-partitions", 1,
              "unclean",
              "ksim does not model --election-type unclean; set "
              "unclean.leader.election.enable=true instead (broker-config, or the topic's "
              "--config), and the controller elects an out-of-sync replica by itself");
  check_error("slow disk broker 1 50ms", 1, "50ms",
              "expected how many times slower, like 10x or 2.5x (1x to 10000x), got '50ms'");
  check_error("slow disk broker 1 0.5x", 1, "0.5x",
              "expected how many times slower, like 10x or 2.5x (1x to 10000x), got '0.5x'");
  check_error("slow network 5ms", 1, "network",
              "expected link or disk after 'slow', got 'network'");
  check_error("heal broker 1", 1, "broker",
              "unexpected 'broker': heal takes nothing (every network fault) or disk broker N");
  check_error("fill broker 1", 1, "broker", "expected 'disk', got 'broker' (fill disk broker N)");
  check_error("start leader t-0", 1, "leader",
              "expected 'broker', got 'leader' (start broker N: a stopped broker, by id)");
  check_error("kill -9 broker 1 now", 1, "now", "unexpected 'now' after 'kill -9 broker 1'");
  check_error("wait 5s now", 1, "now", "unexpected 'now' after 'wait 5s'");
}

TEST_CASE("errors: conditions with bad operators") {
  check_error("expect leader t-0 = 1", 1, "= 1", "expected == or != after 'leader t-0', got '='");
  check_error("expect hw t-0 => 1", 1, "=>",
              "expected ==, !=, <, <=, > or >= after 'hw t-0', got '=>'");
  check_error("expect isr t-0 > [1]", 1, ">",
              "expected ==, !=, contains or excludes after 'isr t-0', got '>'");
  check_error("wait until replicas t-0 contains 1", 1, "contains",
              "expected == or != after 'replicas t-0', got 'contains'");
  check_error("expect output != \"x\"", 1, "!=",
              "expected contains or == after 'output', got '!='");
  check_error("expect broker 1 < up", 1, "<", "expected == or != after 'broker 1', got '<'");
  check_error("expect leo t-0 on broker 1 =< 3", 1, "=<",
              "expected ==, !=, <, <=, > or >= after 'leo t-0 on broker 1', got '=<'");
  check_error_at("expect controller", 1, 18,
                 "expected == or != after 'controller'");
}

TEST_CASE("errors: conditions with bad values") {
  check_error_at("expect leader t-0 == leader", 1, 22,
                 "expected a broker id or none, got 'leader'");
  check_error("expect broker 1 == sleeping", 1, "sleeping",
              "expected up, down or paused, got 'sleeping'");
  check_error("expect isr t-0 == 2,0", 1, "2,0",
              "expected a list of broker ids like [2,0], got '2,0'");
  check_error("expect isr t-0 == [1,x]", 1, "[1,x]",
              "expected a list of broker ids like [2,0], got '[1,x]'");
  check_error("expect isr t-0 == [1, 1]", 1, "[1,", "broker 1 is in the list twice");
  check_error("expect hw t-0 == -1", 1, "-1", "expected a number, got -1: it must not be negative");
  check_error("expect lost == many", 1, "many", "expected a number, got 'many'");
  check_error("expect leadr t-0 == 1", 1, "leadr",
              "unknown condition 'leadr' (did you mean 'leader'?)");
  check_error("expect \"leader\" t-0 == 1", 1, "\"leader\"",
              "expected a condition, got the text 'leader'");
  check_error("expect output contains my text", 1, "text",
              "the text must be one quoted string (output contains \"text\")");
  check_error("expect lost acks=2 == 0", 1, "acks=2",
              "expected acks=0, acks=1 or acks=all, got 'acks=2'");
  check_error("expect consumed c9 == 1", 1, "c9",
              "no consumer job named 'c9' was started before this line");
  check_error("expect lag == 1", 1, "==",
              "expected a consumer group before '==' (lag GROUP [T-P] OP N)");
  check_error_at("expect leader t-0 ==", 1, 21, "expected a broker id or none after '=='");
  check_error_at("expect", 1, 7,
                 "expected a condition (leader T-P == 1, isr T-P == [2,0], output contains "
                 "\"...\", ...) after 'expect'");
  check_error_at("wait until", 1, 11,
                 "expected a condition after 'until' (wait until leader t-0 != 1 within 30s)");
  check_error_at("wait until leader t-0 == 1 within", 1, 34,
                 "expected a duration after 'within' (within 30s)");
  check_error("expect leader t-0 == 1 2", 1, "2", "unexpected '2' after 'leader t-0 == 1'");
  check_error("expect hw t-0 on 1 == 2", 1, "1 ==",
              "expected 'broker', got '1' (hw T-P on broker N)");
}

TEST_CASE("errors: a continued command's error points into the line where the word is") {
  const ScriptError error = script_error("kafka-topics.sh --create \\\n    --topik t\n");
  CHECK(std::string(error.what()) ==
        "t.ksim:2:5: error: unknown option '--topik' for kafka-topics.sh (did you mean "
        "'--topic'?)\n"
        "        --topik t\n"
        "        ^~~~~~~");
}

TEST_CASE("errors: nothing runs half-parsed: an error on the last line fails the whole script") {
  check_error("brokers 3\nsay one\nkill -9 broker 1\nwait 5s\nsay \"unterminated", 5, "\"",
              "unterminated quote: this \" is never closed on its line");
}
