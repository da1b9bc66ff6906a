// Produce (API key 0): a producer's records for the leaders of some partitions, and the answer,
// as plain structs with Kafka's field names (ProduceRequest.json / ProduceResponse.json,
// flattened to one entry per partition).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/storage/bytes.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// ProduceRequest.PartitionProduceData: record batches as the producer encoded them (base offset
// 0; the leader assigns offsets and stamps its epoch).
struct PartitionProduceData {
  storage::TopicPartition topic_partition;
  storage::Bytes records;
};

struct ProduceRequest {
  std::int16_t acks = -1;  // 0, 1 or -1 (all); anything else: INVALID_REQUIRED_ACKS
  std::int32_t timeout_ms =
      30000;  // how long acks=all may wait (the producer's request.timeout.ms)
  std::vector<PartitionProduceData> partitions;
};

// ProduceResponse.PartitionProduceResponse.
struct PartitionProduceResponse {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
  std::int64_t base_offset = -1;         // the first offset written, -1 on error or unknown
  std::int64_t log_append_time_ms = -1;  // set when message.timestamp.type=LogAppendTime
  std::int64_t log_start_offset = -1;
  std::string error_message;
};

struct ProduceResponse {
  std::vector<PartitionProduceResponse> partitions;
};

}  // namespace ksim::protocol
