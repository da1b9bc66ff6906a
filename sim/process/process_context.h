// What a process can do in the simulated world: read the time, set timers that belong to its
// incarnation, use its host's disk, draw from its own random streams. The world implements it
// (one context per host), adding the network.
#pragma once

#include <string_view>

#include "core/storage/file_system.h"
#include "sim/kernel/simulation.h"

namespace ksim::sim {

class ProcessContext {
 public:
  virtual ~ProcessContext() = default;
  virtual NodeId node() const = 0;
  virtual SimTime now() const = 0;
  // A timer that fires on this incarnation of the process only, late if it is paused.
  virtual EventHandle set_timer(SimDuration delay, std::string_view kind,
                                EventCallback&& callback) = 0;
  virtual void cancel_timer(EventHandle timer) = 0;
  // The host's disk (what survives a kill or a power cut is decided by the disk model).
  virtual storage::FileSystem& file_system() = 0;
  // A random stream of this node: "<node name>/<purpose>". Deterministic per seed.
  virtual Prng& prng(std::string_view purpose) = 0;
};

}  // namespace ksim::sim
