// Kafka's znode bodies byte for byte, against bodies read off real clusters (Kafka 3.x unless
// noted), and strict decoding with clear errors.
#include "core/controller/zk_kafka_znodes.h"

#include <catch2/catch.hpp>

#include "core/controller/zk_kafka_admin_znodes.h"
#include "core/controller/zk_kafka_json.h"
#include "core/controller/zk_kafka_paths.h"

using namespace ksim::controller;
using ksim::controller::zk::JavaVersion;
using ksim::controller::zk::ScalaVersion;
using ksim::storage::TopicPartition;

namespace {

BrokerEndPoint plaintext(std::string host, std::int32_t port) {
  return BrokerEndPoint{"PLAINTEXT", "PLAINTEXT", std::move(host), port};
}

}  // namespace

TEST_CASE("ZkPaths spell Kafka's znodes", "[zk][kafka]") {
  CHECK(ZkPaths::broker_id(1) == "/brokers/ids/1");
  CHECK(ZkPaths::topic("t") == "/brokers/topics/t");
  CHECK(ZkPaths::topic_partitions("t") == "/brokers/topics/t/partitions");
  CHECK(ZkPaths::topic_partition("t", 0) == "/brokers/topics/t/partitions/0");
  CHECK(ZkPaths::topic_partition_state("t", 3) == "/brokers/topics/t/partitions/3/state");
  CHECK(ZkPaths::delete_topic("t") == "/admin/delete_topics/t");
  CHECK(ZkPaths::topic_config("t") == "/config/topics/t");
  CHECK(ZkPaths::config_entity("brokers", "1") == "/config/brokers/1");
  CHECK(ZkPaths::isr_change_notification_sequence_path() == "/isr_change_notification/isr_change_");
  CHECK(ZkPaths::config_change_notification_sequence_path() == "/config/changes/config_change_");
  CHECK(ZkPaths::controller == "/controller");
  CHECK(ZkPaths::controller_epoch == "/controller_epoch");
  CHECK(ZkPaths::reassign_partitions == "/admin/reassign_partitions");
  CHECK(ZkPaths::persistent_paths() ==
        std::vector<std::string>{"/consumers", "/brokers/ids", "/brokers/topics", "/config/changes",
                                 "/admin/delete_topics", "/brokers/seqid",
                                 "/isr_change_notification", "/latest_producer_id_block",
                                 "/log_dir_event_notification", "/config/topics", "/config/clients",
                                 "/config/users", "/config/brokers", "/config/ips"});
}

TEST_CASE("broker registration, version 5 (Kafka 3.x)", "[zk][kafka]") {
  BrokerRegistration broker;
  broker.broker_id = 0;
  broker.endpoints = {plaintext("DESKTOP-L584EQM.localdomain", 9092)};
  broker.timestamp_ms = 1781706151709;
  const std::string body = encode_broker_registration(broker);
  CHECK(body ==
        R"({"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
        R"("endpoints":["PLAINTEXT://DESKTOP-L584EQM.localdomain:9092"],"jmx_port":-1,"port":9092,)"
        R"("host":"DESKTOP-L584EQM.localdomain","version":5,"timestamp":"1781706151709"})");
  CHECK(decode_broker_registration(0, body) == broker);
}

TEST_CASE("broker registration, version 4 as Kafka 2.x on Scala 2.12 wrote it", "[zk][kafka]") {
  // A tutorial's `get /brokers/ids/1` (Kafka 2.2): dataLength = 200.
  BrokerRegistration broker;
  broker.broker_id = 1;
  broker.version = 4;
  broker.endpoints = {plaintext("192.168.238.155", 9092)};
  broker.timestamp_ms = 1555230728221;
  const std::string body = encode_broker_registration(broker, ScalaVersion::v2_12);
  CHECK(body == R"({"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
                R"("endpoints":["PLAINTEXT://192.168.238.155:9092"],"jmx_port":-1,)"
                R"("host":"192.168.238.155","timestamp":"1555230728221","port":9092,"version":4})");
  CHECK(body.size() == 200);
  broker.jmx_port = 9999;
  broker.endpoints = {plaintext("10.9.167.48", 9092)};
  broker.timestamp_ms = 1543300074836;
  CHECK(encode_broker_registration(broker, ScalaVersion::v2_12) ==
        R"({"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
        R"("endpoints":["PLAINTEXT://10.9.167.48:9092"],"jmx_port":9999,"host":"10.9.167.48",)"
        R"("timestamp":"1543300074836","port":9092,"version":4})");
}

TEST_CASE("broker registration with several listeners, a rack and no PLAINTEXT", "[zk][kafka]") {
  BrokerRegistration broker;
  broker.broker_id = 3;
  broker.endpoints = {BrokerEndPoint{"INTERNAL", "SASL_SSL", "::1", 9093},
                      BrokerEndPoint{"EXTERNAL", "SSL", std::nullopt, 9094}};
  broker.rack = "rack-a";
  broker.timestamp_ms = 5;
  const std::string body = encode_broker_registration(broker);
  CHECK(
      body ==
      R"({"features":{},"listener_security_protocol_map":{"INTERNAL":"SASL_SSL","EXTERNAL":"SSL"},)"
      R"("endpoints":["INTERNAL://[::1]:9093","EXTERNAL://:9094"],"rack":"rack-a","jmx_port":-1,)"
      R"("port":-1,"host":null,"version":5,"timestamp":"5"})");
  CHECK(decode_broker_registration(3, body) == broker);
  CHECK_THROWS_AS(encode_broker_registration(BrokerRegistration{.version = 3}),
                  std::invalid_argument);
}

TEST_CASE("older broker registrations still decode", "[zk][kafka]") {
  // Kafka 0.8.2 (version 1): only host and port.
  const BrokerRegistration old = decode_broker_registration(
      3, R"({"jmx_port":-1,"timestamp":"1431447378690","host":"server3","version":1,"port":9092})");
  CHECK(old.version == 1);
  CHECK(old.timestamp_ms == 1431447378690);
  CHECK(old.endpoints == std::vector<BrokerEndPoint>{plaintext("server3", 9092)});
  // Version 2 had no listener map: the listener names are the security protocols.
  const BrokerRegistration v2 = decode_broker_registration(
      4, R"({"version":2,"host":"h","port":9092,"jmx_port":-1,"timestamp":"1",)"
         R"("endpoints":["PLAINTEXT://h:9092","ssl://h:9093"]})");
  CHECK(v2.endpoints ==
        std::vector<BrokerEndPoint>{plaintext("h", 9092), BrokerEndPoint{"SSL", "SSL", "h", 9093}});
}

TEST_CASE("controller registration, versions 2 (Kafka 3.4+) and 1", "[zk][kafka]") {
  const ControllerRegistration current{.version = 2, .broker_id = 0, .timestamp_ms = 1710691902625};
  const std::string body = encode_controller(current);
  CHECK(body ==
        R"({"version":2,"brokerid":0,"timestamp":"1710691902625","kraftControllerEpoch":-1})");
  CHECK(decode_controller(body) == current);
  const ControllerRegistration old{.version = 1, .broker_id = 1, .timestamp_ms = 1555230730096};
  CHECK(encode_controller(old) == R"({"version":1,"brokerid":1,"timestamp":"1555230730096"})");
  CHECK(encode_controller(old).size() == 54);  // the tutorial's dataLength
  CHECK(decode_controller(encode_controller(old)) == old);
  CHECK(encode_controller_epoch(1) == "1");
  CHECK(decode_controller_epoch("17") == 17);
  CHECK_THROWS_WITH(decode_controller_epoch("x1"),
                    "Failed to parse controller epoch at /controller_epoch: \"x1\" is not an int");
}

TEST_CASE("topic assignment, version 3 with a topic id", "[zk][kafka]") {
  TopicAssignment quote;
  quote.topic_id = "SbJQ_jVrRFOYqlkfIgLwNg";
  quote.partitions[0].replicas = {3, 2, 1};
  CHECK(encode_topic_assignment(quote) ==
        R"({"partitions":{"0":[3,2,1]},"topic_id":"SbJQ_jVrRFOYqlkfIgLwNg",)"
        R"("adding_replicas":{},"removing_replicas":{},"version":3})");

  TopicAssignment second;
  second.topic_id = "W3mXDtj1RsWmsEhQrZjN5g";
  second.partitions = {{0, {{1, 0, 2}, {}, {}}},
                       {1, {{0, 2, 1}, {}, {}}},
                       {2, {{2, 1, 0}, {}, {}}},
                       {3, {{1, 2, 0}, {}, {}}}};
  const std::string body = encode_topic_assignment(second);
  CHECK(body ==
        R"({"partitions":{"0":[1,0,2],"1":[0,2,1],"2":[2,1,0],"3":[1,2,0]},)"
        R"("topic_id":"W3mXDtj1RsWmsEhQrZjN5g","adding_replicas":{},"removing_replicas":{},)"
        R"("version":3})");
  CHECK(decode_topic_assignment("secondTopic", body) == second);
}

TEST_CASE("topic assignment: twelve partitions list 11 first, and reassignment lists",
          "[zk][kafka]") {
  TopicAssignment topic;
  const std::vector<std::vector<std::int32_t>> replicas = {
      {0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1}, {0, 2, 3},
      {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2}, {1, 2, 3}, {1, 3, 4}};
  for (std::int32_t p = 0; p < 12; ++p)
    topic.partitions[p].replicas = replicas[static_cast<std::size_t>(p)];
  CHECK(encode_topic_assignment(topic) ==
        R"({"partitions":{"11":[1,3,4],"0":[0,1,2],"1":[1,2,3],"2":[2,3,4],"3":[3,4,0],)"
        R"("4":[4,0,1],"5":[0,2,3],"6":[1,3,4],"7":[2,4,0],"8":[3,0,1],"9":[4,1,2],"10":[1,2,3]},)"
        R"("adding_replicas":{},"removing_replicas":{},"version":3})");

  TopicAssignment moving;
  moving.topic_id = "AAAAAAAAAAAAAAAAAAAAAA";
  moving.partitions[0] = {{1, 2, 3, 4}, {4}, {1}};
  const std::string body = encode_topic_assignment(moving);
  CHECK(body == R"({"partitions":{"0":[1,2,3,4]},"topic_id":"AAAAAAAAAAAAAAAAAAAAAA",)"
                R"("adding_replicas":{"0":[4]},"removing_replicas":{"0":[1]},"version":3})");
  CHECK(decode_topic_assignment("t", body) == moving);
  CHECK_THROWS_AS(encode_topic_assignment(TopicAssignment{.version = 1}), std::invalid_argument);
}

TEST_CASE("partition state", "[zk][kafka]") {
  const LeaderIsrAndControllerEpoch state{
      .leader = 3, .leader_epoch = 0, .isr = {3, 1}, .controller_epoch = 1};
  const std::string body = encode_partition_state(state);
  CHECK(body == R"({"controller_epoch":1,"leader":3,"version":1,"leader_epoch":0,"isr":[3,1]})");
  CHECK(encode_partition_state(state, ScalaVersion::v2_12) == body);
  CHECK(decode_partition_state(TopicPartition{"test", 3}, body) == state);
  CHECK(encode_partition_state(
            {.leader = 1, .leader_epoch = 2, .isr = {1, 0}, .controller_epoch = 20}) ==
        R"({"controller_epoch":20,"leader":1,"version":1,"leader_epoch":2,"isr":[1,0]})");
  // No leader: the partition is offline, the ISR keeps its last member.
  CHECK(encode_partition_state(
            {.leader = -1, .leader_epoch = 5, .isr = {2}, .controller_epoch = 3}) ==
        R"({"controller_epoch":3,"leader":-1,"version":1,"leader_epoch":5,"isr":[2]})");
  // KIP-704: RECOVERING is written, in the hash trie's place for the sixth key.
  const LeaderIsrAndControllerEpoch recovering{.leader = 2,
                                               .leader_epoch = 7,
                                               .isr = {2},
                                               .controller_epoch = 4,
                                               .leader_recovery_state = 1};
  const std::string unclean = encode_partition_state(recovering);
  CHECK(unclean == R"({"controller_epoch":4,"leader":2,"version":1,"leader_recovery_state":1,)"
                   R"("leader_epoch":7,"isr":[2]})");
  CHECK(decode_partition_state(TopicPartition{"t", 0}, unclean) == recovering);
}

TEST_CASE("cluster id and admin znodes", "[zk][kafka]") {
  CHECK(encode_cluster_id("eQzK4lYlQ9y8P21IScOl_g") ==
        R"({"version":"1","id":"eQzK4lYlQ9y8P21IScOl_g"})");
  CHECK(decode_cluster_id(R"({"version":"1","id":"eQzK4lYlQ9y8P21IScOl_g"})") ==
        "eQzK4lYlQ9y8P21IScOl_g");

  CHECK(encode_entity_config({{"retention.ms", "100000"}}) ==
        R"({"version":1,"config":{"retention.ms":"100000"}})");
  CHECK(encode_entity_config({}) == R"({"version":1,"config":{}})");
  const ConfigEntries offsets = {{"cleanup.policy", "compact"},
                                 {"segment.bytes", "104857600"},
                                 {"compression.type", "producer"}};
  // Read off a Kafka 1.x cluster running on Java 8.
  CHECK(encode_entity_config(offsets, JavaVersion::java8) ==
        R"({"version":1,"config":{"segment.bytes":"104857600","compression.type":"producer",)"
        R"("cleanup.policy":"compact"}})");
  const std::string modern = encode_entity_config(offsets);
  CHECK(modern == R"({"version":1,"config":{"compression.type":"producer",)"
                  R"("cleanup.policy":"compact","segment.bytes":"104857600"}})");
  CHECK(decode_entity_config("/config/topics/__consumer_offsets", modern) ==
        ConfigEntries{{"compression.type", "producer"},
                      {"cleanup.policy", "compact"},
                      {"segment.bytes", "104857600"}});

  CHECK(encode_config_change_notification("topics/test") ==
        R"({"version":2,"entity_path":"topics/test"})");
  CHECK(decode_config_change_notification("/config/changes/config_change_0000000000",
                                          R"({"version":2,"entity_path":"topics/test"})") ==
        "topics/test");

  const std::vector<TopicPartition> changed = {{"t", 0}, {"u", 2}};
  const std::string isr_change = encode_isr_change_notification(changed);
  CHECK(isr_change ==
        R"({"version":1,"partitions":[{"topic":"t","partition":0},{"topic":"u","partition":2}]})");
  CHECK(decode_isr_change_notification("/isr_change_notification/isr_change_0000000000",
                                       isr_change) == changed);

  const std::vector<PartitionReassignment> reassignment = {{{"foo", 0}, {1, 2}}};
  const std::string request = encode_reassign_partitions(reassignment);
  CHECK(request ==
        R"({"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[1,2]}]})");
  CHECK(decode_reassign_partitions(request) == reassignment);

  CHECK(encode_preferred_replica_election({{"t", 1}}) ==
        R"({"version":1,"partitions":[{"topic":"t","partition":1}]})");
  CHECK(decode_preferred_replica_election(
            R"({"version":1,"partitions":[{"topic":"t","partition":1}]})") ==
        std::vector<TopicPartition>{{"t", 1}});
}

TEST_CASE("strings are escaped as Jackson escapes them", "[zk][kafka]") {
  CHECK(json::string("a\"b\\c/d") == R"("a\"b\\c/d")");
  CHECK(json::string("\n\t\r\b\f") == R"("\n\t\r\b\f")");
  CHECK(json::string(std::string("\x01\x1f", 2)) == R"("\u0001\u001F")");
  CHECK(json::string("\xc3\xa9t\xc3\xa9") == "\"\xc3\xa9t\xc3\xa9\"");  // UTF-8 as is
  CHECK(encode_entity_config({{"message.format", "a\"b"}}) ==
        R"({"version":1,"config":{"message.format":"a\"b"}})");
}

TEST_CASE("bodies that do not parse are errors naming the znode and the problem", "[zk][kafka]") {
  const TopicPartition tp{"t", 0};
  CHECK_THROWS_WITH(
      decode_partition_state(tp, R"({"leader":1,"leader_epoch":0,"controller_epoch":1})"),
      "Failed to parse partition state of t-0 at /brokers/topics/t/partitions/0/state: "
      "key \"isr\" is missing in {\"leader\":1,\"leader_epoch\":0,\"controller_epoch\":1}");
  CHECK_THROWS_WITH(decode_partition_state(
                        tp, R"({"leader":"1","leader_epoch":0,"isr":[],"controller_epoch":1})"),
                    Catch::Contains("\"leader\" is not an integer"));
  CHECK_THROWS_WITH(
      decode_partition_state(
          tp, R"({"leader":4294967296,"leader_epoch":0,"isr":[],"controller_epoch":1})"),
      Catch::Contains("\"leader\" is out of range for an int"));
  CHECK_THROWS_WITH(decode_partition_state(
                        tp, R"({"leader":1,"leader_epoch":0,"isr":[1,"x"],"controller_epoch":1})"),
                    Catch::Contains("\"isr\" is not an integer"));
  CHECK_THROWS_WITH(decode_partition_state(tp, "{not json"),
                    Catch::StartsWith("Failed to parse partition state of t-0 at "
                                      "/brokers/topics/t/partitions/0/state: not JSON ("));
  CHECK_THROWS_WITH(decode_partition_state(tp, "[1]"),
                    Catch::Contains("\"state\" is not an object"));
  CHECK_THROWS_WITH(
      decode_broker_registration(1, R"({"version":4,"jmx_port":-1,"endpoints":["FOO://h:1"]})"),
      "Failed to parse ZooKeeper registration for broker 1 at /brokers/ids/1: no security "
      "protocol defined for listener FOO in "
      "{\"version\":4,\"jmx_port\":-1,\"endpoints\":[\"FOO://h:1\"]}");
  CHECK_THROWS_WITH(
      decode_broker_registration(1, R"({"version":4,"jmx_port":-1,"endpoints":["PLAINTEXT:h:1"]})"),
      Catch::Contains("unable to parse PLAINTEXT:h:1 to a broker endpoint"));
  CHECK_THROWS_WITH(decode_broker_registration(
                        1, R"({"version":4,"jmx_port":-1,"timestamp":"soon","endpoints":[]})"),
                    Catch::Contains("timestamp \"soon\" is not a number"));
  CHECK_THROWS_WITH(decode_topic_assignment("t", R"({"partitions":{"zero":[1]}})"),
                    Catch::Contains("partition \"zero\" is not a number"));
  CHECK_THROWS_AS(decode_controller(R"({"version":2})"), ZkDataError);
  CHECK_THROWS_AS(decode_entity_config("/config/topics/t", R"({"version":1,"config":{"a":1}})"),
                  ZkDataError);
  CHECK_THROWS_AS(
      decode_config_change_notification("/config/changes/x", R"({"version":1,"entity_path":"t"})"),
      ZkDataError);
}
