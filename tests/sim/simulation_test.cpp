#include "sim/kernel/simulation.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "expect_abort.h"

using namespace ksim::sim;
using namespace ksim::sim::time_literals;
using ksim::sim::testing::run_expecting_abort;

TEST_CASE("Events run in (time, sequence) order and move now()", "[sim][kernel]") {
  Simulation sim;
  std::vector<std::string> log;
  auto note = [&](std::string what) {
    return [&log, &sim, what] { log.push_back(sim.now().to_string() + " " + what); };
  };
  sim.schedule_at(SimTime::from_ms(20), note("b"));
  sim.schedule_at(SimTime::from_ms(10), note("a1"));
  sim.schedule_at(SimTime::from_ms(10), note("a2"));
  sim.schedule_after(20_ms, note("c"));  // same time as "b", scheduled later
  CHECK(sim.pending_events() == 4);
  CHECK(sim.run_until_idle() == 4);
  CHECK(log == std::vector<std::string>{"0.010s a1", "0.010s a2", "0.020s b", "0.020s c"});
  CHECK(sim.now() == SimTime::from_ms(20));
  CHECK(sim.processed_events() == 4);
}

TEST_CASE("An event scheduled at now() runs after the current one", "[sim][kernel]") {
  Simulation sim;
  std::vector<int> order;
  sim.schedule_at(SimTime::from_ms(1), [&] {
    order.push_back(1);
    sim.schedule_after(SimDuration::zero(), [&] { order.push_back(3); });
  });
  sim.schedule_at(SimTime::from_ms(1), [&] { order.push_back(2); });
  sim.run_until_idle();
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("step runs one event and reports an empty queue", "[sim][kernel]") {
  Simulation sim;
  int ran = 0;
  sim.schedule_at(SimTime::from_ms(5), [&] { ++ran; });
  sim.schedule_at(SimTime::from_ms(7), [&] { ++ran; });
  CHECK(sim.step());
  CHECK(ran == 1);
  CHECK(sim.now() == SimTime::from_ms(5));
  CHECK(sim.current_event().index == 0);
  CHECK(sim.step());
  CHECK(sim.now() == SimTime::from_ms(7));
  CHECK_FALSE(sim.step());
  CHECK(sim.now() == SimTime::from_ms(7));
}

TEST_CASE("Cancelled events never run", "[sim][kernel]") {
  Simulation sim;
  int ran = 0;
  const EventHandle a = sim.schedule_at(SimTime::from_ms(1), [&] { ran += 1; });
  EventHandle b;
  sim.schedule_at(SimTime::from_ms(2), [&] { CHECK(sim.cancel(b)); });  // cancel from an event
  b = sim.schedule_at(SimTime::from_ms(3), [&] { ran += 100; });
  CHECK(sim.cancel(a));
  CHECK_FALSE(sim.is_pending(a));
  CHECK(sim.is_pending(b));
  CHECK(sim.run_until_idle() == 1);
  CHECK(ran == 0);
  CHECK(sim.processed_events() == 1);
  CHECK_FALSE(sim.cancel(b));
}

TEST_CASE("run_until ends exactly at its target, with or without an event there", "[sim][kernel]") {
  Simulation sim;
  std::vector<SimTime> seen;
  for (int ms : {1, 5, 10, 15}) {
    sim.schedule_at(SimTime::from_ms(ms), [&] { seen.push_back(sim.now()); });
  }
  CHECK(sim.run_until(SimTime::from_ms(7)) == 2);
  CHECK(sim.now() == SimTime::from_ms(7));          // no event at 7ms
  CHECK(sim.run_until(SimTime::from_ms(10)) == 1);  // an event exactly at the target runs
  CHECK(sim.now() == SimTime::from_ms(10));
  CHECK(sim.run_for(3_ms) == 0);
  CHECK(sim.now() == SimTime::from_ms(13));
  CHECK(sim.run_for(100_ms) == 1);
  CHECK(sim.now() == SimTime::from_ms(113));
  CHECK(sim.run_until(SimTime::from_s(2)) == 0);  // empty queue: time still advances
  CHECK(sim.now() == SimTime::from_s(2));
  CHECK(seen == std::vector<SimTime>{SimTime::from_ms(1), SimTime::from_ms(5), SimTime::from_ms(10),
                                     SimTime::from_ms(15)});
}

TEST_CASE("run_until throws Livelock at the event bound", "[sim][kernel]") {
  Simulation sim(SimulationOptions{.seed = 1, .max_events_per_run = 100});
  // A timer that fires every 1ms forever.
  std::function<void()> tick = [&] { sim.schedule_after(1_ms, [&] { tick(); }); };
  sim.schedule_at(SimTime::zero(), [&] { tick(); });
  CHECK(sim.run_until(SimTime::from_ms(99)) == 100);  // exactly the bound is fine
  CHECK_THROWS_MATCHES(
      sim.run_until(SimTime::from_s(15) + 2_ms), LivelockError,
      Catch::Message("Livelock: 100 events without reaching t=15.002s (now t=0.199s, 1 events "
                     "pending)"));
  // The kernel stays usable, and the bound is per call.
  sim.set_max_events_per_run(1'000);
  CHECK(sim.run_until(SimTime::from_ms(250)) == 51);
  CHECK(sim.header().get("kernel.max_events_per_run") == "1000");
}

TEST_CASE("Condition runs stop as soon as the condition holds", "[sim][kernel]") {
  Simulation sim;
  int count = 0;
  for (int i = 1; i <= 10; ++i) sim.schedule_at(SimTime::from_ms(i), [&] { ++count; });
  CHECK(sim.run_until([&] { return count >= 4; }) == 4);
  CHECK(count == 4);
  CHECK(sim.now() == SimTime::from_ms(4));
  CHECK(sim.run_until([&] { return count >= 4; }) == 0);  // already true: nothing runs
  CHECK(sim.pending_events() == 6);
}

TEST_CASE("Condition runs fail clearly", "[sim][kernel]") {
  SECTION("queue exhausted") {
    Simulation sim;
    sim.schedule_at(SimTime::from_ms(2), [] {});
    CHECK_THROWS_MATCHES(
        sim.run_until([] { return false; }, {.condition = "leader elected"}), EventQueueExhausted,
        Catch::Message("Event queue exhausted before condition was satisfied: leader elected "
                       "(now t=0.002s, after 1 events)"));
  }
  SECTION("deadline passed") {
    Simulation sim;
    for (int i = 1; i <= 10; ++i) sim.schedule_at(SimTime::from_s(i), [] {});
    CHECK_THROWS_MATCHES(
        sim.run_until([] { return false; },
                      {.condition = "ISR back to [1,2,3]", .deadline = SimTime::from_s(3)}),
        DeadlineExceeded,
        Catch::Message("Condition not satisfied by t=3.000s: ISR back to [1,2,3] (next event at "
                       "t=4.000s, after 3 events)"));
    CHECK(sim.now() == SimTime::from_s(3));
  }
  SECTION("event bound hit") {
    Simulation sim;
    std::function<void()> tick = [&] { sim.schedule_after(1_us, [&] { tick(); }); };
    sim.schedule_at(SimTime::zero(), [&] { tick(); });
    CHECK_THROWS_MATCHES(sim.run_until([] { return false; }, {.max_events = 500}), LivelockError,
                         Catch::Message("Livelock: 500 events without satisfying condition (now "
                                        "t=0.000499s, 1 events pending)"));
  }
}

TEST_CASE("The default bound is ten million events", "[sim][kernel]") {
  Simulation sim;
  CHECK(sim.options().max_events_per_run == 10'000'000);
  CHECK(sim.header().get("kernel.max_events_per_run") == "10000000");
}

TEST_CASE("An exception from a callback propagates and leaves the kernel usable", "[sim][kernel]") {
  Simulation sim;
  sim.schedule_at(SimTime::from_ms(1), [] { throw std::runtime_error("broker crashed"); });
  sim.schedule_at(SimTime::from_ms(2), [] {});
  CHECK_THROWS_WITH(sim.run_until_idle(), "broker crashed");
  CHECK(sim.processed_events() == 1);
  CHECK(sim.run_until_idle() == 1);
}

TEST_CASE("Event kinds are interned by name", "[sim][kernel]") {
  Simulation sim;
  const EventKind deliver = sim.event_kind("network.deliver");
  const EventKind timer = sim.event_kind("timer");
  CHECK(sim.event_kind("network.deliver") == deliver);
  CHECK(deliver != timer);
  CHECK(sim.kind_name(EventKind{}) == "event");
  CHECK(sim.kind_name(timer) == "timer");
  std::vector<EventRecord> seen;
  sim.set_event_observer([&](const EventRecord& r) { seen.push_back(r); });
  sim.schedule_at(SimTime::from_ms(3), deliver, NodeId{2}, [] {});
  sim.schedule_at(SimTime::from_ms(1), timer, [] {});
  sim.run_until_idle();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == EventRecord{0, 2, SimTime::from_ms(1), timer, NodeId::none()});
  CHECK(seen[1] == EventRecord{1, 1, SimTime::from_ms(3), deliver, NodeId{2}});
  CHECK(sim.describe(seen[1]) == "event #1 (seq 1, kind network.deliver, target 2)");
}

TEST_CASE("A failing invariant names itself, the time and the event", "[sim][kernel]") {
  Simulation sim;
  int leaders = 0;
  sim.add_invariant("SingleLeader", [&](const Simulation&) -> std::optional<std::string> {
    if (leaders > 1) return std::to_string(leaders) + " leaders";
    return std::nullopt;
  });
  const EventKind elect = sim.event_kind("controller.elect");
  sim.schedule_at(SimTime::from_ms(5), elect, NodeId{1}, [&] { ++leaders; });
  sim.schedule_at(SimTime::from_s(15) + 2_ms, elect, NodeId{3}, [&] { ++leaders; });
  try {
    sim.run_until_idle();
    FAIL("no violation");
  } catch (const InvariantViolation& e) {
    CHECK(std::string(e.what()) ==
          "Invariant SingleLeader violated at t=15.002s after event #1 (seq 2, kind "
          "controller.elect, target 3): 2 leaders");
    CHECK(e.invariant() == "SingleLeader");
    CHECK(e.detail() == "2 leaders");
    CHECK(e.event().index == 1);
    CHECK(e.event().time == SimTime::from_s(15) + 2_ms);
  }
}

namespace {
// Expensive check at the end: every message sent was delivered.
class AllDelivered final : public Invariant {
 public:
  AllDelivered(const int& sent, const int& delivered) : sent_(sent), delivered_(delivered) {}
  std::string_view name() const override { return "AllDelivered"; }
  std::optional<std::string> check(const Simulation&) override {
    ++checks;
    return std::nullopt;
  }
  std::optional<std::string> check_at_end(const Simulation&) override {
    if (sent_ == delivered_) return std::nullopt;
    return std::to_string(sent_ - delivered_) + " messages lost";
  }
  int checks = 0;

 private:
  const int& sent_;
  const int& delivered_;
};
}  // namespace

TEST_CASE("Invariants run after every event and at the end", "[sim][kernel]") {
  Simulation sim;
  int sent = 3;
  int delivered = 0;
  auto& invariant = dynamic_cast<AllDelivered&>(
      sim.add_invariant(std::make_unique<AllDelivered>(sent, delivered)));
  sim.schedule_at(SimTime::from_ms(1), [&] { ++delivered; });
  sim.schedule_at(SimTime::from_ms(2), [&] { ++delivered; });
  sim.run_until(SimTime::from_s(1));
  CHECK(invariant.checks == 2);
  CHECK_THROWS_MATCHES(sim.check_final_invariants(), InvariantViolation,
                       Catch::Message("Invariant AllDelivered violated at the end of the run "
                                      "(t=1.000s, 2 events): 1 messages lost"));
  ++delivered;
  CHECK_NOTHROW(sim.check_final_invariants());
}

TEST_CASE("Named streams come from the seed and the name only", "[sim][kernel]") {
  Simulation a(SimulationOptions{.seed = 42});
  Simulation b(SimulationOptions{.seed = 42});
  Prng& net_a = a.prng("network");
  CHECK(&a.prng("network") == &net_a);  // one stream per name
  b.prng("disk").next_u64();            // another stream first, and drawn from
  Prng reference(42, "network");
  for (int i = 0; i < 8; ++i) {
    const std::uint64_t expected = reference.next_u64();
    CHECK(net_a.next_u64() == expected);
    CHECK(b.prng("network").next_u64() == expected);
  }
}

TEST_CASE("Misuse of the kernel is a programmer error", "[sim][kernel]") {
  SECTION("an event in the past") {
    auto outcome = run_expecting_abort([] {
      Simulation sim;
      sim.run_until(SimTime::from_ms(10));
      sim.schedule_at(SimTime::from_ms(9), [] {});
    });
    CHECK(outcome.aborted);
    CHECK_THAT(outcome.stderr_text,
               Catch::Contains("event scheduled in the past: at t=0.009s while now is t=0.010s"));
  }
  SECTION("a negative delay") {
    auto outcome = run_expecting_abort([] {
      Simulation sim;
      sim.schedule_after(SimDuration::from_us(-1), [] {});
    });
    CHECK(outcome.aborted);
    CHECK_THAT(outcome.stderr_text, Catch::Contains("negative delay: -0.000001s"));
  }
  SECTION("a run inside an event") {
    auto outcome = run_expecting_abort([] {
      Simulation sim;
      sim.schedule_at(SimTime::from_ms(1), [&] { sim.step(); });
      sim.step();
    });
    CHECK(outcome.aborted);
    CHECK_THAT(outcome.stderr_text, Catch::Contains("called from inside an event"));
  }
  SECTION("running backwards") {
    auto outcome = run_expecting_abort([] {
      Simulation sim;
      sim.run_until(SimTime::from_ms(10));
      sim.run_until(SimTime::from_ms(5));
    });
    CHECK(outcome.aborted);
    CHECK_THAT(outcome.stderr_text, Catch::Contains("run_until t=0.005s is before now t=0.010s"));
  }
}

TEST_CASE("The run header lists the seed and every option", "[sim][kernel]") {
  Simulation sim(SimulationOptions{.seed = 42, .keep_digest_history = true});
  RunHeader& header = sim.header();
  header.set("network.latency_mean", SimDuration::from_us(1'500));
  header.set("network.loss", Ratio::percent(1));
  header.set("scenario", "isr-shrink");
  header.set("cluster.brokers", 3);
  header.set("network.latency_mean", SimDuration::from_ms(2));  // replaced in place
  CHECK(header.to_string() ==
        "ksim run\n"
        "  seed = 42\n"
        "  kernel.max_events_per_run = 10000000\n"
        "  kernel.digest_history = true\n"
        "  network.latency_mean = 0.002s\n"
        "  network.loss = 1/100\n"
        "  scenario = isr-shrink\n"
        "  cluster.brokers = 3\n");
  CHECK(header.to_json().dump() ==
        R"({"seed":42,"options":{"kernel.max_events_per_run":10000000,)"
        R"("kernel.digest_history":true,"network.latency_mean_us":2000,)"
        R"("network.loss":{"numerator":1,"denominator":100},"scenario":"isr-shrink",)"
        R"("cluster.brokers":3}})");
  CHECK(header.get("network.loss") == "1/100");
  CHECK_FALSE(header.get("missing").has_value());
}
