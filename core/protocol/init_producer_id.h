// InitProducerId (API key 22): an idempotent producer asks any broker for its producer id and
// epoch before its first send (InitProducerIdRequest.json / InitProducerIdResponse.json, without
// the transactional fields ksim does not model).
#pragma once

#include <cstdint>

#include "core/protocol/errors.h"

namespace ksim::protocol {

struct InitProducerIdRequest {
  std::int32_t transaction_timeout_ms = -1;  // -1: not transactional
  std::int64_t producer_id = -1;             // KIP-360: the id to bump, or -1 for a new one
  std::int16_t producer_epoch = -1;
};

struct InitProducerIdResponse {
  Error error_code = Error::NONE;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

}  // namespace ksim::protocol
