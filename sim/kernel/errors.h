// How a simulation run fails. A run that cannot reach what it was asked to reach (queue empty,
// event bound hit, deadline passed) or that breaks an invariant throws one of these, with a
// message naming the time, the event and the bound. Misuse of the kernel itself (an event in
// the past, a run inside an event) is a programmer error: an assertion, not an exception.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "sim/kernel/event.h"

namespace ksim::sim {

class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// No event left while a condition still does not hold (Kafka's RaftEventSimulationTest: "Event
// queue exhausted before condition was satisfied").
class EventQueueExhausted : public SimulationError {
 public:
  using SimulationError::SimulationError;
};

// The per-run event bound was hit ("Livelock: 10000000 events without reaching t=15.002s").
class LivelockError : public SimulationError {
 public:
  using SimulationError::SimulationError;
};

// A condition did not hold by its deadline.
class DeadlineExceeded : public SimulationError {
 public:
  using SimulationError::SimulationError;
};

// An invariant failed after an event (or at the end of the run).
class InvariantViolation : public SimulationError {
 public:
  InvariantViolation(std::string invariant, EventRecord event, std::string detail,
                     const std::string& message)
      : SimulationError(message),
        invariant_(std::move(invariant)),
        event_(event),
        detail_(std::move(detail)) {}

  const std::string& invariant() const { return invariant_; }
  // The event after which it failed (the last processed one for end-of-run checks).
  const EventRecord& event() const { return event_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string invariant_;
  EventRecord event_;
  std::string detail_;
};

}  // namespace ksim::sim
