// FindCoordinator (API key 10): a consumer asks any broker which broker coordinates its group
// (FindCoordinatorRequest.json / FindCoordinatorResponse.json, one key per request as before v4).
// The answer is the leader of __consumer_offsets-<partitionFor(groupId)>.
#pragma once

#include <cstdint>
#include <string>

#include "core/protocol/errors.h"

namespace ksim::protocol {

// FindCoordinatorRequest.KeyType (CoordinatorType).
enum class CoordinatorType : std::int8_t { group = 0, transaction = 1 };

struct FindCoordinatorRequest {
  std::string key;  // the group id
  CoordinatorType key_type = CoordinatorType::group;
};

struct FindCoordinatorResponse {
  Error error_code = Error::NONE;  // COORDINATOR_NOT_AVAILABLE while the partition has no leader
  std::string error_message;
  std::int32_t node_id = -1;
  std::string host;
  std::int32_t port = -1;
};

}  // namespace ksim::protocol
