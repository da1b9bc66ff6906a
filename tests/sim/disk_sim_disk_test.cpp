// SimDisk as the process layer and the GUI use it: counters, capacity and full disks, what a
// power loss reports, the PRNG streams, and the fence against a killed process writing on.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "disk_test_support.h"
#include "expect_abort.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::disk_test;
using storage::OpenMode;
using Kind = storage::IoError::Kind;

TEST_CASE("a disk counts what the broker wrote", "[sim][disk]") {
  const bool in_directory = GENERATE(false, true);
  INFO((in_directory ? "in a directory" : "in memory"));
  SimDiskFixture fixture(in_directory);
  SimDisk& disk = *fixture.disk;
  CHECK(disk.data_directory().has_value() == in_directory);
  storage::FileSystem& fs = disk.file_system();
  fs.create_directories("my-topic-0");
  auto file = fs.open(first_segment, OpenMode::create);
  append(*file, "0123456789");
  file->fsync();
  append(*file, "abcde");
  append(*file, "");
  DiskStats stats = disk.stats();
  CHECK(stats.append_calls == 3);
  CHECK(stats.bytes_written == 15);
  CHECK(stats.fsync_calls == 1);
  CHECK(stats.used_bytes == 15);
  CHECK(stats.unsynced_bytes == 5);
  CHECK(stats.capacity_bytes == std::nullopt);
  CHECK(stats.slow_percent == 100);
  CHECK_FALSE(stats.full);
  CHECK_FALSE(stats.fail_writes);
  CHECK(stats.busy_time_total > SimDuration::zero());

  disk.crash_process();
  disk.power_loss();
  disk.set_slow(400);
  stats = disk.stats();
  CHECK(stats.process_crashes == 1);
  CHECK(stats.power_losses == 1);
  CHECK(stats.torn_files == 0);
  CHECK(stats.unsynced_bytes == 0);
  CHECK(stats.used_bytes == 10);
  CHECK(stats.slow_percent == 400);
  CHECK(disk.options().slow_percent == 400);
}

TEST_CASE("capacity, a full disk and freeing space", "[sim][disk]") {
  const bool in_directory = GENERATE(false, true);
  INFO((in_directory ? "in a directory" : "in memory"));
  DiskOptions options;
  options.capacity_bytes = 12;
  SimDiskFixture fixture(in_directory, options);
  SimDisk& disk = *fixture.disk;
  storage::FileSystem& fs = disk.file_system();
  auto file = fs.open("a.log", OpenMode::create);
  append(*file, "12345678");
  CHECK(io_error_from([&] { append(*file, "abcde"); }).kind() == Kind::no_space);

  disk.set_full(true);
  CHECK(disk.stats().capacity_bytes == std::optional<std::uint64_t>(8));
  CHECK(io_error_from([&] { append(*file, "a"); }).kind() == Kind::no_space);
  file->truncate(6);  // frees two bytes
  append(*file, "ab");
  CHECK(io_error_from([&] { append(*file, "c"); }).kind() == Kind::no_space);
  disk.set_full(false);  // back to the configured 12
  append(*file, "cdef");
  CHECK(io_error_from([&] { append(*file, "g"); }).kind() == Kind::no_space);
  disk.set_capacity(std::nullopt);
  append(*file, "ghijklmnop");
  CHECK(contents(fs, "a.log") == "123456abcdefghijklmnop");
  CHECK(disk.stats().no_space_errors == 4);
  disk.set_full(true);
  disk.set_capacity(100);  // a new capacity ends the full state
  CHECK_FALSE(disk.is_full());
  append(*file, "q");
}

TEST_CASE("a power loss reports what it did to each file", "[sim][disk]") {
  DiskOptions options;
  options.torn_write_probability = Ratio::one();
  options.torn_write_garbage_probability = Ratio::one();
  options.torn_write_garbage_bytes_max = 2;
  SimDiskFixture fixture(false, options, 5);
  SimDisk& disk = *fixture.disk;
  storage::FileSystem& fs = disk.file_system();
  auto a = fs.open("a.log", OpenMode::create);
  append(*a, "synced|");
  a->fsync();
  const std::string tail = "0123456789abcdefghij";
  append(*a, tail);
  auto b = fs.open("b.log", OpenMode::create);
  append(*b, "b-synced");
  b->fsync();
  a.reset();
  b.reset();

  const std::vector<UnsyncedTailFate> fates = disk.power_loss();
  REQUIRE(fates.size() == 1);  // b.log had nothing unsynced
  const UnsyncedTailFate& fate = fates[0];
  CHECK(fate.path == "a.log");
  CHECK(fate.durable_size == 7);
  CHECK(fate.unsynced_bytes == 20);
  REQUIRE(fate.torn());
  REQUIRE(fate.garbage_bytes >= 1);
  REQUIRE(fate.garbage_bytes <= 2);
  REQUIRE(fate.garbage_offset + fate.garbage_bytes <= fate.bytes_kept);
  const std::string after = contents(fs, "a.log");
  REQUIRE(after.size() == 7 + fate.bytes_kept);
  CHECK(after.substr(0, 7) == "synced|");
  // Exactly the garbage range differs from what was written, every byte of it.
  for (std::uint64_t i = 0; i < fate.bytes_kept; ++i) {
    const bool garbage = i >= fate.garbage_offset && i < fate.garbage_offset + fate.garbage_bytes;
    INFO("tail byte " << i);
    CHECK((after[7 + i] != tail[i]) == garbage);
  }
  CHECK(contents(fs, "b.log") == "b-synced");
  CHECK(disk.stats().torn_files == 1);
}

TEST_CASE("power losses draw from the disk's own stream", "[sim][disk]") {
  DiskOptions options;
  options.torn_write_probability = Ratio::percent(50);
  auto fates_of = [&](std::uint64_t seed, const std::string& name, int extra_fsyncs) {
    Simulation sim(SimulationOptions{.seed = seed});
    SimDisk disk(sim, name, options);
    std::vector<UnsyncedTailFate> all;
    for (int round = 0; round < 4; ++round) {
      auto file = disk.file_system().open("f" + std::to_string(round), OpenMode::create);
      for (int i = 0; i < extra_fsyncs; ++i) file->fsync();  // latency draws: another stream
      append(*file, std::string(100, 'x'));
      file.reset();
      for (const UnsyncedTailFate& fate : disk.power_loss()) all.push_back(fate);
    }
    return all;
  };
  const auto reference = fates_of(3, "broker-1", 0);
  CHECK(reference.size() == 4);
  CHECK(fates_of(3, "broker-1", 5) == reference);
  CHECK(fates_of(4, "broker-1", 0) != reference);
  CHECK(fates_of(3, "broker-2", 0) != reference);
}

TEST_CASE("a process killed by kill -9 or a power loss may not write through old handles",
          "[sim][disk]") {
  SimDiskFixture fixture(false);
  SimDisk& disk = *fixture.disk;
  auto old_handle = disk.file_system().open("a.log", OpenMode::create);
  append(*old_handle, "before");
  disk.crash_process();
  // Reading is fine: it shows what is on the disk.
  CHECK(old_handle->size() == 6);
  auto outcome = testing::run_expecting_abort([&] { append(*old_handle, "after"); });
  CHECK(outcome.aborted);
  CHECK(outcome.stderr_text.find("disk broker-1: a process killed by kill -9 or a power loss "
                                 "tried to append to a.log") != std::string::npos);
  CHECK(testing::run_expecting_abort([&] { old_handle->fsync(); }).aborted);
  // The restarted process opens its files again.
  auto new_handle = disk.file_system().open("a.log", OpenMode::read_write);
  append(*new_handle, "+restarted");
  new_handle->fsync();
  disk.power_loss();
  CHECK(testing::run_expecting_abort([&] { new_handle->truncate(0); }).aborted);
  CHECK(contents(disk.file_system(), "a.log") == "before+restarted");
}
