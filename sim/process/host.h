// A simulated machine: one node's host, the incarnations of its process, and the lifecycle
// faults a teacher scripts: start, kill -9, power off, pause/resume (SIGSTOP/SIGCONT),
// controlled shutdown.
//
// Every event that belongs to the process (its timers, messages delivered to it) goes through
// `run_on_process`, which ties it to the current incarnation:
// - killed, stopped or powered off: the event is dropped (a dead process handles nothing, and a
//   timer of an old incarnation never fires in a new one);
// - paused: the event waits; at resume every waiting event runs, in the order it arrived, at the
//   resume time (timers fire late, as after SIGCONT), while peers saw no answer meanwhile.
// The rest of the world (network resets, disk crash or power loss) reacts through HostObserver.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "sim/kernel/simulation.h"
#include "sim/process/process.h"

namespace ksim::sim {

enum class ProcessState { not_started, running, paused, stopped, killed, powered_off };

// "running", "killed", ... (as the GUI's badges and the transcript say it).
std::string_view process_state_name(ProcessState state);

// How the world reacts to lifecycle changes. All calls happen at the simulated time of the
// change, before the new process (if any) starts.
class HostObserver {
 public:
  virtual ~HostObserver() = default;
  // The process is gone. `kill -9` and a controlled shutdown leave the host up (the kernel
  // closes the sockets: peers see a reset or a close); a power cut silences the host.
  enum class Stop { controlled, killed, powered_off };
  virtual void process_stopped(NodeId node, Stop how) = 0;
  // The process is about to start (the host is up again, if it was powered off).
  virtual void process_starting(NodeId node) = 0;
  virtual void process_paused(NodeId node, bool paused) = 0;
};

class Host {
 public:
  Host(Simulation& sim, NodeId id, std::string name, ProcessFactory factory,
       HostObserver& observer, ProcessContext& context);
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  ProcessState state() const { return state_; }
  bool is_up() const { return state_ == ProcessState::running || state_ == ProcessState::paused; }
  // Starts at 0 and grows by one at every start.
  std::uint64_t incarnation() const { return incarnation_; }
  // The running (or paused) process; nullptr otherwise.
  Process* process() { return process_.get(); }
  // Events waiting for a resume.
  std::size_t deferred_events() const { return deferred_.size(); }

  // Lifecycle. Each is a no-op (returning false) where it makes no sense (killing a dead
  // process, resuming a running one), so scripts can be forgiving; the caller reports it.
  bool start();                 // boot a new incarnation (also powers the host on)
  bool kill();                  // kill -9: process gone, page cache kept
  bool power_off();             // the machine loses power: unsynced bytes are gone
  bool pause();                 // SIGSTOP
  bool resume();                // SIGCONT
  bool controlled_shutdown();   // SIGTERM: Process::shutdown, then stopped (maybe later)
  // A process that began a controlled shutdown is done: it stops in a new event now.
  void exit_after_shutdown();
  // SIGTERM was delivered and the process has not finished leaving yet.
  bool shutting_down() const { return shutting_down_; }

  // Runs `callback` on the process at `time` if it is still the same incarnation then; waits
  // while paused. Returns the kernel handle (cancel it with Simulation::cancel).
  EventHandle run_on_process(SimTime time, EventKind kind, EventCallback&& callback);
  EventHandle run_on_process_after(SimDuration delay, EventKind kind, EventCallback&& callback) {
    return run_on_process(sim_.now() + delay, kind, std::move(callback));
  }
  // Runs `handler` on the process now, inside the current event (a message the network delivers
  // to it): at once if running, after the resume if paused, never if the process is down.
  template <typename Handler>
  void dispatch(Handler&& handler) {
    if (state_ == ProcessState::running) {
      handler();
    } else if (state_ == ProcessState::paused) {
      deferred_.emplace_back(std::forward<Handler>(handler));
    }
  }

 private:
  void stop(ProcessState state, HostObserver::Stop how);
  void run_or_defer(std::uint64_t incarnation, EventCallback& callback);

  Simulation& sim_;
  NodeId id_;
  std::string name_;
  ProcessFactory factory_;
  HostObserver& observer_;
  ProcessContext& context_;
  ProcessState state_ = ProcessState::not_started;
  std::uint64_t incarnation_ = 0;
  std::unique_ptr<Process> process_;
  std::deque<EventCallback> deferred_;
  EventKind resume_kind_;
  bool shutting_down_ = false;
};

}  // namespace ksim::sim
