// JoinGroup (API key 11): a member joins (or rejoins) a classic group; the coordinator answers
// when the rebalance completes, giving the leader every member's metadata
// (JoinGroupRequest.json / JoinGroupResponse.json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/bytes.h"

namespace ksim::protocol {

// The MemberId of a member joining for the first time (JoinGroupRequest.UNKNOWN_MEMBER_ID).
inline constexpr std::string_view unknown_member_id = "";
// JoinGroupResponse.GenerationId with an error (JoinGroupRequest.UNKNOWN_GENERATION_ID).
inline constexpr std::int32_t unknown_generation_id = -1;

// JoinGroupRequest.JoinGroupRequestProtocol: one assignor the member supports, in preference
// order, with its metadata (for "consumer", a ConsumerProtocolSubscription).
struct JoinGroupRequestProtocol {
  std::string name;
  storage::Bytes metadata;
};

struct JoinGroupRequest {
  std::string group_id;
  std::int32_t session_timeout_ms = 45000;      // session.timeout.ms (45000 since 3.0)
  std::int32_t rebalance_timeout_ms = 300000;   // max.poll.interval.ms
  std::string member_id;                        // "" on the first join
  std::optional<std::string> group_instance_id; // static membership (KIP-345): not modelled
  std::string protocol_type = "consumer";
  std::vector<JoinGroupRequestProtocol> protocols;
  // From the request header and the connection (Kafka's RequestContext), not the body: the
  // coordinator names a new member client_id + "-" + a UUID and shows client_host.
  std::string client_id;
  std::string client_host;
};

// JoinGroupResponse.JoinGroupResponseMember: filled for the leader only.
struct JoinGroupResponseMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  storage::Bytes metadata;
};

struct JoinGroupResponse {
  Error error_code = Error::NONE;
  std::int32_t generation_id = unknown_generation_id;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  bool skip_assignment = false;  // v9 (KIP-814): not used without static members
  std::string member_id;         // also set with MEMBER_ID_REQUIRED: rejoin with this id
  std::vector<JoinGroupResponseMember> members;
};

}  // namespace ksim::protocol
