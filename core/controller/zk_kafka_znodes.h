// The bodies of Kafka's znodes (kafka.zk.ZkData): typed values, and their JSON byte for byte as
// Kafka writes it, keys in the order Kafka's maps iterate them (see zk_json_order.h). Encoding
// takes the Scala version Kafka was built with: 2.13 for Kafka 3.x (the default), 2.12 for most
// Kafka 2.x downloads. Examples (Kafka 3.x):
//
//   /brokers/ids/1  {"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},
//                    "endpoints":["PLAINTEXT://broker1:9092"],"jmx_port":-1,"port":9092,
//                    "host":"broker1","version":5,"timestamp":"1700000000000"}
//   /controller {"version":2,"brokerid":1,"timestamp":"1700000000000","kraftControllerEpoch":-1}
//   /controller_epoch   1
//   /brokers/topics/t   {"partitions":{"0":[1,2,0]},"topic_id":"SbJQ_jVrRFOYqlkfIgLwNg",
//                        "adding_replicas":{},"removing_replicas":{},"version":3}
//   /brokers/topics/t/partitions/0/state
//       {"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,0]}
//
// Timestamps are the `now_ms` the caller passes (Kafka: System.currentTimeMillis, as a string).
// Decoding is strict: a body that does not parse as its znode throws ZkDataError naming the
// znode, the problem and the body (Kafka: KafkaException "Failed to parse ...").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/controller/zk_json_order.h"
#include "core/storage/topic_partition.h"

namespace ksim::controller {

class ZkDataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One advertised listener (kafka.cluster.EndPoint).
struct BrokerEndPoint {
  std::string listener_name = "PLAINTEXT";
  std::string security_protocol = "PLAINTEXT";
  std::optional<std::string> host{};  // null: bind to every interface
  std::int32_t port = 9092;
  // "PLAINTEXT://broker1:9092"; an IPv6 host in brackets; ":9092" after "://" for a null host.
  std::string connection_string() const;
  friend bool operator==(const BrokerEndPoint&, const BrokerEndPoint&) = default;
};

// /brokers/ids/<id> (BrokerInfo). Version 5 since Kafka 2.7 (adds "features", written as {} by
// ZooKeeper-mode brokers), 4 since 0.10.0. The top-level "host" and "port" repeat the first
// PLAINTEXT endpoint (null and -1 without one).
struct BrokerRegistration {
  std::int32_t broker_id = 0;  // from the path, not the body
  std::int32_t version = 5;
  std::vector<BrokerEndPoint> endpoints{};
  std::optional<std::string> rack{};
  std::int32_t jmx_port = -1;
  std::int64_t timestamp_ms = 0;
  friend bool operator==(const BrokerRegistration&, const BrokerRegistration&) = default;
};
// Throws std::invalid_argument for a version other than 4 or 5.
std::string encode_broker_registration(const BrokerRegistration& registration,
                                       zk::ScalaVersion scala = zk::ScalaVersion::v2_13);
// Reads versions 1 to 5 (1: only host and port).
BrokerRegistration decode_broker_registration(std::int32_t broker_id, std::string_view json);

// /controller (ControllerZNode). Version 2 since Kafka 3.4 (KIP-866; ZooKeeper-mode controllers
// write kraftControllerEpoch -1), version 1 before.
struct ControllerRegistration {
  std::int32_t version = 2;
  std::int32_t broker_id = 0;
  std::int64_t timestamp_ms = 0;
  std::int32_t kraft_controller_epoch = -1;  // version 2 only
  friend bool operator==(const ControllerRegistration&, const ControllerRegistration&) = default;
};
std::string encode_controller(const ControllerRegistration& controller);
ControllerRegistration decode_controller(std::string_view json);

// /controller_epoch: the epoch as decimal text.
std::string encode_controller_epoch(std::int32_t epoch);
std::int32_t decode_controller_epoch(std::string_view text);

// /brokers/topics/<t> (TopicZNode). Version 3 since Kafka 3.0 (topic_id always present), 2 since
// 2.4 (adding_replicas/removing_replicas; topic_id from 2.8). Partitions are keyed by number.
struct PartitionReplicaAssignment {
  std::vector<std::int32_t> replicas{};
  std::vector<std::int32_t> adding_replicas{};
  std::vector<std::int32_t> removing_replicas{};
  friend bool operator==(const PartitionReplicaAssignment&,
                         const PartitionReplicaAssignment&) = default;
};
struct TopicAssignment {
  std::int32_t version = 3;
  std::optional<std::string>
      topic_id{};  // Kafka's Uuid in URL-safe base64, e.g. "SbJQ_jVrRFOYqlkfIgLwNg"
  std::map<std::int32_t, PartitionReplicaAssignment> partitions{};
  friend bool operator==(const TopicAssignment&, const TopicAssignment&) = default;
};
// Throws std::invalid_argument for a version other than 2 or 3.
std::string encode_topic_assignment(const TopicAssignment& assignment,
                                    zk::ScalaVersion scala = zk::ScalaVersion::v2_13);
TopicAssignment decode_topic_assignment(std::string_view topic, std::string_view json);

// /brokers/topics/<t>/partitions/<p>/state (TopicPartitionStateZNode). The znode's dataVersion is
// the "zkVersion" the controller and the leader compare-and-set against; it lives in the Stat.
// leader_recovery_state (KIP-704, Kafka 3.2) is written only when not RECOVERED (0).
struct LeaderIsrAndControllerEpoch {
  std::int32_t leader = -1;
  std::int32_t leader_epoch = 0;
  std::vector<std::int32_t> isr{};
  std::int32_t controller_epoch = 0;
  std::int32_t leader_recovery_state = 0;
  friend bool operator==(const LeaderIsrAndControllerEpoch&,
                         const LeaderIsrAndControllerEpoch&) = default;
};
std::string encode_partition_state(const LeaderIsrAndControllerEpoch& state,
                                   zk::ScalaVersion scala = zk::ScalaVersion::v2_13);
LeaderIsrAndControllerEpoch decode_partition_state(const storage::TopicPartition& partition,
                                                   std::string_view json);

// /cluster/id (ClusterIdZNode): {"version":"1","id":"<cluster id>"}.
std::string encode_cluster_id(std::string_view cluster_id);
std::string decode_cluster_id(std::string_view json);

// /latest_producer_id_block (ProducerIdBlockZNode): the last block of producer ids a broker
// claimed, both ends inclusive and written as strings:
//   {"version":1,"broker":1,"block_start":"1000","block_end":"1999"}
// (Kafka's ProducerIdsBlock; blocks of 1000 ids, ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE).
inline constexpr std::int32_t producer_id_block_size = 1000;
struct ProducerIdsBlock {
  std::int32_t assigned_broker_id = -1;
  std::int64_t first_producer_id = 0;
  std::int32_t size = producer_id_block_size;
  std::int64_t last_producer_id() const { return first_producer_id + (size - 1); }
  std::int64_t next_block_first_id() const { return first_producer_id + size; }
  friend bool operator==(const ProducerIdsBlock&, const ProducerIdsBlock&) = default;
};
std::string encode_producer_id_block(const ProducerIdsBlock& block);
// Reads "broker", "block_start" and "block_end" (strings holding longs), as Kafka does; the
// size is block_end - block_start + 1 and must fit an int32.
ProducerIdsBlock decode_producer_id_block(std::string_view json);

}  // namespace ksim::controller
