#include "core/replication/delayed_fetch.h"

#include <algorithm>

namespace ksim::replication {

bool DelayedFetch::try_complete(const PartitionLookup& lookup) const {
  std::int64_t accumulated_bytes = 0;
  for (const protocol::FetchPartition& fetch : partitions_) {
    const Partition* partition = lookup(fetch.topic_partition);
    if (partition == nullptr) return true;  // Case C
    const FetchOffsetSnapshot snapshot =
        partition->fetch_offset_snapshot(fetch.current_leader_epoch);
    if (snapshot.error != protocol::Error::NONE) return true;  // Cases A, B, E
    std::int64_t end_offset = snapshot.log_end_offset;
    if (params_.isolation() == FetchIsolation::high_watermark) end_offset = snapshot.high_watermark;
    if (params_.isolation() == FetchIsolation::txn_committed)
      end_offset = snapshot.last_stable_offset;

    if (fetch.fetch_offset > end_offset) return true;  // Case F: the log was truncated
    if (fetch.fetch_offset < end_offset) {
      if (params_.min_bytes <= 1) {
        accumulated_bytes += 1;  // at least one whole batch is there
      } else {
        const std::optional<std::int64_t> max_offset =
            params_.isolation() == FetchIsolation::log_end
                ? std::nullopt
                : std::optional<std::int64_t>(end_offset);
        std::size_t bytes = 0;
        try {
          bytes = partition->log()
                      .read(fetch.fetch_offset, static_cast<std::size_t>(fetch.partition_max_bytes),
                            max_offset, true)
                      .records.size();
        } catch (const std::exception&) {
          return true;  // the offset left the log meanwhile: answer (with the error) now
        }
        accumulated_bytes +=
            std::min<std::int64_t>(static_cast<std::int64_t>(bytes), fetch.partition_max_bytes);
      }
    }
    if (fetch.last_fetched_epoch >= 0) {  // Case H
      const protocol::EpochEndOffset epoch_end = partition->last_offset_for_leader_epoch(
          fetch.current_leader_epoch, fetch.last_fetched_epoch, false);
      if (epoch_end.error_code != protocol::Error::NONE || epoch_end.end_offset < 0 ||
          epoch_end.leader_epoch < 0 || epoch_end.leader_epoch < fetch.last_fetched_epoch ||
          epoch_end.end_offset < fetch.fetch_offset) {
        return true;
      }
    }
  }
  return accumulated_bytes >= params_.min_bytes;  // Case G
}

std::vector<storage::TopicPartition> DelayedFetch::topic_partitions() const {
  std::vector<storage::TopicPartition> tps;
  tps.reserve(partitions_.size());
  for (const protocol::FetchPartition& fetch : partitions_) tps.push_back(fetch.topic_partition);
  return tps;
}

}  // namespace ksim::replication
