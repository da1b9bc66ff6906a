// What runs on a simulated node: a broker, the metadata service, a client. A Process is built
// fresh by its factory at every start, so a crash loses everything it held in memory, exactly
// as a real process does; what survives is on its host's disk.
#pragma once

#include <functional>
#include <memory>

namespace ksim::sim {

class ProcessContext;

class Process {
 public:
  virtual ~Process() = default;
  // The process starts (also after a crash or a power cut): recover from disk, connect, set
  // timers. Everything it does goes through `context`, which stays valid while it runs.
  virtual void start(ProcessContext& context) = 0;
  // A controlled shutdown (SIGTERM): finish cleanly (flush, checkpoint, leave the cluster).
  // The host stops the process when this returns.
  virtual void shutdown() {}
};

using ProcessFactory = std::function<std::unique_ptr<Process>()>;

}  // namespace ksim::sim
