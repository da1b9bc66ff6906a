#include "core/controller/producer_id_manager.h"

#include <fmt/format.h>

#include <limits>

namespace ksim::controller {

bool ProducerIdManager::needs_block() const {
  return !current_block_ || next_producer_id_ > current_block_->last_producer_id();
}

ProducerIdBlockRequest ProducerIdManager::block_request(std::string_view current_data) const {
  ProducerIdBlockRequest request;
  request.block.assigned_broker_id = broker_id_;
  request.block.size = producer_id_block_size;
  if (current_data.empty()) {
    request.block.first_producer_id = 0;
  } else {
    const ProducerIdsBlock current = decode_producer_id_block(current_data);
    if (current.last_producer_id() >
        std::numeric_limits<std::int64_t>::max() - producer_id_block_size) {
      throw ProducerIdsExhaustedError(fmt::format(
          "Have exhausted all producerIds: the block in {} ends at {}, no block of {} fits after "
          "it",
          "/latest_producer_id_block", current.last_producer_id(), producer_id_block_size));
    }
    request.block.first_producer_id = current.next_block_first_id();
  }
  request.json = encode_producer_id_block(request.block);
  return request;
}

void ProducerIdManager::on_block_claimed(const ProducerIdsBlock& block) {
  current_block_ = block;
  next_producer_id_ = block.first_producer_id;
}

std::optional<std::int64_t> ProducerIdManager::allocate() {
  if (needs_block()) return std::nullopt;
  return next_producer_id_++;
}

std::optional<protocol::InitProducerIdResponse> handle_init_producer_id(
    const protocol::InitProducerIdRequest& request, ProducerIdManager& manager) {
  (void)request;  // transactional fields are not modelled; the id is always new
  const std::optional<std::int64_t> producer_id = manager.allocate();
  if (!producer_id) return std::nullopt;
  protocol::InitProducerIdResponse response;
  response.error_code = protocol::Error::NONE;
  response.producer_id = *producer_id;
  response.producer_epoch = 0;
  return response;
}

}  // namespace ksim::controller
