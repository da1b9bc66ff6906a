// SyncGroup (API key 14): after JoinGroup, the leader sends every member's assignment; every
// member (leader included) gets back its own (SyncGroupRequest.json / SyncGroupResponse.json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/bytes.h"

namespace ksim::protocol {

// SyncGroupRequest.SyncGroupRequestAssignment: for "consumer", a ConsumerProtocolAssignment.
struct SyncGroupRequestAssignment {
  std::string member_id;
  storage::Bytes assignment;
};

struct SyncGroupRequest {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> protocol_type;  // v5+: checked against the group's when set
  std::optional<std::string> protocol_name;
  std::vector<SyncGroupRequestAssignment> assignments;  // empty from followers
};

struct SyncGroupResponse {
  Error error_code = Error::NONE;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  storage::Bytes assignment;  // this member's
};

}  // namespace ksim::protocol
