// ConsumerConfig: Kafka's names and defaults, and clear errors for bad values.
#include <catch2/catch.hpp>

#include "core/client/kafka_consumer_config.h"

namespace ksim::client {
namespace {

TEST_CASE("the defaults are Kafka 3.x's", "[consumer][config]") {
  const auto config = ConsumerConfig::parse({{"group.id", "g"}});
  CHECK(config.group_id == "g");
  CHECK(config.auto_offset_reset == OffsetResetStrategy::latest);
  CHECK(config.enable_auto_commit);
  CHECK(config.auto_commit_interval_ms == 5000);
  CHECK(config.session_timeout_ms == 45000);
  CHECK(config.heartbeat_interval_ms == 3000);
  CHECK(config.max_poll_interval_ms == 300000);
  CHECK(config.partition_assignment_strategy == std::vector<AssignorKind>{AssignorKind::range});
  CHECK(config.fetch_min_bytes == 1);
  CHECK(config.fetch_max_bytes == 52428800);
  CHECK(config.fetch_max_wait_ms == 500);
  CHECK(config.max_partition_fetch_bytes == 1048576);
  CHECK(config.max_poll_records == 500);
  CHECK(config.request_timeout_ms == 30000);
  CHECK(config.retry_backoff_ms == 100);
  CHECK(config.metadata_max_age_ms == 300000);
  CHECK(config.isolation_level == protocol::IsolationLevel::read_uncommitted);
  CHECK(config.client_id.empty());
}

TEST_CASE("every setting parses from its Kafka name", "[consumer][config]") {
  const auto config = ConsumerConfig::parse({
      {"bootstrap.servers", "broker1:9092, broker2:9092"},
      {"client.id", "console-consumer"},
      {"group.id", "readers"},
      {"auto.offset.reset", "earliest"},
      {"enable.auto.commit", "FALSE"},
      {"auto.commit.interval.ms", "1000"},
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "1000"},
      {"max.poll.interval.ms", "60000"},
      {"partition.assignment.strategy",
       "org.apache.kafka.clients.consumer.RoundRobinAssignor,range"},
      {"fetch.min.bytes", "10"},
      {"fetch.max.bytes", "1000"},
      {"fetch.max.wait.ms", "100"},
      {"max.partition.fetch.bytes", "500"},
      {"max.poll.records", "7"},
      {"request.timeout.ms", "20000"},
      {"isolation.level", "read_committed"},
      {"key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"},
  });
  CHECK(config.bootstrap_servers == std::vector<std::string>{"broker1:9092", "broker2:9092"});
  CHECK(config.client_id == "console-consumer");
  CHECK(config.auto_offset_reset == OffsetResetStrategy::earliest);
  CHECK_FALSE(config.enable_auto_commit);
  CHECK(config.auto_commit_interval_ms == 1000);
  CHECK(config.session_timeout_ms == 10000);
  CHECK(config.heartbeat_interval_ms == 1000);
  CHECK(config.max_poll_interval_ms == 60000);
  CHECK(config.partition_assignment_strategy ==
        std::vector<AssignorKind>{AssignorKind::roundrobin, AssignorKind::range});
  CHECK(config.fetch_min_bytes == 10);
  CHECK(config.fetch_max_bytes == 1000);
  CHECK(config.fetch_max_wait_ms == 100);
  CHECK(config.max_partition_fetch_bytes == 500);
  CHECK(config.max_poll_records == 7);
  CHECK(config.request_timeout_ms == 20000);
  CHECK(config.isolation_level == protocol::IsolationLevel::read_committed);
}

TEST_CASE("bad values are refused in Kafka's words", "[consumer][config]") {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"auto.offset.reset", "smallest"}}),
                    "Invalid value smallest for configuration auto.offset.reset: String must be "
                    "one of: latest, earliest, none");
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"max.poll.records", "abc"}}),
                    "Invalid value abc for configuration max.poll.records: Not a number of type "
                    "INT");
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"max.poll.records", "0"}}),
                    "Invalid value 0 for configuration max.poll.records: Value must be at least 1");
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"group.id", "g"}, {"enable.auto.commit", "yes"}}),
                    "Invalid value yes for configuration enable.auto.commit: Expected value to be "
                    "either true or false");
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"fetch.max.byte", "1"}}),
                    "Unknown consumer configuration fetch.max.byte");
  CHECK_THROWS_WITH(
      ConsumerConfig::parse(Pairs{{"partition.assignment.strategy", "cooperative-sticky"}}),
      Catch::StartsWith("Invalid value cooperative-sticky for configuration "
                        "partition.assignment.strategy: ksim models only eager rebalancing"));
  CHECK_THROWS_WITH(
      ConsumerConfig::parse(Pairs{{"partition.assignment.strategy", "com.example.Mine"}}),
      "Invalid value com.example.Mine for configuration partition.assignment.strategy: Class "
      "com.example.Mine cannot be found");
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"session.timeout.ms", "3000"}}),
                    "Heartbeat must be set lower than the session timeout");
  CHECK_THROWS_WITH(ConsumerConfig::parse(Pairs{{"enable.auto.commit", "true"}}),
                    "enable.auto.commit cannot be set to true when default group id (null) is "
                    "used.");
}

TEST_CASE("without a group.id auto-commit is off unless asked for", "[consumer][config]") {
  CHECK_FALSE(ConsumerConfig::parse({}).enable_auto_commit);
  CHECK_FALSE(ConsumerConfig::parse({{"enable.auto.commit", "false"}}).enable_auto_commit);
}

}  // namespace
}  // namespace ksim::client
