// A hand-driven cluster of ReplicaManagers for the tests (not the simulator): each broker has its
// own MemoryFileSystem and LogManager; the test plays the network (delivering each fetcher's
// request to its leader and the answer back, at once or when the leader's purgatory completes
// it) and the controller (LeaderAndIsr to every replica, committing AlterPartition requests).
#pragma once

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "core/replication/replica_manager.h"
#include "core/storage/log_manager.h"
#include "replication_test_support.h"

namespace ksim::replication::test {

struct ClusterBroker {
  std::int32_t id;
  ReplicationConfig config;
  storage::MemoryFileSystem fs;
  std::unique_ptr<storage::LogManager> logs;
  std::unique_ptr<ReplicaManager> rm;

  ClusterBroker(std::int32_t broker_id, const ReplicationConfig& replication_config,
                std::int64_t now_ms)
      : id(broker_id), config(replication_config) {
    start(now_ms);
  }
  void start(std::int64_t now_ms) {
    storage::LogManagerConfig log_config;
    log_config.broker_id = id;
    log_config.cluster_id = "ksim-cluster";
    logs = std::make_unique<storage::LogManager>(fs, log_config, now_ms);
    rm = std::make_unique<ReplicaManager>(id, *logs, config, now_ms);
  }
  // kill -9 (page cache kept) then a fresh process on the same disk.
  void restart(std::int64_t now_ms) {
    rm.reset();
    logs.reset();
    fs.crash_process();
    start(now_ms);
  }
  Partition& partition(const storage::TopicPartition& tp = tp0) { return *rm->get_partition(tp); }
};

struct TestCluster {
  std::map<std::int32_t, std::unique_ptr<ClusterBroker>> brokers;
  // Follower fetches waiting in a leader's purgatory: (leader, request id) -> follower.
  std::map<std::pair<std::int32_t, std::uint64_t>, std::int32_t> parked_fetches;
  std::uint64_t next_request_id = 1;
  std::int32_t controller_epoch = 1;

  TestCluster(const std::vector<std::int32_t>& ids, const ReplicationConfig& config) {
    for (std::int32_t id : ids) brokers[id] = std::make_unique<ClusterBroker>(id, config, 0);
  }
  ClusterBroker& broker(std::int32_t id) { return *brokers.at(id); }
  ReplicaManager& rm(std::int32_t id) { return *brokers.at(id)->rm; }

  // The controller's decision, sent to every assigned replica that is up.
  void leader_and_isr(const protocol::LeaderAndIsrPartitionState& state, std::int64_t now_ms) {
    protocol::LeaderAndIsrRequest request;
    request.controller_epoch = controller_epoch;
    request.partition_states.push_back(state);
    for (std::int32_t id : state.replicas) {
      if (brokers.contains(id)) brokers.at(id)->rm->become_leader_or_follower(request, now_ms);
    }
  }

  // The answer to a fetcher request sent by `follower` to `leader`; nullopt if it was parked.
  std::optional<FetcherResponse> serve(std::int32_t follower, std::int32_t leader,
                                       const FetcherRequest& request, std::int64_t now_ms) {
    ReplicaManager& to = rm(leader);
    if (const auto* fetch = std::get_if<protocol::FetchRequest>(&request)) {
      const std::uint64_t id = next_request_id++;
      FetchResult result = to.fetch_messages(id, *fetch, now_ms);
      if (result.parked) {
        parked_fetches[{leader, id}] = follower;
        return std::nullopt;
      }
      return result.response;
    }
    if (const auto* epochs = std::get_if<protocol::OffsetForLeaderEpochRequest>(&request)) {
      return to.last_offset_for_leader_epoch(*epochs);
    }
    return to.fetch_offsets(std::get<protocol::ListOffsetsRequest>(request));
  }

  // Sends what every follower's fetchers want to send now; immediate answers go straight back.
  // Returns the number of requests sent.
  int send_fetches(std::int64_t now_ms) {
    int sent = 0;
    for (auto& [id, broker] : brokers) sent += send_fetches_from(id, now_ms);
    return sent;
  }
  int send_fetches_from(std::int32_t id, std::int64_t now_ms) {
    int sent = 0;
    ClusterBroker& from = broker(id);
    for (FetcherSend& send : from.rm->poll_fetchers(now_ms)) {
      ++sent;
      if (!brokers.contains(send.leader_id)) {
        from.rm->handle_fetcher_failure(send.leader_id, now_ms);
        continue;
      }
      if (auto answer = serve(id, send.leader_id, send.request, now_ms)) {
        from.rm->handle_fetcher_response(send.leader_id, *answer, now_ms);
      }
    }
    return sent;
  }

  // Hands the fetch answers that leaders' purgatories completed back to their followers.
  int deliver_completed_fetches(std::int64_t now_ms) {
    int delivered = 0;
    for (auto& [leader_id, leader] : brokers) {
      for (CompletedFetch& done : leader->rm->take_completed_fetches()) {
        const auto it = parked_fetches.find({leader_id, done.request_id});
        if (it == parked_fetches.end()) continue;  // a consumer's
        const std::int32_t follower = it->second;
        parked_fetches.erase(it);
        if (brokers.contains(follower)) {
          rm(follower).handle_fetcher_response(leader_id, done.response, now_ms);
          ++delivered;
        }
      }
    }
    return delivered;
  }

  // Runs every broker's tick at `now_ms` and delivers what completed.
  void tick(std::int64_t now_ms) {
    for (auto& [id, broker] : brokers) broker->rm->tick(now_ms);
    deliver_completed_fetches(now_ms);
  }

  // The controller commits every pending AlterPartition as proposed (partition epoch + 1).
  int commit_alter_partitions(std::int64_t now_ms) {
    int committed = 0;
    for (auto& [id, broker] : brokers) {
      auto request = broker->rm->take_alter_partition_request();
      if (!request) continue;
      protocol::AlterPartitionResponse response;
      for (const auto& item : request->partitions) {
        response.partitions.push_back({item.topic_partition,
                                       protocol::Error::NONE,
                                       id,
                                       item.leader_epoch,
                                       item.new_isr(),
                                       {},
                                       item.partition_epoch + 1});
        ++committed;
      }
      broker->rm->handle_alter_partition_response(response, now_ms);
    }
    return committed;
  }

  // Forgets the fetches parked at a broker that went away (their answers never come).
  void drop_parked_fetches_of(std::int32_t leader_id) {
    std::erase_if(parked_fetches,
                  [&](const auto& entry) { return entry.first.first == leader_id; });
  }
};

inline protocol::ProduceRequest produce_request(std::int16_t acks,
                                                const std::vector<std::string>& values,
                                                std::int32_t timeout_ms = 30000,
                                                const storage::TopicPartition& tp = tp0) {
  protocol::ProduceRequest request;
  request.acks = acks;
  request.timeout_ms = timeout_ms;
  request.partitions.push_back({tp, producer_batch(values)});
  return request;
}

}  // namespace ksim::replication::test
