// Playing a library scenario as the GUI does: start the runner, advance the simulation one
// "frame" of simulated time at a time, and let the test update its models after each frame.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "scenarios/library.h"
#include "scenarios/parser.h"
#include "scenarios/runner.h"

namespace ksim::gui::model::testing {

inline std::unique_ptr<scenarios::ScenarioRunner> library_runner(const std::string& name) {
  const auto scenario = scenarios::find_library_scenario(name);
  if (!scenario) throw std::invalid_argument("no library scenario " + name);
  return std::make_unique<scenarios::ScenarioRunner>(
      scenarios::parse_script(scenario->text, name + ".ksim"));
}

// Plays until the script is done (or `until`), calling `frame_done` after every `frame`; then
// finishes the run (the audit's summary) and calls `frame_done` once more.
inline void play(scenarios::ScenarioRunner& runner, sim::SimDuration frame,
                 const std::function<void()>& frame_done,
                 sim::SimTime until = sim::SimTime::max()) {
  runner.start();
  sim::Simulation& sim = runner.cluster().sim();
  while (!runner.script_done() && sim.now() < until && sim.next_event_time()) {
    sim.run_until(sim.now() + frame);
    frame_done();
  }
  runner.finish();
  frame_done();
}

// Runs event by event (after start()) until `condition` holds; false if the events ran out.
inline bool step_until(scenarios::ScenarioRunner& runner, const std::function<bool()>& condition) {
  runner.start();
  sim::Simulation& sim = runner.cluster().sim();
  while (!condition()) {
    if (!sim.step()) return false;
  }
  return true;
}

// A script run from text, as a test writes it.
inline std::unique_ptr<scenarios::ScenarioRunner> script_runner(const std::string& text) {
  return std::make_unique<scenarios::ScenarioRunner>(scenarios::parse_script(text, "test.ksim"));
}

// One acks=all record without idempotence to a leader cut off from its followers: it times out,
// the link heals, and the retry writes it a second time (a duplicate the audit lists).
inline const std::string kRetryWithoutIdempotence = R"(brokers 3
kafka-topics.sh --create --bootstrap-server localhost:9092 --replication-factor 3 --partitions 1 --topic t
wait until isr t-0 == [0,1,2] within 10s
isolate leader t-0 from brokers
kafka-producer-perf-test.sh --topic t --num-records 1 --throughput -1 --record-size 10 --producer-props acks=all enable.idempotence=false request.timeout.ms=1000 delivery.timeout.ms=60000 client.id=retrier &
wait 5s
heal
wait 10s
)";

}  // namespace ksim::gui::model::testing
