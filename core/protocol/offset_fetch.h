// OffsetFetch (API key 9): a consumer reads its group's committed offsets, where it resumes
// after a rebalance (OffsetFetchRequest.json / OffsetFetchResponse.json up to v7: one group,
// flattened to one entry per partition).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/protocol/fetch.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

struct OffsetFetchRequest {
  std::string group_id;
  // nullopt: every partition the group has an offset for (OffsetFetchRequest.Topics = null).
  std::optional<std::vector<storage::TopicPartition>> partitions;
  bool require_stable = false;  // v7 (KIP-447): only matters with transactions
};

// OffsetFetchResponsePartition. A partition without a committed offset answers offset -1,
// metadata "" and NONE.
struct OffsetFetchResponsePartition {
  storage::TopicPartition topic_partition;
  std::int64_t committed_offset = -1;
  std::int32_t committed_leader_epoch = no_leader_epoch;
  std::optional<std::string> metadata;
  Error error_code = Error::NONE;
};

struct OffsetFetchResponse {
  Error error_code = Error::NONE;  // group-level: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS
  std::vector<OffsetFetchResponsePartition> partitions;
};

}  // namespace ksim::protocol
