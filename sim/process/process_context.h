// What a process can do in the simulated world: read the time, set timers that belong to its
// incarnation, use its host's disk, talk over the network, draw from its own random streams.
// The world implements it (one context per host).
#pragma once

#include <string>
#include <string_view>

#include "core/storage/file_system.h"
#include "sim/kernel/simulation.h"
#include "sim/network/network.h"

namespace ksim::sim {

using network::ConnectionId;
using network::Delivery;
using network::DisconnectReason;
using network::Message;
using network::NodeHandlers;

class ProcessContext {
 public:
  virtual ~ProcessContext() = default;
  virtual NodeId node() const = 0;
  virtual SimTime now() const = 0;

  // A timer that fires on this incarnation of the process only, late if it is paused.
  virtual EventHandle set_timer(SimDuration delay, std::string_view kind,
                                EventCallback&& callback) = 0;
  virtual void cancel_timer(EventHandle timer) = 0;

  // The host's disk (what survives a kill or a power cut is decided by the disk model), and
  // when the disk work issued so far completes (a response after a flush waits for it).
  virtual storage::FileSystem& file_system() = 0;
  virtual SimTime complete_disk_io() = 0;

  // The network. Handlers are the process's: set them in start(); they die with it. A message
  // that arrives while the process is paused waits for the resume.
  virtual void set_network_handlers(NodeHandlers handlers) = 0;
  virtual NodeId resolve(std::string_view node_name) const = 0;
  // A node's name ("consumer-1"), e.g. a peer's, as a server prints a client's host.
  virtual std::string node_name(NodeId node) const { return "node " + node.to_string(); }
  virtual ConnectionId connect(NodeId to) = 0;
  virtual void send(ConnectionId end, Message message) = 0;
  virtual void close(ConnectionId end) = 0;

  // The process is done with a controlled shutdown it began (Process::begin_shutdown returned
  // false): shutdown() runs and the process stops, in a new event at the current time.
  virtual void exit() = 0;

  // A random stream of this node: "<node name>/<purpose>". Deterministic per seed.
  virtual Prng& prng(std::string_view purpose) = 0;
};

}  // namespace ksim::sim
