#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "expect_abort.h"
#include "sim/kernel/simulation.h"

using namespace ksim::sim;
using namespace ksim::sim::time_literals;

TEST_CASE("reschedule moves a pending event and retires the old handle", "[sim][reschedule]") {
  Simulation sim;
  std::vector<std::string> log;
  auto note = [&](std::string what) {
    return [&log, &sim, what] { log.push_back(sim.now().to_string() + " " + what); };
  };
  const EventKind timeout = sim.event_kind("session.timeout");
  const EventHandle old_handle =
      sim.schedule_at(SimTime::from_ms(10), timeout, NodeId{4}, note("timeout"));
  sim.schedule_at(SimTime::from_ms(15), note("other"));
  const EventHandle later = sim.reschedule(old_handle, SimTime::from_ms(20));
  CHECK_FALSE(sim.is_pending(old_handle));
  CHECK_FALSE(sim.cancel(old_handle));
  CHECK(sim.is_pending(later));
  CHECK(sim.due_time(later) == SimTime::from_ms(20));
  CHECK(later.sequence == 3);  // a new sequence, as a new schedule would get
  CHECK(sim.pending_events() == 2);
  std::vector<EventRecord> records;
  sim.set_event_observer([&](const EventRecord& r) { records.push_back(r); });
  sim.run_until_idle();
  CHECK(log == std::vector<std::string>{"0.015s other", "0.020s timeout"});
  REQUIRE(records.size() == 2);
  CHECK(records[1] == EventRecord{1, 3, SimTime::from_ms(20), timeout, NodeId{4}});
}

TEST_CASE("reschedule earlier, repeatedly, and to the same time", "[sim][reschedule]") {
  Simulation sim;
  std::vector<std::string> log;
  auto note = [&](std::string what) {
    return [&log, &sim, what] { log.push_back(sim.now().to_string() + " " + what); };
  };
  EventHandle t = sim.schedule_at(SimTime::from_ms(50), note("t"));
  sim.schedule_at(SimTime::from_ms(30), note("a"));
  t = sim.reschedule(t, SimTime::from_ms(10));  // earlier
  t = sim.reschedule(t, SimTime::from_ms(40));  // later again
  t = sim.reschedule(t, SimTime::from_ms(60));
  t = sim.reschedule(t, SimTime::from_ms(30));  // earlier, tied with "a": now scheduled after it
  CHECK(sim.due_time(t) == SimTime::from_ms(30));
  sim.run_until_idle();
  CHECK(log == std::vector<std::string>{"0.030s a", "0.030s t"});
}

TEST_CASE("A re-armed timeout fires only when messages stop", "[sim][reschedule]") {
  Simulation sim;
  int expired = 0;
  EventHandle session = sim.schedule_after(10_ms, [&] { ++expired; });
  // A message every 4ms until t=40ms re-arms it each time.
  for (int ms = 4; ms <= 40; ms += 4) {
    sim.schedule_at(SimTime::from_ms(ms), [&] { session = sim.reschedule_after(session, 10_ms); });
  }
  sim.run_until(SimTime::from_ms(49));
  CHECK(expired == 0);
  sim.run_until(SimTime::from_ms(50));
  CHECK(expired == 1);
  CHECK(sim.processed_events() == 11);  // ten messages and one expiry: re-keys are not events
}

TEST_CASE("Cancelling a rescheduled event", "[sim][reschedule]") {
  Simulation sim;
  int ran = 0;
  EventHandle h = sim.schedule_at(SimTime::from_ms(5), [&] { ++ran; });
  h = sim.reschedule(h, SimTime::from_ms(8));
  CHECK(sim.cancel(h));
  CHECK(sim.pending_events() == 0);
  CHECK(sim.run_until_idle() == 0);
  CHECK(ran == 0);
}

TEST_CASE("reschedule equals cancel + schedule, event for event", "[sim][reschedule]") {
  // Two worlds run the same random timer workload; one re-arms with reschedule, the other with
  // cancel + schedule. Their event records (times, sequences, kinds, targets) must be identical,
  // through thousands of lazy re-keys, earlier moves, cancellations and compactions.
  struct World {
    Simulation sim;
    bool use_reschedule;
    std::vector<EventHandle> timers;
    std::vector<EventRecord> records;

    World(std::uint64_t seed, bool reschedule)
        : sim(SimulationOptions{.seed = seed}), use_reschedule(reschedule) {
      sim.set_event_observer([this](const EventRecord& r) { records.push_back(r); });
      const EventKind fire = sim.event_kind("timer.fire");
      const EventKind poke = sim.event_kind("poke");
      timers.resize(64);
      for (int i = 0; i < 64; ++i) arm(i, fire);
      // Pokes re-arm, move earlier, or cancel random timers; more pokes follow.
      for (int i = 0; i < 8; ++i) schedule_poke(poke, fire);
    }
    void arm(int i, EventKind fire) {
      timers[static_cast<std::size_t>(i)] = sim.schedule_after(
          sim.prng("arm").uniform(1_ms, 50_ms), fire, NodeId{i}, [this, i, fire] { arm(i, fire); });
    }
    void move(int i, SimTime to, EventKind fire) {
      EventHandle& h = timers[static_cast<std::size_t>(i)];
      if (!sim.is_pending(h)) return;
      if (use_reschedule) {
        h = sim.reschedule(h, to);
      } else {
        sim.cancel(h);
        h = sim.schedule_at(to, fire, NodeId{i}, [this, i, fire] { arm(i, fire); });
      }
    }
    void schedule_poke(EventKind poke, EventKind fire) {
      sim.schedule_after(sim.prng("poke").uniform(1_us, 500_us), poke, [this, poke, fire] {
        Prng& p = sim.prng("poke");
        const int i = static_cast<int>(p.index(timers.size()));
        const auto action = p.uniform(0, 9);
        if (action == 0) {
          if (sim.cancel(timers[static_cast<std::size_t>(i)])) {
            // Re-armed later by a fresh schedule so the world keeps its timers.
            timers[static_cast<std::size_t>(i)] =
                sim.schedule_after(100_ms, fire, NodeId{i}, [this, i, fire] { arm(i, fire); });
          }
        } else {
          move(i, sim.now() + p.uniform(SimDuration::zero(), 60_ms), fire);
        }
        schedule_poke(poke, fire);
      });
    }
  };
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    World lazy(seed, true);
    World plain(seed, false);
    lazy.sim.run_until(SimTime::from_s(2));
    plain.sim.run_until(SimTime::from_s(2));
    INFO("seed " << seed);
    REQUIRE(lazy.records.size() > 30'000);
    CHECK(lazy.records == plain.records);
    CHECK(lazy.sim.pending_events() == plain.sim.pending_events());
  }
}

TEST_CASE("Rescheduling misuse is a programmer error", "[sim][reschedule]") {
  auto past = ksim::sim::testing::run_expecting_abort([] {
    Simulation sim;
    const EventHandle h = sim.schedule_at(SimTime::from_ms(20), [] {});
    sim.run_until(SimTime::from_ms(10));
    sim.reschedule(h, SimTime::from_ms(5));
  });
  CHECK(past.aborted);
  CHECK_THAT(past.stderr_text, Catch::Contains("event rescheduled into the past"));
  auto gone = ksim::sim::testing::run_expecting_abort([] {
    Simulation sim;
    const EventHandle h = sim.schedule_at(SimTime::from_ms(1), [] {});
    sim.run_until_idle();
    sim.reschedule(h, SimTime::from_ms(5));
  });
  CHECK(gone.aborted);
  CHECK_THAT(gone.stderr_text, Catch::Contains("rescheduling an event that is not pending"));
}
