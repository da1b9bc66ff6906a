// DelayedProduce: an acks=all produce request waiting until every partition it wrote is
// committed (Kafka's DelayedProduce). Each partition is done when the HW reaches its last offset
// + 1 (NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR fell below min.insync.replicas), or
// when this broker stops leading it (NOT_LEADER_OR_FOLLOWER). Whatever is still pending at the
// request's timeout answers REQUEST_TIMED_OUT: indeterminate, the write may still commit.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/protocol/produce.h"
#include "core/replication/partition.h"

namespace ksim::replication {

// Kafka's ProducePartitionStatus.
struct ProducePartitionStatus {
  std::int64_t required_offset = 0;  // last offset + 1
  bool acks_pending = false;
  protocol::PartitionProduceResponse response;
};

using PartitionLookup = std::function<const Partition*(const storage::TopicPartition&)>;

class DelayedProduce {
 public:
  // Partitions whose append succeeded wait (with REQUEST_TIMED_OUT set until they are done);
  // those that failed are answered with their error.
  explicit DelayedProduce(std::vector<ProducePartitionStatus> statuses);

  // Kafka's tryComplete: true once no partition is pending.
  bool try_complete(const PartitionLookup& lookup);
  bool is_complete() const;
  // The answer: when complete, or at expiry (pending partitions keep REQUEST_TIMED_OUT).
  protocol::ProduceResponse response() const;
  // The partitions this request waits on.
  std::vector<storage::TopicPartition> pending_partitions() const;
  const std::vector<ProducePartitionStatus>& statuses() const { return statuses_; }

 private:
  std::vector<ProducePartitionStatus> statuses_;
};

}  // namespace ksim::replication
