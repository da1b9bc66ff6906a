// Producer ids for InitProducerId in ZooKeeper mode (Kafka's ZkProducerIdManager and the
// non-transactional branch of TransactionCoordinator.handleInitProducerId), sans-IO.
//
// A broker hands out ids from a block of 1000 it claimed in /latest_producer_id_block. Claiming
// is a read-modify-conditional-write that the caller performs:
//   1. while needs_block(): read the znode's data and version;
//   2. request = block_request(data)  (the block after the one in the znode; 0..999 if empty);
//   3. setData(request.json, version); on success on_block_claimed(request.block), on a version
//      conflict (another broker claimed one meanwhile) start again at 1.
// Kafka claims the first block when the broker starts and the next one when a request finds the
// block used up (the request waits for it: handle_init_producer_id answers nullopt meanwhile).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/controller/zk_kafka_znodes.h"
#include "core/protocol/init_producer_id.h"

namespace ksim::controller {

// The znode's block ends so close to INT64_MAX that no further block fits (Kafka's fatal
// "Have exhausted all producerIds."; InitProducerId then answers UNKNOWN_SERVER_ERROR).
class ProducerIdsExhaustedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ProducerIdBlockRequest {
  ProducerIdsBlock block;  // what this broker claims
  std::string json;        // the znode's new data
};

class ProducerIdManager {
 public:
  explicit ProducerIdManager(std::int32_t broker_id) : broker_id_(broker_id) {}

  std::int32_t broker_id() const { return broker_id_; }
  // No block yet, or every id of the current one handed out.
  bool needs_block() const;
  // The next block to claim, given the znode's current data (empty: no block was ever claimed,
  // as the znode is created without data). Throws ZkDataError for data that is not a block, and
  // ProducerIdsExhaustedError.
  ProducerIdBlockRequest block_request(std::string_view current_data) const;
  // The conditional write of `block` succeeded: ids come from it now.
  void on_block_claimed(const ProducerIdsBlock& block);
  // The next id, or nullopt while a block is needed.
  std::optional<std::int64_t> allocate();

  const std::optional<ProducerIdsBlock>& current_block() const { return current_block_; }
  std::int64_t next_producer_id() const { return next_producer_id_; }

 private:
  std::int32_t broker_id_;
  std::optional<ProducerIdsBlock> current_block_;
  std::int64_t next_producer_id_ = -1;
};

// InitProducerId from an idempotent (non-transactional) producer: always a new producer id
// with epoch 0 (Kafka: "if the transactional id is null, then always blindly accept the
// request"). The request's producer_id / producer_epoch are ignored: KIP-360's server-side
// bump applies to transactional ids only; an idempotent producer bumps its epoch itself.
// nullopt: no id available until a block is claimed (answer after on_block_claimed).
std::optional<protocol::InitProducerIdResponse> handle_init_producer_id(
    const protocol::InitProducerIdRequest& request, ProducerIdManager& manager);

}  // namespace ksim::controller
