// Helpers for the replication tests: producer batches from strings, LeaderAndIsr states, a
// broker holding one replica of partition t-0 (its own MemoryFileSystem, Log, Partition and
// fetcher) that can crash and restart, and hand-carried requests between replicas, the way a
// ReplicaManager would serve them (without its purgatory).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/replication/partition.h"
#include "core/replication/replica_fetcher.h"
#include "core/storage/log.h"
#include "core/storage/memory_file_system.h"
#include "core/storage/record_batch.h"
#include "tests/support/producer_batch.h"

namespace ksim::replication::test {

inline const storage::TopicPartition tp0{"t", 0};

// One producer batch (base offset 0, as a producer sends it), one record per value.
inline storage::Bytes producer_batch(const std::vector<std::string>& values,
                                     std::int64_t timestamp = 1000) {
  return test_support::batch_of(values, timestamp);
}

// The values in a log from `from` on (from its log start offset by default).
inline std::vector<std::string> values_in(const storage::Log& log,
                                          std::optional<std::int64_t> from = std::nullopt) {
  std::vector<std::string> values;
  for (const storage::Record& record : log.read_records(from.value_or(log.log_start_offset()))) {
    values.push_back(record.value ? storage::to_string(*record.value) : "<null>");
  }
  return values;
}

// (epoch, start offset) pairs of a log's leader epoch cache.
inline std::vector<std::pair<std::int32_t, std::int64_t>> epochs_in(const storage::Log& log) {
  std::vector<std::pair<std::int32_t, std::int64_t>> entries;
  for (const storage::EpochEntry& entry : log.leader_epoch_cache().entries()) {
    entries.emplace_back(entry.epoch, entry.start_offset);
  }
  return entries;
}

inline protocol::LeaderAndIsrPartitionState partition_state(std::int32_t leader,
                                                            std::int32_t leader_epoch,
                                                            std::vector<std::int32_t> isr,
                                                            std::vector<std::int32_t> replicas,
                                                            std::int32_t partition_epoch = 0) {
  protocol::LeaderAndIsrPartitionState state;
  state.topic_partition = tp0;
  state.leader = leader;
  state.leader_epoch = leader_epoch;
  state.isr = std::move(isr);
  state.replicas = std::move(replicas);
  state.partition_epoch = partition_epoch;
  return state;
}

inline ReplicationConfig config_for(ProtocolVersion version, std::int32_t min_isr = 1) {
  ReplicationConfig config;
  config.protocol_version = version;
  config.min_insync_replicas = min_isr;
  return config;
}

// A leader's answer to a follower's fetch, the way ReplicaManager.fetchMessages reads it, but
// answered at once (no purgatory).
inline protocol::FetchResponse serve_fetch(Partition& leader, const protocol::FetchRequest& request,
                                           std::int64_t now_ms) {
  protocol::FetchResponse response;
  const FetchParams params = FetchParams::from_request(request);
  for (const protocol::FetchPartition& fetch : request.partitions) {
    const LogReadResult result = leader.fetch_records(
        params, fetch, now_ms, static_cast<std::size_t>(fetch.partition_max_bytes), true, true);
    response.partitions.push_back(result.to_response(fetch.topic_partition));
  }
  return response;
}

inline FetcherResponse serve(Partition& leader, const FetcherRequest& request,
                             std::int64_t now_ms) {
  if (const auto* fetch = std::get_if<protocol::FetchRequest>(&request)) {
    return serve_fetch(leader, *fetch, now_ms);
  }
  if (const auto* epochs = std::get_if<protocol::OffsetForLeaderEpochRequest>(&request)) {
    protocol::OffsetForLeaderEpochResponse response;
    for (const auto& asked : epochs->partitions) {
      response.partitions.push_back(leader.last_offset_for_leader_epoch(asked.current_leader_epoch,
                                                                        asked.leader_epoch, true));
    }
    return response;
  }
  const auto& offsets = std::get<protocol::ListOffsetsRequest>(request);
  protocol::ListOffsetsResponse response;
  for (const auto& asked : offsets.partitions) {
    response.partitions.push_back(leader.fetch_offset_for_timestamp(
        asked.timestamp, offsets.replica_id < 0, asked.current_leader_epoch));
  }
  return response;
}

inline const char* request_kind(const FetcherRequest& request) {
  if (std::holds_alternative<protocol::FetchRequest>(request)) return "Fetch";
  if (std::holds_alternative<protocol::OffsetForLeaderEpochRequest>(request)) {
    return "OffsetsForLeaderEpoch";
  }
  return "ListOffsets";
}

// One broker's replica of t-0.
struct TestBroker {
  std::int32_t id;
  ReplicationConfig config;
  storage::MemoryFileSystem fs;
  std::unique_ptr<storage::Log> log;
  std::unique_ptr<Partition> partition;
  std::unique_ptr<ReplicaFetcher> fetcher;  // while following

  TestBroker(std::int32_t broker_id, const ReplicationConfig& replication_config)
      : id(broker_id), config(replication_config) {
    open(0, true, 0);
  }

  // Opens (or reopens) the log and a fresh Partition with `high_watermark` from the checkpoint.
  void open(std::int64_t high_watermark, bool clean_shutdown, std::int64_t now_ms) {
    storage::LogLoadParams params;
    params.had_clean_shutdown = clean_shutdown;
    params.now_ms = now_ms;
    log = std::make_unique<storage::Log>(fs, "t-0", storage::LogConfig{}, params);
    partition = std::make_unique<Partition>(tp0, id, *log, config, high_watermark);
  }

  void become_leader(const protocol::LeaderAndIsrPartitionState& state, std::int64_t now_ms) {
    fetcher.reset();
    partition->make_leader(state, now_ms);
  }

  // Returns whether the fetcher (re)started.
  bool become_follower(const protocol::LeaderAndIsrPartitionState& state, std::int64_t now_ms) {
    if (!partition->make_follower(state, now_ms)) return false;
    fetcher = std::make_unique<ReplicaFetcher>(id, state.leader, config);
    fetcher->add_partition(*partition, state.leader_epoch);
    return true;
  }

  // kill -9 (the page cache survives) or, with `power_loss`, a power cut (unsynced bytes go).
  void crash(bool power_loss) {
    fetcher.reset();
    partition.reset();
    log.reset();
    if (power_loss) {
      fs.power_loss();
    } else {
      fs.crash_process();
    }
  }

  void restart(std::int64_t checkpointed_high_watermark, std::int64_t now_ms) {
    open(checkpointed_high_watermark, false, now_ms);
  }

  // Leader append of one batch; returns the result.
  LeaderAppendResult produce(const std::vector<std::string>& values, std::int16_t acks,
                             std::int64_t now_ms) {
    storage::Bytes batch = producer_batch(values);
    return partition->append_records_to_leader(batch, acks, now_ms);
  }

  std::int64_t hw() const { return partition->high_watermark(); }
  std::int64_t leo() const { return partition->log_end_offset(); }
  std::vector<std::string> values() const { return values_in(*log); }
};

// One request from `follower`'s fetcher to `leader`, answered and applied. Returns the kind of
// request sent, or "" if the fetcher had nothing to send.
inline std::string round_trip(TestBroker& follower, TestBroker& leader, std::int64_t now_ms) {
  auto request = follower.fetcher->poll(now_ms);
  if (!request) return "";
  const std::string kind = request_kind(*request);
  follower.fetcher->handle_response(serve(*leader.partition, *request, now_ms), now_ms);
  return kind;
}

// Round trips until the follower sends a fetch that brings nothing new (at most `limit`).
inline int replicate(TestBroker& follower, TestBroker& leader, std::int64_t now_ms,
                     int limit = 10) {
  int rounds = 0;
  while (rounds < limit) {
    const std::int64_t before = follower.leo();
    const std::string kind = round_trip(follower, leader, now_ms);
    ++rounds;
    if (kind.empty() || (kind == "Fetch" && follower.leo() == before)) break;
  }
  return rounds;
}

}  // namespace ksim::replication::test
