// What travels between brokers, clients and the controller in the simulated cluster: Kafka's
// requests and responses (the plain structs of core/protocol/) in an envelope with the
// correlation id that matches an answer to its request, as in Kafka's request header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/protocol/alter_partition.h"
#include "core/protocol/controlled_shutdown.h"
#include "core/protocol/describe_groups.h"
#include "core/protocol/fetch.h"
#include "core/protocol/find_coordinator.h"
#include "core/protocol/heartbeat.h"
#include "core/protocol/init_producer_id.h"
#include "core/protocol/join_group.h"
#include "core/protocol/leader_and_isr.h"
#include "core/protocol/leave_group.h"
#include "core/protocol/list_groups.h"
#include "core/protocol/list_offsets.h"
#include "core/protocol/metadata.h"
#include "core/protocol/offset_commit.h"
#include "core/protocol/offset_fetch.h"
#include "core/protocol/offsets_for_leader_epoch.h"
#include "core/protocol/produce.h"
#include "core/protocol/stop_replica.h"
#include "core/protocol/sync_group.h"
#include "core/protocol/update_metadata.h"

namespace ksim::sim::cluster {

using RequestBody =
    std::variant<protocol::ProduceRequest, protocol::FetchRequest, protocol::ListOffsetsRequest,
                 protocol::OffsetForLeaderEpochRequest, protocol::MetadataRequest,
                 protocol::LeaderAndIsrRequest, protocol::UpdateMetadataRequest,
                 protocol::StopReplicaRequest, protocol::AlterPartitionRequest,
                 protocol::ControlledShutdownRequest, protocol::InitProducerIdRequest,
                 protocol::FindCoordinatorRequest, protocol::JoinGroupRequest,
                 protocol::SyncGroupRequest, protocol::HeartbeatRequest,
                 protocol::LeaveGroupRequest, protocol::OffsetCommitRequest,
                 protocol::OffsetFetchRequest, protocol::ListGroupsRequest,
                 protocol::DescribeGroupsRequest>;

using ResponseBody =
    std::variant<protocol::ProduceResponse, protocol::FetchResponse, protocol::ListOffsetsResponse,
                 protocol::OffsetForLeaderEpochResponse, protocol::MetadataResponse,
                 protocol::LeaderAndIsrResponse, protocol::UpdateMetadataResponse,
                 protocol::StopReplicaResponse, protocol::AlterPartitionResponse,
                 protocol::ControlledShutdownResponse, protocol::InitProducerIdResponse,
                 protocol::FindCoordinatorResponse, protocol::JoinGroupResponse,
                 protocol::SyncGroupResponse, protocol::HeartbeatResponse,
                 protocol::LeaveGroupResponse, protocol::OffsetCommitResponse,
                 protocol::OffsetFetchResponse, protocol::ListGroupsResponse,
                 protocol::DescribeGroupsResponse>;

struct KafkaRequest {
  std::int32_t correlation_id = 0;
  RequestBody body;
};

struct KafkaResponse {
  std::int32_t correlation_id = 0;
  ResponseBody body;
};

// Kafka's API name of a request ("Produce", "Fetch", "LeaderAndIsr", ...), for transcripts.
std::string_view api_name(const RequestBody& body);

// Approximate bytes on the wire (headers plus record bytes), for the network's bandwidth model.
std::size_t wire_size(const KafkaRequest& request);
std::size_t wire_size(const KafkaResponse& response);

}  // namespace ksim::sim::cluster
