#include "core/replication/delayed_produce.h"

#include <algorithm>

namespace ksim::replication {

DelayedProduce::DelayedProduce(std::vector<ProducePartitionStatus> statuses)
    : statuses_(std::move(statuses)) {
  for (ProducePartitionStatus& status : statuses_) {
    if (status.response.error_code == protocol::Error::NONE) {
      // Cleared when the required acks arrive.
      status.acks_pending = true;
      status.response.error_code = protocol::Error::REQUEST_TIMED_OUT;
    } else {
      status.acks_pending = false;
    }
  }
}

bool DelayedProduce::try_complete(const PartitionLookup& lookup) {
  for (ProducePartitionStatus& status : statuses_) {
    if (!status.acks_pending) continue;
    const Partition* partition = lookup(status.response.topic_partition);
    const ReplicationCheck check =
        partition != nullptr ? partition->check_enough_replicas_reach_offset(status.required_offset)
                             : ReplicationCheck{true, protocol::Error::NOT_LEADER_OR_FOLLOWER};
    if (check.done) {
      status.acks_pending = false;
      status.response.error_code = check.error;
    }
  }
  return is_complete();
}

bool DelayedProduce::is_complete() const {
  return std::none_of(statuses_.begin(), statuses_.end(),
                      [](const ProducePartitionStatus& s) { return s.acks_pending; });
}

protocol::ProduceResponse DelayedProduce::response() const {
  protocol::ProduceResponse response;
  response.partitions.reserve(statuses_.size());
  for (const ProducePartitionStatus& status : statuses_)
    response.partitions.push_back(status.response);
  return response;
}

std::vector<storage::TopicPartition> DelayedProduce::pending_partitions() const {
  std::vector<storage::TopicPartition> tps;
  tps.reserve(statuses_.size());
  for (const ProducePartitionStatus& status : statuses_) {
    if (status.acks_pending) tps.push_back(status.response.topic_partition);
  }
  return tps;
}

}  // namespace ksim::replication
