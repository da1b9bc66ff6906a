// World benchmark: how fast the whole deterministic world runs a workload (one storage server,
// clients sending appends over the simulated network, the server's log on its simulated disk,
// periodic flushes): simulated seconds per wall second and events per second, against a
// baseline measured in the same run (the bare kernel running the same number of timer events).
//
//   bench_world [--quick]
#include <chrono>
#include <cstdio>
#include <string_view>

#include "bench/kernel_baseline.h"
#include "sim/testing/append_service.h"
#include "sim/world.h"

using namespace ksim::sim;
using namespace ksim::sim::testing;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  double wall_seconds = 0;
  std::uint64_t events = 0;
  std::size_t acknowledged = 0;
};

Figures run_world(int clients, SimDuration simulated) {
  World world(WorldOptions{.simulation = {.seed = 1}});
  AppendLedger ledger;
  std::uint64_t starts = 0;
  world.add_broker(1, [] { return std::make_unique<AppendServer>(AppendServerOptions{}); });
  for (int i = 0; i < clients; ++i) {
    world.add_client("producer-" + std::to_string(i), [&] {
      return std::make_unique<AppendClient>(AppendClientOptions{}, ledger, ++starts);
    });
  }
  world.start_all();
  const auto start = Clock::now();
  world.sim().run_for(simulated);
  Figures f;
  f.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  f.events = world.sim().processed_events();
  f.acknowledged = ledger.acknowledged.size();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string_view(argv[1]) == "--quick";
  if (argc > 1 && !quick) {
    std::fprintf(stderr, "usage: bench_world [--quick]\n");
    return 2;
  }
  const SimDuration simulated = SimDuration::from_s(quick ? 5 : 120);
  const int clients = 10;  // ~40 appends/s each
  Figures best{1e30, 0, 0};
  for (int i = 0; i < (quick ? 1 : 3); ++i) {
    const Figures f = run_world(clients, simulated);
    if (f.wall_seconds < best.wall_seconds) best = f;
  }
  const double baseline = ksim::bench::run_kernel_baseline(best.events);
  const double sim_seconds = static_cast<double>(simulated.to_us()) / 1e6;
  std::printf("bench_world: 1 server, %d clients, %.0f simulated seconds (best of %d)\n", clients,
              sim_seconds, quick ? 1 : 3);
  std::printf("  world:    %10.0f events/s  %8.0f simulated s per wall s  %zu appends acknowledged\n",
              static_cast<double>(best.events) / best.wall_seconds, sim_seconds / best.wall_seconds,
              best.acknowledged);
  std::printf("  baseline: %10.0f events/s  (bare kernel, the same %llu events as timers)\n",
              static_cast<double>(best.events) / baseline,
              static_cast<unsigned long long>(best.events));
  std::printf("  ratio world/baseline: %.3f\n", baseline / best.wall_seconds);
  return 0;
}
