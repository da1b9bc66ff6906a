// ControlledShutdown (API key 7): a broker that received SIGTERM asks the controller to move its
// leaderships away before it stops (controlled.shutdown.enable=true). The controller answers with
// the partitions it still leads; the broker retries (controlled.shutdown.max.retries = 3, every
// controlled.shutdown.retry.backoff.ms = 5000) until none remain, then shuts down.
#pragma once

#include <cstdint>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

struct ControlledShutdownRequest {
  std::int32_t broker_id = -1;
  std::int64_t broker_epoch = -1;
};

struct ControlledShutdownResponse {
  Error error_code = Error::NONE;  // NOT_CONTROLLER, STALE_BROKER_EPOCH, UNKNOWN_SERVER_ERROR ...
  std::vector<storage::TopicPartition> remaining_partitions;
};

}  // namespace ksim::protocol
