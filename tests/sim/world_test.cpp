// The whole deterministic world: a storage service and its clients over the simulated network,
// with kill -9, power loss, pause, controlled shutdown and network splits, and the same run for
// the same seed, event for event.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "core/storage/log.h"
#include "sim/testing/append_service.h"
#include "sim/disk/disk_options.h"
#include "sim/world.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::testing;
using namespace ksim::sim::time_literals;

namespace {

struct DemoWorld {
  World world;
  AppendLedger ledger;
  std::uint64_t client_starts = 0;
  NodeId server;
  NodeId client;

  explicit DemoWorld(std::uint64_t seed, std::optional<std::string> data_dir = std::nullopt)
      : world(WorldOptions{.simulation = {.seed = seed}, .data_dir = std::move(data_dir)}) {
    server = world.add_broker(1, [] { return std::make_unique<AppendServer>(AppendServerOptions{}); });
    client = world.add_client("producer-1", [this] {
      return std::make_unique<AppendClient>(AppendClientOptions{}, ledger, ++client_starts);
    });
    world.start_all();
  }
  void run_for(SimDuration d) { world.sim().run_for(d); }
  AppendServer& server_process() {
    return dynamic_cast<AppendServer&>(*world.host(server).process());
  }
  // Every acknowledged value at the offset it was acknowledged with.
  std::size_t acknowledged_present(storage::Log& log) {
    std::size_t present = 0;
    const auto records = log.read_records(log.log_start_offset());
    std::map<std::int64_t, std::string> by_offset;
    for (const auto& r : records) by_offset[r.offset] = storage::to_string(*r.value);
    for (const auto& [value, offset] : ledger.acknowledged) {
      auto it = by_offset.find(offset);
      if (it != by_offset.end() && it->second == value) ++present;
    }
    return present;
  }
};

}  // namespace

TEST_CASE("the run header records the seed and every option", "[world]") {
  DemoWorld demo(42);
  const std::string header = demo.world.header_text();
  CHECK_THAT(header, Catch::Contains("seed") && Catch::Contains("42"));
  CHECK_THAT(header, Catch::Contains("network.latency"));
  CHECK_THAT(header, Catch::Contains("disk.broker-1."));
}

TEST_CASE("kill -9 keeps every acknowledged record: the page cache survives", "[world]") {
  DemoWorld demo(7);
  demo.run_for(2_s);
  REQUIRE(demo.ledger.acknowledged.size() > 50);
  const std::int64_t leo_at_kill = demo.server_process().log().log_end_offset();
  REQUIRE(demo.world.kill("broker 1"));
  demo.run_for(1_s);  // the client sees a reset, then refused connections
  CHECK(demo.ledger.disconnects >= 1);
  REQUIRE(demo.world.start("broker 1"));
  AppendServer& restarted = demo.server_process();
  CHECK_FALSE(restarted.startup().had_clean_shutdown);
  CHECK(restarted.log().log_end_offset() == leo_at_kill);
  demo.run_for(2_s);
  // The client reconnected and went on; nothing acknowledged was lost.
  CHECK(demo.acknowledged_present(demo.server_process().log()) == demo.ledger.acknowledged.size());
  CHECK(demo.server_process().log().log_end_offset() > leo_at_kill);
}

TEST_CASE("a power cut loses exactly the acknowledged records that were not flushed", "[world]") {
  DemoWorld demo(11);
  demo.run_for(2500_ms);  // flushes at 1 s and 2 s; 500 ms of unflushed appends
  storage::Log& log = demo.server_process().log();
  const std::int64_t flushed = log.recovery_point();
  const std::int64_t leo = log.log_end_offset();
  REQUIRE(flushed < leo);
  REQUIRE(demo.world.power_off("broker 1"));
  REQUIRE(demo.world.start("broker 1"));
  storage::Log& recovered = demo.server_process().log();
  CHECK(recovered.log_end_offset() == flushed);
  std::size_t lost = 0;
  for (const auto& [value, offset] : demo.ledger.acknowledged) {
    if (offset >= flushed) ++lost;
  }
  CHECK(lost > 0);
  CHECK(demo.acknowledged_present(recovered) == demo.ledger.acknowledged.size() - lost);
}

TEST_CASE("a paused server answers nothing; its clients time out; at resume it goes on",
          "[world]") {
  DemoWorld demo(3);
  demo.run_for(1_s);
  const std::size_t acked_before = demo.ledger.acknowledged.size();
  REQUIRE(demo.world.pause("broker 1"));
  demo.run_for(3_s);
  CHECK(demo.ledger.acknowledged.size() == acked_before);
  CHECK_FALSE(demo.ledger.timed_out.empty());  // 1 s request timeout
  REQUIRE(demo.world.resume("broker 1"));
  demo.run_for(2_s);
  CHECK(demo.ledger.acknowledged.size() > acked_before);
}

TEST_CASE("a controlled shutdown leaves a clean log that restarts without recovery", "[world]") {
  DemoWorld demo(5);
  demo.run_for(1500_ms);
  const std::int64_t leo = demo.server_process().log().log_end_offset();
  REQUIRE(demo.world.shutdown("broker 1"));
  CHECK(demo.world.host("broker 1").state() == ProcessState::stopped);
  demo.world.power_off("broker 1");  // everything was flushed by the shutdown
  REQUIRE(demo.world.start("broker 1"));
  CHECK(demo.server_process().startup().had_clean_shutdown);
  CHECK(demo.server_process().log().log_end_offset() == leo);
  CHECK(demo.server_process().startup().partitions.begin()->second.recovered_segments.empty());
}

TEST_CASE("a split between client and server times requests out; after heal they resume",
          "[world]") {
  DemoWorld demo(9);
  demo.run_for(1_s);
  demo.world.network().split("producer-1 | 1");
  const std::size_t acked = demo.ledger.acknowledged.size();
  demo.run_for(3_s);
  CHECK(demo.ledger.acknowledged.size() == acked);
  CHECK_FALSE(demo.ledger.timed_out.empty());
  demo.world.network().heal();
  demo.run_for(3_s);
  CHECK(demo.ledger.acknowledged.size() > acked);
}

TEST_CASE("a slow disk slows the answers: writes queue behind it", "[world]") {
  const auto acknowledged_in_2s = [](std::uint64_t slow_percent) {
    DiskOptions disk;
    disk.append_latency_per_op = 5_ms;
    disk.slow_percent = slow_percent;
    World world(WorldOptions{.simulation = {.seed = 21}, .disk = disk});
    AppendLedger ledger;
    std::uint64_t starts = 0;
    world.add_broker(1, [] { return std::make_unique<AppendServer>(AppendServerOptions{}); });
    for (const char* name : {"producer-1", "producer-2"}) {
      world.add_client(name, [&] {
        return std::make_unique<AppendClient>(AppendClientOptions{}, ledger, ++starts);
      });
    }
    world.start_all();
    world.sim().run_for(2_s);
    return std::pair{ledger.acknowledged.size(), world.disk("broker 1").stats().busy_time_total};
  };
  const auto [healthy, healthy_busy] = acknowledged_in_2s(100);
  const auto [slow, slow_busy] = acknowledged_in_2s(1000);  // 10x: 50 ms a write
  CHECK(healthy > 150);           // ~80 requests/s offered, 5 ms each: keeps up
  CHECK(slow < healthy / 2);      // 50 ms a write: at most ~40 a second get through in time
  CHECK(slow_busy > healthy_busy);
}

TEST_CASE("with --data-dir a broker's log is a real directory a student can ls", "[world]") {
  const std::string dir = std::filesystem::temp_directory_path() / "ksim-world-test-data";
  std::filesystem::remove_all(dir);
  {
    DemoWorld demo(13, dir);
    demo.run_for(1500_ms);
  }
  CHECK(std::filesystem::exists(dir + "/broker-1/kafka-logs/demo-0/00000000000000000000.log"));
  CHECK(std::filesystem::exists(dir + "/broker-1/kafka-logs/meta.properties"));
  std::filesystem::remove_all(dir);
}

namespace {

// A random run: two clients, and faults (kill, power cut, pause, split) at random times drawn
// from the "faults" stream.
struct RunResult {
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
  std::size_t acknowledged = 0;
  bool operator==(const RunResult&) const = default;
};

RunResult random_run(std::uint64_t seed, bool extra_stream = false) {
  World world(WorldOptions{.simulation = {.seed = seed}});
  AppendLedger ledger;
  std::uint64_t starts = 0;
  world.add_broker(1, [] { return std::make_unique<AppendServer>(AppendServerOptions{}); });
  for (const char* name : {"producer-1", "producer-2"}) {
    world.add_client(name, [&] {
      return std::make_unique<AppendClient>(AppendClientOptions{}, ledger, ++starts);
    });
  }
  world.start_all();
  if (extra_stream) {
    // Something irrelevant draws from a stream of its own (a GUI, a new log line's id...).
    Prng& unrelated = world.sim().prng("unrelated/purpose");
    for (int i = 0; i < 1000; ++i) (void)unrelated.next_u64();
  }
  Prng& faults = world.sim().prng("faults");
  for (int step = 0; step < 6; ++step) {
    world.sim().run_for(SimDuration::from_ms(200 + static_cast<std::int64_t>(faults.below(600))));
    switch (faults.below(6)) {
      case 0: world.kill("broker 1"); break;
      case 1: world.power_off("broker 1"); break;
      case 2: world.pause("broker 1"); break;
      case 3: world.network().split("producer-1 | 1"); break;
      case 4: world.network().heal(); break;
      default: break;
    }
    world.sim().run_for(SimDuration::from_ms(static_cast<std::int64_t>(faults.below(400))));
    world.resume("broker 1");
    world.start("broker 1");
  }
  world.network().heal();
  world.sim().run_for(1_s);
  return {world.sim().digest().value(), world.sim().processed_events(), ledger.acknowledged.size()};
}

}  // namespace

TEST_CASE("the same seed gives the same run, event for event, for 100 seeds", "[world][determinism]") {
  std::set<std::uint64_t> digests;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const RunResult first = random_run(seed);
    const RunResult second = random_run(seed);
    INFO("seed " << seed);
    REQUIRE(first == second);
    CHECK(first.acknowledged > 0);
    digests.insert(first.digest);
  }
  CHECK(digests.size() == 100);  // different seeds, different runs
}

TEST_CASE("drawing from an unrelated PRNG stream changes nothing in the run", "[world][determinism]") {
  for (std::uint64_t seed : {1u, 17u, 99u}) {
    CHECK(random_run(seed, true) == random_run(seed, false));
  }
}
