// Heartbeat (API key 12): a member tells the coordinator it is alive, every
// heartbeat.interval.ms (3000); REBALANCE_IN_PROGRESS in the answer tells it to rejoin
// (HeartbeatRequest.json / HeartbeatResponse.json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/protocol/errors.h"

namespace ksim::protocol {

struct HeartbeatRequest {
  std::string group_id;
  std::int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct HeartbeatResponse {
  Error error_code = Error::NONE;
};

}  // namespace ksim::protocol
