// LeaveGroup (API key 13): members leave a group at once instead of waiting for their session
// to expire (a consumer's close()); the group rebalances (LeaveGroupRequest.json /
// LeaveGroupResponse.json, v3+: a batch of members).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/protocol/errors.h"

namespace ksim::protocol {

// LeaveGroupRequest.MemberIdentity.
struct MemberIdentity {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> reason;  // v5 (KIP-800)
};

struct LeaveGroupRequest {
  std::string group_id;
  std::vector<MemberIdentity> members;
};

// LeaveGroupResponse.MemberResponse.
struct LeaveGroupMemberResponse {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  Error error_code = Error::NONE;  // UNKNOWN_MEMBER_ID for a member the group does not have
};

struct LeaveGroupResponse {
  Error error_code = Error::NONE;  // group-level: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS...
  std::vector<LeaveGroupMemberResponse> members;
};

}  // namespace ksim::protocol
