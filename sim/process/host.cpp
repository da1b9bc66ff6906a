#include "sim/process/host.h"

#include "sim/kernel/assert.h"

namespace ksim::sim {

std::string_view process_state_name(ProcessState state) {
  switch (state) {
    case ProcessState::not_started: return "not started";
    case ProcessState::running: return "running";
    case ProcessState::paused: return "paused";
    case ProcessState::stopped: return "stopped";
    case ProcessState::killed: return "killed";
    case ProcessState::powered_off: return "powered off";
  }
  return "unknown";
}

Host::Host(Simulation& sim, NodeId id, std::string name, ProcessFactory factory,
           HostObserver& observer, ProcessContext& context)
    : sim_(sim),
      id_(id),
      name_(std::move(name)),
      factory_(std::move(factory)),
      observer_(observer),
      context_(context),
      resume_kind_(sim.event_kind("process.resume")) {}

bool Host::start() {
  if (is_up()) return false;
  ++incarnation_;
  deferred_.clear();
  sim_.digest().mix(0x5741u);  // "start"
  sim_.digest().mix(id_.value);
  sim_.digest().mix(incarnation_);
  observer_.process_starting(id_);
  state_ = ProcessState::running;
  process_ = factory_();
  KSIM_SIM_ASSERT(process_ != nullptr, "a process factory returned nothing");
  process_->start(context_);
  return true;
}

void Host::stop(ProcessState state, HostObserver::Stop how) {
  state_ = state;
  shutting_down_ = false;
  process_.reset();
  deferred_.clear();
  sim_.digest().mix(0x5707u);  // "stop"
  sim_.digest().mix(id_.value);
  sim_.digest().mix(static_cast<std::uint64_t>(state));
  observer_.process_stopped(id_, how);
}

bool Host::kill() {
  if (!is_up()) return false;
  stop(ProcessState::killed, HostObserver::Stop::killed);
  return true;
}

bool Host::power_off() {
  if (state_ == ProcessState::powered_off) return false;
  // A host whose process was already dead still loses its page cache.
  stop(ProcessState::powered_off, HostObserver::Stop::powered_off);
  return true;
}

bool Host::pause() {
  if (state_ != ProcessState::running) return false;
  state_ = ProcessState::paused;
  observer_.process_paused(id_, true);
  return true;
}

bool Host::resume() {
  if (state_ != ProcessState::paused) return false;
  state_ = ProcessState::running;
  observer_.process_paused(id_, false);
  // Everything that arrived while stopped runs now, in arrival order, each as its own event.
  std::deque<EventCallback> waiting = std::move(deferred_);
  deferred_.clear();
  for (EventCallback& callback : waiting) {
    run_on_process(sim_.now(), resume_kind_, std::move(callback));
  }
  return true;
}

bool Host::controlled_shutdown() {
  if (state_ != ProcessState::running || shutting_down_) return false;
  if (!process_->begin_shutdown()) {
    shutting_down_ = true;  // the process calls exit_after_shutdown() when it is done
    return true;
  }
  process_->shutdown();
  stop(ProcessState::stopped, HostObserver::Stop::controlled);
  return true;
}

void Host::exit_after_shutdown() {
  run_on_process(sim_.now(), resume_kind_, [this] {
    process_->shutdown();
    stop(ProcessState::stopped, HostObserver::Stop::controlled);
  });
}

EventHandle Host::run_on_process(SimTime time, EventKind kind, EventCallback&& callback) {
  const std::uint64_t incarnation = incarnation_;
  return sim_.schedule_at(
      time, kind, id_,
      [this, incarnation, callback = std::move(callback)]() mutable {
        run_or_defer(incarnation, callback);
      });
}

void Host::run_or_defer(std::uint64_t incarnation, EventCallback& callback) {
  if (incarnation != incarnation_ || !is_up()) return;  // an older life, or nobody home
  if (state_ == ProcessState::paused) {
    deferred_.push_back(std::move(callback));
    return;
  }
  callback();
}

}  // namespace ksim::sim
