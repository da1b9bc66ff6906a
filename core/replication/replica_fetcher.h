// ReplicaFetcher: a follower broker's replication from one leader broker (Kafka's
// ReplicaFetcherThread / AbstractFetcherThread, without the thread). It keeps a fetch state per
// partition that this broker follows on that leader, and builds ONE request at a time covering
// every partition that needs it, in Kafka's order: truncation first (OffsetsForLeaderEpoch, 0.11
// and 2.0), then the leader's offsets after OFFSET_OUT_OF_RANGE (ListOffsets), then the fetch.
//
// Sans-IO: poll(now) hands back the request to send to the leader; the caller passes the answer
// to handle_response (or handle_failure if none came). Applying a fetch response per partition:
// truncation first (a diverging epoch, 2.7+), else append, then follower HW = min(leader HW,
// LEO), then the leader's log start offset.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "core/protocol/fetch.h"
#include "core/protocol/list_offsets.h"
#include "core/protocol/offsets_for_leader_epoch.h"
#include "core/replication/partition.h"
#include "core/replication/replication_config.h"
#include "core/storage/topic_partition.h"
#include "core/storage/topic_partition_map.h"

namespace ksim::replication {

// Kafka's ReplicaState (Truncating, Fetching), plus the two ListOffsets steps of
// fetchOffsetAndTruncate, which Kafka runs as blocking calls inside the fetcher thread.
enum class FetchStateKind {
  truncating,
  fetching,
  fetching_leader_end_offset,
  fetching_leader_start_offset
};

std::string_view fetch_state_name(FetchStateKind kind);

// Kafka's PartitionFetchState.
struct PartitionFetchState {
  std::int64_t fetch_offset = 0;
  std::optional<std::int64_t> lag;  // leader HW - next fetch offset, after the last fetch
  std::int32_t current_leader_epoch = 0;
  std::optional<std::int64_t> delayed_until_ms;  // replica.fetch.backoff.ms after an error
  FetchStateKind state = FetchStateKind::fetching;
  std::optional<std::int32_t> last_fetched_epoch;

  bool is_delayed(std::int64_t now_ms) const {
    return delayed_until_ms && now_ms < *delayed_until_ms;
  }
  bool is_ready_for_fetch(std::int64_t now_ms) const {
    return state == FetchStateKind::fetching && !is_delayed(now_ms);
  }
};

using FetcherRequest = std::variant<protocol::OffsetForLeaderEpochRequest,
                                    protocol::ListOffsetsRequest, protocol::FetchRequest>;
using FetcherResponse = std::variant<protocol::OffsetForLeaderEpochResponse,
                                     protocol::ListOffsetsResponse, protocol::FetchResponse>;

class ReplicaFetcher {
 public:
  ReplicaFetcher(std::int32_t broker_id, std::int32_t leader_id, const ReplicationConfig& config);

  std::int32_t broker_id() const { return broker_id_; }
  std::int32_t leader_id() const { return leader_id_; }

  // Starts following `partition` (already made follower of this leader) in `current_leader_epoch`.
  // The first state depends on the protocol version: 3.7 fetches from the LEO with the log's
  // latest epoch as lastFetchedEpoch; 0.11 and 2.0 truncate first (from the HW); 0.10 fetches
  // from the LEO (make_follower already cut the log to the HW). A log without any epoch
  // truncates to the HW, as in Kafka. The Partition must outlive its membership here.
  void add_partition(Partition& partition, std::int32_t current_leader_epoch);
  void remove_partition(const storage::TopicPartition& tp);
  bool has_partitions() const { return !partitions_.empty(); }
  std::vector<storage::TopicPartition> partitions() const;
  const PartitionFetchState* fetch_state(const storage::TopicPartition& tp) const;
  // Partitions dropped after a fatal error (FENCED_LEADER_EPOCH in our epoch: wait for the next
  // LeaderAndIsr; a storage error): Kafka's failedPartitions.
  const std::set<storage::TopicPartition>& failed_partitions() const { return failed_; }

  // The request to send to the leader now, if any (none while one is in flight).
  std::optional<FetcherRequest> poll(std::int64_t now_ms);
  bool in_flight() const { return in_flight_.has_value(); }
  // When poll may next have something to send (now if ready; the end of a backoff); nullopt
  // while a request is in flight or nothing is followed.
  std::optional<std::int64_t> next_poll_time_ms(std::int64_t now_ms) const;

  // The leader's answer to the request poll() returned. Throws std::invalid_argument if it
  // answers another kind of request than the one in flight.
  void handle_response(const FetcherResponse& response, std::int64_t now_ms);
  // The request got no answer (connection lost, leader gone): every partition in it backs off.
  void handle_failure(std::int64_t now_ms);

 private:
  struct Entry {
    Partition* partition = nullptr;
    PartitionFetchState state;
  };
  // What was sent for a partition, to recognise a stale answer.
  struct Sent {
    std::int64_t fetch_offset = 0;
    std::int32_t current_leader_epoch = 0;
    FetchStateKind state = FetchStateKind::fetching;
  };
  enum class RequestKind { offsets_for_leader_epoch, list_offsets, fetch };
  struct InFlight {
    RequestKind kind;
    // Sorted by partition: filled while iterating partitions_, in its order.
    std::vector<std::pair<storage::TopicPartition, Sent>> partitions;
    const Sent* find(const storage::TopicPartition& tp) const;
  };

  std::int32_t request_leader_epoch(const Entry& entry) const;
  Entry* matching_entry(const storage::TopicPartition& tp);
  void delay(Entry& entry, std::int64_t now_ms);
  void mark_failed(const storage::TopicPartition& tp);
  void on_partition_fenced(const storage::TopicPartition& tp, std::int32_t request_epoch,
                           std::int64_t now_ms);
  void handle_partition_error(const storage::TopicPartition& tp, protocol::Error error,
                              std::int32_t request_epoch, std::int64_t now_ms);
  void reset_after_truncation(Entry& entry, bool completed);
  void truncate_to_high_watermark(std::int64_t now_ms);

  void handle_offsets_for_leader_epoch(const protocol::OffsetForLeaderEpochResponse& response,
                                       std::int64_t now_ms);
  void handle_list_offsets(const protocol::ListOffsetsResponse& response, std::int64_t now_ms);
  void handle_fetch(const protocol::FetchResponse& response, std::int64_t now_ms);
  void process_partition_data(Entry& entry, const protocol::FetchResponsePartition& data,
                              std::int64_t now_ms);

  std::int32_t broker_id_;
  std::int32_t leader_id_;
  ReplicationConfig config_;
  storage::TopicPartitionMap<Entry> partitions_;  // iterated in (topic, partition) order
  std::set<storage::TopicPartition> failed_;
  std::optional<InFlight> in_flight_;
};

}  // namespace ksim::replication
