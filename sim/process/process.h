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
  // SIGTERM arrived. Return true to stop now (shutdown() runs at once); return false to keep
  // running while the process leaves the cluster (a Kafka broker's controlled shutdown asks the
  // controller to move its leaderships first) and call ProcessContext::exit() when done.
  virtual bool begin_shutdown() { return true; }
};

using ProcessFactory = std::function<std::unique_ptr<Process>()>;

}  // namespace ksim::sim
