// A foreground console consumer's --timeout-ms check belongs to its own step: once the
// consumer has ended (here by --max-messages), a check still pending must not end whatever step
// is blocked when it fires.
#include <catch2/catch.hpp>

#include "scenarios/parser.h"
#include "scenarios/runner.h"

namespace ksim::scenarios {

TEST_CASE("a finished console consumer's --timeout-ms does not end a later wait",
          "[scenarios][runner]") {
  ScenarioRunner runner(parse_script(R"(brokers 3
kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 --partitions 1 --topic t
wait until isr t-0 == [0,1,2] within 10s
kafka-console-producer.sh --bootstrap-server localhost:9092 --topic t
> one
kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic t --partition 0 --offset earliest --max-messages 1 --timeout-ms 2000
wait until leader t-0 == none within 20s
)",
                                     "test.ksim"));
  runner.run();
  REQUIRE(runner.expectations().size() == 1);
  const ExpectationResult& wait = runner.expectations()[0];
  CHECK(wait.location.line == 7);
  CHECK(wait.from_wait);
  CHECK_FALSE(wait.passed);
  CHECK(wait.observed == "2");
  std::string text;
  for (const TranscriptLine& line : runner.transcript().lines()) text += Transcript::format(line);
  CHECK_THAT(text, !Catch::Contains("leader t-0 == none after"));
}

}  // namespace ksim::scenarios
