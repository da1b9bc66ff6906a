// The same-run baseline of the world benchmarks: the bare kernel running `events` timer events
// one after another, in wall seconds. A benchmark's ratio against it says what the simulated
// world costs on top of event dispatch.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "sim/kernel/simulation.h"

namespace ksim::bench {

inline double run_kernel_baseline(std::uint64_t events) {
  sim::Simulation sim({.seed = 1});
  sim.set_max_events_per_run(events + 16);
  std::uint64_t left = events;
  std::function<void()> tick = [&] {
    if (--left > 0) sim.schedule_after(sim::SimDuration::from_us(50), [&] { tick(); });
  };
  sim.schedule_after(sim::SimDuration::from_us(50), [&] { tick(); });
  const auto start = std::chrono::steady_clock::now();
  sim.run_until_idle();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace ksim::bench
