// ListGroups (API key 16): every group a broker coordinates, what `kafka-consumer-groups.sh
// --list` asks every broker (ListGroupsRequest.json / ListGroupsResponse.json).
#pragma once

#include <string>
#include <vector>

#include "core/protocol/errors.h"

namespace ksim::protocol {

struct ListGroupsRequest {
  std::vector<std::string> states_filter;  // v4 (KIP-518): empty means every state
};

// ListGroupsResponse.ListedGroup.
struct ListedGroup {
  std::string group_id;
  std::string protocol_type;
  std::string group_state;  // v4: "Stable", "Empty", ...
};

struct ListGroupsResponse {
  Error error_code = Error::NONE;  // COORDINATOR_LOAD_IN_PROGRESS while a partition loads
  std::vector<ListedGroup> groups;
};

}  // namespace ksim::protocol
