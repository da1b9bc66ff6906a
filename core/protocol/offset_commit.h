// OffsetCommit (API key 8): a consumer stores its position per partition in its group; the
// coordinator appends one OffsetCommitKey/OffsetCommitValue record per partition to
// __consumer_offsets with acks=all and answers when that append completes
// (OffsetCommitRequest.json / OffsetCommitResponse.json, flattened to one entry per partition).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/errors.h"
#include "core/protocol/fetch.h"
#include "core/storage/topic_partition.h"

namespace ksim::protocol {

// OffsetCommitRequestPartition.
struct OffsetCommitRequestPartition {
  storage::TopicPartition topic_partition;
  std::int64_t committed_offset = -1;
  std::int32_t committed_leader_epoch = no_leader_epoch;  // v6+
  std::optional<std::string> committed_metadata;          // null is stored as ""
};

struct OffsetCommitRequest {
  std::string group_id;
  std::int32_t generation_id = -1;  // -1 with member_id "": a commit from outside any group
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<OffsetCommitRequestPartition> partitions;
};

// OffsetCommitResponsePartition.
struct OffsetCommitResponsePartition {
  storage::TopicPartition topic_partition;
  Error error_code = Error::NONE;
};

struct OffsetCommitResponse {
  std::vector<OffsetCommitResponsePartition> partitions;
};

}  // namespace ksim::protocol
