// A simulated host's lifecycle: incarnations, timers that die with their process, pause and
// resume with late timers, controlled shutdown, and what the world is told.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/storage/memory_file_system.h"
#include "sim/process/host.h"
#include "sim/process/process_context.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::time_literals;

namespace {

// Records what the world would do.
struct RecordingObserver : HostObserver {
  std::vector<std::string> calls;
  void process_stopped(NodeId, Stop how) override {
    calls.push_back(how == Stop::killed        ? "stopped: killed"
                    : how == Stop::controlled  ? "stopped: controlled"
                                               : "stopped: powered off");
  }
  void process_starting(NodeId) override { calls.push_back("starting"); }
  void process_paused(NodeId, bool paused) override { calls.push_back(paused ? "paused" : "resumed"); }
};

// A context over a real network with one node and a plain in-memory disk: the host's own
// behaviour, without the World around it.
struct TestContext : ProcessContext {
  Simulation& sim;
  network::Network net{sim};
  NodeId self = net.add_broker(1);
  Host* host = nullptr;
  storage::MemoryFileSystem fs;
  explicit TestContext(Simulation& s) : sim(s) {}
  NodeId node() const override { return self; }
  SimTime now() const override { return sim.now(); }
  EventHandle set_timer(SimDuration delay, std::string_view kind, EventCallback&& cb) override {
    return host->run_on_process_after(delay, sim.event_kind(kind), std::move(cb));
  }
  void cancel_timer(EventHandle timer) override { sim.cancel(timer); }
  storage::FileSystem& file_system() override { return fs; }
  SimTime complete_disk_io() override { return sim.now(); }
  void set_network_handlers(NodeHandlers handlers) override {
    net.set_handlers(self, std::move(handlers));
  }
  NodeId resolve(std::string_view name) const override { return net.resolve(name); }
  ConnectionId connect(NodeId to) override { return net.connect(self, to); }
  void send(ConnectionId end, Message message) override { net.send(end, std::move(message)); }
  void close(ConnectionId end) override { net.close(end); }
  void exit() override { host->exit_after_shutdown(); }
  Prng& prng(std::string_view purpose) override { return sim.prng(purpose); }
};

// A process that ticks every 100 ms and logs "<incarnation>@<time>".
struct Ticker : Process {
  std::vector<std::string>& log;
  std::uint64_t incarnation;
  ProcessContext* context = nullptr;
  bool shut_down = false;
  Ticker(std::vector<std::string>& l, std::uint64_t i) : log(l), incarnation(i) {}
  void start(ProcessContext& c) override {
    context = &c;
    arm();
  }
  void arm() {
    context->set_timer(100_ms, "tick", [this] {
      log.push_back(std::to_string(incarnation) + "@" + context->now().to_string());
      arm();
    });
  }
  void shutdown() override { log.push_back("shutdown@" + context->now().to_string()); }
  // With a leave time, SIGTERM starts a goodbye that takes that long (a broker's controlled
  // shutdown waiting for the controller).
  std::optional<SimDuration> leave_time;
  bool begin_shutdown() override {
    if (!leave_time) return true;
    log.push_back("leaving@" + context->now().to_string());
    context->set_timer(*leave_time, "leave", [this] { context->exit(); });
    return false;
  }
};

struct Fixture {
  Simulation sim{{.seed = 1}};
  RecordingObserver observer;
  TestContext context{sim};
  std::vector<std::string> log;
  std::uint64_t started = 0;
  Host host{sim, context.self, "broker 1",
            [this] { return std::make_unique<Ticker>(log, ++started); }, observer, context};
  Fixture() { context.host = &host; }
};

}  // namespace

TEST_CASE("a process runs its timers until it is killed, and a restart is a new life",
          "[process]") {
  Fixture f;
  CHECK(f.host.state() == ProcessState::not_started);
  REQUIRE(f.host.start());
  f.sim.run_until(SimTime::from_ms(350));
  CHECK(f.log == std::vector<std::string>{"1@0.100s", "1@0.200s", "1@0.300s"});
  REQUIRE(f.host.kill());
  CHECK(f.host.state() == ProcessState::killed);
  CHECK(f.host.process() == nullptr);
  CHECK_FALSE(f.host.kill());  // already dead
  f.sim.run_until(SimTime::from_ms(1000));
  CHECK(f.log.size() == 3);  // the old incarnation's timer never fires
  REQUIRE(f.host.start());
  CHECK(f.host.incarnation() == 2);
  f.sim.run_until(SimTime::from_ms(1150));
  CHECK(f.log.back() == "2@1.100s");
  CHECK(f.observer.calls ==
        std::vector<std::string>{"starting", "stopped: killed", "starting"});
}

TEST_CASE("a paused process handles nothing; at resume its timers fire late, in order",
          "[process]") {
  Fixture f;
  f.host.start();
  f.sim.run_until(SimTime::from_ms(150));
  REQUIRE(f.host.pause());
  CHECK(f.host.state() == ProcessState::paused);
  f.sim.run_until(SimTime::from_ms(5000));
  CHECK(f.log == std::vector<std::string>{"1@0.100s"});
  CHECK(f.host.deferred_events() == 1);  // the 0.200s tick waits
  REQUIRE(f.host.resume());
  f.sim.run_until(SimTime::from_ms(5150));
  // The late tick runs at the resume time; the next one 100 ms later.
  CHECK(f.log == std::vector<std::string>{"1@0.100s", "1@5.000s", "1@5.100s"});
  CHECK(f.observer.calls == std::vector<std::string>{"starting", "paused", "resumed"});
}

TEST_CASE("a killed paused process loses what was waiting", "[process]") {
  Fixture f;
  f.host.start();
  f.sim.run_until(SimTime::from_ms(150));
  f.host.pause();
  f.sim.run_until(SimTime::from_ms(1000));
  f.host.kill();
  CHECK(f.host.deferred_events() == 0);
  CHECK_FALSE(f.host.resume());
  f.sim.run_until(SimTime::from_ms(2000));
  CHECK(f.log.size() == 1);
}

TEST_CASE("a controlled shutdown lets the process finish first", "[process]") {
  Fixture f;
  f.host.start();
  f.sim.run_until(SimTime::from_ms(250));
  REQUIRE(f.host.controlled_shutdown());
  CHECK(f.host.state() == ProcessState::stopped);
  CHECK(f.log.back() == "shutdown@0.250s");
  CHECK(f.observer.calls.back() == "stopped: controlled");
  f.sim.run_until(SimTime::from_ms(1000));
  CHECK(f.log.size() == 3);
}

TEST_CASE("a process may take its time to leave after SIGTERM, and keeps running meanwhile",
          "[process]") {
  Fixture f;
  f.host.start();
  f.sim.run_until(SimTime::from_ms(250));
  static_cast<Ticker*>(f.host.process())->leave_time = 120_ms;
  REQUIRE(f.host.controlled_shutdown());
  CHECK(f.host.state() == ProcessState::running);
  CHECK(f.host.shutting_down());
  CHECK_FALSE(f.host.controlled_shutdown());  // one SIGTERM is enough
  f.sim.run_until(SimTime::from_ms(1000));
  CHECK(f.host.state() == ProcessState::stopped);
  CHECK_FALSE(f.host.shutting_down());
  CHECK(f.log == std::vector<std::string>{"1@0.100s", "1@0.200s", "leaving@0.250s", "1@0.300s",
                                          "shutdown@0.370s"});
  CHECK(f.observer.calls.back() == "stopped: controlled");
}

TEST_CASE("a kill during a slow shutdown wins: shutdown() never runs", "[process]") {
  Fixture f;
  f.host.start();
  f.sim.run_until(SimTime::from_ms(250));
  static_cast<Ticker*>(f.host.process())->leave_time = 500_ms;
  REQUIRE(f.host.controlled_shutdown());
  f.sim.run_until(SimTime::from_ms(400));
  REQUIRE(f.host.kill());
  f.sim.run_until(SimTime::from_ms(2000));
  CHECK(f.host.state() == ProcessState::killed);
  CHECK(f.log.back() == "1@0.400s");
}

TEST_CASE("powering off a host with a dead process still cuts its power", "[process]") {
  Fixture f;
  f.host.start();
  f.host.kill();
  REQUIRE(f.host.power_off());
  CHECK(f.host.state() == ProcessState::powered_off);
  CHECK_FALSE(f.host.power_off());
  CHECK(f.host.start());  // power on and boot
  CHECK(f.observer.calls == std::vector<std::string>{"starting", "stopped: killed",
                                                     "stopped: powered off", "starting"});
}
