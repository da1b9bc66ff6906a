// Helpers for the trace tests: a scratch directory per test, whole files as bytes, and a small
// traced KafkaCluster run (3 brokers, a topic of RF 3, a few produces, a kill -9 of the leader).
#pragma once

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "sim/cluster/kafka_cluster.h"
#include "sim/trace/trace_recorder.h"
#include "sim/trace/trace_writer.h"

namespace ksim::sim::trace::test {

using namespace ksim::sim::time_literals;

// A fresh directory under the system's temp dir, removed at the end of the test (kept, to
// look at, with KSIM_TRACE_KEEP=1).
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("ksim_trace_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    if (std::getenv("KSIM_TRACE_KEEP") != nullptr) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

inline cluster::ClusterOptions small_cluster(std::uint64_t seed, bool digest_history = false) {
  cluster::ClusterOptions options;
  options.world.simulation.seed = seed;
  options.world.simulation.keep_digest_history = digest_history;
  options.brokers = 3;
  return options;
}

inline const std::string kScenarioText =
    "cluster brokers=3\ntopic t partitions=1 rf=3\nproduce t 3\nkill leader\nrun 25s\n";

// The scenario above, driven through the C++ API.
inline void run_small_scenario(cluster::KafkaCluster& cluster) {
  cluster.start();
  cluster.wait_until_ready();
  const storage::TopicPartition tp{"t", 0};
  cluster.create_topic("t", 1, 3);
  cluster.run_until(
      [&] {
        const auto state = cluster.partition_state(tp);
        if (!state || !state->leader_and_isr.has_leader()) return false;
        const replication::Partition* leader =
            cluster.replica(state->leader_and_isr.leader, tp);
        return leader != nullptr && leader->isr().size() == 3;
      },
      30_s, "a full ISR");
  for (int i = 0; i < 3; ++i) {
    cluster.client().produce(tp, {"value " + std::to_string(i)}, -1);
    cluster.run_for(200_ms);
  }
  cluster.kill(cluster.partition_state(tp)->leader_and_isr.leader);
  cluster.run_for(25_s);
}

inline TraceHeader header_of(cluster::KafkaCluster& cluster) {
  return make_trace_header(cluster.sim().header(), "0.1.0-test", "small failover", kScenarioText);
}

// Runs the small scenario with `seed`, traced to `path`; returns the kernel's final digest.
inline std::uint64_t traced_run(std::uint64_t seed, const std::string& path) {
  cluster::KafkaCluster cluster(small_cluster(seed));
  TraceRecorder recorder(cluster);
  recorder.add_sink(std::make_unique<TraceWriter>(path, header_of(cluster)));
  run_small_scenario(cluster);
  recorder.finish();
  return cluster.sim().digest().value();
}

}  // namespace ksim::sim::trace::test
