// DiskOptions (validation, the run header) and DiskTiming: the fsync latency distributions, the
// append latency, the slow factor, and the busy-until clock the process layer uses.
#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "disk_test_support.h"
#include "sim/disk/disk_timing.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::disk_test;
using namespace ksim::sim::time_literals;

namespace {

DiskOptions fsync_options(FsyncLatencyDistribution distribution, SimDuration min,
                          SimDuration max) {
  DiskOptions options;
  options.fsync_latency_distribution = distribution;
  options.fsync_latency_min = min;
  options.fsync_latency_max = max;
  return options;
}

std::vector<std::int64_t> draw_fsyncs(DiskTiming& timing, int count) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(timing.fsync_latency().to_us());
  return out;
}

std::string invalid(const DiskOptions& options) {
  try {
    options.validate();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "valid";
}

}  // namespace

TEST_CASE("disk options are validated with the field and its value", "[sim][disk]") {
  CHECK(invalid(DiskOptions{}) == "valid");
  DiskOptions options;
  options.fsync_latency_max = 100_us;
  CHECK(invalid(options) ==
        "Invalid disk option: fsync_latency_max = 0.0001s is below fsync_latency_min = "
        "0.0005s");
  options = {};
  options.slow_percent = 0;
  CHECK(invalid(options) == "Invalid disk option: slow_percent = 0 is outside 1..1000000");
  options = {};
  options.torn_write_probability = Ratio{3, 2};
  CHECK(invalid(options) ==
        "Invalid disk option: torn_write_probability = 3/2 is not a probability (0 to 1)");
  options = {};
  options.torn_write_garbage_probability = Ratio{1, 0};
  CHECK(invalid(options) == "Invalid disk option: torn_write_garbage_probability = 1/0 is not a "
                            "probability (0 to 1)");
  options = {};
  options.fsync_latency_tail_alpha = Ratio{0, 1};
  CHECK(invalid(options) ==
        "Invalid disk option: fsync_latency_tail_alpha = 0/1 must be above zero");
  options = {};
  options.append_latency_per_op = SimDuration::from_us(-1);
  CHECK(invalid(options) == "Invalid disk option: append_latency_per_op = -0.000001s is negative");
  options = {};
  options.torn_write_garbage_bytes_max = 0;
  CHECK(invalid(options) ==
        "Invalid disk option: torn_write_garbage_bytes_max = 0 (at least one byte of garbage)");
  options = {};
  options.slow_percent = 0;
  CHECK_THROWS_AS(SimDiskFixture(false, options), std::invalid_argument);

  CHECK(parse_fsync_latency_distribution("long-tail") == FsyncLatencyDistribution::long_tail);
  CHECK(parse_fsync_latency_distribution("fixed") == FsyncLatencyDistribution::fixed);
  CHECK_FALSE(parse_fsync_latency_distribution("normal").has_value());
}

TEST_CASE("disk options are recorded in the run header", "[sim][disk]") {
  RunHeader header(7);
  DiskOptions options;
  options.fsync_latency_distribution = FsyncLatencyDistribution::long_tail;
  options.torn_write_probability = Ratio::percent(10);
  options.add_to_header(header);
  options.capacity_bytes = 1 << 20;
  options.add_to_header(header, "disk.broker-2");
  CHECK(header.to_string() ==
        "ksim run\n"
        "  seed = 7\n"
        "  disk.fsync_latency_distribution = long_tail\n"
        "  disk.fsync_latency_min = 0.0005s\n"
        "  disk.fsync_latency_max = 0.002s\n"
        "  disk.fsync_latency_tail_alpha = 3/2\n"
        "  disk.append_latency_per_op = 0.00001s\n"
        "  disk.append_latency_per_mib = 0.0005s\n"
        "  disk.slow_percent = 100\n"
        "  disk.capacity_bytes = unlimited\n"
        "  disk.fail_writes = false\n"
        "  disk.torn_write_probability = 10/100\n"
        "  disk.torn_write_garbage_probability = 0/1\n"
        "  disk.torn_write_garbage_bytes_max = 16\n"
        "  disk.broker-2.fsync_latency_distribution = long_tail\n"
        "  disk.broker-2.fsync_latency_min = 0.0005s\n"
        "  disk.broker-2.fsync_latency_max = 0.002s\n"
        "  disk.broker-2.fsync_latency_tail_alpha = 3/2\n"
        "  disk.broker-2.append_latency_per_op = 0.00001s\n"
        "  disk.broker-2.append_latency_per_mib = 0.0005s\n"
        "  disk.broker-2.slow_percent = 100\n"
        "  disk.broker-2.capacity_bytes = 1048576\n"
        "  disk.broker-2.fail_writes = false\n"
        "  disk.broker-2.torn_write_probability = 10/100\n"
        "  disk.broker-2.torn_write_garbage_probability = 0/1\n"
        "  disk.broker-2.torn_write_garbage_bytes_max = 16\n");
  const auto json = header.to_json();
  CHECK(json["options"]["disk.fsync_latency_min_us"] == 500);
  CHECK(json["options"]["disk.broker-2.capacity_bytes"] == 1048576);
}

TEST_CASE("fixed fsync latency is always the minimum", "[sim][disk]") {
  DiskTiming timing(fsync_options(FsyncLatencyDistribution::fixed, 800_us, 5_ms),
                    Prng(1, "disk/b/latency"));
  for (std::int64_t us : draw_fsyncs(timing, 50)) CHECK(us == 800);
  CHECK(timing.fsync_latency_draws() == 50);
}

TEST_CASE("uniform fsync latency covers its whole range and nothing outside", "[sim][disk]") {
  DiskTiming timing(fsync_options(FsyncLatencyDistribution::uniform, 100_us, 103_us),
                    Prng(1, "disk/b/latency"));
  const std::vector<std::int64_t> draws = draw_fsyncs(timing, 400);
  for (std::int64_t us : draws) CHECK((us >= 100 && us <= 103));
  for (std::int64_t us = 100; us <= 103; ++us) {
    const auto hits = std::count(draws.begin(), draws.end(), us);
    INFO(us << " drawn " << hits << " times");
    CHECK((hits > 60 && hits < 140));  // 100 expected each
  }
}

TEST_CASE("long-tail fsync latency is mostly near the minimum with rare long stalls",
          "[sim][disk]") {
  DiskOptions options = fsync_options(FsyncLatencyDistribution::long_tail, 1_ms, 100_ms);
  options.fsync_latency_tail_alpha = Ratio{3, 2};
  DiskTiming timing(options, Prng(9, "disk/b/latency"));
  std::vector<std::int64_t> draws = draw_fsyncs(timing, 4000);
  std::sort(draws.begin(), draws.end());
  CHECK(draws.front() >= 1000);
  CHECK(draws.back() <= 100'000);
  // P(X > x) = (min / x)^1.5: the median is 1.587 ms, 1% of draws exceed 21.5 ms.
  const std::int64_t median = draws[2000];
  CHECK((median > 1450 && median < 1750));
  const auto over_21ms = std::count_if(draws.begin(), draws.end(),
                                       [](std::int64_t us) { return us > 21'500; });
  CHECK((over_21ms > 20 && over_21ms < 70));  // 40 expected
  const auto at_cap = std::count(draws.begin(), draws.end(), 100'000);
  CHECK(at_cap < 10);  // P(X > 100 ms) = 0.1%: about 4
}

TEST_CASE("a slow disk scales every latency by its factor", "[sim][disk]") {
  DiskOptions options = fsync_options(FsyncLatencyDistribution::uniform, 500_us, 2_ms);
  DiskTiming healthy(options, Prng(5, "disk/b/latency"));
  options.slow_percent = 350;
  DiskTiming slow(options, Prng(5, "disk/b/latency"));
  const std::vector<std::int64_t> base = draw_fsyncs(healthy, 20);
  const std::vector<std::int64_t> slowed = draw_fsyncs(slow, 20);
  for (std::size_t i = 0; i < base.size(); ++i) {
    CHECK(slowed[i] == (base[i] * 350 + 99) / 100);
  }
  // Append: 10 us per op + 500 us per MiB, rounded up.
  CHECK(healthy.append_latency(0) == 10_us);
  CHECK(healthy.append_latency(1) == 11_us);
  CHECK(healthy.append_latency(1 << 20) == 510_us);
  CHECK(healthy.append_latency(3 << 19) == 760_us);
  CHECK(slow.append_latency(1 << 20) == 1785_us);
  slow.set_slow_percent(100);
  CHECK(slow.append_latency(1 << 20) == 510_us);
  CHECK_THROWS_WITH(slow.set_slow_percent(1'000'001),
                    "Invalid disk option: slow_percent = 1000001 is outside 1..1000000");
}

TEST_CASE("the disk charges the time of each write and queues work on a busy-until clock",
          "[sim][disk]") {
  DiskOptions options = fsync_options(FsyncLatencyDistribution::fixed, 1_ms, 1_ms);
  options.append_latency_per_op = 10_us;
  options.append_latency_per_mib = 1_ms;
  SimDiskFixture fixture(false, options);
  SimDisk& disk = *fixture.disk;
  storage::FileSystem& fs = disk.file_system();
  auto file = fs.open("a.log", storage::OpenMode::create);
  std::string half_mib(1 << 19, 'x');
  append(*file, half_mib);  // 10 + 500
  append(*file, "tiny");    // 10 + 1
  file->fsync();            // 1000
  storage::Bytes buffer(4);
  file->read_at(0, buffer);  // the page cache: free
  CHECK(disk.timing().pending_busy_time() == 1521_us);

  // Work issued by an event at t=5ms completes 1.521 ms later.
  CHECK(disk.complete_pending_io(SimTime::from_ms(5)) == SimTime::from_us(6521));
  CHECK(disk.busy_until() == SimTime::from_us(6521));
  // An append at t=6ms queues behind it.
  append(*file, "y");
  CHECK(disk.complete_pending_io(SimTime::from_ms(6)) == SimTime::from_us(6532));
  // Nothing pending: done at once, or when the disk is through with what it queued.
  CHECK(disk.complete_pending_io(SimTime::from_ms(6)) == SimTime::from_us(6532));
  CHECK(disk.complete_pending_io(SimTime::from_ms(9)) == SimTime::from_ms(9));
  CHECK(disk.busy_until() == SimTime::from_us(6532));

  // The lower-level view: the pending time, taken and cleared, without the clock.
  file->fsync();
  CHECK(disk.take_busy_time() == 1_ms);
  CHECK(disk.take_busy_time() == SimDuration::zero());
  CHECK(disk.busy_until() == SimTime::from_us(6532));

  // Failed writes cost nothing.
  disk.set_fail_writes(true);
  CHECK_THROWS_AS(append(*file, "z"), storage::IoError);
  CHECK_THROWS_AS(file->fsync(), storage::IoError);
  CHECK(disk.take_busy_time() == SimDuration::zero());
  disk.set_fail_writes(false);

  // kill -9 forgets the dead process's pending work; a power loss leaves the disk idle.
  append(*file, "w");
  disk.crash_process();
  CHECK(disk.take_busy_time() == SimDuration::zero());
  CHECK(disk.busy_until() == SimTime::from_us(6532));
  disk.power_loss();
  CHECK(disk.busy_until() == SimTime::zero());
  CHECK(disk.stats().busy_time_total == 1521_us + 11_us + 1_ms + 11_us);
}

TEST_CASE("a disk's latencies depend on the seed and its name; its options go in the header",
          "[sim][disk]") {
  DiskOptions options;
  options.fsync_latency_distribution = FsyncLatencyDistribution::long_tail;
  auto draws = [&](std::uint64_t seed, const std::string& name, bool draw_elsewhere_first) {
    Simulation sim(SimulationOptions{.seed = seed});
    if (draw_elsewhere_first) sim.prng("network").next_u64();
    SimDisk disk(sim, name, options);
    CHECK(sim.header().get("disk." + name + ".fsync_latency_distribution") == "long_tail");
    std::vector<std::int64_t> out;
    for (int i = 0; i < 10; ++i) out.push_back(disk.fsync_latency().to_us());
    return out;
  };
  CHECK(draws(11, "broker-1", false) == draws(11, "broker-1", true));
  CHECK(draws(11, "broker-1", false) != draws(12, "broker-1", false));
  CHECK(draws(11, "broker-1", false) != draws(11, "broker-2", false));
}
