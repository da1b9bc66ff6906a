// __consumer_offsets keys and values byte for byte as Kafka's *Key.json / *Value.json lay them
// out, and which partition coordinates a group.
#include <catch2/catch.hpp>

#include "core/coordinator/group_metadata_records.h"
#include "core/coordinator/offsets_topic.h"
#include "core/storage/errors.h"

using namespace ksim::coordinator;
using ksim::storage::Bytes;

TEST_CASE("the coordinator of a group is the leader of abs(hashCode) % 50", "[coordinator]") {
  CHECK(java_string_hash_code("my-group") == -1906497762);
  CHECK(partition_for("my-group") == 12);
  CHECK(partition_for("test-group") == 12);  // 627841412 % 50
  CHECK(partition_for("console-consumer-12345") == 6);
  CHECK(partition_for("") == 0);
  // Utils.abs maps Integer.MIN_VALUE to 0 (Math.abs would stay negative).
  CHECK(java_string_hash_code("polygenelubricants") == -2147483648);
  CHECK(partition_for("polygenelubricants") == 0);
  CHECK(partition_for("my-group", 10) == 2);
  CHECK(offsets_topic_partition_for("my-group").to_string() == "__consumer_offsets-12");
  CHECK(offsets_topic_configs() == std::map<std::string, std::string>{{"cleanup.policy", "compact"},
                                                                      {"compression.type", "producer"},
                                                                      {"segment.bytes", "104857600"}});
}

TEST_CASE("member ids end in a random UUID formatted as Java does", "[coordinator]") {
  CHECK(java_random_uuid_string(0, 0) == "00000000-0000-4000-8000-000000000000");
  CHECK(java_random_uuid_string(0xffffffffffffffffULL, 0xffffffffffffffffULL) ==
        "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

TEST_CASE("TopicPartition.hashCode and Scala's immutable map order", "[coordinator]") {
  // 31 * (31 + 0) + "t".hashCode() (116)
  CHECK(topic_partition_hash_code({"t", 0}) == 1077);
  CHECK(scala_immutable_map_order({5, 3, 9}) == std::vector<std::size_t>{0, 1, 2});  // Map3
  // Five entries become a CHAMP trie: improve(h) & 31 orders the root's entries.
  const auto order = scala_immutable_map_order({0, 1, 2, 3, 4});
  CHECK(order.size() == 5);
}

TEST_CASE("OffsetCommitKey v1 and OffsetCommitValue v3 bytes", "[coordinator][records]") {
  const Bytes key = {0x00, 0x01,                                         // version 1
                     0x00, 0x08, 'm', 'y', '-', 'g', 'r', 'o', 'u', 'p',  // group
                     0x00, 0x01, 't',                                     // topic
                     0x00, 0x00, 0x00, 0x02};                             // partition 2
  CHECK(encode_offset_commit_key({"my-group", "t", 2}) == key);
  CHECK(std::get<OffsetCommitKey>(decode_record_key(key)) == OffsetCommitKey{"my-group", "t", 2});

  OffsetCommitValue value;
  value.offset = 5;
  value.leader_epoch = 0;
  value.metadata = "";
  value.commit_timestamp = 1000;
  const Bytes value_bytes = {0x00, 0x03,                                      // version 3
                             0, 0, 0, 0, 0, 0, 0, 5,                          // offset
                             0, 0, 0, 0,                                      // leader epoch
                             0x00, 0x00,                                      // metadata ""
                             0, 0, 0, 0, 0, 0, 0x03, 0xe8};                   // commit timestamp
  CHECK(encode_offset_commit_value(value) == value_bytes);
  CHECK(decode_offset_commit_value(value_bytes) == value);
}

TEST_CASE("older OffsetCommitValue versions decode", "[coordinator][records]") {
  // v1: offset, metadata, commitTimestamp, expireTimestamp.
  const Bytes v1 = {0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 9, 0x00, 0x02, 'h', 'i',
                    0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2};
  const auto value = decode_offset_commit_value(v1);
  CHECK(value.offset == 9);
  CHECK(value.leader_epoch == -1);
  CHECK(value.metadata == "hi");
  CHECK(value.commit_timestamp == 1);
  CHECK(value.expire_timestamp == 2);
  const Bytes v9 = {0x00, 0x09, 0};
  CHECK_THROWS_WITH(decode_offset_commit_value(v9),
                    "OffsetCommitValue: at byte 2: unknown OffsetCommitValue version 9");
}

TEST_CASE("GroupMetadataKey v2 and GroupMetadataValue v3 bytes", "[coordinator][records]") {
  const Bytes key = {0x00, 0x02, 0x00, 0x01, 'g'};
  CHECK(encode_group_metadata_key({"g"}) == key);
  CHECK(std::get<GroupMetadataKey>(decode_record_key(key)) == GroupMetadataKey{"g"});
  CHECK(std::get<UnknownKey>(decode_record_key(Bytes{0x00, 0x03, 0x00})) == UnknownKey{3});

  GroupMetadataValue value;
  value.protocol_type = "consumer";
  value.generation = 1;
  value.protocol = "range";
  value.leader = "c-1";
  value.current_state_timestamp = 3000;
  value.members.push_back({"c-1", std::nullopt, "c", "/h", 300000, 45000, Bytes{0x01}, Bytes{0x02}});
  const Bytes bytes = {
      0x00, 0x03,                                           // version 3
      0x00, 0x08, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r',   // protocolType
      0x00, 0x00, 0x00, 0x01,                               // generation
      0x00, 0x05, 'r', 'a', 'n', 'g', 'e',                  // protocol
      0x00, 0x03, 'c', '-', '1',                            // leader
      0, 0, 0, 0, 0, 0, 0x0b, 0xb8,                         // currentStateTimestamp 3000
      0x00, 0x00, 0x00, 0x01,                               // 1 member
      0x00, 0x03, 'c', '-', '1',                            // memberId
      0xff, 0xff,                                           // groupInstanceId null
      0x00, 0x01, 'c',                                      // clientId
      0x00, 0x02, '/', 'h',                                 // clientHost
      0x00, 0x04, 0x93, 0xe0,                               // rebalanceTimeout 300000
      0x00, 0x00, 0xaf, 0xc8,                               // sessionTimeout 45000
      0x00, 0x00, 0x00, 0x01, 0x01,                         // subscription
      0x00, 0x00, 0x00, 0x01, 0x02};                        // assignment
  CHECK(encode_group_metadata_value(value) == bytes);
  CHECK(decode_group_metadata_value(bytes) == value);

  // An empty group (written when the last member left): no protocol, no leader.
  GroupMetadataValue empty;
  empty.protocol_type = "consumer";
  empty.generation = 4;
  empty.current_state_timestamp = 10;
  const Bytes empty_bytes = {0x00, 0x03, 0x00, 0x08, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r',
                             0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff,
                             0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0};
  CHECK(encode_group_metadata_value(empty) == empty_bytes);

  Bytes truncated = bytes;
  truncated.resize(40);
  CHECK_THROWS_AS(decode_group_metadata_value(truncated), ksim::storage::CorruptDataError);
}

TEST_CASE("GroupMetadataValue v0 takes the rebalance timeout from the session timeout",
          "[coordinator][records]") {
  const Bytes v0 = {0x00, 0x00, 0x00, 0x00, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1,
                    0x00, 0x01, 'm', 0x00, 0x01, 'c', 0x00, 0x01, 'h', 0, 0, 0x27, 0x10,
                    0, 0, 0, 0, 0, 0, 0, 0};
  const auto value = decode_group_metadata_value(v0);
  REQUIRE(value.members.size() == 1);
  CHECK(value.members[0].session_timeout == 10000);
  CHECK(value.members[0].rebalance_timeout == 10000);
  CHECK(value.current_state_timestamp == -1);
}
