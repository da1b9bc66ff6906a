// Kafka's core znode bodies: broker registration, controller, controller epoch, topic
// assignment, partition state, cluster id (kafka.zk.ZkData).
#include "core/controller/zk_kafka_znodes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "core/controller/zk_kafka_json.h"
#include "core/controller/zk_kafka_paths.h"

namespace ksim::controller {
namespace {

using json::MapKind;
using json::Members;

// Integer.parseInt / Long.parseLong: an optional sign, then decimal digits, nothing else.
template <typename Int>
std::optional<Int> parse_java_integer(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() == '+') return std::nullopt;
  Int value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// EndPoint.createEndPoint: "<listener>://<host>:<port>", the host optionally in brackets.
BrokerEndPoint parse_endpoint(const json::Reader& reader, std::string_view connection,
                              const std::map<std::string, std::string>& protocols) {
  const std::size_t scheme_end = connection.find("://");
  if (scheme_end == std::string_view::npos) {
    reader.fail(fmt::format("unable to parse {} to a broker endpoint", connection));
  }
  BrokerEndPoint endpoint;
  endpoint.listener_name = std::string(connection.substr(0, scheme_end));
  std::transform(endpoint.listener_name.begin(), endpoint.listener_name.end(),
                 endpoint.listener_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string_view rest = connection.substr(scheme_end + 3);
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find("]:");
    if (close == std::string_view::npos) {
      reader.fail(fmt::format("unable to parse {} to a broker endpoint", connection));
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      reader.fail(fmt::format("unable to parse {} to a broker endpoint", connection));
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  const std::optional<std::int32_t> port_number = parse_java_integer<std::int32_t>(port);
  if (!port_number) reader.fail(fmt::format("unable to parse {} to a broker endpoint", connection));
  if (!host.empty()) endpoint.host = std::string(host);
  endpoint.port = *port_number;
  const auto protocol = protocols.find(endpoint.listener_name);
  if (protocol == protocols.end()) {
    reader.fail(
        fmt::format("no security protocol defined for listener {}", endpoint.listener_name));
  }
  endpoint.security_protocol = protocol->second;
  return endpoint;
}

std::int64_t parse_timestamp(const json::Reader& reader, const json::Value& value) {
  const std::string text = reader.string(value, "timestamp");
  const std::optional<std::int64_t> ms = parse_java_integer<std::int64_t>(text);
  if (!ms) reader.fail(fmt::format("timestamp \"{}\" is not a number", text));
  return *ms;
}

}  // namespace

std::string BrokerEndPoint::connection_string() const {
  if (!host) return fmt::format("{}://:{}", listener_name, port);
  if (host->find(':') != std::string::npos) {
    return fmt::format("{}://[{}]:{}", listener_name, *host, port);
  }
  return fmt::format("{}://{}:{}", listener_name, *host, port);
}

std::string encode_broker_registration(const BrokerRegistration& registration,
                                       zk::ScalaVersion scala) {
  if (registration.version != 4 && registration.version != 5) {
    throw std::invalid_argument(fmt::format(
        "broker registration version {} is not written by ksim (4 or 5)", registration.version));
  }
  // The compatibility host and port: the first PLAINTEXT endpoint, else null and -1.
  const auto plaintext =
      std::find_if(registration.endpoints.begin(), registration.endpoints.end(),
                   [](const BrokerEndPoint& e) { return e.security_protocol == "PLAINTEXT"; });
  const bool has_plaintext = plaintext != registration.endpoints.end();

  std::vector<std::string> endpoints;
  Members protocols;
  for (const BrokerEndPoint& endpoint : registration.endpoints) {
    endpoints.push_back(json::string(endpoint.connection_string()));
    protocols.add(endpoint.listener_name, json::string(endpoint.security_protocol));
  }

  Members members;
  members.add("version", fmt::format("{}", registration.version));
  members.add("host", has_plaintext ? json::nullable_string(plaintext->host) : "null");
  members.add("port", fmt::format("{}", has_plaintext ? plaintext->port : -1));
  members.add("endpoints", fmt::format("[{}]", fmt::join(endpoints, ",")));
  members.add("jmx_port", fmt::format("{}", registration.jmx_port));
  members.add("timestamp", json::string(fmt::format("{}", registration.timestamp_ms)));
  if (registration.rack) members.add("rack", json::string(*registration.rack));
  members.add("listener_security_protocol_map",
              json::object(protocols, MapKind::scala_immutable, scala));
  if (registration.version >= 5) members.add("features", "{}");
  return json::object(members, MapKind::scala_mutable, scala, 6);
}

BrokerRegistration decode_broker_registration(std::int32_t broker_id, std::string_view text) {
  const json::Reader reader(fmt::format("ZooKeeper registration for broker {} at {}", broker_id,
                                        ZkPaths::broker_id(broker_id)),
                            text);
  const json::Value& root = reader.object(reader.root(), "registration");
  BrokerRegistration registration;
  registration.broker_id = broker_id;
  registration.version = reader.int32(reader.member(root, "version"), "version");
  registration.jmx_port = reader.int32(reader.member(root, "jmx_port"), "jmx_port");
  if (registration.version < 1) {
    reader.fail(fmt::format("unsupported version {} of broker registration", registration.version));
  }
  if (const json::Value* timestamp = reader.optional_member(root, "timestamp")) {
    registration.timestamp_ms = parse_timestamp(reader, *timestamp);
  }
  if (registration.version == 1) {
    BrokerEndPoint endpoint;
    endpoint.host = reader.string(reader.member(root, "host"), "host");
    endpoint.port = reader.int32(reader.member(root, "port"), "port");
    registration.endpoints.push_back(endpoint);
  } else {
    std::map<std::string, std::string> protocols = {{"PLAINTEXT", "PLAINTEXT"},
                                                    {"SSL", "SSL"},
                                                    {"SASL_PLAINTEXT", "SASL_PLAINTEXT"},
                                                    {"SASL_SSL", "SASL_SSL"}};
    if (const json::Value* map = reader.optional_member(root, "listener_security_protocol_map")) {
      protocols.clear();
      for (const auto& [listener, protocol] :
           reader.object(*map, "listener_security_protocol_map").items()) {
        protocols[listener] = reader.string(protocol, listener);
      }
    }
    for (const json::Value& endpoint :
         reader.array(reader.member(root, "endpoints"), "endpoints")) {
      registration.endpoints.push_back(
          parse_endpoint(reader, reader.string(endpoint, "endpoints"), protocols));
    }
  }
  if (const json::Value* rack = reader.optional_member(root, "rack"); rack && !rack->is_null()) {
    registration.rack = reader.string(*rack, "rack");
  }
  return registration;
}

std::string encode_controller(const ControllerRegistration& controller) {
  if (controller.version != 1 && controller.version != 2) {
    throw std::invalid_argument(
        fmt::format("controller registration version {} does not exist", controller.version));
  }
  Members members;
  members.add("version", fmt::format("{}", controller.version));
  members.add("brokerid", fmt::format("{}", controller.broker_id));
  members.add("timestamp", json::string(fmt::format("{}", controller.timestamp_ms)));
  if (controller.version == 2) {
    members.add("kraftControllerEpoch", fmt::format("{}", controller.kraft_controller_epoch));
  }
  return json::object(members, MapKind::scala_immutable);
}

ControllerRegistration decode_controller(std::string_view text) {
  const json::Reader reader(fmt::format("controller registration at {}", ZkPaths::controller),
                            text);
  const json::Value& root = reader.object(reader.root(), "controller");
  ControllerRegistration controller;
  controller.broker_id = reader.int32(reader.member(root, "brokerid"), "brokerid");
  controller.version = 1;
  if (const json::Value* version = reader.optional_member(root, "version")) {
    controller.version = reader.int32(*version, "version");
  }
  if (const json::Value* timestamp = reader.optional_member(root, "timestamp")) {
    controller.timestamp_ms = parse_timestamp(reader, *timestamp);
  }
  if (const json::Value* epoch = reader.optional_member(root, "kraftControllerEpoch")) {
    controller.kraft_controller_epoch = reader.int32(*epoch, "kraftControllerEpoch");
  }
  return controller;
}

std::string encode_controller_epoch(std::int32_t epoch) { return fmt::format("{}", epoch); }

std::int32_t decode_controller_epoch(std::string_view text) {
  const std::optional<std::int32_t> epoch = parse_java_integer<std::int32_t>(text);
  if (!epoch) {
    throw ZkDataError(fmt::format("Failed to parse controller epoch at {}: \"{}\" is not an int",
                                  ZkPaths::controller_epoch, text));
  }
  return *epoch;
}

std::string encode_topic_assignment(const TopicAssignment& assignment, zk::ScalaVersion scala) {
  if (assignment.version != 2 && assignment.version != 3) {
    throw std::invalid_argument(fmt::format(
        "topic assignment version {} is not written by ksim (2 or 3)", assignment.version));
  }
  Members replicas;
  Members adding;
  Members removing;
  for (const auto& [partition, replica_assignment] : assignment.partitions) {
    const std::string key = fmt::format("{}", partition);
    replicas.add(key, json::int_array(replica_assignment.replicas));
    if (!replica_assignment.adding_replicas.empty()) {
      adding.add(key, json::int_array(replica_assignment.adding_replicas));
    }
    if (!replica_assignment.removing_replicas.empty()) {
      removing.add(key, json::int_array(replica_assignment.removing_replicas));
    }
  }
  Members members;
  members.add("version", fmt::format("{}", assignment.version));
  members.add("partitions", json::object(replicas, MapKind::scala_mutable, scala));
  members.add("adding_replicas", json::object(adding, MapKind::scala_mutable, scala));
  members.add("removing_replicas", json::object(removing, MapKind::scala_mutable, scala));
  if (assignment.topic_id) members.add("topic_id", json::string(*assignment.topic_id));
  return json::object(members, MapKind::scala_mutable, scala, 4);
}

TopicAssignment decode_topic_assignment(std::string_view topic, std::string_view text) {
  const json::Reader reader(
      fmt::format("replica assignment of topic {} at {}", topic, ZkPaths::topic(topic)), text);
  const json::Value& root = reader.object(reader.root(), "assignment");
  TopicAssignment assignment;
  assignment.version = 1;
  if (const json::Value* version = reader.optional_member(root, "version")) {
    assignment.version = reader.int32(*version, "version");
  }
  if (const json::Value* topic_id = reader.optional_member(root, "topic_id")) {
    assignment.topic_id = reader.string(*topic_id, "topic_id");
  }
  const auto replicas_of = [&](std::string_view key, const std::string& partition) {
    const json::Value* map = reader.optional_member(root, key);
    if (map == nullptr) return std::vector<std::int32_t>{};
    const json::Value* list = reader.optional_member(reader.object(*map, key), partition);
    return list == nullptr ? std::vector<std::int32_t>{} : reader.int32_array(*list, key);
  };
  if (const json::Value* partitions = reader.optional_member(root, "partitions")) {
    for (const auto& [key, list] : reader.object(*partitions, "partitions").items()) {
      const std::optional<std::int32_t> partition = parse_java_integer<std::int32_t>(key);
      if (!partition) reader.fail(fmt::format("partition \"{}\" is not a number", key));
      PartitionReplicaAssignment& entry = assignment.partitions[*partition];
      entry.replicas = reader.int32_array(list, "partitions");
      entry.adding_replicas = replicas_of("adding_replicas", key);
      entry.removing_replicas = replicas_of("removing_replicas", key);
    }
  }
  return assignment;
}

std::string encode_partition_state(const LeaderIsrAndControllerEpoch& state,
                                   zk::ScalaVersion scala) {
  Members members;
  members.add("version", "1");
  members.add("leader", fmt::format("{}", state.leader));
  members.add("leader_epoch", fmt::format("{}", state.leader_epoch));
  members.add("controller_epoch", fmt::format("{}", state.controller_epoch));
  members.add("isr", json::int_array(state.isr));
  if (state.leader_recovery_state != 0) {
    members.add("leader_recovery_state", fmt::format("{}", state.leader_recovery_state));
  }
  return json::object(members, MapKind::scala_immutable, scala);
}

LeaderIsrAndControllerEpoch decode_partition_state(const storage::TopicPartition& partition,
                                                   std::string_view text) {
  const json::Reader reader(
      fmt::format("partition state of {} at {}", partition.to_string(),
                  ZkPaths::topic_partition_state(partition.topic, partition.partition)),
      text);
  const json::Value& root = reader.object(reader.root(), "state");
  LeaderIsrAndControllerEpoch state;
  state.leader = reader.int32(reader.member(root, "leader"), "leader");
  state.leader_epoch = reader.int32(reader.member(root, "leader_epoch"), "leader_epoch");
  state.isr = reader.int32_array(reader.member(root, "isr"), "isr");
  state.controller_epoch =
      reader.int32(reader.member(root, "controller_epoch"), "controller_epoch");
  if (const json::Value* recovery = reader.optional_member(root, "leader_recovery_state")) {
    state.leader_recovery_state = reader.int32(*recovery, "leader_recovery_state");
  }
  return state;
}

std::string encode_cluster_id(std::string_view cluster_id) {
  Members members;
  members.add("version", json::string("1"));
  members.add("id", json::string(cluster_id));
  return json::object(members, MapKind::scala_immutable);
}

std::string decode_cluster_id(std::string_view text) {
  const json::Reader reader(fmt::format("cluster id at {}", ZkPaths::cluster_id), text);
  const json::Value& root = reader.object(reader.root(), "cluster id");
  return reader.string(reader.member(root, "id"), "id");
}

std::string encode_producer_id_block(const ProducerIdsBlock& block) {
  Members members;
  members.add("version", "1");
  members.add("broker", fmt::format("{}", block.assigned_broker_id));
  members.add("block_start", json::string(fmt::format("{}", block.first_producer_id)));
  members.add("block_end", json::string(fmt::format("{}", block.last_producer_id())));
  return json::object(members, MapKind::scala_immutable);
}

ProducerIdsBlock decode_producer_id_block(std::string_view text) {
  const json::Reader reader(
      fmt::format("producer id block at {}", ZkPaths::latest_producer_id_block), text);
  const json::Value& root = reader.object(reader.root(), "producer id block");
  ProducerIdsBlock block;
  block.assigned_broker_id = reader.int32(reader.member(root, "broker"), "broker");
  const auto read_long = [&](std::string_view key) {
    const std::string value = reader.string(reader.member(root, key), key);
    const std::optional<std::int64_t> id = parse_java_integer<std::int64_t>(value);
    if (!id) reader.fail(fmt::format("{} \"{}\" is not a long", key, value));
    return *id;
  };
  const std::int64_t start = read_long("block_start");
  const std::int64_t end = read_long("block_end");
  if (end < start || end - start >= std::numeric_limits<std::int32_t>::max()) {
    reader.fail(fmt::format("block [{}, {}] does not hold between 1 and 2^31 - 1 ids", start, end));
  }
  block.first_producer_id = start;
  block.size = static_cast<std::int32_t>(end - start + 1);
  return block;
}

}  // namespace ksim::controller
