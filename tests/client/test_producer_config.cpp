#include <catch2/catch.hpp>

#include "core/client/producer_config.h"

using namespace ksim::client;
using Catch::Matchers::Equals;

TEST_CASE("ProducerConfig has Kafka's defaults", "[client][config]") {
  const ProducerConfig config = parse_producer_config({});
  CHECK(config.acks == -1);
  CHECK(config.batch_size == 16384);
  CHECK(config.linger_ms == 5);
  CHECK(config.retries == 2147483647);
  CHECK(config.retry_backoff_ms == 100);
  CHECK(config.request_timeout_ms == 30000);
  CHECK(config.effective_delivery_timeout_ms() == 120000);
  CHECK(config.max_in_flight_requests_per_connection == 5);
  CHECK(config.idempotence_enabled());
  CHECK(config.metadata_max_age_ms == 300000);
  CHECK(config.max_request_size == 1048576);
  CHECK(config.max_block_ms == 60000);
  CHECK(config.client_id.empty());
}

TEST_CASE("ProducerConfig parses Kafka's names and spellings", "[client][config]") {
  const ProducerConfig config =
      parse_producer_config({{"acks", "1"},
                             {"batch.size", "32768"},
                             {"linger.ms", "20"},
                             {"retries", "3"},
                             {"retry.backoff.ms", "250"},
                             {"request.timeout.ms", "1000"},
                             {"delivery.timeout.ms", "5000"},
                             {"max.in.flight.requests.per.connection", "1"},
                             {"metadata.max.age.ms", "60000"},
                             {"max.request.size", "2048"},
                             {"client.id", "producer-1"}});
  CHECK(config.acks == 1);
  CHECK(config.batch_size == 32768);
  CHECK(config.linger_ms == 20);
  CHECK(config.retries == 3);
  CHECK(config.retry_backoff_ms == 250);
  CHECK(config.request_timeout_ms == 1000);
  CHECK(config.effective_delivery_timeout_ms() == 5000);
  CHECK(config.max_in_flight_requests_per_connection == 1);
  CHECK(config.metadata_max_age_ms == 60000);
  CHECK(config.max_request_size == 2048);
  CHECK(config.client_id == "producer-1");
  // acks=1 without an explicit enable.idempotence quietly turns idempotence off.
  CHECK_FALSE(config.idempotence_enabled());

  CHECK(parse_producer_config({{"acks", "all"}}).acks == -1);
  CHECK(parse_producer_config({{"acks", " ALL "}}).acks == -1);
  CHECK(parse_producer_config({{"acks", "-1"}}).acks == -1);
  CHECK(parse_producer_config({{"acks", "0"}}).acks == 0);
  CHECK_FALSE(parse_producer_config({{"retries", "0"}}).idempotence_enabled());
  CHECK_FALSE(parse_producer_config({{"enable.idempotence", "false"}}).idempotence_enabled());
  CHECK(parse_producer_config({{"enable.idempotence", "TRUE"}}).idempotence_enabled());
  // Later pairs override earlier ones.
  CHECK(parse_producer_config({{"linger.ms", "1"}, {"linger.ms", "7"}}).linger_ms == 7);
}

TEST_CASE("ProducerConfig rejects bad values in Kafka's words", "[client][config]") {
  CHECK_THROWS_WITH(
      parse_producer_config({{"batch.size", "abc"}}),
      Equals("Invalid value abc for configuration batch.size: Not a number of type INT"));
  CHECK_THROWS_WITH(
      parse_producer_config({{"linger.ms", "1.5"}}),
      Equals("Invalid value 1.5 for configuration linger.ms: Not a number of type LONG"));
  CHECK_THROWS_WITH(
      parse_producer_config({{"batch.size", "99999999999"}}),
      Equals("Invalid value 99999999999 for configuration batch.size: Not a number of type INT"));
  CHECK_THROWS_WITH(
      parse_producer_config({{"acks", "2"}}),
      Equals("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"));
  CHECK_THROWS_WITH(parse_producer_config({{"enable.idempotence", "yes"}}),
                    Equals("Invalid value yes for configuration enable.idempotence: Expected value "
                           "to be either true or false"));
  CHECK_THROWS_WITH(parse_producer_config({{"retries", "-1"}}),
                    Equals("Invalid value -1 for configuration retries: Value must be at least 0"));
  CHECK_THROWS_WITH(
      parse_producer_config({{"max.in.flight.requests.per.connection", "0"}, {"acks", "1"}}),
      Equals("Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must "
             "be at least 1"));
  CHECK_THROWS_WITH(parse_producer_config({{"bogus.name", "1"}}),
                    Equals("Unknown producer configuration: bogus.name"));
  CHECK_THROWS_AS(parse_producer_config({{"bogus.name", "1"}}), ConfigException);
}

TEST_CASE("ProducerConfig rejects idempotence that contradicts other settings",
          "[client][config]") {
  CHECK_THROWS_WITH(parse_producer_config({{"enable.idempotence", "true"}, {"acks", "1"}}),
                    Equals("Must set acks to all in order to use the idempotent producer. "
                           "Otherwise we cannot guarantee idempotence."));
  CHECK_THROWS_WITH(parse_producer_config({{"enable.idempotence", "true"}, {"retries", "0"}}),
                    Equals("Must set retries to non-zero when using the idempotent producer."));
  // Kafka 4.0: an error even when idempotence is on only by default.
  CHECK_THROWS_WITH(parse_producer_config({{"max.in.flight.requests.per.connection", "6"}}),
                    Equals("To use the idempotent producer, max.in.flight.requests.per.connection "
                           "must be set to at most 5. Current value is 6."));
  // Without idempotence, more in flight is allowed.
  CHECK(parse_producer_config(
            {{"enable.idempotence", "false"}, {"max.in.flight.requests.per.connection", "6"}})
            .max_in_flight_requests_per_connection == 6);
}

TEST_CASE("delivery.timeout.ms must cover linger.ms + request.timeout.ms", "[client][config]") {
  CHECK_THROWS_WITH(
      parse_producer_config({{"delivery.timeout.ms", "30000"}}),
      Equals(
          "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"));
  CHECK(parse_producer_config({{"delivery.timeout.ms", "30005"}}).effective_delivery_timeout_ms() ==
        30005);
  // The default is raised instead of refused.
  CHECK(parse_producer_config({{"request.timeout.ms", "200000"}}).effective_delivery_timeout_ms() ==
        200005);
}
