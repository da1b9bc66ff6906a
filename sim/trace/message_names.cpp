#include "sim/trace/message_names.h"

#include <iterator>
#include <variant>

#include "core/controller/zk_protocol.h"
#include "sim/cluster/broker_messages.h"

namespace ksim::sim::trace {

namespace {

namespace zk = controller::zk;

// In the order of cluster::RequestBody and cluster::ResponseBody (the same APIs, same order).
constexpr std::string_view kRequestNames[] = {
    "ProduceRequest",       "FetchRequest",          "ListOffsetsRequest",
    "OffsetForLeaderEpochRequest", "MetadataRequest", "LeaderAndIsrRequest",
    "UpdateMetadataRequest", "StopReplicaRequest",   "AlterPartitionRequest",
    "ControlledShutdownRequest", "InitProducerIdRequest", "FindCoordinatorRequest",
    "JoinGroupRequest",     "SyncGroupRequest",      "HeartbeatRequest",
    "LeaveGroupRequest",    "OffsetCommitRequest",   "OffsetFetchRequest",
    "ListGroupsRequest",    "DescribeGroupsRequest"};
constexpr std::string_view kResponseNames[] = {
    "ProduceResponse",       "FetchResponse",          "ListOffsetsResponse",
    "OffsetForLeaderEpochResponse", "MetadataResponse", "LeaderAndIsrResponse",
    "UpdateMetadataResponse", "StopReplicaResponse",   "AlterPartitionResponse",
    "ControlledShutdownResponse", "InitProducerIdResponse", "FindCoordinatorResponse",
    "JoinGroupResponse",     "SyncGroupResponse",      "HeartbeatResponse",
    "LeaveGroupResponse",    "OffsetCommitResponse",   "OffsetFetchResponse",
    "ListGroupsResponse",    "DescribeGroupsResponse"};
static_assert(std::size(kRequestNames) == std::variant_size_v<cluster::RequestBody>);
static_assert(std::size(kResponseNames) == std::variant_size_v<cluster::ResponseBody>);

// ZooKeeper's OpCode names, in the order of zk::RequestBody.
constexpr std::string_view kZkRequestNames[] = {
    "zk.create", "zk.delete", "zk.setData", "zk.getData", "zk.exists",
    "zk.getChildren", "zk.multi", "zk.ping", "zk.closeSession"};
static_assert(std::size(kZkRequestNames) == std::variant_size_v<zk::RequestBody>);
// In the order of zk::ResponseBody; a bare code answers delete, ping and closeSession.
constexpr std::string_view kZkResponseNames[] = {
    "zk.createResponse", "zk.response", "zk.setDataResponse", "zk.getDataResponse",
    "zk.existsResponse", "zk.getChildrenResponse", "zk.multiResponse"};
static_assert(std::size(kZkResponseNames) == std::variant_size_v<zk::ResponseBody>);

}  // namespace

std::string_view cluster_message_name(const network::Message& message) {
  const network::Payload& payload = message.payload;
  if (const auto* request = payload.get<cluster::KafkaRequest>()) {
    return kRequestNames[request->body.index()];
  }
  if (const auto* response = payload.get<cluster::KafkaResponse>()) {
    return kResponseNames[response->body.index()];
  }
  if (const auto* request = payload.get<zk::Request>()) {
    return kZkRequestNames[request->body.index()];
  }
  if (const auto* response = payload.get<zk::Response>()) {
    return kZkResponseNames[response->body.index()];
  }
  if (payload.holds<zk::WatchNotification>()) return "zk.watch";
  if (payload.holds<zk::ConnectRequest>()) return "zk.connect";
  if (payload.holds<zk::ConnectResponse>()) return "zk.connectResponse";
  return {};
}

}  // namespace ksim::sim::trace
