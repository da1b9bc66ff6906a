// Log compaction: the latest value per key survives with its offset; tombstones live for
// delete.retention.ms; the active segment and anything at or above the HW are never cleaned;
// an interrupted compaction is completed or discarded on load.
#include <catch2/catch.hpp>

#include <map>

#include "core/storage/log.h"
#include "core/storage/log_cleaner.h"
#include "core/storage/segment_dump.h"
#include "log_test_support.h"

using namespace ksim::storage;
using namespace ksim::storage::test;

namespace {

LogConfig compacted_config() {
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::compact;
  config.segment_bytes = 400;
  config.delete_retention_ms = 10'000;
  return config;
}

std::map<std::int64_t, std::string> by_offset(const std::vector<Record>& records) {
  std::map<std::int64_t, std::string> out;
  for (const Record& r : records) {
    out[r.offset] = to_string(*r.key) + "=" + (r.value ? to_string(*r.value) : "<tombstone>");
  }
  return out;
}

}  // namespace

TEST_CASE("compaction keeps the latest value of every key at its original offset",
          "[compaction]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", compacted_config(), {});
  for (int round = 0; round < 6; ++round) {
    for (int k = 0; k < 4; ++k) {
      put(log, "k" + std::to_string(k), "r" + std::to_string(round), 100);
    }
  }
  const std::int64_t leo = log.log_end_offset();
  const std::int64_t active_base = log.active_segment().base_offset();
  REQUIRE(log.number_of_segments() > 3);
  const auto before = by_offset(log.read_records(0));

  const CleanerStats stats = LogCleaner::clean(log, 200, leo);
  CHECK(stats.first_uncleanable_offset == active_base);
  CHECK(stats.segments_cleaned == log.number_of_segments() - 1 + stats.segments_removed);
  CHECK(log.segments().front()->base_offset() == 0);  // the first segment stays, maybe empty
  CHECK(log.log_start_offset() == 0);
  CHECK(log.log_end_offset() == leo);

  const auto after = by_offset(log.read_records(0));
  // Below the active segment: one record per key, the newest one in the cleaned range.
  std::map<std::string, std::int64_t> newest_below_active;
  for (const auto& [offset, kv] : before) {
    if (offset < active_base) newest_below_active[kv.substr(0, 2)] = offset;
  }
  std::size_t cleaned_records = 0;
  for (const auto& [offset, kv] : after) {
    if (offset >= active_base) continue;
    ++cleaned_records;
    CHECK(newest_below_active.at(kv.substr(0, 2)) == offset);
    CHECK(before.at(offset) == kv);  // offsets preserved with their values
  }
  CHECK(cleaned_records == newest_below_active.size());
  // The active segment is untouched.
  for (const auto& [offset, kv] : before) {
    if (offset >= active_base) CHECK(after.at(offset) == kv);
  }
  CHECK(stats.records_retained == static_cast<std::int64_t>(cleaned_records));
  CHECK(stats.bytes_after < stats.bytes_before);

  // The compacted log survives a reopen, and reads from a removed offset start at the next one.
  Log reopened(fs, "t-0", compacted_config(), {});
  CHECK(reopened.log_start_offset() == 0);
  CHECK(by_offset(reopened.read_records(0)) == after);
  CHECK(reopened.read_records(1).front().offset >= 1);
}

TEST_CASE("tombstones are kept for delete.retention.ms, then removed", "[compaction]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", compacted_config(), {});
  put(log, "user-1", "alice", 1000);
  put(log, "user-2", "bob", 1000);
  put(log, "user-1", std::nullopt, 1000);  // delete user-1
  log.roll(1000);
  put(log, "user-3", "carol", 2000);

  LogCleaner::clean(log, 5000, log.log_end_offset());
  auto records = by_offset(log.read_records(0));
  CHECK(records == std::map<std::int64_t, std::string>{
                       {1, "user-2=bob"}, {2, "user-1=<tombstone>"}, {3, "user-3=carol"}});

  // KIP-534: that first cleaning stamped the tombstone's batch with a delete horizon of
  // 5000 + delete.retention.ms; until then it stays, after that it goes.
  const BatchHeader stamped = log.batch_headers()[1];
  CHECK(stamped.base_offset == 2);
  CHECK(stamped.delete_horizon_ms() == 15'000);
  const SegmentDump dump = dump_segment_file(
      "00000000000000000000.log", read_file(fs, "t-0/00000000000000000000.log"), {});
  CHECK_THAT(dump.text, Catch::Contains("baseOffset: 2 lastOffset: 2 count: 1") &&
                            Catch::Contains("deleteHorizonMs: OptionalLong[15000]"));
  CHECK(LogCleaner::clean(log, 14'999, log.log_end_offset()).tombstones_removed == 0);
  const CleanerStats stats = LogCleaner::clean(log, 15'000, log.log_end_offset());
  CHECK(stats.tombstones_removed == 1);
  records = by_offset(log.read_records(0));
  CHECK(records == std::map<std::int64_t, std::string>{{1, "user-2=bob"}, {3, "user-3=carol"}});
}

TEST_CASE("compaction stops at the high watermark and honours min.compaction.lag.ms",
          "[compaction]") {
  MemoryFileSystem fs;
  LogConfig config = compacted_config();
  Log log(fs, "t-0", config, {});
  for (int i = 0; i < 3; ++i) put(log, "k", "v" + std::to_string(i), 100);
  log.roll(100);
  for (int i = 3; i < 6; ++i) put(log, "k", "v" + std::to_string(i), 100);
  log.roll(100);
  put(log, "k", "v6", 100);

  // HW 4: only the first segment [0,3) is below it.
  CleanerStats stats = LogCleaner::clean(log, 200, 4);
  CHECK(stats.first_uncleanable_offset == 3);
  CHECK(offsets_of(log.read_records(0)) == std::vector<std::int64_t>{2, 3, 4, 5, 6});

  config.min_compaction_lag_ms = 1000;
  log.update_config(config);
  stats = LogCleaner::clean(log, 500, log.log_end_offset());  // everything younger than the lag
  CHECK(stats.segments_cleaned == 0);
  stats = LogCleaner::clean(log, 1200, log.log_end_offset());
  CHECK(offsets_of(log.read_records(0)) == std::vector<std::int64_t>{5, 6});
}

TEST_CASE("a delete-only topic is not compacted", "[compaction]") {
  MemoryFileSystem fs;
  Log log(fs, "t-0", small_segments(200), {});
  for (int i = 0; i < 10; ++i) put(log, "k", "v", 0);
  CHECK(LogCleaner::clean(log, 0, log.log_end_offset()).segments_cleaned == 0);
  CHECK(log.read_records(0).size() == 10);
}

TEST_CASE("a compaction swap found on load is completed", "[compaction][recovery]") {
  MemoryFileSystem fs;
  LogConfig config = compacted_config();
  {
    Log log(fs, "t-0", config, {});
    for (int i = 0; i < 3; ++i) put(log, "k", "v" + std::to_string(i), 100);
    log.roll(100);
    put(log, "k", "v3", 100);
  }
  // Simulate a cleaner that wrote and renamed its replacement of segment 0 (only offset 2 kept)
  // and stopped before deleting the old files.
  {
    MemoryFileSystem scratch;
    Log other(scratch, "x", config, {});
    for (int i = 0; i < 3; ++i) put(other, "k", "v" + std::to_string(i), 100);
    other.roll(100);
    put(other, "k", "v3", 100);
    LogCleaner::clean(other, 200, 3);
    auto swap = fs.open("t-0/00000000000000000000.log.swap", OpenMode::create_truncate);
    swap->append(read_file(scratch, "x/00000000000000000000.log"));
    swap->fsync();
  }
  Log reopened(fs, "t-0", config, {});
  CHECK(offsets_of(reopened.read_records(0)) == std::vector<std::int64_t>{2, 3});
  CHECK_FALSE(fs.exists("t-0/00000000000000000000.log.swap"));
  CHECK(fs.exists("t-0/00000000000000000000.index"));
}
