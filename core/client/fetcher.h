// Fetcher: how a consumer reads its partitions (Kafka's Fetcher, FetchCollector, CompletedFetch
// and OffsetFetcher's resetPositionsIfNeeded).
//
// Fetching: one FetchRequest per leader broker covering every fetchable partition it leads
// (a position, not paused, nothing buffered, no fetch to that broker in flight), with the
// consumer's replica id -1, the partition's current leader epoch, fetch.min.bytes,
// fetch.max.wait.ms, fetch.max.bytes and max.partition.fetch.bytes. An answer's data is kept per
// partition until poll drains it, at most max.poll.records at a time: records below the
// position inside a batch are skipped, control batches too; the position then moves past the
// last record handed out, and past the end of the last batch once a fetch is used up. Nothing at
// or above the high watermark the leader reported is ever handed out. Errors: OFFSET_OUT_OF_RANGE
// resets by auto.offset.reset (or is an OffsetOutOfRangeException with none);
// NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, REPLICA_NOT_AVAILABLE, KAFKA_STORAGE_ERROR,
// OFFSET_NOT_AVAILABLE and UNKNOWN_TOPIC_OR_PARTITION refresh the metadata; UNKNOWN_LEADER_EPOCH
// (the broker is behind the consumer) just retries, as Kafka 3.x does.
//
// Offset reset: partitions awaiting a reset ask their leader with ListOffsets (timestamp -2 for
// earliest, -1 for latest, which a leader answers with its high watermark for a consumer).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/client/kafka_consumer_config.h"
#include "core/client/kafka_consumer_metadata.h"
#include "core/client/kafka_consumer_network_client.h"
#include "core/client/kafka_consumer_records.h"
#include "core/client/subscription_state.h"
#include "core/protocol/fetch.h"
#include "core/protocol/list_offsets.h"

namespace ksim::client {

class Fetcher {
 public:
  Fetcher(const ConsumerConfig& config, SubscriptionState& subscriptions,
          ConsumerMetadata& metadata, ConsumerNetworkClient& client);

  // Kafka's sendFetches.
  void send_fetches(std::int64_t now_ms);
  void handle_fetch_response(std::int32_t correlation_id, const protocol::FetchResponse& response,
                             std::int64_t now_ms);
  void handle_fetch_failure(std::int32_t correlation_id, std::int64_t now_ms);

  // Kafka's resetPositionsIfNeeded: ListOffsets for every partition awaiting a reset.
  void reset_positions_if_needed(std::int64_t now_ms);
  void handle_list_offsets_response(std::int32_t correlation_id,
                                    const protocol::ListOffsetsResponse& response,
                                    std::int64_t now_ms);
  void handle_list_offsets_failure(std::int32_t correlation_id, std::int64_t now_ms);

  // Kafka's collectFetch: up to `max_records` buffered records, moving positions past them.
  std::vector<ConsumerRecord> collect_fetch(std::int32_t max_records);
  bool has_buffered_records() const;
  // Drops buffered data of partitions no longer assigned (after a rebalance or assign()).
  void clear_buffered_data_for_unassigned_partitions();
  std::vector<ConsumerError> take_errors();

 private:
  // Kafka's CompletedFetch, decoded when it arrives.
  struct CompletedFetch {
    storage::TopicPartition tp;
    std::vector<ConsumerRecord> records;  // at or above the fetch offset, below the HW
    std::size_t next_index = 0;
    std::int64_t next_fetch_offset = 0;
    std::optional<std::int32_t> last_epoch;
    // Where the position goes once every record is handed out: the end of the last whole batch
    // (capped at the HW), and that batch's epoch.
    std::optional<std::int64_t> end_offset;
    std::optional<std::int32_t> end_epoch;
  };
  struct PendingFetch {
    std::int32_t broker = -1;
    std::map<storage::TopicPartition, std::int64_t> fetch_offsets;
  };
  struct PendingReset {
    std::map<storage::TopicPartition, OffsetResetStrategy> strategies;
  };

  bool has_buffered(const storage::TopicPartition& tp) const;
  void handle_partition(const protocol::FetchResponsePartition& data, std::int64_t fetch_offset);
  void handle_partition_error(const protocol::FetchResponsePartition& data,
                              std::int64_t fetch_offset);
  std::optional<CompletedFetch> decode(const protocol::FetchResponsePartition& data,
                                       std::int64_t fetch_offset);

  const ConsumerConfig& config_;
  SubscriptionState& subscriptions_;
  ConsumerMetadata& metadata_;
  ConsumerNetworkClient& client_;
  std::map<std::int32_t, PendingFetch> pending_fetches_;  // by correlation id
  std::map<std::int32_t, PendingReset> pending_resets_;   // by correlation id
  std::deque<CompletedFetch> completed_fetches_;
  std::vector<ConsumerError> errors_;
};

}  // namespace ksim::client
