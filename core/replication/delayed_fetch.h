// DelayedFetch: a fetch that found fewer than min_bytes and waits, up to max_wait_ms, in the
// leader's purgatory (Kafka's DelayedFetch: the long poll). It completes early when
// (Kafka's cases) this broker stopped leading a partition or its epoch moved on (A, B, E), a
// partition is gone (C), the log was truncated below the fetch offset (F), a diverging epoch
// appeared (H), or min_bytes became available (G): for a follower, below the leader's LEO; for
// a consumer, below the HW. A change of HW alone does not complete a follower's fetch.
#pragma once

#include <vector>

#include "core/protocol/fetch.h"
#include "core/replication/delayed_produce.h"
#include "core/replication/partition.h"

namespace ksim::replication {

class DelayedFetch {
 public:
  DelayedFetch(FetchParams params, std::vector<protocol::FetchPartition> partitions)
      : params_(params), partitions_(std::move(partitions)) {}

  bool try_complete(const PartitionLookup& lookup) const;
  const FetchParams& params() const { return params_; }
  // The request's partitions, fetch_offset being where the first read started.
  const std::vector<protocol::FetchPartition>& partitions() const { return partitions_; }
  std::vector<storage::TopicPartition> topic_partitions() const;

 private:
  FetchParams params_;
  std::vector<protocol::FetchPartition> partitions_;
};

}  // namespace ksim::replication
