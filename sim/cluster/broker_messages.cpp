#include "sim/cluster/broker_messages.h"

#include <type_traits>

namespace ksim::sim::cluster {

namespace {

// A fixed cost per request or response (header, framing) and per partition entry.
constexpr std::size_t kHeaderBytes = 64;
constexpr std::size_t kPartitionBytes = 48;

template <typename Body>
std::size_t partitions_of(const Body& body) {
  if constexpr (requires { body.partitions->size(); }) {
    return body.partitions ? body.partitions->size() : 0;  // OffsetFetch: null means all
  } else if constexpr (requires { body.partitions.size(); }) {
    return body.partitions.size();
  } else if constexpr (requires { body.partition_states; }) {
    return body.partition_states.size();
  } else if constexpr (requires { body.topics.size(); } || requires { body.topics->size(); }) {
    if constexpr (std::is_same_v<Body, protocol::MetadataRequest>) {
      return body.topics ? body.topics->size() : 0;
    } else {
      std::size_t n = 0;
      for (const auto& topic : body.topics) n += 1 + topic.partitions.size();
      return n;
    }
  } else {
    return 0;
  }
}

template <typename Body>
std::size_t record_bytes_of(const Body& body) {
  std::size_t bytes = 0;
  if constexpr (std::is_same_v<Body, protocol::ProduceRequest> ||
                std::is_same_v<Body, protocol::FetchResponse>) {
    for (const auto& partition : body.partitions) bytes += partition.records.size();
  }
  return bytes;
}

template <typename Variant>
std::size_t size_of(const Variant& body) {
  return std::visit(
      [](const auto& value) {
        return kHeaderBytes + kPartitionBytes * partitions_of(value) + record_bytes_of(value);
      },
      body);
}

}  // namespace

std::string_view api_name(const RequestBody& body) {
  static constexpr std::string_view names[] = {
      "Produce",      "Fetch",          "ListOffsets", "OffsetForLeaderEpoch",
      "Metadata",     "LeaderAndIsr",   "UpdateMetadata", "StopReplica",
      "AlterPartition", "ControlledShutdown", "InitProducerId", "FindCoordinator",
      "JoinGroup",    "SyncGroup",      "Heartbeat",   "LeaveGroup",
      "OffsetCommit", "OffsetFetch",    "ListGroups",  "DescribeGroups"};
  static_assert(std::size(names) == std::variant_size_v<RequestBody>);
  return names[body.index()];
}

std::size_t wire_size(const KafkaRequest& request) { return size_of(request.body); }
std::size_t wire_size(const KafkaResponse& response) { return size_of(response.body); }

}  // namespace ksim::sim::cluster
