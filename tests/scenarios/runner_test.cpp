// The runner: scripts against the simulated cluster, with the transcript and the expectations
// they produce. The library's scenarios each run end to end in tests/cli (`ksim run NAME`).
#include <catch2/catch.hpp>

#include <sstream>

#include "scenarios/library.h"
#include "scenarios/parser.h"
#include "run_helpers.h"
#include "scenarios/runner.h"
#include "scenarios/runner_internal.h"
#include "sim/clients/client_history.h"

namespace ksim::scenarios {
namespace {

using testing::Run;
using testing::run_script;
using testing::transcript_text;

const std::string kTopic = R"(brokers 3
kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 --partitions 1 --topic t
wait until isr t-0 == [0,1,2] within 10s
)";

}  // namespace

TEST_CASE("the quickstart scenario runs and every expectation holds", "[scenarios][runner]") {
  const std::optional<LibraryScenario> quickstart = find_library_scenario("quickstart");
  REQUIRE(quickstart.has_value());
  ScenarioRunner runner(parse_script(quickstart->text, "quickstart.ksim"));
  runner.run();
  INFO(transcript_text(runner.transcript()));
  CHECK(runner.script_done());
  CHECK(runner.passed());
  CHECK(runner.expectations().size() == 7);
  const std::string text = transcript_text(runner.transcript());
  CHECK_THAT(text, Catch::Contains("$ kafka-topics.sh --describe --bootstrap-server localhost:9092 "
                                   "--topic my-replicated-topic\n"));
  CHECK_THAT(text, Catch::Contains("\tTopic: my-replicated-topic\tPartition: 0\tLeader: 2\t"
                                   "Replicas: 2,1,0\tIsr: 2,1,0\n"));
  CHECK_THAT(text, Catch::Contains("\tTopic: my-replicated-topic\tPartition: 0\tLeader: 1\t"
                                   "Replicas: 2,1,0\tIsr: 1,0\n"));
  CHECK_THAT(text, Catch::Contains("my test message 1\nmy test message 2\n"
                                   "Processed a total of 2 messages\n"));
  CHECK_THAT(text, Catch::Contains("all "));
}

TEST_CASE("a run is the same, line for line, for the same seed", "[scenarios][runner]") {
  const std::string script = kTopic + R"(kafka-producer-perf-test.sh --topic t --num-records 200 --throughput 100 --record-size 50 --producer-props acks=all
kill -9 leader t-0
wait 20s
kafka-topics.sh --describe --bootstrap-server localhost:9092 --topic t
)";
  const Run first = run_script(script);
  const Run second = run_script(script);
  CHECK(first.text == second.text);
  CHECK(first.runner->cluster().sim().digest().value() ==
        second.runner->cluster().sim().digest().value());
  const Run other_seed = run_script(script, 2);
  CHECK(other_seed.text != first.text);
}

TEST_CASE("a failed expectation names its line and what was observed", "[scenarios][runner]") {
  const Run run = run_script(kTopic + "expect leader t-0 == 0\nexpect isr t-0 contains 1\n");
  REQUIRE(run.runner->expectations().size() == 2);
  const ExpectationResult& failed = run.runner->expectations()[0];
  CHECK_FALSE(failed.passed);
  CHECK(failed.location.line == 4);
  CHECK(failed.condition == "leader t-0 == 0");
  CHECK(failed.observed == "2");
  CHECK(run.runner->expectations()[1].passed);
  CHECK_FALSE(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("FAILED   expect leader t-0 == 0 (observed 2"));
  CHECK_THAT(run.text, Catch::Contains("test.ksim:4: expectation failed: leader t-0 == 0 (observed 2)"));
}

TEST_CASE("wait until gives up at its limit, fails, and the script goes on", "[scenarios][runner]") {
  const Run run = run_script(kTopic + "wait until leader t-0 == none within 2s\nsay \"after\"\n");
  REQUIRE(run.runner->expectations().size() == 1);
  CHECK_FALSE(run.runner->expectations()[0].passed);
  CHECK(run.runner->expectations()[0].from_wait);
  CHECK_THAT(run.text, Catch::Contains("# after"));
  CHECK(run.runner->script_done());
}

TEST_CASE("a producer perf test in the background and a consumer group read every record",
          "[scenarios][runner]") {
  const Run run = run_script(kTopic + R"(kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --group g --from-beginning --consumer-property client.id=c1 &
kafka-producer-perf-test.sh --topic t --num-records 300 --throughput 100 --record-size 20 --producer-props acks=all client.id=p1 &
wait 10s
expect acknowledged == 300
expect consumed c1 == 300
expect lost == 0
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("[p1] 300 records sent, "));
  CHECK_THAT(run.text, Catch::Contains("[c1] 000000000299"));
}

TEST_CASE("a perf test ends when its last record has its outcome, not at its next 5 s report",
          "[scenarios][runner]") {
  // 200 records at 1,000 a second: sent in 0.2 s, and the foreground tool returns right after
  // the last acknowledgement (the `at 1s` would fail if the clock had passed it), with the rate
  // over that time.
  const Run run = run_script(kTopic + R"(kafka-producer-perf-test.sh --topic t --num-records 200 --throughput 1000 --record-size 100 --producer-props acks=all
at 1s
expect acknowledged == 200
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("200 records sent, 990.1 records/sec (0.09 MB/sec), "));
}

TEST_CASE("two perf tests send different values: the audit tells their records apart",
          "[scenarios][runner]") {
  // Each value is the record's number in the run, so the second test's first record is 20: the
  // same values in both would read as 20 duplicated records and lost ones.
  const Run run = run_script(kTopic + R"(kafka-producer-perf-test.sh --topic t --num-records 20 --throughput 10 --record-size 20 --producer-props acks=all client.id=p1
kafka-producer-perf-test.sh --topic t --num-records 20 --throughput 10 --record-size 20 --producer-props acks=all client.id=p2
kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --from-beginning --max-messages 40
expect acknowledged == 40
expect duplicated == 0
expect lost == 0
expect consumed == 40
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("000000000019xxxxxxxx\n000000000020xxxxxxxx\n"));
  CHECK_THAT(run.text, Catch::Contains("000000000039xxxxxxxx\nProcessed a total of 40 messages\n"));
}

TEST_CASE("lag needs a committed offset: a group that read but never committed has no lag of 0",
          "[scenarios][runner]") {
  const Run run = run_script(kTopic + R"(kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t
> one
> two
kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --group g --from-beginning --consumer-property client.id=c1 --consumer-property enable.auto.commit=false &
wait until consumed c1 == 2 within 30s
expect lag g == 0
expect lag g t-0 == 0
expect lag nobody == 0
)");
  INFO(run.text);
  const std::vector<ExpectationResult>& results = run.runner->expectations();
  REQUIRE(results.size() == 3);
  CHECK_FALSE(results[0].passed);
  CHECK(results[0].observed == "group g has committed no offset (LAG -)");
  CHECK_FALSE(results[1].passed);
  CHECK(results[1].observed == "group g has committed no offset for t-0 (LAG -)");
  CHECK_FALSE(results[2].passed);
  CHECK(results[2].observed == "no consumer of group nobody has run");
  // With the auto-commit (every 5 s) the same reads leave a lag of 0.
  const Run committed = run_script(kTopic + R"(kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t
> one
> two
kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --group g --from-beginning --consumer-property client.id=c1 &
wait until consumed c1 == 2 within 30s
wait 6s
expect lag g == 0
expect lag g t-0 == 0
)");
  INFO(committed.text);
  CHECK(committed.runner->passed());
}

TEST_CASE("kafka-reassign-partitions.sh prints what Kafka 3.7's tool prints", "[scenarios][runner]") {
  const Run run = run_script(R"(brokers 4
kafka-topics.sh --create --bootstrap-server localhost:9092 --replica-assignment 0:1 --topic m
wait until isr m-0 == [0,1] within 10s
echo '{"version":1,"partitions":[{"topic":"m","partition":0,"replicas":[2,3]}]}' > r.json
kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file r.json --execute
kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file r.json --verify
expect output == "Status of partition reassignment:\nReassignment of partition m-0 is still in progress.\n\n"
kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file r.json --execute
expect failed "Cannot execute because there is an existing partition assignment."
wait until replicas m-0 == [2,3] within 30s
wait 1s
kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file r.json --verify
expect output == "Status of partition reassignment:\nReassignment of partition m-0 is completed.\n\nClearing broker-level throttles on brokers 0,1,2,3\nClearing topic-level throttles on topic m\n"
echo '{"version":1,"partitions":[{"topic":"m","partition":0,"replicas":[1,3]}]}' > other.json
kafka-reassign-partitions.sh --bootstrap-server localhost:9092 --reassignment-json-file other.json --verify
expect output contains "There is no active reassignment of partition m-0, but replica set is 2,3 rather than 1,3.\n"
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text,
             Catch::Contains("Current partition replica assignment\n\n"
                             "{\"version\":1,\"partitions\":[{\"topic\":\"m\",\"partition\":0,"
                             "\"replicas\":[0,1],\"log_dirs\":[\"any\",\"any\"]}]}\n\n"
                             "Save this to use as the --reassignment-json-file option during "
                             "rollback\nSuccessfully started partition reassignment for m-0\n"));
}

TEST_CASE("an acks=0 perf test counts each record, its bytes and latency once it is sent",
          "[scenarios][runner]") {
  // Kafka's callback fires without an error when an acks=0 request leaves: the periodic lines
  // count those records as the final line does.
  const Run run = run_script(kTopic + R"(kafka-producer-perf-test.sh --topic t --num-records 200 --throughput 20 --record-size 100 --producer-props acks=0 client.id=p0 &
wait 12s
expect sent acks=0 == 200
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("[p0] 100 records sent, 20.0 records/sec (0.00 MB/sec), "
                                       "6.7 ms avg latency, 112.0 ms max latency.\n"));
  // The second window (from 5 s) has not run its 5 s when the last record leaves at 9.95 s:
  // Kafka prints no line for it, only the final one, over the 9.95 s the test took.
  CHECK_THAT(run.text, !Catch::Contains("5.0 ms avg latency, 5.0 ms max latency.\n"));
  CHECK_THAT(run.text, Catch::Contains("[p0] 200 records sent, 20.1 records/sec (0.00 MB/sec), "
                                       "5.86 ms avg latency, 112.00 ms max latency, 5 ms 50th"));
  CHECK_THAT(run.text, !Catch::Contains("[p0] 0 records sent"));
}

TEST_CASE("a console consumer's --timeout-ms runs from the last record it read",
          "[scenarios][runner]") {
  // ConsoleConsumer throws its TimeoutException when a poll returns nothing for --timeout-ms:
  // the run ends exactly 10 s after the second record was read (and no later).
  const Run run = run_script(kTopic + R"(kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t
> a
> b
kafka-console-consumer.sh --bootstrap-server localhost:9092 --from-beginning --topic t --timeout-ms 10000
expect consumed == 2
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  const sim::clients::ConsumerHistory& history = run.runner->cluster().consumer_history("console-consumer-1");
  REQUIRE(history.records.size() == 2);
  CHECK(run.runner->cluster().now() == history.records[1].consumed_at + sim::SimDuration::from_s(10));
  CHECK_THAT(run.text, Catch::Contains("org.apache.kafka.common.errors.TimeoutException\n"
                                       "Processed a total of 2 messages\n"));
}

TEST_CASE("the console producer waits --request-timeout-ms (1500) per attempt, 4 attempts",
          "[scenarios][runner]") {
  // ConsoleProducer's defaults: linger.ms 1000 (--timeout), retries 3
  // (--message-send-max-retries), request.timeout.ms 1500 (--request-timeout-ms). An acks=all
  // request to a leader whose followers are cut off is never answered in time.
  const Run run = run_script(kTopic + R"(isolate leader t-0 from brokers
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t --producer-property acks=all
> waits
expect acknowledged == 0
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  const sim::clients::ProducerHistory& history =
      run.runner->cluster().producer_history("console-producer-1");
  REQUIRE(history.records.size() == 1);
  REQUIRE(history.records[0].outcome.has_value());
  const client::SendOutcome& outcome = *history.records[0].outcome;
  CHECK(outcome.attempts == 4);
  // Its first metadata (104 ms), linger 1000 ms, then 4 attempts of 1500 ms with 3 backoffs of
  // 100 ms between them (with Kafka's producer defaults it would wait 30 s per attempt).
  CHECK(outcome.completion_time_ms - outcome.send_time_ms == 104 + 1000 + 4 * 1500 + 3 * 100);
}

TEST_CASE("errors print as Kafka's exception classes", "[scenarios][runner]") {
  const std::string prefix = "org.apache.kafka.common.errors.";
  CHECK(kafka_exception_class("NOT_ENOUGH_REPLICAS") == prefix + "NotEnoughReplicasException");
  CHECK(kafka_exception_class("NOT_LEADER_OR_FOLLOWER") == prefix + "NotLeaderOrFollowerException");
  CHECK(kafka_exception_class("REQUEST_TIMED_OUT") == prefix + "TimeoutException");
  // Not "NetworkExceptionException": the names Errors.java does not derive from the error's.
  CHECK(kafka_exception_class("NETWORK_EXCEPTION") == prefix + "NetworkException");
  CHECK(kafka_exception_class("KAFKA_STORAGE_ERROR") == prefix + "KafkaStorageException");
  CHECK(kafka_exception_class("MESSAGE_TOO_LARGE") == prefix + "RecordTooLargeException");
  CHECK(kafka_exception_class("OUT_OF_ORDER_SEQUENCE_NUMBER") ==
        prefix + "OutOfOrderSequenceException");
}

TEST_CASE("a console producer's refused records print Kafka's error, and `failed` sees it",
          "[scenarios][runner]") {
  const Run run = run_script(R"(brokers 3
broker-config min.insync.replicas=2
kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 --partitions 1 --topic t
wait until isr t-0 == [0,1,2] within 10s
kill -9 broker 0
kill -9 broker 1
wait until isr t-0 == [2] within 60s
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t --producer-property acks=all --producer-property delivery.timeout.ms=3000 --producer-property request.timeout.ms=1000
> refused
expect failed "NOT_ENOUGH_REPLICAS"
expect acknowledged == 0
)");
  INFO(run.text);
  CHECK(run.runner->passed());
  CHECK_THAT(run.text, Catch::Contains("ERROR Error when sending message to topic t with key: "
                                       "null, value: 7 bytes with error: "));
}

TEST_CASE("`at` runs at a time from the start, and a time already past fails",
          "[scenarios][runner]") {
  const Run run = run_script(kTopic + "at 30s\nexpect controller != none\nwait 20s\nat 40s\n");
  REQUIRE(run.runner->expectations().size() == 2);
  CHECK(run.runner->expectations()[0].passed);
  CHECK_FALSE(run.runner->expectations()[1].passed);
  CHECK(run.runner->cluster().now() >= sim::SimTime::zero() + sim::SimDuration::from_s(30));
}

}  // namespace ksim::scenarios
