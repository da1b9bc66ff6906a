// Simulation: the kernel of the deterministic world. One thread, virtual time, an event queue
// ordered by (time, sequence), named PRNG streams derived from one seed, a running digest of
// everything that happened, and invariants checked after every event.
//
// Contract:
// - now() only moves forward: to each event's time as it runs, and to the target of run_until /
//   run_for even when no event is there. Scheduling before now() is a programmer error; at
//   now() it runs after the current event (ties break by scheduling order).
// - Every run is bounded. A call processes at most `max_events_per_run` events (or the bound
//   given); hitting it throws LivelockError. A condition run also throws EventQueueExhausted
//   and DeadlineExceeded. Messages name the bound, the time and the event count.
// - Events are cancelled and rescheduled by handle. A handle whose event ran or was cancelled
//   is stale: cancel() on it does nothing; reschedule() on it is a programmer error.
// - A condition run that throws leaves now() at the last event it ran.
// - Runs cannot be nested: step()/run_*() from inside an event is a programmer error.
// - An exception from an event's callback propagates out of the run; the event counts as
//   processed and the kernel stays usable.
// - Same seed, same calls: same events in the same order, same digest, same history.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kernel/errors.h"
#include "sim/kernel/event.h"
#include "sim/kernel/event_details.h"
#include "sim/kernel/event_callback.h"
#include "sim/kernel/event_queue.h"
#include "sim/kernel/invariant.h"
#include "sim/kernel/prng.h"
#include "sim/kernel/run_header.h"
#include "sim/kernel/sim_time.h"
#include "sim/kernel/state_digest.h"

namespace ksim::sim {

struct SimulationOptions {
  std::uint64_t seed = 0;
  // The most events one run call may process (TigerBeetle and Kafka bound every run too).
  std::uint64_t max_events_per_run = 10'000'000;
  // Keep the digest after every event, to find where two runs diverge.
  bool keep_digest_history = false;
};

// The bound of a condition run (`run_until(condition, bound)`).
struct ConditionBound {
  // How errors name the condition ("ISR back to [1,2,3]").
  std::string_view condition = "condition";
  // Events later than this are not processed; not reaching the condition by then throws.
  SimTime deadline = SimTime::max();
  // 0: SimulationOptions::max_events_per_run.
  std::uint64_t max_events = 0;
};

class Simulation {
 public:
  explicit Simulation(SimulationOptions options = {});
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  const SimulationOptions& options() const { return options_; }
  std::uint64_t seed() const { return options_.seed; }
  // The seed and every option of the run; layers above add theirs before the run starts.
  RunHeader& header() { return header_; }
  const RunHeader& header() const { return header_; }

  SimTime now() const { return now_; }

  // --- Scheduling ------------------------------------------------------------------------
  // The kind named `name` ("network.deliver"), interned: the same name gives the same kind.
  EventKind event_kind(std::string_view name);
  std::string_view kind_name(EventKind kind) const;

  // The callback is taken by rvalue reference (a lambda converts in place) and moved once, into
  // the queue's slot.
  EventHandle schedule_at(SimTime time, EventKind kind, NodeId target, EventCallback&& callback);
  EventHandle schedule_at(SimTime time, EventKind kind, EventCallback&& callback) {
    return schedule_at(time, kind, NodeId::none(), std::move(callback));
  }
  EventHandle schedule_at(SimTime time, EventCallback&& callback) {
    return schedule_at(time, EventKind{}, NodeId::none(), std::move(callback));
  }
  EventHandle schedule_after(SimDuration delay, EventKind kind, NodeId target,
                             EventCallback&& callback);
  EventHandle schedule_after(SimDuration delay, EventKind kind, EventCallback&& callback) {
    return schedule_after(delay, kind, NodeId::none(), std::move(callback));
  }
  EventHandle schedule_after(SimDuration delay, EventCallback&& callback) {
    return schedule_after(delay, EventKind{}, NodeId::none(), std::move(callback));
  }

  // True when the event was pending and will now never run.
  bool cancel(EventHandle handle) { return queue_.cancel(handle); }
  // Moves a pending event to another time: the same as cancelling it and scheduling its
  // callback again with the same kind and target (a new sequence, a new handle), but cheap
  // when the time is later, which is how timeouts are re-armed.
  EventHandle reschedule(EventHandle handle, SimTime time);
  EventHandle reschedule_after(EventHandle handle, SimDuration delay);
  // The time a pending event will run at.
  SimTime due_time(EventHandle handle) const { return queue_.due_time(handle); }
  bool is_pending(EventHandle handle) const { return queue_.is_pending(handle); }
  std::size_t pending_events() const { return queue_.size(); }
  std::optional<SimTime> next_event_time() { return queue_.next_time(); }

  // --- Running ---------------------------------------------------------------------------
  // Runs the earliest pending event; false when there is none.
  bool step();
  // Runs every event at or before `deadline`, then sets now() to `deadline`. Returns the number
  // of events run.
  std::uint64_t run_until(SimTime deadline);
  std::uint64_t run_for(SimDuration duration);
  // Runs events until `condition` holds (checked before each event, so a condition already true
  // runs nothing). Returns the number of events run.
  std::uint64_t run_until(const std::function<bool()>& condition, ConditionBound bound = {});
  // Runs until no event is pending.
  std::uint64_t run_until_idle();

  void set_max_events_per_run(std::uint64_t max_events);

  // Events processed so far, and the last one (the one running, inside a callback).
  std::uint64_t processed_events() const { return processed_; }
  const EventRecord& current_event() const { return current_; }
  // "event #12 (seq 14, kind network.deliver, target 3)"
  std::string describe(const EventRecord& event) const;

  // --- Randomness ------------------------------------------------------------------------
  // The stream `name` of this run's seed, created on first use. References stay valid.
  Prng& prng(std::string_view name);

  // --- Digest ----------------------------------------------------------------------------
  StateDigest& digest() { return digest_; }
  const StateDigest& digest() const { return digest_; }
  // Empty unless keep_digest_history is on.
  const DigestHistory& digest_history() const { return history_; }

  // --- Invariants and observers ------------------------------------------------------------
  Invariant& add_invariant(std::unique_ptr<Invariant> invariant);
  Invariant& add_invariant(std::string name, FunctionInvariant::Check check);
  // Runs every invariant's check_at_end; throws InvariantViolation on the first failure.
  void check_final_invariants();
  // Called after each processed event (after its callback and digest, before invariants):
  // where traces and GUIs listen.
  void set_event_observer(std::function<void(const EventRecord&)> observer) {
    observer_ = std::move(observer);
  }
  // The observer set now (empty when none), so a new one can chain it.
  const std::function<void(const EventRecord&)>& event_observer() const { return observer_; }

  // --- Event details for traces ------------------------------------------------------------
  // Null unless a trace is being written; layers note what happened in the current event there
  // (event_details.h). Set by the trace writer, cleared with nullptr.
  EventDetails* event_details() const { return details_; }
  bool tracing() const { return details_ != nullptr; }
  void set_event_details(EventDetails* details) { details_ = details; }

 private:
  class RunGuard;
  void run_one(EventQueue::Popped& event);
  void check_invariants();
  std::uint64_t bound_or_default(std::uint64_t max_events) const;
  [[noreturn]] void throw_livelock(std::uint64_t events, const std::string& goal) const;

  SimulationOptions options_;
  RunHeader header_;
  SimTime now_;
  EventQueue queue_;
  std::uint64_t processed_ = 0;
  EventRecord current_;
  bool running_ = false;

  std::vector<std::string> kind_names_;
  std::vector<std::uint64_t> kind_hashes_;
  std::map<std::string, EventKind, std::less<>> kinds_by_name_;

  std::map<std::string, Prng, std::less<>> streams_;
  StateDigest digest_;
  DigestHistory history_;
  std::vector<std::unique_ptr<Invariant>> invariants_;
  std::function<void(const EventRecord&)> observer_;
  EventDetails* details_ = nullptr;
};

}  // namespace ksim::sim
