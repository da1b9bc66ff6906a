// Cluster benchmark: how fast a whole simulated Kafka cluster runs (ZooKeeper, brokers with their
// logs on simulated disks, replica fetchers, the controller, a producer), in simulated seconds
// per wall second, events per second and peak memory, against a baseline measured in the same
// run (the bare kernel running the same number of timer events).
//
//   classroom  3 brokers, 1 topic of 3 partitions, RF 3, 1,000 records/s with acks=all
//              (target: >= 2,000x real time, one simulated hour in under 1.8 s)
//   large      50 brokers, 1,000 partitions, RF 3, 100,000 records/s with acks=all
//              (target: >= 10x real time)
//   idle       the large cluster without traffic, with 100 and with 1,000 partitions: what idle
//              partitions cost (the long-polling fetchers are per broker pair, not per partition)
//
// The producer sends every linger.ms one request per leader broker holding that interval's
// records, one batch per partition: 5 ms (Kafka 4's default linger.ms) and 100 ms (bigger
// batches: fewer, larger requests for the same records). Invariant checks are off here (they
// are for the tests).
//
//   bench_cluster [--quick]   (env KSIM_BENCH_ONLY=NAME, KSIM_BENCH_LINGER_MS=5|100: one
//   setup; KSIM_BENCH_SECONDS=N: N simulated seconds, e.g. for callgrind)
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/kernel_baseline.h"
#include "sim/cluster/kafka_cluster.h"

using namespace ksim::sim;
using namespace ksim::sim::cluster;
using Clock = std::chrono::steady_clock;

namespace {

struct Setup {
  const char* name;
  std::int32_t brokers;
  std::int32_t partitions;
  std::int64_t records_per_second;
  SimDuration simulated;
  SimDuration linger;
};

struct Figures {
  double wall_seconds = 0;
  std::uint64_t events = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t produced = 0;
  std::uint64_t requests = 0;
  double mean_latency_ms = 0;
};

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// The measured part: the producer's traffic for the setup's simulated time. Not inlined, so a
// profiler can collect it alone (valgrind --tool=callgrind --collect-atstart=no
// --toggle-collect='*produce_and_run*').
[[gnu::noinline]] std::uint64_t produce_and_run(KafkaCluster& cluster, const Setup& setup) {
  const SimDuration linger = setup.linger;
  const std::int64_t per_tick = setup.records_per_second * linger.to_us() / 1000000;
  std::int32_t next_partition = 0;
  std::uint64_t produced = 0;
  const SimTime end = cluster.now() + setup.simulated;
  while (cluster.now() < end) {
    if (per_tick > 0) {
      // This interval's records, by partition (the harness's own work: kept small).
      std::vector<std::vector<std::string>> batches(static_cast<std::size_t>(setup.partitions));
      for (std::int64_t i = 0; i < per_tick; ++i) {
        std::vector<std::string>& values = batches[static_cast<std::size_t>(next_partition)];
        if (values.empty()) values.reserve(static_cast<std::size_t>(per_tick / setup.partitions + 1));
        values.push_back("record-" + std::to_string(produced++));
        next_partition = (next_partition + 1) % setup.partitions;
      }
      std::vector<std::pair<ksim::storage::TopicPartition, std::vector<std::string>>> request;
      request.reserve(batches.size());
      for (std::size_t partition = 0; partition < batches.size(); ++partition) {
        if (batches[partition].empty()) continue;
        request.emplace_back(
            ksim::storage::TopicPartition{"bench", static_cast<std::int32_t>(partition)},
            std::move(batches[partition]));
      }
      cluster.client().produce_to_leaders(std::move(request), -1);
    }
    cluster.run_for(linger);
  }
  return produced;
}

Figures run(const Setup& setup) {
  ClusterOptions options;
  options.world.simulation.seed = 1;
  options.brokers = setup.brokers;
  options.check_invariants = false;
  options.keep_client_values = false;
  options.audit = false;
  KafkaCluster cluster(options);
  cluster.start();
  cluster.wait_until_ready(SimDuration::from_s(60));
  cluster.create_topic("bench", setup.partitions, 3);
  cluster.run_for(SimDuration::from_s(5));  // leaders elected, fetchers running

  const std::uint64_t events_before = cluster.sim().processed_events();
  const auto start = Clock::now();
  const std::uint64_t produced = produce_and_run(cluster, setup);
  Figures f;
  f.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.events = cluster.sim().processed_events() - events_before;
  f.produced = produced;
  double latency_sum = 0;
  std::uint64_t answered = 0;
  for (const ProduceOutcome& outcome : cluster.ledger().produces) {
    if (outcome.acknowledged()) f.acknowledged += outcome.record_count;
    if (outcome.answered) {
      ++answered;
      latency_sum += static_cast<double>((outcome.answered_at - outcome.sent_at).to_us());
    }
  }
  f.mean_latency_ms = answered ? latency_sum / static_cast<double>(answered) / 1000.0 : 0;
  f.requests = cluster.ledger().produces.size();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: bench_cluster [--quick]\n");
    return 2;
  }
  const SimDuration ms5 = SimDuration::from_ms(5);
  const SimDuration ms100 = SimDuration::from_ms(100);
  const std::vector<Setup> setups = {
      {"classroom", 3, 3, 1000, SimDuration::from_s(quick ? 20 : 3600), ms5},
      {"classroom", 3, 3, 1000, SimDuration::from_s(quick ? 20 : 3600), ms100},
      {"large", 50, 1000, 100000, SimDuration::from_s(quick ? 1 : 60), ms5},
      {"large", 50, 1000, 100000, SimDuration::from_s(quick ? 1 : 60), ms100},
      {"idle", 50, 100, 0, SimDuration::from_s(quick ? 10 : 600), ms100},
      {"idle", 50, 1000, 0, SimDuration::from_s(quick ? 10 : 600), ms100},
  };
  std::printf("bench_cluster (acks=all, linger.ms 5, invariants off)\n");
  // For profiling: one setup by name, and/or one linger.ms.
  const char* only = std::getenv("KSIM_BENCH_ONLY");
  const char* only_linger_ms = std::getenv("KSIM_BENCH_LINGER_MS");
  const char* seconds = std::getenv("KSIM_BENCH_SECONDS");  // simulated time, overriding
  for (Setup setup : setups) {
    if (seconds != nullptr) setup.simulated = SimDuration::from_s(std::atoll(seconds));
    if (only != nullptr && std::string_view(only) != setup.name) continue;
    if (only_linger_ms != nullptr &&
        std::to_string(setup.linger.to_us() / 1000) != std::string_view(only_linger_ms)) {
      continue;
    }
    const Figures f = run(setup);
    const double sim_seconds = static_cast<double>(setup.simulated.to_us()) / 1e6;
    const double baseline = ksim::bench::run_kernel_baseline(f.events);
    std::printf(
        "  %-9s %2d brokers %4d partitions %6lld rec/s linger %3lld ms: %7.0f simulated s per wall s "
        "(%.2f s wall for %.0f s), %9.0f events/s, %6.1f events per simulated ms, "
        "%llu/%llu records acknowledged, peak RSS %ld MiB\n",
        setup.name, setup.brokers, setup.partitions,
        static_cast<long long>(setup.records_per_second),
        static_cast<long long>(setup.linger.to_us() / 1000), sim_seconds / f.wall_seconds,
        f.wall_seconds, sim_seconds, static_cast<double>(f.events) / f.wall_seconds,
        static_cast<double>(f.events) / (sim_seconds * 1000.0),
        static_cast<unsigned long long>(f.acknowledged),
        static_cast<unsigned long long>(f.produced), peak_rss_kib() / 1024);
    std::printf("            %llu partition batches sent, mean acks=all latency %.2f ms\n",
                static_cast<unsigned long long>(f.requests), f.mean_latency_ms);
    std::printf("            baseline (bare kernel, the same events as timers): %.0f events/s, "
                "ratio cluster/baseline %.3f\n",
                static_cast<double>(f.events) / baseline, baseline / f.wall_seconds);
  }
  return 0;
}
