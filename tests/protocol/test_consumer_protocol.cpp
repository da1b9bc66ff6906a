// The consumer protocol's embedded subscription and assignment, byte for byte as
// ConsumerProtocolSubscription.json / ConsumerProtocolAssignment.json lay them out.
#include <catch2/catch.hpp>

#include "core/protocol/consumer_protocol.h"
#include "core/protocol/errors.h"
#include "core/storage/errors.h"

using namespace ksim::protocol;
using ksim::storage::Bytes;
using ksim::storage::CorruptDataError;

TEST_CASE("subscription v0 is topics and user data", "[protocol][consumer_protocol]") {
  ConsumerProtocolSubscription s;
  s.version = 0;
  s.topics = {"t"};
  const Bytes expected = {0x00, 0x00,                     // version 0
                          0x00, 0x00, 0x00, 0x01,         // 1 topic
                          0x00, 0x01, 't',                // "t"
                          0xff, 0xff, 0xff, 0xff};        // user_data null
  CHECK(encode_subscription(s) == expected);
  CHECK(decode_subscription(expected) == s);
}

TEST_CASE("subscription v3 adds owned partitions, generation and rack", "[protocol][consumer_protocol]") {
  ConsumerProtocolSubscription s;
  s.topics = {"t"};
  s.owned_partitions = {{"t", {0}}};
  s.generation_id = 5;
  const Bytes expected = {0x00, 0x03,                                // version 3
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't',   // topics ["t"]
                          0xff, 0xff, 0xff, 0xff,                    // user_data null
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't',   // owned: topic "t"
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,  // [0]
                          0x00, 0x00, 0x00, 0x05,                    // generation 5
                          0xff, 0xff};                               // rack_id null
  CHECK(encode_subscription(s) == expected);
  CHECK(decode_subscription(expected) == s);
  s.rack_id = "r1";
  s.user_data = Bytes{0x07};
  CHECK(decode_subscription(encode_subscription(s)) == s);
}

TEST_CASE("assignment v3 is partitions per topic and user data", "[protocol][consumer_protocol]") {
  ConsumerProtocolAssignment a;
  a.assigned_partitions = {{"t", {0, 1}}};
  const Bytes expected = {0x00, 0x03,
                          0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't',
                          0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                          0xff, 0xff, 0xff, 0xff};
  CHECK(encode_assignment(a) == expected);
  CHECK(decode_assignment(expected) == a);
  CHECK(flatten(a.assigned_partitions) ==
        std::vector<ksim::storage::TopicPartition>{{"t", 0}, {"t", 1}});
  CHECK(group_by_topic({{"a", 2}, {"b", 0}, {"a", 0}}) ==
        std::vector<ConsumerProtocolTopicPartitions>{{"a", {2, 0}}, {"b", {0}}});
}

TEST_CASE("a newer subscription version is read up to the fields this one knows",
          "[protocol][consumer_protocol]") {
  ConsumerProtocolSubscription s;
  s.topics = {"t"};
  auto bytes = encode_subscription(s);
  bytes[1] = 9;             // version 9
  bytes.push_back(0x42);    // a field from the future
  const auto decoded = decode_subscription(bytes);
  CHECK(decoded.version == 9);
  CHECK(decoded.topics == std::vector<std::string>{"t"});
}

TEST_CASE("truncated or impossible consumer protocol bytes are refused with the position",
          "[protocol][consumer_protocol]") {
  const Bytes truncated = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05, 't'};
  CHECK_THROWS_WITH(decode_subscription(truncated),
                    "ConsumerProtocolSubscription: at byte 8: string needs 5 bytes but only 1 "
                    "are left");
  const Bytes huge_array = {0x00, 0x03, 0x7f, 0xff, 0xff, 0xff};
  CHECK_THROWS_AS(decode_assignment(huge_array), CorruptDataError);
  const Bytes trailing = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK_THROWS_WITH(decode_assignment(trailing),
                    "ConsumerProtocolAssignment: at byte 10: 1 bytes left over after a version 0 "
                    "struct");
}

TEST_CASE("group coordinator error codes carry Kafka's numbers", "[protocol]") {
  CHECK(static_cast<int>(Error::OFFSET_METADATA_TOO_LARGE) == 12);
  CHECK(static_cast<int>(Error::INVALID_GROUP_ID) == 24);
  CHECK(static_cast<int>(Error::UNSUPPORTED_VERSION) == 35);
  CHECK(static_cast<int>(Error::NON_EMPTY_GROUP) == 68);
  CHECK(static_cast<int>(Error::GROUP_ID_NOT_FOUND) == 69);
  CHECK(static_cast<int>(Error::MEMBER_ID_REQUIRED) == 79);
  CHECK(static_cast<int>(Error::GROUP_MAX_SIZE_REACHED) == 81);
  CHECK(static_cast<int>(Error::FENCED_INSTANCE_ID) == 82);
  CHECK(static_cast<int>(Error::UNSTABLE_OFFSET_COMMIT) == 88);
  CHECK(error_name(Error::MEMBER_ID_REQUIRED) == "MEMBER_ID_REQUIRED");
  CHECK(error_name(Error::GROUP_MAX_SIZE_REACHED) == "GROUP_MAX_SIZE_REACHED");
  CHECK(is_retriable(Error::UNSTABLE_OFFSET_COMMIT));
  CHECK_FALSE(is_retriable(Error::REBALANCE_IN_PROGRESS));
}
