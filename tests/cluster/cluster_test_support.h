// Helpers for the cluster tests: a started cluster, waiting for leaders and acknowledgements,
// and reading a partition back through a consumer fetch.
#pragma once

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/clients/producer_process.h"
#include "sim/cluster/kafka_cluster.h"

namespace ksim::sim::cluster::test {

using namespace ksim::sim::time_literals;

inline storage::TopicPartition tp(const std::string& topic, std::int32_t partition = 0) {
  return storage::TopicPartition{topic, partition};
}

// A started cluster whose brokers are registered and known to the controller.
inline ClusterOptions cluster_options(std::uint64_t seed = 1, std::int32_t brokers = 3) {
  ClusterOptions options;
  options.world.simulation.seed = seed;
  options.brokers = brokers;
  return options;
}

// Runs until every replica of the partition is hosted and the leader's ISR is `isr_size` long.
inline void wait_for_isr(KafkaCluster& cluster, const storage::TopicPartition& partition,
                         std::size_t isr_size, SimDuration timeout = 30_s) {
  cluster.run_until(
      [&] {
        const auto state = cluster.partition_state(partition);
        if (!state || !state->leader_and_isr.has_leader()) return false;
        const replication::Partition* leader =
            cluster.replica(state->leader_and_isr.leader, partition);
        return leader != nullptr && leader->is_leader() && leader->isr().size() == isr_size &&
               state->leader_and_isr.isr.size() == isr_size;
      },
      timeout, "the partition's leader with a full ISR");
}

// A broker's node in the network (for cuts and splits).
inline NodeId node(KafkaCluster& cluster, std::int32_t broker) {
  return cluster.world().resolve(KafkaCluster::node_name(broker));
}

// The partition's replicas as ZooKeeper holds them, the preferred one first.
inline std::vector<std::int32_t> replicas_of(KafkaCluster& cluster,
                                             const storage::TopicPartition& p) {
  const controller::ClusterMetadata metadata = cluster.metadata();
  const auto* replicas = metadata.replicas(p);
  REQUIRE(replicas != nullptr);
  return *replicas;
}

inline std::int32_t leader_of(KafkaCluster& cluster, const storage::TopicPartition& partition) {
  const auto state = cluster.partition_state(partition);
  REQUIRE(state.has_value());
  return state->leader_and_isr.leader;
}

// Produces and runs until the client has an answer (or gives up).
inline const ProduceOutcome& produce(KafkaCluster& cluster, const storage::TopicPartition& p,
                                     std::vector<std::string> values, std::int16_t acks,
                                     SimDuration timeout = 40_s) {
  const std::uint64_t id = cluster.client().produce(p, std::move(values), acks);
  if (acks != 0) {
    cluster.run_until(
        [&] {
          const ProduceOutcome& o = cluster.ledger().produces[id];
          return o.answered || o.timed_out || o.disconnected || o.no_leader;
        },
        timeout, "the produce's answer");
  }
  return cluster.ledger().produces[id];
}

// A consumer fetch from the current leader, from `offset`: (offset, value) pairs below the HW.
inline FetchOutcome fetch(KafkaCluster& cluster, const storage::TopicPartition& p,
                          std::int64_t offset = 0) {
  cluster.client().invalidate_metadata();
  const std::uint64_t id = cluster.client().fetch(p, offset);
  cluster.run_until([&] { return cluster.ledger().fetches[id].answered; }, 70_s,
                    "the fetch's answer");
  return cluster.ledger().fetches[id];
}

inline std::vector<std::string> values_of(const FetchOutcome& outcome) {
  std::vector<std::string> values;
  for (const auto& [offset, value] : outcome.records) values.push_back(value);
  return values;
}

// Sends `count` unkeyed records "v<first>", "v<first + 1>", ... to topic "t", one every
// `interval`, running the cluster meanwhile.
inline void send_stream(KafkaCluster& cluster, clients::ProducerProcess& producer, int first,
                        int count, SimDuration interval) {
  for (int i = first; i < first + count; ++i) {
    producer.send("t", std::nullopt, fmt::format("v{}", i));
    cluster.run_for(interval);
  }
}

// Runs until every send of `producer` has its outcome (acknowledged or failed).
inline void wait_for_outcomes(KafkaCluster& cluster, const std::string& producer,
                              SimDuration timeout = 180_s) {
  cluster.run_until([&] { return cluster.producer_history(producer).in_flight() == 0; }, timeout,
                    "every send has its outcome");
}

}  // namespace ksim::sim::cluster::test
