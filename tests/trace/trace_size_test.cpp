// How big a trace gets: the classroom cluster (3 brokers, a topic of 3 partitions with RF 3)
// idle and with an acks=all producer sending 10 records/s, traced plain and gzip. Hidden (run
// with `ksim_trace_tests "[size]"`); KSIM_TRACE_SIZE_SECONDS sets the simulated time (default
// 600 s), and the figures are scaled to one hour.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "sim/clients/producer_process.h"
#include "sim/trace/perfetto_writer.h"
#include "trace_test_support.h"

namespace ksim::sim::trace::test {

namespace {

cluster::ClusterOptions classroom() {
  cluster::ClusterOptions options = small_cluster(1);
  options.check_invariants = false;
  options.audit = false;
  return options;
}

// The workload: the topic, then `seconds` of the producer (or of nothing). Returns the wall
// time of the whole run.
double run_workload(cluster::KafkaCluster& cluster, std::int64_t records_per_second,
                    std::int64_t seconds) {
  const auto wall_start = std::chrono::steady_clock::now();
  cluster.start();
  cluster.wait_until_ready();
  cluster.create_topic("t", 3, 3);
  cluster.run_for(5_s);
  if (records_per_second > 0) {
    auto& producer = cluster.add_producer("producer", {{"acks", "all"}});
    const auto interval = SimDuration::from_us(1'000'000 / records_per_second);
    const SimTime stop = cluster.now() + SimDuration::from_s(seconds);
    std::uint64_t n = 0;
    while (cluster.now() < stop) {
      producer.send("t", std::nullopt, "record " + std::to_string(n++));
      cluster.run_for(interval);
    }
  } else {
    cluster.run_for(SimDuration::from_s(seconds));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
}

void measure(const char* name, std::int64_t records_per_second, std::int64_t seconds) {
  double untraced_wall = 0;
  std::uint64_t untraced_events = 0;
  {
    cluster::KafkaCluster cluster(classroom());
    untraced_wall = run_workload(cluster, records_per_second, seconds);
    untraced_events = cluster.sim().processed_events();
  }
  ScratchDir dir("size_" + std::to_string(records_per_second));
  const std::string gz = dir.file("run.trace.gz");
  double gz_wall = 0;
  {
    cluster::KafkaCluster cluster(classroom());
    TraceRecorder recorder(cluster);
    auto& writer = recorder.add(std::make_unique<TraceWriter>(gz, header_of(cluster)));
    gz_wall = run_workload(cluster, records_per_second, seconds);
    recorder.finish();
    CHECK(writer.events_written() == untraced_events);
  }
  const std::string plain = dir.file("run.trace");
  const std::string perfetto = dir.file("run.json");
  double plain_wall = 0;
  {
    cluster::KafkaCluster cluster(classroom());
    TraceRecorder recorder(cluster);
    const TraceHeader header = header_of(cluster);
    auto& writer = recorder.add(std::make_unique<TraceWriter>(plain, header));
    plain_wall = run_workload(cluster, records_per_second, seconds);
    recorder.add_sink(std::make_unique<PerfettoWriter>(perfetto, &header));
    recorder.finish();
    CHECK(writer.events_written() == untraced_events);
  }
  write_perfetto(gz, perfetto);

  const auto n = static_cast<double>(untraced_events);
  const auto bytes = static_cast<double>(std::filesystem::file_size(plain));
  const auto gz_bytes = static_cast<double>(std::filesystem::file_size(gz));
  const auto perfetto_bytes = static_cast<double>(std::filesystem::file_size(perfetto));
  const double hour = 3600.0 / static_cast<double>(seconds);
  std::printf(
      "%-13s %lld s simulated: %.0f events (%.1f per simulated s), %.1f bytes per event plain, "
      "%.1f gzip; one hour: %.2fM events, %.1f MB plain, %.1f MB gzip, %.1f MB Perfetto JSON. "
      "Wall: %.2f s untraced, %.2f s with a plain trace, %.2f s with a gzip trace\n",
      name, static_cast<long long>(seconds), n, n / static_cast<double>(seconds), bytes / n,
      gz_bytes / n, n * hour / 1e6, bytes * hour / 1e6, gz_bytes * hour / 1e6,
      perfetto_bytes * hour / 1e6, untraced_wall, plain_wall, gz_wall);
}

}  // namespace

TEST_CASE("trace size of the classroom cluster", "[.][size]") {
  const char* env = std::getenv("KSIM_TRACE_SIZE_SECONDS");
  const std::int64_t seconds = env != nullptr ? std::atoll(env) : 600;
  measure("idle", 0, seconds);
  measure("10 records/s", 10, seconds);
}

}  // namespace ksim::sim::trace::test
