#include "sim/kernel/simulation.h"

#include <limits>
#include <utility>

#include "sim/kernel/hash.h"

namespace ksim::sim {

namespace {
constexpr std::string_view kDefaultKind = "event";
}  // namespace

// Marks a run in progress: runs do not nest, and an exception leaves the kernel usable.
class Simulation::RunGuard {
 public:
  explicit RunGuard(Simulation& sim) : sim_(sim) {
    KSIM_SIM_ASSERT(!sim_.running_, "step()/run_*() called from inside an event");
    sim_.running_ = true;
  }
  ~RunGuard() { sim_.running_ = false; }
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

 private:
  Simulation& sim_;
};

Simulation::Simulation(SimulationOptions options) : options_(options), header_(options.seed) {
  KSIM_SIM_ASSERT(options_.max_events_per_run > 0, "max_events_per_run must be positive");
  header_.set("kernel.max_events_per_run", options_.max_events_per_run);
  header_.set("kernel.digest_history", options_.keep_digest_history);
  event_kind(kDefaultKind);  // id 0
}

EventKind Simulation::event_kind(std::string_view name) {
  KSIM_SIM_ASSERT(!name.empty(), "event kinds need a name");
  if (auto it = kinds_by_name_.find(name); it != kinds_by_name_.end()) return it->second;
  KSIM_SIM_ASSERT(kind_names_.size() <= std::numeric_limits<std::uint16_t>::max(),
                  "too many event kinds");
  const EventKind kind{static_cast<std::uint16_t>(kind_names_.size())};
  kind_names_.emplace_back(name);
  kind_hashes_.push_back(fnv1a64(name));
  kinds_by_name_.emplace(std::string(name), kind);
  return kind;
}

std::string_view Simulation::kind_name(EventKind kind) const {
  KSIM_SIM_ASSERT(kind.id < kind_names_.size(), "unknown event kind");
  return kind_names_[kind.id];
}

EventHandle Simulation::schedule_at(SimTime time, EventKind kind, NodeId target,
                                    EventCallback&& callback) {
  KSIM_SIM_ASSERT(time >= now_, "event scheduled in the past: at t=" + time.to_string() +
                                    " while now is t=" + now_.to_string());
  KSIM_SIM_ASSERT(kind.id < kind_names_.size(), "scheduling an event of an unknown kind");
  return queue_.push(time, kind, target, std::move(callback));
}

EventHandle Simulation::schedule_after(SimDuration delay, EventKind kind, NodeId target,
                                       EventCallback&& callback) {
  KSIM_SIM_ASSERT(delay >= SimDuration::zero(),
                  "event scheduled with a negative delay: " + delay.to_string());
  return schedule_at(now_ + delay, kind, target, std::move(callback));
}

EventHandle Simulation::reschedule(EventHandle handle, SimTime time) {
  KSIM_SIM_ASSERT(time >= now_, "event rescheduled into the past: at t=" + time.to_string() +
                                    " while now is t=" + now_.to_string());
  return queue_.reschedule(handle, time);
}

EventHandle Simulation::reschedule_after(EventHandle handle, SimDuration delay) {
  KSIM_SIM_ASSERT(delay >= SimDuration::zero(),
                  "event rescheduled with a negative delay: " + delay.to_string());
  return reschedule(handle, now_ + delay);
}

void Simulation::run_one(EventQueue::Popped& event) {
  now_ = event.time;
  current_ = EventRecord{processed_, event.sequence, event.time, event.kind, event.target};
  ++processed_;
  // Two words per event: the time, and the sequence, kind and target folded together (the
  // sequence fits in 40 bits, the target goes to the top 24 bits, the kind's hash spreads).
  digest_.mix(event.time.to_us());
  digest_.mix(event.sequence ^ kind_hashes_[event.kind.id] ^
              (static_cast<std::uint64_t>(static_cast<std::uint32_t>(event.target.value)) << 40));
  event.callback();
  event.callback.reset();
  if (options_.keep_digest_history) history_.push_back(digest_.value());
  if (observer_) observer_(current_);
  if (!invariants_.empty()) check_invariants();
}

bool Simulation::step() {
  RunGuard guard(*this);
  EventQueue::Popped event;
  if (!queue_.pop(event)) return false;
  run_one(event);
  return true;
}

std::uint64_t Simulation::run_until(SimTime deadline) {
  RunGuard guard(*this);
  KSIM_SIM_ASSERT(deadline >= now_,
                  "run_until t=" + deadline.to_string() + " is before now t=" + now_.to_string());
  const std::uint64_t bound = options_.max_events_per_run;
  std::uint64_t events = 0;
  EventQueue::Popped event;
  while (true) {
    if (events == bound) {
      const std::optional<SimTime> next = queue_.next_time();
      if (!next || *next > deadline) break;
      throw_livelock(events, "reaching t=" + deadline.to_string());
    }
    if (!queue_.pop_until(deadline, event)) break;
    run_one(event);
    ++events;
  }
  now_ = deadline;
  return events;
}

std::uint64_t Simulation::run_for(SimDuration duration) {
  KSIM_SIM_ASSERT(duration >= SimDuration::zero(),
                  "run_for a negative duration: " + duration.to_string());
  return run_until(now_ + duration);
}

std::uint64_t Simulation::run_until(const std::function<bool()>& condition, ConditionBound bound) {
  RunGuard guard(*this);
  const std::uint64_t max_events = bound_or_default(bound.max_events);
  std::uint64_t events = 0;
  EventQueue::Popped event;
  while (!condition()) {
    if (queue_.empty()) {
      throw EventQueueExhausted(
          "Event queue exhausted before condition was satisfied: " + std::string(bound.condition) +
          " (now t=" + now_.to_string() + ", after " + std::to_string(events) + " events)");
    }
    if (events == max_events) throw_livelock(events, "satisfying " + std::string(bound.condition));
    if (!queue_.pop_until(bound.deadline, event)) {
      throw DeadlineExceeded("Condition not satisfied by t=" + bound.deadline.to_string() + ": " +
                             std::string(bound.condition) +
                             " (next event at t=" + queue_.next_time()->to_string() + ", after " +
                             std::to_string(events) + " events)");
    }
    run_one(event);
    ++events;
  }
  return events;
}

std::uint64_t Simulation::run_until_idle() {
  RunGuard guard(*this);
  const std::uint64_t bound = options_.max_events_per_run;
  std::uint64_t events = 0;
  EventQueue::Popped event;
  while (!queue_.empty()) {
    if (events == bound) throw_livelock(events, "an empty event queue");
    queue_.pop(event);
    run_one(event);
    ++events;
  }
  return events;
}

void Simulation::set_max_events_per_run(std::uint64_t max_events) {
  KSIM_SIM_ASSERT(max_events > 0, "max_events_per_run must be positive");
  options_.max_events_per_run = max_events;
  header_.set("kernel.max_events_per_run", max_events);
}

std::uint64_t Simulation::bound_or_default(std::uint64_t max_events) const {
  return max_events == 0 ? options_.max_events_per_run : max_events;
}

void Simulation::throw_livelock(std::uint64_t events, const std::string& goal) const {
  throw LivelockError("Livelock: " + std::to_string(events) + " events without " + goal +
                      " (now t=" + now_.to_string() + ", " + std::to_string(queue_.size()) +
                      " events pending)");
}

std::string Simulation::describe(const EventRecord& event) const {
  return "event #" + std::to_string(event.index) + " (seq " + std::to_string(event.sequence) +
         ", kind " + std::string(kind_name(event.kind)) + ", target " + event.target.to_string() +
         ")";
}

Prng& Simulation::prng(std::string_view name) {
  auto it = streams_.find(name);
  if (it == streams_.end()) {
    it = streams_.emplace(std::string(name), Prng(options_.seed, name)).first;
  }
  return it->second;
}

Invariant& Simulation::add_invariant(std::unique_ptr<Invariant> invariant) {
  KSIM_SIM_ASSERT(invariant != nullptr, "add_invariant(nullptr)");
  invariants_.push_back(std::move(invariant));
  return *invariants_.back();
}

Invariant& Simulation::add_invariant(std::string name, FunctionInvariant::Check check) {
  return add_invariant(std::make_unique<FunctionInvariant>(std::move(name), std::move(check)));
}

void Simulation::check_invariants() {
  for (const auto& invariant : invariants_) {
    if (std::optional<std::string> failure = invariant->check(*this)) {
      const std::string name(invariant->name());
      throw InvariantViolation(name, current_, *failure,
                               "Invariant " + name + " violated at t=" + now_.to_string() +
                                   " after " + describe(current_) + ": " + *failure);
    }
  }
}

void Simulation::check_final_invariants() {
  for (const auto& invariant : invariants_) {
    if (std::optional<std::string> failure = invariant->check_at_end(*this)) {
      const std::string name(invariant->name());
      throw InvariantViolation(name, current_, *failure,
                               "Invariant " + name +
                                   " violated at the end of the run (t=" + now_.to_string() + ", " +
                                   std::to_string(processed_) + " events): " + *failure);
    }
  }
}

}  // namespace ksim::sim
