// The deterministic world: one kernel, one network, and for every node a host with its own
// disk and the process that runs on it. This is what scenarios, traces and the GUI drive.
//
// Faults are by node name, as a teacher says them ("broker 1", "1", "zookeeper"):
// - kill -9: the process is gone, its kernel resets its connections, its page cache survives;
// - power off: the host goes silent (peers time out) and its disk keeps only synced bytes;
// - pause/resume: the process handles nothing meanwhile; connections stay up;
// - controlled shutdown: the process finishes cleanly, then closes its connections;
// - start: a new incarnation boots and recovers from its disk.
// Network faults (split, isolate, cut, slow, heal) go to network() directly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/disk/disk_options.h"
#include "sim/disk/sim_disk.h"
#include "sim/kernel/simulation.h"
#include "sim/network/network.h"
#include "sim/process/host.h"
#include "sim/process/process.h"

namespace ksim::sim {

using network::Network;
using network::NetworkOptions;

struct WorldOptions {
  SimulationOptions simulation = {};
  NetworkOptions network = {};
  DiskOptions disk = {};
  // --data-dir: each node's disk is a real directory DIR/<node name> (e.g. DIR/broker-1), with
  // the same durability model; otherwise disks are in memory.
  std::optional<std::string> data_dir = std::nullopt;
};

class World final : private HostObserver {
 public:
  explicit World(WorldOptions options);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Simulation& sim() { return sim_; }
  Network& network() { return network_; }
  const WorldOptions& options() const { return options_; }

  // Nodes. Each gets a host (not started) and a disk.
  NodeId add_broker(std::int32_t broker_id, ProcessFactory factory);
  NodeId add_metadata(ProcessFactory factory, std::string name = "zookeeper");
  NodeId add_client(std::string name, ProcessFactory factory);

  NodeId resolve(std::string_view name) const { return network_.resolve(name); }
  Host& host(NodeId node);
  Host& host(std::string_view name) { return host(resolve(name)); }
  SimDisk& disk(NodeId node);
  SimDisk& disk(std::string_view name) { return disk(resolve(name)); }
  // Every node, in the order they were added.
  std::vector<NodeId> nodes() const;

  // Lifecycle faults; false where the fault does not apply (killing a dead process).
  bool start(std::string_view name) { return host(name).start(); }
  bool kill(std::string_view name) { return host(name).kill(); }
  bool power_off(std::string_view name) { return host(name).power_off(); }
  bool pause(std::string_view name) { return host(name).pause(); }
  bool resume(std::string_view name) { return host(name).resume(); }
  bool shutdown(std::string_view name) { return host(name).controlled_shutdown(); }
  // Starts every node that has not started yet, in the order they were added.
  void start_all();

  // The seed and every option of the run (the network's, the disks'), for the transcript.
  std::string header_text() const { return sim_.header().to_string(); }

 private:
  class NodeContext;
  struct Node;
  NodeId add(NodeId id, ProcessFactory factory);

  void process_stopped(NodeId node, Stop how) override;
  void process_starting(NodeId node) override;
  void process_paused(NodeId node, bool paused) override;

  WorldOptions options_;
  Simulation sim_;
  Network network_;
  std::map<NodeId, std::unique_ptr<Node>> nodes_;
  std::vector<NodeId> order_;
};

}  // namespace ksim::sim
