// Client benchmark: Kafka's producer (core/client) through the simulated cluster, in simulated
// records per wall second, against a baseline measured in the same run (the bare kernel running
// the same number of events). The cluster: 3 brokers, a topic of 6 partitions with RF 3; the
// producer sends keyless records (sticky partitioning) as fast as its batches fill.
//
//   producer-idempotent  acks=all, idempotence on (Kafka 3.x's defaults), linger.ms 5
//   producer-acks1       acks=1, idempotence off, linger.ms 5
//   + audit              the same with the audit's ledger fed by the producer and the brokers
//
// Then a consumer reads everything back from the beginning (records read per wall second).
// The full run: 20,000 records/s for 10 simulated seconds; --quick: 5,000 records/s for 1 s.
//
//   bench_clients [--quick]   (env KSIM_BENCH_MS=N: N simulated ms of producing)
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench/kernel_baseline.h"
#include "sim/clients/consumer_process.h"
#include "sim/clients/producer_process.h"
#include "sim/cluster/kafka_cluster.h"

using namespace ksim::sim;
using namespace ksim::sim::cluster;
using Clock = std::chrono::steady_clock;

namespace {

struct Setup {
  const char* name;
  std::vector<std::pair<std::string, std::string>> config;
  bool audit;
};

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Exactly 100 bytes: a 12-digit sequence number, then padding.
std::string record_value(std::uint64_t sequence) {
  char digits[13];
  std::snprintf(digits, sizeof digits, "%012llu", static_cast<unsigned long long>(sequence % 1000000000000ULL));
  std::string value(100, 'x');
  value.replace(0, 12, digits, 12);
  return value;
}

void run(const Setup& setup, std::int64_t records_per_second, SimDuration simulated) {
  ClusterOptions options;
  options.world.simulation.seed = 1;
  options.check_invariants = false;
  options.audit = setup.audit;
  KafkaCluster cluster(options);
  cluster.start();
  cluster.wait_until_ready(SimDuration::from_s(60));
  cluster.create_topic("bench", 6, 3);
  cluster.run_for(SimDuration::from_s(5));
  clients::ProducerProcess& producer = cluster.add_producer("producer", setup.config);

  // Records arrive every millisecond, records_per_second / 1000 at a time.
  const std::int64_t per_ms = records_per_second / 1000;
  std::uint64_t sent = 0;
  const std::uint64_t events_before = cluster.sim().processed_events();
  const SimTime end = cluster.now() + simulated;
  const auto start = Clock::now();
  while (cluster.now() < end) {
    for (std::int64_t i = 0; i < per_ms; ++i) producer.send("bench", std::nullopt, record_value(sent++));
    cluster.run_for(SimDuration::from_ms(1));
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const std::uint64_t events = cluster.sim().processed_events() - events_before;
  const clients::ProducerHistory& history = cluster.producer_history("producer");
  const std::size_t acknowledged = history.count(ksim::client::SendOutcomeKind::acknowledged) +
                                   history.count(ksim::client::SendOutcomeKind::sent_unknown);
  const double sim_seconds = static_cast<double>(simulated.to_us()) / 1e6;
  const double baseline = ksim::bench::run_kernel_baseline(events);
  std::printf(
      "  %-20s %-6s %8.0f records/s simulated, %7.0f simulated records per wall s "
      "(%.2f s wall for %.0f s), %9.0f events/s, %zu/%llu acknowledged, peak RSS %ld MiB\n",
      setup.name, setup.audit ? "audit" : "", static_cast<double>(records_per_second),
      static_cast<double>(sent) / wall, wall, sim_seconds, static_cast<double>(events) / wall,
      acknowledged, static_cast<unsigned long long>(sent), peak_rss_kib() / 1024);
  std::printf(
      "  %-27s baseline (bare kernel, the same events): %.0f events/s, ratio cluster/baseline "
      "%.4f\n",
      "", static_cast<double>(events) / baseline, baseline / wall);

  // The consumer: everything the producer wrote, read from the beginning.
  clients::ConsumerProcess& consumer =
      cluster.add_consumer("consumer", {{"auto.offset.reset", "earliest"}});
  std::vector<ksim::storage::TopicPartition> partitions;
  for (std::int32_t p = 0; p < 6; ++p) partitions.push_back({"bench", p});
  consumer.assign(partitions);
  consumer.seek_to_beginning();
  const std::uint64_t consume_events_before = cluster.sim().processed_events();
  const SimTime consume_start = cluster.now();
  const auto consume_wall_start = Clock::now();
  const clients::ConsumerHistory& read = cluster.consumer_history("consumer");
  while (read.records.size() < acknowledged && cluster.now() - consume_start < SimDuration::from_s(600)) {
    cluster.run_for(SimDuration::from_ms(100));
  }
  const double consume_wall = std::chrono::duration<double>(Clock::now() - consume_wall_start).count();
  const double consume_sim = static_cast<double>((cluster.now() - consume_start).to_us()) / 1e6;
  const std::uint64_t consume_events = cluster.sim().processed_events() - consume_events_before;
  const double consume_baseline = ksim::bench::run_kernel_baseline(consume_events);
  std::printf(
      "  %-20s %-6s %zu records read from the beginning in %.1f simulated s: %7.0f records per "
      "wall s (%.2f s wall), %9.0f events/s, ratio cluster/baseline %.4f\n",
      "consumer", setup.audit ? "audit" : "", read.records.size(), consume_sim,
      static_cast<double>(read.records.size()) / consume_wall, consume_wall,
      static_cast<double>(consume_events) / consume_wall, consume_baseline / consume_wall);
  std::fflush(stdout);
}

// KSIM_BENCH_MS overrides the simulated time (for profilers).
SimDuration bench_duration() {
  const char* ms = std::getenv("KSIM_BENCH_MS");
  return ms != nullptr ? SimDuration::from_ms(std::atoll(ms)) : SimDuration::from_s(10);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: bench_clients [--quick]\n");
    return 2;
  }
  const std::vector<Setup> setups = {
      {"producer-idempotent", {{"acks", "all"}, {"linger.ms", "5"}}, false},
      {"producer-acks1", {{"acks", "1"}, {"enable.idempotence", "false"}, {"linger.ms", "5"}},
       false},
      {"producer-idempotent", {{"acks", "all"}, {"linger.ms", "5"}}, true},
  };
  std::printf("bench_clients (3 brokers, 6 partitions RF 3, keyless 100-byte records)\n");
  for (const Setup& setup : setups) {
    run(setup, quick ? 5000 : 20000, quick ? SimDuration::from_s(1) : bench_duration());
  }
  return 0;
}
