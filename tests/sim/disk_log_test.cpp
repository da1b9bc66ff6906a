// A broker's partition log (storage::Log) on a SimDisk, in memory and in a real directory:
// kill -9 keeps unflushed records, a power loss drops them, torn writes are recovered to a
// prefix deterministically per seed, and full and failing disks surface as IoError while the
// log stays consistent.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/storage/log.h"
#include "core/storage/posix_file_system.h"
#include "core/storage/segment_dump.h"
#include "disk_test_support.h"

using namespace ksim;
using namespace ksim::sim;
using namespace ksim::sim::disk_test;
using storage::IoError;
using Kind = storage::IoError::Kind;

namespace {

storage::LogConfig indexed_config() {
  storage::LogConfig config;
  config.index_interval_bytes = 1;  // an index entry per batch: the indexes get torn too
  return config;
}

// Five records flushed, three more written but not flushed; the Log (the process) is gone.
void write_five_flushed_three_not(storage::FileSystem& fs) {
  storage::Log log(fs, partition_directory, indexed_config(), storage::LogLoadParams{});
  REQUIRE(append_values(log, 5) == 5);
  log.flush();
  REQUIRE(log.recovery_point() == 5);
  REQUIRE(append_values(log, 3) == 8);
}

struct TornRun {
  Snapshot files;
  std::vector<UnsyncedTailFate> fates;
  std::int64_t recovered_log_end_offset = 0;
  std::vector<std::string> recovered_values;
};

TornRun torn_power_loss(std::uint64_t seed, bool in_directory) {
  DiskOptions options;
  options.torn_write_probability = Ratio::one();
  options.torn_write_garbage_probability = Ratio::percent(50);
  options.torn_write_garbage_bytes_max = 4;
  SimDiskFixture fixture(in_directory, options, seed);
  SimDisk& disk = *fixture.disk;
  write_five_flushed_three_not(disk.file_system());
  TornRun run;
  run.fates = disk.power_loss();
  run.files = snapshot(disk.file_system());
  storage::Log log(disk.file_system(), partition_directory, indexed_config(), unclean(5));
  run.recovered_log_end_offset = log.log_end_offset();
  run.recovered_values = values_of(log);
  return run;
}

}  // namespace

TEST_CASE("kill -9 keeps a log's unflushed records and a power loss drops them", "[sim][disk]") {
  const bool in_directory = GENERATE(false, true);
  INFO((in_directory ? "in a directory" : "in memory"));
  SimDiskFixture fixture(in_directory);
  SimDisk& disk = *fixture.disk;
  storage::FileSystem& fs = disk.file_system();
  write_five_flushed_three_not(fs);
  const std::uint64_t unsynced = disk.unsynced_bytes(first_segment);
  CHECK(unsynced > 0);
  const std::string durable = storage::to_string(disk.durable_content(first_segment));
  CHECK(durable.size() + unsynced == contents(fs, first_segment).size());

  SECTION("kill -9") {
    disk.crash_process();
    CHECK(disk.unsynced_bytes(first_segment) == unsynced);
    storage::Log log(fs, partition_directory, indexed_config(), unclean(5));
    CHECK(log.log_end_offset() == 8);
    CHECK(values_of(log) == expected_values(8));
    CHECK(log.load_report().truncated_bytes == 0);
  }
  SECTION("power loss") {
    const std::vector<UnsyncedTailFate> fates = disk.power_loss();
    CHECK(contents(fs, first_segment) == durable);
    CHECK(disk.unsynced_bytes(first_segment) == 0);
    REQUIRE_FALSE(fates.empty());
    for (const UnsyncedTailFate& fate : fates) CHECK_FALSE(fate.torn());
    storage::Log log(fs, partition_directory, indexed_config(), unclean(5));
    CHECK(log.log_end_offset() == 5);
    CHECK(values_of(log) == expected_values(5));
    // The restarted broker appends where the durable log ended.
    CHECK(append_values(log, 1) == 6);
    CHECK(values_of(log) == expected_values(6));
  }
}

TEST_CASE("torn writes are the same for a seed, differ across seeds, and recover to a prefix",
          "[sim][disk]") {
  std::set<Snapshot> distinct;
  std::uint64_t runs_with_garbage = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    const TornRun first = torn_power_loss(seed, false);
    const TornRun again = torn_power_loss(seed, false);
    CHECK(again.files == first.files);
    CHECK(again.fates == first.fates);
    distinct.insert(first.files);
    for (const UnsyncedTailFate& fate : first.fates) {
      CHECK(fate.torn());  // probability one
      CHECK(fate.bytes_kept >= 1);
      CHECK(fate.bytes_kept <= fate.unsynced_bytes);
      CHECK(fate.garbage_bytes <= 4);
      if (fate.garbage_bytes > 0) ++runs_with_garbage;
    }
    // Recovery keeps the synced records and at most the torn ones, never a damaged record.
    CHECK(first.recovered_log_end_offset >= 5);
    CHECK(first.recovered_log_end_offset <= 8);
    CHECK(first.recovered_values == expected_values(first.recovered_log_end_offset));
  }
  CHECK(distinct.size() >= 6);
  CHECK(runs_with_garbage > 0);

  // A real directory tears exactly as memory does for the same seed.
  const TornRun in_memory = torn_power_loss(3, false);
  const TornRun in_directory = torn_power_loss(3, true);
  CHECK(in_directory.fates == in_memory.fates);
  CHECK(in_directory.files == in_memory.files);
  CHECK(in_directory.recovered_values == in_memory.recovered_values);
}

TEST_CASE("a full disk fails a log append with no_space and the log stays consistent",
          "[sim][disk]") {
  const bool in_directory = GENERATE(false, true);
  INFO((in_directory ? "in a directory" : "in memory"));
  SimDiskFixture fixture(in_directory);
  SimDisk& disk = *fixture.disk;
  storage::FileSystem& fs = disk.file_system();
  {
    auto junk = fs.open("junk", storage::OpenMode::create);
    junk->append(storage::Bytes(100, 0x6A));  // room for one more batch later
    junk->fsync();
  }
  {
    storage::Log log(fs, partition_directory, indexed_config(), storage::LogLoadParams{});
    append_values(log, 3);
    log.flush();
    const std::string segment_before = contents(fs, first_segment);

    disk.set_full(true);
    CHECK(disk.is_full());
    CHECK(disk.stats().capacity_bytes == std::optional<std::uint64_t>(disk.stats().used_bytes));
    storage::Bytes batch = batch_of({"refused"});
    IoError error = io_error_from([&] { log.append_as_leader(batch, 0, 1000); });
    CHECK(error.kind() == Kind::no_space);
    CHECK(std::string(error.what()) == "No space left on device: " + first_segment);
    CHECK(log.log_end_offset() == 3);
    CHECK(values_of(log) == expected_values(3));
    CHECK(contents(fs, first_segment) == segment_before);
    CHECK(disk.stats().no_space_errors == 1);

    // Like Kafka's failed log directory, the log is offline now: freeing space does not bring
    // it back, and nothing more reaches the disk.
    CHECK(log.is_offline());
    fs.remove("junk");  // space freed, as on a real disk
    IoError offline = io_error_from([&] { append_values(log, 1); });
    CHECK(offline.kind() == Kind::io_failure);
    CHECK_THAT(offline.what(), Catch::Contains("offline"));
    CHECK(disk.stats().no_space_errors == 1);
    CHECK(log.log_end_offset() == 3);
    CHECK(values_of(log) == expected_values(3));
  }
  // Reopened (the broker restarts): the log is intact and takes appends while space lasts.
  disk.crash_process();
  storage::Log reopened(fs, partition_directory, indexed_config(), unclean(3));
  CHECK(reopened.log_end_offset() == 3);
  CHECK(reopened.load_report().truncated_bytes == 0);
  CHECK_FALSE(reopened.is_offline());
  CHECK(append_values(reopened, 1) == 4);
  CHECK(values_of(reopened) == expected_values(4));
  disk.set_full(false);
  CHECK_FALSE(disk.is_full());
  CHECK(disk.stats().capacity_bytes == std::nullopt);
  CHECK(append_values(reopened, 2) == 6);
  CHECK(values_of(reopened) == expected_values(6));
}

TEST_CASE("a failing disk surfaces as IoError through the log", "[sim][disk]") {
  const bool in_directory = GENERATE(false, true);
  INFO((in_directory ? "in a directory" : "in memory"));
  SimDiskFixture fixture(in_directory);
  SimDisk& disk = *fixture.disk;
  storage::Log log(disk.file_system(), partition_directory, indexed_config(),
                   storage::LogLoadParams{});
  append_values(log, 2);
  disk.set_fail_writes(true);
  CHECK(disk.fail_writes());
  storage::Bytes batch = batch_of({"refused"});
  IoError on_append = io_error_from([&] { log.append_as_leader(batch, 0, 1000); });
  CHECK(on_append.kind() == Kind::io_failure);
  CHECK(std::string(on_append.what()) == "Input/output error: " + first_segment);
  // The log went offline: a flush is refused without touching the disk again.
  IoError on_flush = io_error_from([&] { log.flush(); });
  CHECK(on_flush.kind() == Kind::io_failure);
  CHECK_THAT(on_flush.what(), Catch::Contains("offline"));
  CHECK(log.log_end_offset() == 2);
  CHECK(log.recovery_point() == 0);
  CHECK(disk.stats().io_errors == 1);
  disk.set_fail_writes(false);
  CHECK_THROWS_AS(log.flush(), IoError);  // still offline until reopened
  storage::Log reopened(disk.file_system(), partition_directory, indexed_config(), unclean(0));
  reopened.flush();
  CHECK(reopened.recovery_point() == 2);
  CHECK(append_values(reopened, 1) == 3);

  DiskOptions failing;
  failing.fail_writes = true;
  SimDiskFixture broken(in_directory, failing);
  CHECK(broken.disk->fail_writes());
  CHECK(io_error_from([&] {
          storage::Log fresh(broken.disk->file_system(), partition_directory, indexed_config(),
                             storage::LogLoadParams{});
          append_values(fresh, 1);
        }).kind() == Kind::io_failure);
}

TEST_CASE("a data directory holds real segment files that survive the power loss as synced",
          "[sim][disk]") {
  SimDiskFixture fixture(true);
  SimDisk& disk = *fixture.disk;
  const std::string root = *disk.data_directory();
  CHECK(root == fixture.directory->path() + "/data");
  write_five_flushed_three_not(disk.file_system());
  const storage::Bytes durable = disk.durable_content(first_segment);
  disk.power_loss();

  // What a student sees with `ls` and `ksim dump-log`, read without the model.
  storage::PosixFileSystem outside(root);
  CHECK(outside.list(partition_directory) ==
        std::vector<std::string>{"00000000000000000000.index", "00000000000000000000.log",
                                 "00000000000000000000.timeindex", "leader-epoch-checkpoint"});
  const storage::Bytes on_disk = storage::read_file(outside, first_segment);
  CHECK(on_disk == durable);
  const storage::SegmentDump dump =
      storage::dump_segment_file("00000000000000000000.log", on_disk, storage::DumpOptions{});
  CHECK_FALSE(dump.damaged);
  CHECK(dump.text.find("baseOffset: 4 lastOffset: 4") != std::string::npos);
  CHECK(dump.text.find("baseOffset: 5") == std::string::npos);

  storage::Log log(outside, partition_directory, indexed_config(), unclean(5));
  CHECK(log.log_end_offset() == 5);
  CHECK(values_of(log) == expected_values(5));
}
