// DescribeGroups (API key 15): a group's state, protocol and members with their assignments,
// what `kafka-consumer-groups.sh --describe` shows (DescribeGroupsRequest.json /
// DescribeGroupsResponse.json).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/bytes.h"

namespace ksim::protocol {

struct DescribeGroupsRequest {
  std::vector<std::string> groups;
  bool include_authorized_operations = false;
};

// DescribeGroupsResponse.DescribedGroupMember.
struct DescribedGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  storage::Bytes member_metadata;    // the chosen protocol's metadata (a subscription)
  storage::Bytes member_assignment;  // empty unless Stable
};

// DescribeGroupsResponse.DescribedGroup. An unknown group is answered as state "Dead", no
// members and NONE (GroupCoordinator.handleDescribeGroup), which the tool reports as missing.
struct DescribedGroup {
  Error error_code = Error::NONE;
  std::string group_id;
  std::string group_state;    // "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"
  std::string protocol_type;
  std::string protocol_data;  // the chosen protocol (assignor) name; "" while rebalancing
  std::vector<DescribedGroupMember> members;
  std::int32_t authorized_operations = std::numeric_limits<std::int32_t>::min();
};

struct DescribeGroupsResponse {
  std::vector<DescribedGroup> groups;
};

}  // namespace ksim::protocol
