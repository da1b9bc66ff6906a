// The iteration orders of Scala's and Java's hash maps, checked against bodies read off real
// Kafka clusters (tutorials' zkCli transcripts).
#include "core/controller/zk_json_order.h"

#include <catch2/catch.hpp>

using namespace ksim::controller::zk;

namespace {

std::vector<std::string> ordered(const std::vector<std::string>& keys,
                                 const std::vector<std::size_t>& order) {
  std::vector<std::string> out;
  for (const std::size_t i : order) out.push_back(keys.at(i));
  return out;
}

std::vector<std::string> numbers(int count) {
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) keys.push_back(std::to_string(i));
  return keys;
}

}  // namespace

TEST_CASE("Java's String.hashCode", "[zk][json]") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("0") == 48);
  CHECK(java_string_hash("10") == 1567);
  CHECK(java_string_hash("version") == 351608024);
  CHECK(java_string_hash("leader_epoch") == -1443309101);  // wraps like a Java int
  CHECK(java_string_hash("\xc3\xa9") == 233);              // é is one UTF-16 unit
}

TEST_CASE("Scala 2.13 mutable.HashMap: a broker registration's keys", "[zk][json]") {
  const std::vector<std::string> keys = {"version",
                                         "host",
                                         "port",
                                         "endpoints",
                                         "jmx_port",
                                         "timestamp",
                                         "listener_security_protocol_map",
                                         "features"};
  CHECK(ordered(keys, scala_mutable_hash_map_order(keys, ScalaVersion::v2_13, 6)) ==
        std::vector<std::string>{"features", "listener_security_protocol_map", "endpoints",
                                 "jmx_port", "port", "host", "version", "timestamp"});
}

TEST_CASE("Scala 2.12 mutable.HashMap: a Kafka 2.x broker registration's keys", "[zk][json]") {
  const std::vector<std::string> keys = {"version",
                                         "host",
                                         "port",
                                         "endpoints",
                                         "jmx_port",
                                         "timestamp",
                                         "listener_security_protocol_map"};
  CHECK(ordered(keys, scala_mutable_hash_map_order(keys, ScalaVersion::v2_12, 6)) ==
        std::vector<std::string>{"listener_security_protocol_map", "endpoints", "jmx_port", "host",
                                 "timestamp", "port", "version"});
}

TEST_CASE("Scala 2.13: a topic's keys in a table sized for four", "[zk][json]") {
  const std::vector<std::string> keys = {"version", "partitions", "adding_replicas",
                                         "removing_replicas", "topic_id"};
  CHECK(ordered(keys, scala_mutable_hash_map_order(keys, ScalaVersion::v2_13, 4)) ==
        std::vector<std::string>{"partitions", "topic_id", "adding_replicas", "removing_replicas",
                                 "version"});
  // Sized for the default 16 buckets instead, the order would differ: the sizing matters.
  CHECK(ordered(keys, scala_mutable_hash_map_order(keys, ScalaVersion::v2_13, 0)) !=
        std::vector<std::string>{"partitions", "topic_id", "adding_replicas", "removing_replicas",
                                 "version"});
}

TEST_CASE("Scala 2.13: partition numbers, before and after the table grows", "[zk][json]") {
  const std::vector<std::string> four = numbers(4);
  CHECK(ordered(four, scala_mutable_hash_map_order(four, ScalaVersion::v2_13, 0)) == four);
  // Seen on a real 12-partition topic: the twelfth insert doubles the table, "11" lands first.
  const std::vector<std::string> twelve = numbers(12);
  CHECK(ordered(twelve, scala_mutable_hash_map_order(twelve, ScalaVersion::v2_13, 0)) ==
        std::vector<std::string>{"11", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"});
  const std::vector<std::string> eleven = numbers(11);
  CHECK(ordered(eleven, scala_mutable_hash_map_order(eleven, ScalaVersion::v2_13, 0)) ==
        eleven);  // still 16 buckets: "10" hashes to the last one
}

TEST_CASE("Scala immutable maps: insertion order up to four, the hash trie beyond", "[zk][json]") {
  const std::vector<std::string> controller = {"version", "brokerid", "timestamp",
                                               "kraftControllerEpoch"};
  for (const ScalaVersion scala : {ScalaVersion::v2_12, ScalaVersion::v2_13}) {
    CHECK(ordered(controller, scala_immutable_map_order(controller, scala)) == controller);
    const std::vector<std::string> state = {"version", "leader", "leader_epoch", "controller_epoch",
                                            "isr"};
    CHECK(ordered(state, scala_immutable_map_order(state, scala)) ==
          std::vector<std::string>{"controller_epoch", "leader", "version", "leader_epoch", "isr"});
  }
}

TEST_CASE("2.12 keeps a trie level's collisions in place, 2.13 puts them after", "[zk][json]") {
  // Forty keys cannot fill 32 level-0 slots one each: the colliding ones go to sub-nodes, which
  // 2.13 lists after the single entries and 2.12 in slot order.
  std::vector<std::string> keys = numbers(40);
  const auto order_12 = ordered(keys, scala_immutable_map_order(keys, ScalaVersion::v2_12));
  const auto order_13 = ordered(keys, scala_immutable_map_order(keys, ScalaVersion::v2_13));
  CHECK(order_12.size() == 40);
  CHECK(order_13.size() == 40);
  CHECK(order_12 != order_13);
  std::vector<std::string> sorted_12 = order_12;
  std::sort(sorted_12.begin(), sorted_12.end());
  std::vector<std::string> sorted_keys = keys;
  std::sort(sorted_keys.begin(), sorted_keys.end());
  CHECK(sorted_12 == sorted_keys);  // a permutation
}

TEST_CASE("java.util.Properties: Hashtable on Java 8, ConcurrentHashMap on 9+", "[zk][json]") {
  // GroupMetadataManager.offsetsTopicConfigs puts cleanup.policy, segment.bytes, then
  // compression.type; a Kafka 1.x cluster on Java 8 showed /config/topics/__consumer_offsets as
  // {"segment.bytes":..,"compression.type":..,"cleanup.policy":..}.
  const std::vector<std::string> keys = {"cleanup.policy", "segment.bytes", "compression.type"};
  CHECK(ordered(keys, java_properties_order(keys, JavaVersion::java8)) ==
        std::vector<std::string>{"segment.bytes", "compression.type", "cleanup.policy"});
  CHECK(ordered(keys, java_properties_order(keys, JavaVersion::java9_or_later)) ==
        std::vector<std::string>{"compression.type", "cleanup.policy", "segment.bytes"});
  // Many keys: every key comes out once, through the resizes of both tables.
  std::vector<std::string> many;
  for (int i = 0; i < 100; ++i) many.push_back("config." + std::to_string(i));
  for (const JavaVersion java : {JavaVersion::java8, JavaVersion::java9_or_later}) {
    std::vector<std::size_t> order = java_properties_order(many, java);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < order.size(); ++i) REQUIRE(order[i] == i);
  }
}
