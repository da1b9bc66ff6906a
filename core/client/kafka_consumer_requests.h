// The requests a consumer sends and the answers it takes, as one variant each (the plain structs
// of core/protocol/), and the envelope the host carries: destination broker and correlation id.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "core/protocol/fetch.h"
#include "core/protocol/find_coordinator.h"
#include "core/protocol/heartbeat.h"
#include "core/protocol/join_group.h"
#include "core/protocol/leave_group.h"
#include "core/protocol/list_offsets.h"
#include "core/protocol/metadata.h"
#include "core/protocol/offset_commit.h"
#include "core/protocol/offset_fetch.h"
#include "core/protocol/sync_group.h"

namespace ksim::client {

// Destination of a request any broker can answer (Metadata, FindCoordinator).
inline constexpr std::int32_t any_broker = -1;

using ConsumerRequestBody =
    std::variant<protocol::MetadataRequest, protocol::FetchRequest, protocol::ListOffsetsRequest,
                 protocol::FindCoordinatorRequest, protocol::JoinGroupRequest,
                 protocol::SyncGroupRequest, protocol::HeartbeatRequest,
                 protocol::LeaveGroupRequest, protocol::OffsetCommitRequest,
                 protocol::OffsetFetchRequest>;
using ConsumerResponseBody =
    std::variant<protocol::MetadataResponse, protocol::FetchResponse, protocol::ListOffsetsResponse,
                 protocol::FindCoordinatorResponse, protocol::JoinGroupResponse,
                 protocol::SyncGroupResponse, protocol::HeartbeatResponse,
                 protocol::LeaveGroupResponse, protocol::OffsetCommitResponse,
                 protocol::OffsetFetchResponse>;

// Which API a request is (the index of its alternative in both variants).
enum class ConsumerApi : std::uint8_t {
  metadata,
  fetch,
  list_offsets,
  find_coordinator,
  join_group,
  sync_group,
  heartbeat,
  leave_group,
  offset_commit,
  offset_fetch
};
static_assert(std::variant_size_v<ConsumerRequestBody> == 10 &&
                  std::variant_size_v<ConsumerResponseBody> == 10,
              "one ConsumerApi per alternative, in the same order");
inline ConsumerApi api_of(const ConsumerRequestBody& body) {
  return static_cast<ConsumerApi>(body.index());
}
inline ConsumerApi api_of(const ConsumerResponseBody& body) {
  return static_cast<ConsumerApi>(body.index());
}
// Kafka's API name: "Metadata", "Fetch", "ListOffsets", "FindCoordinator", ...
std::string_view api_name(ConsumerApi api);

struct ConsumerOutboundRequest {
  std::int32_t destination = any_broker;
  std::int32_t correlation_id = 0;
  ConsumerRequestBody body;
};

}  // namespace ksim::client
