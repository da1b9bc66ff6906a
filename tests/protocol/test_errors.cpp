// Kafka's error codes keep their numbers and names: they appear in transcripts and traces.
#include <catch2/catch.hpp>

#include "core/protocol/errors.h"

using namespace ksim::protocol;

TEST_CASE("error codes carry Kafka's numbers and names", "[protocol]") {
  CHECK(static_cast<int>(Error::NOT_LEADER_OR_FOLLOWER) == 6);
  CHECK(static_cast<int>(Error::REQUEST_TIMED_OUT) == 7);
  CHECK(static_cast<int>(Error::NOT_ENOUGH_REPLICAS) == 19);
  CHECK(static_cast<int>(Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND) == 20);
  CHECK(static_cast<int>(Error::FENCED_LEADER_EPOCH) == 74);
  CHECK(static_cast<int>(Error::UNKNOWN_LEADER_EPOCH) == 75);
  CHECK(error_name(Error::NOT_ENOUGH_REPLICAS) == "NOT_ENOUGH_REPLICAS");
  CHECK(error_name(Error::NONE) == "NONE");
  CHECK(static_cast<int>(Error::ELIGIBLE_LEADERS_NOT_AVAILABLE) == 83);
  CHECK(error_name(Error::ELIGIBLE_LEADERS_NOT_AVAILABLE) == "ELIGIBLE_LEADERS_NOT_AVAILABLE");
  CHECK(error_name(static_cast<Error>(999)) == "UNKNOWN_SERVER_ERROR");
}

TEST_CASE("retriable errors are Kafka's RetriableExceptions", "[protocol]") {
  CHECK(is_retriable(Error::NOT_LEADER_OR_FOLLOWER));
  CHECK(is_retriable(Error::NOT_ENOUGH_REPLICAS));
  CHECK(is_retriable(Error::NOT_ENOUGH_REPLICAS_AFTER_APPEND));
  CHECK_FALSE(is_retriable(Error::MESSAGE_TOO_LARGE));
  CHECK_FALSE(is_retriable(Error::INVALID_REQUIRED_ACKS));
  CHECK_FALSE(is_retriable(Error::NONE));
}
